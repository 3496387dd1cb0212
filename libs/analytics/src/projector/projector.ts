import { setImmediate as nextTurn } from 'node:timers/promises';
import { type EventEnvelope, streamCategory } from '@service-ledger/core';
import { ALERT_STREAM } from '@service-ledger/alerts';
import { type ProjectEnvelope, projectRow, STAFF_STREAM, type StaffEnvelope, staffRow } from '@service-ledger/directory';
import { VISITOR_STREAM } from '@service-ledger/visitor-log';
import { CURRENT_SCHEMA_VERSIONS } from '@service-ledger/application';
import { changeFromEvent, FRONT_DESK_DEPARTMENT, type PolicyChange, PolicyHistory } from '@service-ledger/policies';
import { projectAlert, projectVisitor } from '../projections/alert-rows';
import { AGGREGATE_SOURCE_TABLES, type AggregateSource, dropStaleRefreshTables, markAggregatesRefreshed, refreshAggregates, type Slice, slicesOf, unrefreshedSlices } from '../aggregates';
import { allEnded, type Analytics, inlined } from '../client';
import { FACT_TYPES } from '../schema';
import { CASE_CATEGORIES, type CasePolicy, caseStreamId, projectCase } from '../projections/case-rows';
import { sanitize } from '../projections/sanitize';

/** Streams besides cases folded from their whole history: staff, alerts (the dead-letter list) and the visitor register. */
const OTHER_FOLDED = [STAFF_STREAM, ALERT_STREAM, VISITOR_STREAM];

/**
 * Event types and the schema version this projector understands (the current one: the store upcasts older ones on
 * read); anything else is quarantined.
 */
export const KNOWN_EVENTS = CURRENT_SCHEMA_VERSIONS;

export interface ProjectorOptions {
  /** Time zone of the calendars no policy sets one for (SL_TIMEZONE). */
  timeZone?: string;
  /** Changes taken as if recorded after everything (what-if: a proposed policy); they are never stored. */
  proposed?: PolicyChange[];
  /** Case histories kept in memory to avoid reading them back from ClickHouse (catch-up speed). */
  cacheSize?: number;
  /** At most this long of folding without a turn of the event loop (default 5 ms; see `project`). */
  foldTurnMs?: number;
  /**
   * The aggregate slices written batches touched are recomputed together, at most once per this many milliseconds and
   * within this long of the last write (SL_AGGREGATE_REFRESH_MS); `flush` recomputes them at once. 0 (the default):
   * after every batch, before its `write` resolves. See `refresh`.
   */
  refreshEveryMs?: number;
}

export interface ProjectorStats {
  batches: number;
  events: number;
  quarantined: number;
  lastPosition: bigint;
  /**
   * The position through which the aggregates are as current as the tables (every batch up to it has had its slices
   * recomputed; see `refresh`), with its event's recording instant in whole seconds; null until the first refresh.
   */
  refreshed?: { position: string; lastEventRecordedAt: string } | null;
}

type Row = Record<string, unknown>;

/** A case's history as this projector holds it, and how much of its clock history it has written already. */
interface CachedStream {
  events: EventEnvelope[];
  /**
   * Every `sla_clock_history` row of this case with a version (event position) up to here is written, or is being
   * written by an earlier batch whose write has not failed. A clock change is a function of the case's events up to
   * that event and of the rules in force at the clock's start, so an older row never changes unless a policy change
   * re-evaluates the case (which rewrites its whole history). 0: nothing known, write everything.
   */
  historyUpTo: number;
}

/** A batch folded into rows per table, ready to be written. */
export interface ProjectedBatch {
  rows: Record<string, Row[]>;
  token: string;
  /** Cases re-evaluated because a policy change in the batch applies to clocks they already had. */
  reevaluated: string[];
  /** The policy changes behind `reevaluated`: applied once their rows are written. */
  policyChanges: string[];
  events: number;
  quarantined: number;
  lastPosition: bigint;
  /** When the batch's last event was recorded (ISO). */
  lastRecordedAt: string;
  /** The projector's write generation when this batch was folded (see `writtenGeneration`). */
  generation: number;
}

