import { randomUUID } from 'node:crypto';
import { ValidationError } from '@service-ledger/core';
import { zodToValidationError } from '@service-ledger/application';
import { type PolicyChange, policySections, slaLimits } from '@service-ledger/policies';
import type { EventStore } from '@service-ledger/event-store';
import type { Analytics } from '../client';
import { replay } from '../projector/replay';
import { monthBounds } from './policies';
import { type KpiValue, runKpisByProject } from './run';

export interface WhatIfRequest {
  month: string;
  /** The proposed sections, as a policy file or request body carries them (validated here). */
  policy: unknown;
  /** The project the proposal is for; absent: the company. */
  project?: string;
  timeZone?: string;
}

export interface KpiComparison {
  id: string;
  zh: string;
  en: string;
  kind: KpiValue['kind'];
  old: { numerator: number; denominator: number; rate: number | null };
  new: { numerator: number; denominator: number; rate: number | null };
  /** new − old: of the rate for rates, of the count for counts. */
  difference: number | null;
}

export interface WhatIfResult {
  month: string;
  scope: string;
  effectiveFrom: string;
  /** The live tables' position the scratch replay stopped at, so both sides saw the same events. */
  position: string;
  company: KpiComparison[];
  projects: { projectId: string; kpis: KpiComparison[] }[];
}

/**
 * Evaluates a month under a proposed policy (ServiceNow's "SLA repair" without the repair): the whole log is replayed
 * into a scratch database with the proposal taking effect at the start of the month, after every recorded change, and
 * every KPI is set beside the live one. The live tables are only read; the scratch database is dropped afterwards.
 * Applying the proposal is an ordinary ChangePolicy with an effective date.
 */
export async function whatIf(store: EventStore, live: Analytics, req: WhatIfRequest): Promise<WhatIfResult> {
  if (req.project !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(req.project)) throw ValidationError.field('project', 'format', 'must be 1–32 letters, digits, - or _');
  const parsed = policySections.safeParse(req.policy);
  if (!parsed.success) throw zodToValidationError(parsed.error, 'policy');
  const { start } = monthBounds(req.month, req.timeZone);
  // A duplicate event row has the same position: the maximum needs no FINAL.
  const [head] = await live.query<{ p: string }>('SELECT toString(max(position)) AS p FROM {{events}}');
  const position = BigInt(head?.p ?? '0');
  const scope = req.project ?? 'company';
  const effectiveFrom = new Date(start).toISOString();
  const proposed: PolicyChange = {
    id: `${scope}#proposed`, scope, change: Number.MAX_SAFE_INTEGER, effectiveFrom, reason: 'what-if', setBy: 'what-if', recordedAt: new Date().toISOString(), position: position + 1n,
    sections: JSON.parse(JSON.stringify({ ...parsed.data, sla: parsed.data.sla ? slaLimits(parsed.data.sla) : undefined })),
  };
  const scratch = live.withDatabase(`${live.database}_whatif_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
  try {
    await replay(store, scratch, { timeZone: req.timeZone, proposed: [proposed] }, undefined, position);
    const filters = { month: req.month, timeZone: req.timeZone };
    const [before, after] = await Promise.all([runKpisByProject(live, filters), runKpisByProject(scratch, filters)]);
    const projectIds = (await live.query<{ project_id: string }>('SELECT project_id FROM {{projects}} FINAL ORDER BY project_id')).map((r) => r.project_id);
    return {
      month: req.month, scope, effectiveFrom, position: position.toString(),
      company: compare(before.company, after.company),
      projects: projectIds.filter((p) => !req.project || p === req.project).map((projectId) => ({ projectId, kpis: compare(before.project(projectId), after.project(projectId)) })),
    };
  } finally {
    await scratch.command(`DROP DATABASE IF EXISTS \`${scratch.database}\``);
  }
}

function compare(before: KpiValue[], after: KpiValue[]): KpiComparison[] {
  return before.map((b, i) => {
    const a = after[i];
    const figure = (k: KpiValue) => (k.kind === 'rate' ? k.rate : k.numerator);
    const [x, y] = [figure(b), figure(a)];
    return {
      id: b.id, zh: b.zh, en: b.en, kind: b.kind,
      old: { numerator: b.numerator, denominator: b.denominator, rate: b.rate },
      new: { numerator: a.numerator, denominator: a.denominator, rate: a.rate },
      difference: x === null || y === null ? null : Math.round((y - x) * 1e6) / 1e6,
    };
  });
}
