import { newId } from '@service-ledger/core';
import type { SqlEventStore } from '@service-ledger/event-store';
import { type VerifyOptions, type VerifyReport, verifyStore } from './verify';

export interface VerifyJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  anchor: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Events walked so far of those in the store when the run started. */
  progress: { walked: number; total: number };
  report: VerifyReport | null;
  error: string | null;
}

/**
 * Verify runs in the background (the hashing in a worker thread, reads in small batches), one per anchor at a time:
 * a second request while one runs gets the same run. `finished` is called once per run, after it ends, with
 * everyone who asked for it (the access log is written then, describing the run).
 */
export class VerifyJobs<Requester = unknown> {
  private readonly jobs = new Map<string, VerifyJob & { requesters: Requester[] }>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: SqlEventStore,
    private readonly options: Omit<VerifyOptions, 'anchor' | 'onProgress'>,
    private readonly finished: (job: VerifyJob, requesters: Requester[], seconds: number) => Promise<void>,
    private readonly keep = 20,
  ) {}

  start(requester: Requester, anchor?: { position: string; digest: string }): VerifyJob {
    const key = anchor ? `${anchor.position}:${anchor.digest}` : null;
    const running = [...this.jobs.values()].find((j) => j.status === 'running' && j.anchor === key);
    if (running) {
      running.requesters.push(requester);
      return view(running);
    }
    const job: VerifyJob & { requesters: Requester[] } = { id: newId(), status: 'running', anchor: key, startedAt: new Date().toISOString(), finishedAt: null, progress: { walked: 0, total: 0 }, report: null, error: null, requesters: [requester] };
    this.jobs.set(job.id, job);
    for (const old of this.jobs.values()) if (this.jobs.size > this.keep && old.status !== 'running') this.jobs.delete(old.id);
    const t0 = process.hrtime.bigint();
    // Small reads: each holds the event loop (PGlite runs in this thread) while requests wait.
    const run = verifyStore(this.store, { batchSize: 2000, ...this.options, anchor, onProgress: (walked, total) => (job.progress = { walked, total }) })
      .then((report) => Object.assign(job, { status: 'done', report }))
      .catch((e: Error) => Object.assign(job, { status: 'failed', error: e.message }))
      .then(() => {
        job.finishedAt = new Date().toISOString();
        return this.finished(view(job), job.requesters, Number(process.hrtime.bigint() - t0) / 1e9);
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
    return view(job);
  }

  get(id: string): VerifyJob | undefined {
    const job = this.jobs.get(id);
    return job && view(job);
  }

  /** Resolves when no run is in progress (for shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}

function view(job: VerifyJob & { requesters?: unknown[] }): VerifyJob {
  const { requesters: _, ...rest } = job;
  return { ...rest, progress: { ...rest.progress } };
}