/**
 * Turns batches of events into ClickHouse rows. Idempotent: rows are keyed per case/clock/visit and versioned by
 * global position, and each case is re-folded from its full history, so a batch delivered twice — or a crash
 * between the write and the checkpoint — changes nothing.
 */
export class Projector {
  readonly stats: ProjectorStats = { batches: 0, events: 0, quarantined: 0, lastPosition: 0n };
  private readonly cache = new Map<string, CachedStream>();
  /**
   * Bumped whenever a write fails: every `historyUpTo` is forgotten then (the redelivered batch writes whole
   * histories again), and a projection that began before the failure does not record what it left out.
   */
  private writtenGeneration = 0;
  /** No stored raw event has a higher position (undefined: not known, ask ClickHouse). */
  private storedUpTo: bigint | undefined;
  /** The last write started, so that reading histories back waits for it. */
  private writing: Promise<void> = Promise.resolve();
  /**
   * Every policy change seen in the log, kept by the projector itself (loaded from the raw events on first use, so a
   * restart or another instance knows them too): a change takes effect without a restart.
   */
  private policies: PolicyHistory | null = null;
  /**
   * Policy changes whose re-evaluation this projector has written. A change arrives on every Kafka partition (each
   * instance must see it in order with its own cases), so an instance owning several partitions gets several copies.
   */
  private readonly appliedPolicyChanges = new Set<string>();
  /** Aggregate slices written batches touched and no refresh has recomputed yet, per source ('project/month' keys). */
  private readonly pending = new Map<AggregateSource, Map<string, Slice>>();
  /** The last batch written: a refresh makes the aggregates current through it. */
  private written: { position: bigint; recordedAt: string } | null = null;
  /** Through which position a refresh of this projector has made the aggregates current (-1: none yet). */
  private refreshedUpTo = -1n;
  /** The refresh running or last run (one at a time). */
  private refreshing: Promise<void> = Promise.resolve();
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the last refresh ended (performance.now()). */
  private lastRefreshEnded = 0;
  /** Why the last refresh failed, until one succeeds: the next write then refreshes itself and fails with it. */
  private refreshFailure: unknown = null;
  /** What a stop or a crash before a refresh left behind, recomputed once (`recover`). */
  private recovery: Promise<void> | null = null;
  /** The cadence a catch-up (`catchingUp`) imposes while it runs, when longer than the projector's own. */
  private catchUpEveryMs = 0;

  constructor(
    readonly db: Analytics,
    private readonly options: ProjectorOptions = {},
  ) {
    // A catch-up's first refresh comes after `refreshEveryMs` of writes, like the next ones.
    this.lastRefreshEnded = performance.now();
  }

  /** The policy history this projector evaluates with (the log's changes, plus any proposed ones). */
  async policyHistory(): Promise<PolicyHistory> {
    if (!this.policies) {
      await this.writing.catch(() => undefined);
      // Policy streams are `policy-<scope>`: the prefix reads a few granules of the stream-sorted table, not all of it.
      const rows = await this.db.query<RawRow>("SELECT * FROM {{events}} FINAL WHERE startsWith(stream_id, 'policy-') AND type = 'PolicyChanged' ORDER BY position");
      const history = new PolicyHistory(this.options.timeZone);
      for (const r of rows) history.add(changeFromEvent(fromRaw(r)));
      for (const c of this.options.proposed ?? []) history.add(c);
      this.policies = history;
    }
    return this.policies;
  }

