import { changeFromEvent, PolicyHistory } from '@service-ledger/policies';
import { DateTime } from 'luxon';
import type { Analytics } from '../client';
import { parseMonth } from './run';

interface RawPolicyRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  position_text: string;
  occurred_at: string;
  actor_id: string;
  actor_role: string;
  project_id: string;
  data: string;
}

/**
 * The policy changes as the projections saw them (raw events in the analytics store): KPI runs, exports and dashboards
 * read the same history the projector evaluated with, without a trip to the event store.
 */
export async function policyHistoryOf(db: Analytics, timeZone?: string): Promise<PolicyHistory> {
  // In log order, by the number: an alias named like the column would sort its text (ORDER BY sees the alias), 10 before
  // 9; the first of two changes with the same id is the one kept.
  // Without FINAL (issue 20, P6: 0.15 s of CPU a call at 11.4 M events, for some 30 rows): under FINAL ClickHouse reads
  // every column of every fact, the payments' and complaints' JSON included, before it can test the type; without it
  // the type is tested first and only the policy facts' granules are read. FINAL would only fold a fact stored twice (a
  // batch projected again), and such copies are the same event at the same position, with the same change id, so
  // `PolicyHistory.add` keeps one of them anyway.
  const rows = await db.query<RawPolicyRow>(
    "SELECT event_id, stream_id, stream_version, toString(position) AS position_text, toString(occurred_at) AS occurred_at, actor_id, actor_role, project_id, data FROM {{event_facts}} WHERE type = 'PolicyChanged' ORDER BY position",
  );
  const history = new PolicyHistory(timeZone);
  for (const r of rows) {
    const at = `${r.occurred_at.replace(' ', 'T')}Z`;
    history.add(
      changeFromEvent({
        eventId: r.event_id, streamId: r.stream_id, streamVersion: Number(r.stream_version), globalPosition: BigInt(r.position_text), type: 'PolicyChanged', schemaVersion: 1,
        data: JSON.parse(r.data), occurredAt: at, recordedAt: at, actor: { staffId: r.actor_id, role: r.actor_role as never }, projectId: r.project_id, correlationId: '', causationId: null,
      }),
    );
  }
  return history;
}

/** The month's first and last instants (epoch ms) in a time zone. */
export function monthBounds(month: string, timeZone = 'Asia/Shanghai'): { start: number; end: number } {
  parseMonth(month);
  const start = DateTime.fromISO(`${month}-01`, { zone: timeZone });
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() - 1 };
}

/** Score weights per project: the policy in force at the end of the month (the month is judged by its last rules). */
export function weightsForMonth(history: PolicyHistory, month: string, timeZone?: string) {
  const { end } = monthBounds(month, timeZone);
  return (projectId: string) => history.inForce(projectId, end).scoreWeights;
}

/** The changes in force at any time during the month for the projects (their sections applied to clocks started then). */
export function versionsInMonth(history: PolicyHistory, month: string, projectIds: readonly string[], timeZone?: string) {
  const { start, end } = monthBounds(month, timeZone);
  const ids = new Set<string>();
  for (const p of projectIds) {
    for (const c of history.inForce(p, start).changes) ids.add(c.id);
    for (const c of history.all()) if ((c.scope === 'company' || c.scope === p) && Date.parse(c.effectiveFrom) > start && Date.parse(c.effectiveFrom) <= end) ids.add(c.id);
  }
  return history.all().filter((c) => ids.has(c.id));
}
