/**
 * Health as an operator reads it: every process lists its dependencies and duties, each `up`, `degraded` (working but
 * late or partly failing: serve, and alarm) or `down` (cannot do its job). The process is `down` when any check is,
 * `degraded` when any is, `ok` otherwise; `/health` answers 503 only for `down`, so a load balancer keeps a process
 * that serves stale figures but an operator still sees why.
 */
export type CheckStatus = 'up' | 'degraded' | 'down';
export type CheckResult = { status: CheckStatus; message?: string } & Record<string, unknown>;

export interface HealthCheck {
  /** The dependency or duty, named as in the README's runbook: eventStore, kafka, analytics, projector, relay, globalLog… */
  name: string;
  check(): Promise<CheckResult> | CheckResult;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  checks: Record<string, CheckResult>;
}

/** A check that does not answer within this time is `down`: a hung dependency must not hang the probe. */
const CHECK_TIMEOUT_MS = 3000;

export class Health {
  private readonly checks: HealthCheck[] = [];

  add(...checks: HealthCheck[]): this {
    this.checks.push(...checks);
    return this;
  }

  async report(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map((c) => withTimeout(c)));
    const checks = Object.fromEntries(this.checks.map((c, i) => [c.name, results[i]]));
    const status = results.some((r) => r.status === 'down') ? 'down' : results.some((r) => r.status === 'degraded') ? 'degraded' : 'ok';
    return { status, checks };
  }
}

async function withTimeout(c: HealthCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', message: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
  } catch (error) {
    return { status: 'down', message: errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A one-line reason for health and logs: the message without the stack (and never a query's parameters). */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return errorMessage(error.errors[0]);
  const e = error as { message?: string; code?: string };
  const text = (e?.message || e?.code || String(error)).split('\n')[0];
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

/**
 * A loop's or consumer's recent failures, kept for health: `down` while it fails, with the reason and how long. A
 * success clears it. The first failure after a success is worth a log line; the rest are counted.
 */
export class FailureTracker {
  lastError: string | null = null;

  /** `pending`: not up until a first success (e.g. 'connecting'), so /health does not say ok before anything worked. */
  constructor(pending?: string) {
    if (pending) this.lastError = pending;
  }

  since: Date | null = null;
  consecutive = 0;
  lastSuccessAt: Date | null = null;

  failed(error: unknown): { first: boolean } {
    this.lastError = errorMessage(error);
    this.consecutive += 1;
    this.since ??= new Date();
    return { first: this.consecutive === 1 };
  }

  succeeded(): void {
    this.lastError = null;
    this.since = null;
    this.consecutive = 0;
    this.lastSuccessAt = new Date();
  }

  /** `down`/`degraded` while failing (degraded when the caller can still serve), `up` otherwise. */
  result(whenFailing: 'down' | 'degraded' = 'down', extra: Record<string, unknown> = {}): CheckResult {
    if (this.lastError === null) return { status: 'up', ...extra };
    return { status: whenFailing, message: this.lastError, failingSince: this.since?.toISOString(), consecutiveFailures: this.consecutive, ...extra };
  }
}

/** Probes a dependency and mirrors the answer into sl_dependency_up{dependency=name}. */
export function dependencyCheck(
  name: string,
  metrics: { dependencies: { up: { set(labels: { dependency: string }, value: number): void } } },
  probe: () => Promise<Record<string, unknown>>,
  whenDown: 'down' | 'degraded',
): HealthCheck {
  return {
    name,
    async check(): Promise<CheckResult> {
      try {
        const details = await probe();
        metrics.dependencies.up.set({ dependency: name }, 1);
        return { status: 'up', ...details };
      } catch (error) {
        metrics.dependencies.up.set({ dependency: name }, 0);
        return { status: whenDown, message: errorMessage(error) };
      }
    },
  };
}