  /**
   * Cases whose clocks a policy change applies to: those with a clock started at or after its effective instant in its
   * scope. Each clock keeps the rules in force when it started, so nothing earlier changes.
   */
  private async casesUnder(change: PolicyChange): Promise<string[]> {
    await this.writing.catch(() => undefined);
    const rows = await this.db.query<{ case_id: string; case_type: string }>(
      inlined(
        `SELECT DISTINCT case_id, case_type FROM {{sla_clocks}} FINAL
       WHERE started_at >= {from:DateTime64(3, 'UTC')} AND ({scope:String} = 'company' OR project_id = {scope:String})`,
        { from: chTime(change.effectiveFrom), scope: change.scope },
      ),
    );
    return rows.map((r) => caseStreamId(r.case_type, r.case_id));
  }

  private casePolicy(history: PolicyHistory, projectId: string): CasePolicy {
    return {
      // The front desk's calendar (a department calendar when the project sets one) times the complaint clocks.
      rules: (start) => history.rulesAt(projectId, start, FRONT_DESK_DEPARTMENT),
      positionAt: (at) => Number(history.positionAt(projectId, at)),
    };
  }

  /** The refresh cadence now: the projector's own, or a catch-up's while one runs (the longer). */
  private refreshEvery(): number {
    return Math.max(this.options.refreshEveryMs ?? 0, this.catchUpEveryMs);
  }

  /**
   * Runs a catch-up (`projectAll`) with the aggregates refreshed at most every `everyMs` (counted from its start)
   * instead of the projector's own cadence, then returns to it; the caller flushes at the end. A projector refreshing
   * after every batch (the distributed projector's, for the freshness of the live stream) would otherwise recompute
   * nearly every slice once per catch-up window: a window touches most months of most projects, so each refresh costs
   * about a fill from scratch, and it runs inside the window's write. A crash meanwhile loses nothing: the slices not
   * yet refreshed are found from the tables on the next start (`recover`), as after any stop between a write and
   * its refresh.
   */
  async catchingUp<T>(everyMs: number, run: () => Promise<T>): Promise<T> {
    this.catchUpEveryMs = everyMs;
    this.lastRefreshEnded = performance.now();
    try {
      return await run();
    } finally {
      this.catchUpEveryMs = 0;
    }
  }

  async handle(batch: EventEnvelope[]): Promise<void> {
    await this.write(await this.project(batch));
  }

