import { BusinessCalendar } from '@service-ledger/calendar';
import { COMPLAINT_EVENT_TYPES } from '@service-ledger/complaints';
import { type EventEnvelope, streamCategory } from '@service-ledger/core';
import { DIRECTORY_EVENT_TYPES } from '@service-ledger/directory';
import { REPAIR_EVENT_TYPES } from '@service-ledger/repairs';
import { defaultSlaPolicy, type SlaPolicy } from '@service-ledger/sla';
import { VISITS_EVENT_TYPES } from '@service-ledger/visits';
import { AUDIT_EVENT_TYPES } from '@service-ledger/audit';
import type { Analytics } from '../client';
import { CASE_CATEGORIES, projectCase } from '../projections/case-rows';
import { sanitize } from '../projections/sanitize';

/** Event types and the schema version this projector understands; anything else is quarantined. */
export const KNOWN_EVENTS = new Map<string, number>(
  [...COMPLAINT_EVENT_TYPES, ...REPAIR_EVENT_TYPES, ...VISITS_EVENT_TYPES, ...DIRECTORY_EVENT_TYPES, ...AUDIT_EVENT_TYPES].map((t) => [t, 1]),
);

export interface ProjectorOptions {
  policy?: SlaPolicy;
  /** Per-project policy overrides (already merged). */
  policies?: Record<string, SlaPolicy>;
  calendar?: BusinessCalendar;
  /** Case histories kept in memory to avoid reading them back from ClickHouse (catch-up speed). */
  cacheSize?: number;
}

export interface ProjectorStats {
  batches: number;
  events: number;
  quarantined: number;
  lastPosition: bigint;
}

type Row = Record<string, unknown>;

/**
 * Turns batches of events into ClickHouse rows. Idempotent: rows are keyed per case/clock/visit and versioned by
 * global position, and each case is re-folded from its full history, so a batch delivered twice — or a crash
 * between the write and the checkpoint — changes nothing.
 */
export class Projector {
  readonly stats: ProjectorStats = { batches: 0, events: 0, quarantined: 0, lastPosition: 0n };
  private readonly cache = new Map<string, EventEnvelope[]>();
  private readonly policy: SlaPolicy;
  private readonly calendar: BusinessCalendar;

  constructor(
    readonly db: Analytics,
    private readonly options: ProjectorOptions = {},
  ) {
    this.policy = options.policy ?? defaultSlaPolicy();
    this.calendar = options.calendar ?? new BusinessCalendar();
  }

  async handle(batch: EventEnvelope[]): Promise<void> {
    if (batch.length === 0) return;
    const known: EventEnvelope[] = [];
    const quarantine: Row[] = [];
    for (const e of batch) {
      const version = KNOWN_EVENTS.get(e.type);
      if (version === undefined || e.schemaVersion !== version) {
        quarantine.push(quarantineRow(e, version === undefined ? `unknown event type '${e.type}'` : `unsupported schema version ${e.schemaVersion} of ${e.type} (expected ${version})`));
      } else known.push(sanitize(e));
    }
    const token = `${batch[0].globalPosition}-${batch[batch.length - 1].globalPosition}`;
    const rows: Record<string, Row[]> = { events: known.map(rawRow), staff: [], projects: [], cases: [], sla_clocks: [], sla_clock_history: [], satisfaction: [], complaint_categories: [], staff_performance: [] };

    for (const e of known) {
      const d = e.data as Record<string, any>;
      if (e.type === 'ProjectRegistered') {
        rows.projects.push({ project_id: d.projectId, name: d.name, city: d.city, buildings: d.buildings.length, units: d.buildings.reduce((n: number, b: { units: string[] }) => n + b.units.length, 0), time_zone: d.timeZone, version: Number(e.globalPosition) });
      }
    }
    const touched = [...new Set(known.map((e) => e.streamId).filter((s) => CASE_CATEGORIES.includes(streamCategory(s)) || streamCategory(s) === 'staff'))];
    const histories = await this.histories(touched, known);
    for (const streamId of touched) {
      const events = histories.get(streamId)!;
      try {
        if (streamCategory(streamId) === 'staff') {
          rows.staff.push(staffRow(events));
          continue;
        }
        const r = projectCase(events, this.options.policies?.[events[0].projectId] ?? this.policy, this.calendar);
        rows.cases.push(r.case);
        rows.sla_clocks.push(...r.clocks);
        rows.sla_clock_history.push(...r.clockHistory);
        rows.satisfaction.push(...r.satisfaction);
        if (r.complaintCategory) rows.complaint_categories.push(r.complaintCategory);
        rows.staff_performance.push(...r.staff);
      } catch (error) {
        // A case that cannot be folded must not stop the projector: quarantine its events with the reason.
        for (const e of known.filter((k) => k.streamId === streamId)) quarantine.push(quarantineRow(e, `projection failed: ${(error as Error).message}`));
        this.cache.delete(streamId);
      }
    }
    rows.quarantine = quarantine;
    // The raw events go first: a crash after them but before the rest is repaired by the redelivered batch.
    for (const [table, tableRows] of Object.entries(rows)) await this.db.insert(table, tableRows, `${table}:${token}`);
    this.stats.batches += 1;
    this.stats.events += batch.length;
    this.stats.quarantined += quarantine.length;
    this.stats.lastPosition = batch[batch.length - 1].globalPosition;
  }

