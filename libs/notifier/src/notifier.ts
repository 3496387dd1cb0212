import { alertAggregate, alertIdOf, type AlertRaised, type AlertThreshold, dueThresholds, ladderRole, pendingRoutes } from '@service-ledger/alerts';
import { type Analytics, caseStreamId, OPEN_CLOCK } from '@service-ledger/analytics';
import { type AlertRoute, routesFor } from '@service-ledger/config';
import { type Clock, type CommandContext, DomainRuleViolation, type EventEnvelope, newId, systemClock, WrongExpectedVersionError } from '@service-ledger/core';
import type { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { buildRequest, post } from './channels';

export interface NotifierOptions {
  routes: AlertRoute[];
  /** Thresholds crossed longer ago raise nothing. */
  lookbackMs: number;
  attempts: number;
  /** First retry delay; doubles each try. */
  backoffMs: number;
  clock?: Clock;
  log?: (line: string) => void;
}

export interface TickReport {
  raised: string[];
  delivered: string[];
  deadLettered: string[];
}

interface Candidate {
  alertId: string;
  projectId: string;
  caseStreamId: string;
  caseNumber: string | null;
  clock: string;
  threshold: AlertThreshold;
  dueAt: string;
  message: string;
}

const chTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const iso = (t: string) => `${t.replace(' ', 'T')}Z`;
const SYSTEM = { staffId: 'notifier', role: 'system' as const };

function majorCandidate(caseId: string, projectId: string, caseNumber: string | null, classifiedAt: string): Candidate {
  return {
    alertId: alertIdOf(caseId, 'major_complaint', 'major'),
    projectId,
    caseStreamId: `complaint-${caseId}`,
    caseNumber,
    clock: 'major_complaint',
    threshold: 'major',
    dueAt: new Date(classifiedAt).toISOString(),
    message: '重大投诉: report time, place, symptoms and handling plan to the GM office at once',
  };
}

/**
 * Watches the SLA clocks and tells people before and when time runs out. Deadlines pass without any event, so it
 * polls: the clocks' deadlines and warning points (computed by the projector with the project's policy and, for
 * working-time clocks, its business calendar) against the current time, and major complaints as they are
 * classified. Each alert is first recorded as an event (AlertRaised: the store creates its stream once, so a
 * restart, a replay or a second notifier cannot raise it twice), then delivered with retries; the outcome is
 * recorded too. A crash between the two leaves the route pending, and the next tick delivers it (at least once,
 * with the alert id in every message for receivers that dedupe).
 */
export class Notifier {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  /** Ticks and event-driven alerts run one at a time, so a route is never delivered by two of them at once. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The last polling look's failure (cleared by the next good one), for a process's /health. */
  lastFailure: { message: string; at: string } | null = null;

  constructor(
    private readonly db: Analytics,
    private readonly store: EventStore,
    private readonly pipeline: CommandPipeline,
    private readonly options: NotifierOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? (() => undefined);
  }

  tick(): Promise<TickReport> {
    return this.serial(() => this.look());
  }

  /**
   * A major complaint just classified in this process (the EventBus's EventAppended): alert the GM office at once,
   * without waiting for the projector and the next look. The look would raise the same alert otherwise; the store
   * lets only one of them record it.
   */
  majorComplaintClassified(e: EventEnvelope): Promise<TickReport> {
    return this.serial(async () => {
      const report: TickReport = { raised: [], delivered: [], deadLettered: [] };
      if (e.type !== 'ComplaintClassified' || !(e.data as { major?: boolean }).major) return report;
      const caseId = e.streamId.slice('complaint-'.length);
      const [opened] = await this.store.readStream(e.streamId, { toVersion: 1 });
      const c = majorCandidate(caseId, e.projectId, opened?.caseNumber ?? null, e.occurredAt);
      if (await this.raise(c)) {
        report.raised.push(c.alertId);
        await this.deliver(c.alertId, report);
      }
      return report;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async look(): Promise<TickReport> {
    const report: TickReport = { raised: [], delivered: [], deadLettered: [] };
    const now = this.clock.now();
    const known = new Set((await this.db.query<{ alert_id: string }>('SELECT DISTINCT alert_id FROM {{alerts}} FINAL')).map((r) => r.alert_id));
    for (const c of [...(await this.majorComplaints(now)), ...(await this.dueClocks(now))]) {
      if (known.has(c.alertId)) continue;
      const raised = await this.raise(c);
      if (!raised) continue;
      report.raised.push(c.alertId);
      known.add(c.alertId);
      await this.deliver(c.alertId, report);
    }
    // Routes left pending by a crash, a route not yet tried, or an admin's retry.
    const pending = await this.db.query<{ alert_id: string }>("SELECT DISTINCT alert_id FROM {{alerts}} FINAL WHERE status = 'pending'");
    for (const { alert_id } of pending) if (!report.raised.includes(alert_id)) await this.deliver(alert_id, report);
    return report;
  }

  /** Polls every `pollMs` until stopped; one tick at a time. */
  start(pollMs: number): { stop(): Promise<void> } {
    let stopped = false;
    let running: Promise<unknown> = Promise.resolve();
    const loop = async () => {
      if (stopped) return;
      running = this.tick().then(
        () => (this.lastFailure = null),
        (error) => {
          this.lastFailure = { message: (error as Error).message, at: new Date().toISOString() };
          this.log(`notifier: ${(error as Error).message}`);
        },
      );
      await running;
      if (!stopped) timer = setTimeout(loop, pollMs);
    };
    let timer: NodeJS.Timeout = setTimeout(loop, 0);
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await running;
      },
    };
  }

  private async dueClocks(now: Date): Promise<Candidate[]> {
    const since = new Date(now.getTime() - this.options.lookbackMs);
    // Aliases must not shadow the columns the WHERE compares (ClickHouse resolves aliases there too). A warning comes
    // before its deadline, so either threshold in the window means a deadline since `since`: that condition alone lets
    // the deadline's skip index pass over the months of long-settled clocks.
    const rows = await this.db.query<{ case_id: string; case_type: string; project_id: string; case_number: string; clock: string; warning_text: string; deadline_text: string; responsible_id: string }>(
      `SELECT case_id, case_type, project_id, case_number, clock, toString(warning_at) AS warning_text, toString(deadline) AS deadline_text, responsible_id
       FROM {{sla_clocks}} FINAL
       WHERE ${OPEN_CLOCK}
         AND ((warning_at BETWEEN {since:DateTime64(3)} AND {now:DateTime64(3)}) OR (deadline BETWEEN {since:DateTime64(3)} AND {now:DateTime64(3)}))
         AND deadline >= {since:DateTime64(3)}
       ORDER BY deadline, case_id, clock`,
      { since: chTime(since), now: chTime(now) },
    );
    return rows.flatMap((r) => {
      const deadline = new Date(iso(r.deadline_text));
      return dueThresholds({ warningAt: new Date(iso(r.warning_text)), deadline }, now, this.options.lookbackMs).map((threshold) => {
        const left = Math.round((deadline.getTime() - now.getTime()) / 60_000);
        return {
          alertId: alertIdOf(r.case_id, r.clock, threshold),
          projectId: r.project_id,
          caseStreamId: caseStreamId(r.case_type, r.case_id),
          caseNumber: r.case_number || null,
          clock: r.clock,
          threshold,
          dueAt: deadline.toISOString(),
          message: threshold === 'warning' ? `${r.clock}: ${left} min left${r.responsible_id ? `, responsible ${r.responsible_id}` : ''}` : `${r.clock}: deadline passed${r.responsible_id ? `, responsible ${r.responsible_id}` : ''}`,
        };
      });
    });
  }

  private async majorComplaints(now: Date): Promise<Candidate[]> {
    const since = new Date(now.getTime() - this.options.lookbackMs);
    const rows = await this.db.query<{ case_id: string; project_id: string; at: string; case_number: string }>(
      `SELECT e.case_id AS case_id, e.project_id AS project_id, toString(min(e.occurred_at)) AS at, any(e2.case_number) AS case_number
       FROM {{events}} AS e FINAL
       LEFT JOIN (SELECT stream_id, case_number FROM {{events}} WHERE stream_version = 1) AS e2 ON e2.stream_id = e.stream_id
       WHERE e.type = 'ComplaintClassified' AND JSONExtractBool(e.data, 'major') AND e.occurred_at BETWEEN {since:DateTime64(3)} AND {now:DateTime64(3)}
       GROUP BY e.case_id, e.project_id`,
      { since: chTime(since), now: chTime(now) },
    );
    return rows.map((r) => majorCandidate(r.case_id, r.project_id, r.case_number || null, iso(r.at)));
  }

  /** Records the alert; false when it already exists (raised before a restart or by another notifier). */
  private async raise(c: Candidate): Promise<boolean> {
    const role = ladderRole(c.threshold, c.clock);
    const routes = routesFor(this.options.routes, c.projectId, role).map((r) => ({ name: r.name, kind: r.kind }));
    try {
      await this.pipeline.execute('RaiseAlert', { ...c, role, routes }, this.context(c.caseStreamId));
      this.log(`notifier: ${c.threshold} for ${c.caseNumber ?? c.caseStreamId} (${c.clock}) to ${role}${routes.length ? '' : ' — no route configured'}`);
      return true;
    } catch (error) {
      // The alert's stream exists: it was raised before (a restart, a replay, another notifier).
      if (error instanceof WrongExpectedVersionError || (error instanceof DomainRuleViolation && error.rule === 'alert.already_exists')) return false;
      throw error;
    }
  }

  /** Delivers every pending route of an alert, as the store has it (the analytics row may lag). */
  private async deliver(alertId: string, report: TickReport): Promise<void> {
    const events = await this.store.readStream(`alert-${alertId}`);
    const state = events.reduce(alertAggregate.evolve, alertAggregate.initialState());
    if (!state.raised) return;
    const alert = { ...(state.raised as AlertRaised['data']), projectId: events[0].projectId };
    for (const name of pendingRoutes(state)) {
      const route = this.options.routes.find((r) => r.name === name);
      const outcome = route ? await this.tryRoute(route, alert) : { ok: false, status: 0, attempts: 1, error: `route '${name}' is no longer configured` };
      await this.pipeline.execute(
        'RecordAlertDelivery',
        { alertId, route: name, attempts: outcome.attempts, ...(outcome.ok ? { status: outcome.status } : { error: outcome.error ?? 'failed' }) },
        this.context(alert.caseStreamId),
      );
      (outcome.ok ? report.delivered : report.deadLettered).push(`${alertId}/${name}`);
      if (!outcome.ok) this.log(`notifier: ${alertId} to ${name} dead-lettered after ${outcome.attempts} tries: ${outcome.error}`);
    }
  }

  private async tryRoute(route: AlertRoute, alert: AlertRaised['data'] & { projectId: string }) {
    let last = { ok: false, status: 0, error: 'not tried' } as Awaited<ReturnType<typeof post>>;
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      last = await post(buildRequest(route, alert, new Date()));
      if (last.ok) return { ...last, attempts: attempt };
      if (attempt < this.options.attempts) await new Promise((r) => setTimeout(r, this.options.backoffMs * 2 ** (attempt - 1)));
    }
    return { ...last, attempts: this.options.attempts };
  }

  private context(caseStreamId: string): CommandContext {
    return { commandId: newId(), actor: SYSTEM, projectScope: '*', correlationId: caseStreamId, causationId: null };
  }
}