  /**
   * Folds a batch into rows without writing them. Catch-up overlaps the next batch's projection with the current
   * batch's `write`; a stream that must be read back from ClickHouse waits for that write first.
   */
  async project(batch: EventEnvelope[]): Promise<ProjectedBatch | null> {
    if (batch.length === 0) return null;
    const known: EventEnvelope[] = [];
    const quarantine: Row[] = [];
    for (const e of batch) {
      const version = KNOWN_EVENTS.get(e.type);
      if (version === undefined || e.schemaVersion !== version) {
        quarantine.push(quarantineRow(e, version === undefined ? `unknown event type '${e.type}'` : `unsupported schema version ${e.schemaVersion} of ${e.type} (expected ${version})`));
      } else known.push(sanitize(e));
    }
    const token = `${batch[0].globalPosition}-${batch[batch.length - 1].globalPosition}`;
    const rows: Record<string, Row[]> = { events: known.map(rawRow), staff: [], projects: [], cases: [], sla_clocks: [], sla_clock_history: [], satisfaction: [], complaint_categories: [], staff_performance: [], alerts: [], visitors: [] };

    for (const e of known) if (e.type === 'ProjectRegistered') rows.projects.push(projectRow(e as ProjectEnvelope));
    const history = await this.policyHistory();
    const reevaluated = new Set<string>();
    const policyChanges: string[] = [];
    for (const e of known) {
      if (e.type !== 'PolicyChanged') continue;
      const change = changeFromEvent(e);
      history.add(change);
      // Re-evaluated on every delivery until a write of it has succeeded (a redelivered batch must rewrite what its
      // failed write lost); the change's copies on this instance's other partitions then cost nothing.
      if (this.appliedPolicyChanges.has(change.id)) continue;
      policyChanges.push(change.id);
      for (const id of await this.casesUnder(change)) reevaluated.add(id);
    }
    const touchedSet = new Set<string>();
    for (const e of known) {
      if (touchedSet.has(e.streamId)) continue;
      const category = streamCategory(e.streamId);
      if (CASE_CATEGORIES.includes(category) || OTHER_FOLDED.includes(category)) touchedSet.add(e.streamId);
    }
    for (const id of reevaluated) touchedSet.add(id);
    const touched = [...touchedSet];
    const generation = this.writtenGeneration;
    const histories = await this.histories(touched, known);
    // What this batch's history rows will have covered, recorded once the batch is folded (see CachedStream).
    const covered: [CachedStream, number][] = [];
    const turnMs = this.options.foldTurnMs ?? 5;
    let turnAt = performance.now();
    for (const streamId of touched) {
      // A batch of thousands of events folds for hundreds of milliseconds: a turn of the event loop every few lets
      // whatever shares this thread go on meanwhile (the embedded projector thread answers the API's reads). Nothing
      // else folds or writes during the turn: batches are projected one at a time, and a write that fails meanwhile
      // bumps the generation, checked below as before.
      if (performance.now() - turnAt >= turnMs) {
        await nextTurn();
        turnAt = performance.now();
      }
      const cached = histories.get(streamId)!;
      const events = cached.events;
      try {
        if (streamCategory(streamId) === 'staff') {
          rows.staff.push(staffRow(streamId, events as StaffEnvelope[]));
          continue;
        }
        if (streamCategory(streamId) === 'alert') {
          rows.alerts.push(...projectAlert(events));
          continue;
        }
        if (streamCategory(streamId) === VISITOR_STREAM) {
          const visitor = projectVisitor(events);
          if (visitor) rows.visitors.push(visitor);
          continue;
        }
        const r = projectCase(events, this.casePolicy(history, events[0].projectId));
        rows.cases.push(r.case);
        rows.sla_clocks.push(...r.clocks);
        // Only clock changes this projector has not written yet: a case folded again for a later event repeats every
        // earlier change, identical to the row already stored. A re-evaluated case's history is deleted and rewritten.
        const upTo = reevaluated.has(streamId) ? 0 : cached.historyUpTo;
        for (const h of r.clockHistory) if ((h.version as number) > upTo) rows.sla_clock_history.push(h);
        covered.push([cached, Number(events[events.length - 1].globalPosition)]);
        rows.satisfaction.push(...r.satisfaction);
        if (r.complaintCategory) rows.complaint_categories.push(r.complaintCategory);
        rows.staff_performance.push(...r.staff);
      } catch (error) {
        // A case that cannot be folded must not stop the projector: quarantine its events with the reason.
        for (const e of known.filter((k) => k.streamId === streamId)) quarantine.push(quarantineRow(e, `projection failed: ${(error as Error).message}`));
        this.cache.delete(streamId);
      }
    }
    if (generation === this.writtenGeneration) for (const [cached, upTo] of covered) cached.historyUpTo = Math.max(cached.historyUpTo, upTo);
    rows.quarantine = quarantine;
    return { rows, token, reevaluated: [...reevaluated].map((s) => s.slice(s.indexOf('-') + 1)), policyChanges, events: batch.length, quarantined: quarantine.length, lastPosition: batch[batch.length - 1].globalPosition, lastRecordedAt: batch[batch.length - 1].recordedAt, generation };
  }

  /** Writes a projected batch; batches must be written in the order they were projected, one at a time. */
  write(projected: ProjectedBatch | null): Promise<void> {
    if (!projected) return Promise.resolve();
    // Folded before a write failed, it left out clock history that the failed write may have lost.
    if (projected.generation !== this.writtenGeneration) return Promise.reject(new Error('batch projected before a failed write: project it again'));
    this.writing = this.writeRows(projected);
    return this.writing;
  }