  /** Full history of each touched stream: cache or ClickHouse, merged with the batch (deduplicated by version). */
  private async histories(streamIds: string[], batch: EventEnvelope[]): Promise<Map<string, EventEnvelope[]>> {
    const result = new Map<string, EventEnvelope[]>();
    const missing = streamIds.filter((s) => !this.cache.has(s));
    const stored = new Map<string, EventEnvelope[]>();
    for (let i = 0; i < missing.length; i += 2000) {
      const chunk = missing.slice(i, i + 2000);
      const rows = await this.db.query<RawRow>('SELECT * FROM {{events}} FINAL WHERE stream_id IN {ids:Array(String)} ORDER BY stream_id, stream_version', { ids: chunk });
      for (const r of rows) {
        const list = stored.get(r.stream_id) ?? [];
        list.push(fromRaw(r));
        stored.set(r.stream_id, list);
      }
    }
    for (const id of streamIds) {
      const byVersion = new Map<number, EventEnvelope>();
      for (const e of this.cache.get(id) ?? stored.get(id) ?? []) byVersion.set(e.streamVersion, e);
      for (const e of batch) if (e.streamId === id) byVersion.set(e.streamVersion, e);
      const events = [...byVersion.values()].sort((a, b) => a.streamVersion - b.streamVersion);
      result.set(id, events);
      this.remember(id, events);
    }
    return result;
  }

  private remember(id: string, events: EventEnvelope[]): void {
    const limit = this.options.cacheSize ?? 50_000;
    if (limit <= 0) return;
    this.cache.delete(id);
    this.cache.set(id, events);
    if (this.cache.size > limit) this.cache.delete(this.cache.keys().next().value!);
  }
}

interface RawRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  position: string;
  type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  actor_id: string;
  actor_role: string;
  project_id: string;
  correlation_id: string;
  causation_id: string | null;
  data: string;
}

const chTime = (iso: string) => iso.replace('T', ' ').replace('Z', '');
const isoTime = (ch: string) => `${ch.replace(' ', 'T')}Z`;

function rawRow(e: EventEnvelope): Row {
  const category = streamCategory(e.streamId);
  return {
    event_id: e.eventId, stream_id: e.streamId, category, case_id: e.streamId.slice(category.length + 1), stream_version: e.streamVersion,
    position: e.globalPosition.toString(), type: e.type, schema_version: e.schemaVersion, occurred_at: chTime(e.occurredAt), recorded_at: chTime(e.recordedAt),
    actor_id: e.actor.staffId, actor_role: e.actor.role, project_id: e.projectId, correlation_id: e.correlationId, causation_id: e.causationId, data: JSON.stringify(e.data),
  };
}

function fromRaw(r: RawRow): EventEnvelope {
  return {
    eventId: r.event_id, streamId: r.stream_id, streamVersion: Number(r.stream_version), globalPosition: BigInt(r.position), type: r.type,
    schemaVersion: Number(r.schema_version), data: JSON.parse(r.data), occurredAt: isoTime(r.occurred_at), recordedAt: isoTime(r.recorded_at),
    actor: { staffId: r.actor_id, role: r.actor_role as EventEnvelope['actor']['role'] }, projectId: r.project_id, correlationId: r.correlation_id, causationId: r.causation_id,
  };
}

function quarantineRow(e: EventEnvelope, reason: string): Row {
  return { event_id: e.eventId, stream_id: e.streamId, type: e.type, schema_version: e.schemaVersion, position: e.globalPosition.toString(), reason, occurred_at: chTime(e.occurredAt) };
}

function staffRow(events: EventEnvelope[]): Row {
  const reg = events.find((e) => e.type === 'StaffMemberRegistered');
  const d = (reg?.data ?? {}) as Record<string, any>;
  return {
    staff_id: d.staffId ?? events[0].streamId.slice(6), name: d.name ?? '', role: d.role ?? '', department: d.department ?? '', project_ids: d.projectIds ?? [],
    active: events.some((e) => e.type === 'StaffMemberLeft') ? 0 : 1, version: Number(events[events.length - 1].globalPosition),
  };
}