  private async writeRows({ rows, token, reevaluated, policyChanges, events, quarantined, lastPosition, lastRecordedAt }: ProjectedBatch): Promise<void> {
    // Slices a crash left unrefreshed are recomputed before anything new is written (and so reported refreshed).
    await this.recover();
    try {
      // The raw events go first: a crash after them but before the rest is repaired by the redelivered batch. The
      // derived tables are independent of each other, so chDB inserts them side by side.
      const { events: raw, ...derived } = rows;
      await this.db.insert('events', raw, `events:${token}`);
      // A re-evaluated case may no longer have every clock change it had under the old rules: its history is rewritten
      // whole (a crash in between is repaired by the redelivered batch, which re-evaluates it again).
      if (reevaluated.length) await this.db.command(inlined('DELETE FROM {{sla_clock_history}} WHERE case_id IN {ids:Array(String)}', { ids: reevaluated }));
      await allEnded(Object.entries(derived).map(([table, tableRows]) => this.db.insert(table, tableRows, `${table}:${token}`)));
      // The aggregate slices of the clocks and credits as they now stand are recomputed by `refresh`, from here or later.
      // event_facts is filled from the raw events by its view: its slices are those of the events of its types.
      const facts = raw.filter((e) => (FACT_TYPES as readonly unknown[]).includes(e.type));
      for (const source of AGGREGATE_SOURCE_TABLES) this.addPending(source, slicesOf(source, source === 'event_facts' ? facts : (derived[source] ?? [])));
      // The highest position written: batches of several Kafka partitions do not arrive in the log's order.
      if (!this.written || lastPosition > this.written.position) this.written = { position: lastPosition, recordedAt: chTime(lastRecordedAt) };
    } catch (error) {
      // Some of the batch may be stored: ask ClickHouse again rather than trust the high-water mark, and write whole
      // clock histories again (this batch's, and any batch projected meanwhile, may be lost).
      this.storedUpTo = undefined;
      this.writtenGeneration += 1;
      for (const cached of this.cache.values()) cached.historyUpTo = 0;
      throw error;
    }
    if (this.storedUpTo !== undefined && lastPosition > this.storedUpTo) this.storedUpTo = lastPosition;
    // Every batch (refreshEveryMs 0), or after a refresh failed: a failure fails this batch, whose redelivery tries again.
    if (this.refreshEvery() <= 0 || this.refreshFailure !== null) await this.refresh();
    else this.refreshSoon();
    for (const id of policyChanges) this.appliedPolicyChanges.add(id);
    this.stats.batches += 1;
    this.stats.events += events;
    this.stats.quarantined += quarantined;
    this.stats.lastPosition = lastPosition;
  }

  /**
   * Recomputes every pending slice from the tables as they stand, then records the position of the last batch written
   * before it started (aggregates.ts `markAggregatesRefreshed`): the aggregates are as current as the tables through
   * it. Refreshing the slices of many batches at once costs about as much as one batch's (each refresh reads the
   * partitions of the slices it recomputes): a refresh per 5 000-event batch took about a second of chDB at 12 M events.
   * One at a time; a failed refresh keeps its slices pending. A write in flight meanwhile may be seen in part: its
   * slices are pending once it ends, recomputed by the next refresh, and a slice's rows replace older ones by version.
   */
  refresh(): Promise<void> {
    const run = this.refreshing.catch(() => undefined).then(() => this.refreshPending());
    this.refreshing = run;
    return run;
  }

  /** Recomputes the pending slices now and waits for it (end of a catch-up, a stop, tests). */
  flush(): Promise<void> {
    // After a recovery under way (the embedded thread starts one on its own).
    return (this.recovery ?? Promise.resolve()).catch(() => undefined).then(() => this.refresh());
  }

  /**
   * Slices left unrefreshed by a stop or a crash (the checkpoint may be past their batches: the source stores it once
   * the rows are written), found from the tables (aggregates.ts `unrefreshedSlices`) and recomputed. Once per
   * projector, before its first write; the embedded thread also calls it on start.
   */
  recover(): Promise<void> {
    this.recovery ??= this.recoverUnrefreshed().catch((error: unknown) => {
      this.recovery = null;
      throw error;
    });
    return this.recovery;
  }

  private async recoverUnrefreshed(): Promise<void> {
    await dropStaleRefreshTables(this.db);
    const behind = await unrefreshedSlices(this.db);
    if (!behind) return;
    for (const [source, slices] of behind.slices) this.addPending(source, slices);
    if (!this.written || this.written.position < behind.upTo) this.written = { position: behind.upTo, recordedAt: behind.recordedAt };
    await this.refresh();
  }

  private addPending(source: AggregateSource, slices: Iterable<Slice>): void {
    let bySlice = this.pending.get(source);
    if (!bySlice) this.pending.set(source, (bySlice = new Map()));
    for (const slice of slices) bySlice.set(`${slice[0]}/${slice[1]}`, slice);
  }

  /** A refresh `refreshEveryMs` after the last one ended (at once if that is past), unless one is due already. */
  private refreshSoon(): void {
    if (this.refreshTimer) return;
    const wait = Math.max(0, this.lastRefreshEnded + this.refreshEvery() - performance.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      // A failure is kept (refreshFailure) and tried again: by the next write, which fails with it, or by this timer.
      this.refresh().catch(() => this.refreshSoon());
    }, wait);
    this.refreshTimer.unref?.();
  }

  private async refreshPending(): Promise<void> {
    if (this.refreshTimer) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = null;
    }
    const upTo = this.written;
    // Pending slices are recomputed even when the position has not moved: a batch of another Kafka partition may lie
    // below the highest position already refreshed (it was skipped here once, and the two-instance spec caught it).
    if (!upTo || (upTo.position <= this.refreshedUpTo && this.pending.size === 0)) return;
    const taken = [...this.pending];
    this.pending.clear();
    try {
      await allEnded(taken.map(([source, slices]) => refreshAggregates(this.db, source, [...slices.values()])));
      await markAggregatesRefreshed(this.db, upTo.position, upTo.recordedAt);
    } catch (error) {
      for (const [source, slices] of taken) this.addPending(source, slices.values());
      this.refreshFailure = error;
      throw error;
    } finally {
      this.lastRefreshEnded = performance.now();
    }
    this.refreshFailure = null;
    this.refreshedUpTo = upTo.position;
    this.stats.refreshed = { position: upTo.position.toString(), lastEventRecordedAt: `${upTo.recordedAt.replace(' ', 'T').replace(/\.\d+$/, '')}Z` };
  }

  /** Full history of each touched stream: cache or ClickHouse, merged with the batch (deduplicated by version). */
  private async histories(streamIds: string[], batch: EventEnvelope[]): Promise<Map<string, CachedStream>> {
    const result = new Map<string, CachedStream>();
    const byStream = new Map<string, EventEnvelope[]>();
    for (const e of batch) {
      const list = byStream.get(e.streamId);
      if (list) list.push(e);
      else byStream.set(e.streamId, [e]);
    }
    let missing = streamIds.filter((s) => !this.cache.has(s));
    if (missing.length > 0) {
      // Positions grow with stream versions, so a stream that starts in this batch above everything stored has no
      // stored history: during catch-up that is nearly every new case, and asking ClickHouse would cost the most.
      const storedUpTo = await this.highWaterMark();
      missing = missing.filter((s) => {
        const first = byStream.get(s)?.[0];
        return !(first && first.streamVersion === 1 && first.globalPosition > storedUpTo);
      });
    }
    // A write still in flight may hold the events we are about to read back.
    if (missing.length > 0) await this.writing.catch(() => undefined);
    const stored = new Map<string, EventEnvelope[]>();
    for (let i = 0; i < missing.length; i += 2000) {
      const chunk = missing.slice(i, i + 2000);
      // Stream ids read from the log, written in as literals (`inlined`): the API's reads need not queue behind them.
      const rows = await this.db.query<RawRow>(inlined('SELECT * FROM {{events}} FINAL WHERE stream_id IN {ids:Array(String)} ORDER BY stream_id, stream_version', { ids: chunk }));
      for (const r of rows) {
        const list = stored.get(r.stream_id);
        if (list) list.push(fromRaw(r));
        else stored.set(r.stream_id, [fromRaw(r)]);
      }
    }
    for (const id of streamIds) {
      const cached = this.cache.get(id);
      const added = byStream.get(id) ?? [];
      let entry: CachedStream;
      if (cached) {
        // Usually the batch just continues the history (appended in place: the cache owns the array); a redelivered
        // or reordered batch is merged by version.
        if (continues(cached.events, added)) for (const e of added) cached.events.push(e);
        else cached.events = mergeByVersion(cached.events, added);
        entry = cached;
      } else {
        const before = stored.get(id) ?? [];
        entry = { events: continues(before, added) ? before.concat(added) : mergeByVersion(before, added), historyUpTo: 0 };
      }
      result.set(id, entry);
      this.remember(id, entry);
    }
    return result;
  }

  /** The highest position in the raw events table: asked once, then advanced by this projector's own writes. */
  private async highWaterMark(): Promise<bigint> {
    if (this.storedUpTo === undefined) {
      await this.writing.catch(() => undefined);
      const [row] = await this.db.query<{ p: string }>('SELECT toString(max(position)) AS p FROM {{events}}');
      this.storedUpTo = BigInt(row?.p ?? '0');
    }
    return this.storedUpTo;
  }

  private remember(id: string, entry: CachedStream): void {
    const limit = this.options.cacheSize ?? 50_000;
    if (limit <= 0) return;
    this.cache.delete(id);
    this.cache.set(id, entry);
    if (this.cache.size > limit) this.cache.delete(this.cache.keys().next().value!);
  }
}

interface RawRow {
  event_id: string;
  case_number?: string;
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
    case_number: e.caseNumber ?? '',
  };
}

function fromRaw(r: RawRow): EventEnvelope {
  return {
    eventId: r.event_id, streamId: r.stream_id, streamVersion: Number(r.stream_version), globalPosition: BigInt(r.position), type: r.type,
    schemaVersion: Number(r.schema_version), data: JSON.parse(r.data), occurredAt: isoTime(r.occurred_at), recordedAt: isoTime(r.recorded_at),
    actor: { staffId: r.actor_id, role: r.actor_role as EventEnvelope['actor']['role'] }, projectId: r.project_id, correlationId: r.correlation_id, causationId: r.causation_id,
    ...(r.case_number ? { caseNumber: r.case_number } : {}),
  };
}

/** Whether `added` (in batch order) follows `before` version by version, with nothing delivered twice. */
function continues(before: EventEnvelope[], added: EventEnvelope[]): boolean {
  let last = before.length ? before[before.length - 1].streamVersion : 0;
  for (const e of added) {
    if (e.streamVersion <= last) return false;
    last = e.streamVersion;
  }
  return true;
}

function mergeByVersion(before: EventEnvelope[], added: EventEnvelope[]): EventEnvelope[] {
  const byVersion = new Map<number, EventEnvelope>();
  for (const e of [...before, ...added]) byVersion.set(e.streamVersion, e);
  return [...byVersion.values()].sort((a, b) => a.streamVersion - b.streamVersion);
}

function quarantineRow(e: EventEnvelope, reason: string): Row {
  return { event_id: e.eventId, stream_id: e.streamId, type: e.type, schema_version: e.schemaVersion, position: e.globalPosition.toString(), reason, occurred_at: chTime(e.occurredAt) };
}
