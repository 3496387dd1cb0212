/**
 * The HTTP load generator of the L workloads, run as its own child process (forked by load.ts) so its work never
 * shares the server's event loop: autocannon with N kept-alive connections, then the figures back to the parent over
 * IPC. Writes get a fresh commandId (and case id) per request, as real clients would.
 *
 * A run has two phases. **Connecting**: autocannon opens every connection at once and sends its first request; the
 * phase ends when every connection has had an answer (so the server has accepted it), and the client tells the parent
 * `connected`. **Measured**: when the parent says `go` (once every client of the run is connected, so writers and
 * readers are measured over the same window), the next `seconds` are measured, and only they: requests counted and
 * latencies are those of answers that arrive in the window. Why: Node accepts one connection per turn of its event
 * loop, and under load a turn lasts hundreds of milliseconds, so 200 connections opened at once wait seconds in the
 * kernel's accept queue (README, Performance); timing from the first request made that wait every run's maximum and,
 * in the mixed run, made the readers' figures depend on whether their connections happened to be accepted before
 * the writers'. Dashboards and front-desk clients keep their connections; the connecting phase's length is reported
 * on its own (`connectSeconds`).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadJob {
  url: string;
  connections: number;
  /** Length of the measured window. */
  seconds: number;
  token: string;
  /** `read`: GET the url. `command`: POST ReceiveComplaint with new ids to the url, projects taken in turn. */
  kind: 'read' | 'command';
  projects?: string[];
  /** Longest the connecting phase may last (default 60 s); past it the window starts with the connections that answered. */
  connectLimitSeconds?: number;
}

export interface LoadFigures {
  requests: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** From the first request to every connection's first answer (the server has accepted them all). */
  connectSeconds: number;
  /** Connections that had answered when the window started (all of them unless the connect limit was reached). */
  connected: number;
  /** Connections opened. */
  connections: number;
}

/** Parent → client: the job, then `go` once every client is connected. Client → parent: `connected`, then figures. */
export type ToClient = { job: LoadJob } | { go: true };
export type FromClient = { connected: number; connectSeconds: number } | { figures: LoadFigures } | { error: string };

function complaint(projectId: string): string {
  const complaintId = randomUUID();
  return JSON.stringify({
    commandId: randomUUID(),
    payload: { complaintId, projectId, location: { building: '1' }, channel: 'phone', complainant: { name: '测试', phone: '13800000000' }, ownerRef: 'bench', content: 'bench load', wishes: 'bench' },
  });
}

/** Nearest-rank percentile of sorted values (ms, one decimal). */
const percentile = (sorted: number[], p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 10) / 10 : NaN);

/**
 * Runs one job: connects, calls `connected` once every connection has answered (or the limit passed), waits for
 * `go`, measures `seconds`, stops.
 */
export function runLoad(job: LoadJob, connected: (count: number, seconds: number) => void, go: Promise<void>): Promise<LoadFigures> {
  let turn = 0;
  const projects = job.projects ?? ['P01'];
  const limit = job.connectLimitSeconds ?? 60;
  const startedAt = performance.now();
  const answered = new Set<object>();
  let connectSeconds = NaN;
  let windowFrom = Infinity;
  let windowTo = Infinity;
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    // Stopped by the window's end; this only bounds a run whose parent never says go.
    duration: limit + job.seconds + 600,
    timeout: 30,
    headers: { authorization: `Bearer ${job.token}`, ...(job.kind === 'command' ? { 'content-type': 'application/json' } : {}) },
    requests: [
      job.kind === 'command'
        ? { method: 'POST', setupRequest: (req) => ({ ...req, body: complaint(projects[turn++ % projects.length]) }) }
        : { method: 'GET' },
    ],
  });
  let announced = false;
  const announce = () => {
    if (announced) return;
    announced = true;
    clearTimeout(limitTimer);
    connectSeconds = (performance.now() - startedAt) / 1000;
    connected(answered.size, connectSeconds);
  };
  const limitTimer = setTimeout(announce, limit * 1000);
  const inWindow = () => {
    const now = performance.now();
    return now >= windowFrom && now < windowTo;
  };
  instance.on('response', (client, statusCode, _bytes, responseTime) => {
    if (!announced) {
      answered.add(client);
      if (answered.size === job.connections) announce();
    }
    if (!inWindow()) return;
    latencies.push(responseTime);
    codes[statusCode] = (codes[statusCode] ?? 0) + 1;
  });
  instance.on('reqError', (error) => {
    if (!inWindow()) return;
    // autocannon reports a request past `timeout` as this error.
    if (error.message === 'request timed out') timeouts++;
    else errors++;
  });
  const done = instance.then(() => undefined);
  return go.then(async () => {
    windowFrom = performance.now();
    windowTo = windowFrom + job.seconds * 1000;
    await new Promise((resolve) => setTimeout(resolve, job.seconds * 1000));
    windowTo = Math.min(windowTo, performance.now());
    instance.stop();
    await done;
    const sorted = latencies.sort((a, b) => a - b);
    const ok = Object.entries(codes).reduce((n, [code, count]) => n + (code.startsWith('2') ? count : 0), 0);
    return {
      requests: sorted.length,
      perSecond: sorted.length / job.seconds,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted.length ? Math.round(sorted[sorted.length - 1] * 10) / 10 : NaN,
      non2xx: sorted.length - ok,
      errors,
      timeouts,
      statusCodes: codes,
      connectSeconds,
      connected: answered.size,
      connections: job.connections,
    };
  });
}

if (require.main === module) {
  let go!: () => void;
  const started = new Promise<void>((resolve) => (go = resolve));
  const send = (m: FromClient, then?: () => void) => process.send!(m, undefined, undefined, then);
  process.on('message', (m: ToClient) => {
    if ('go' in m) return go();
    runLoad(m.job, (count, seconds) => send({ connected: count, connectSeconds: seconds }), started).then(
      (figures) => send({ figures }, () => process.exit(0)),
      (error: Error) => send({ error: error.message }, () => process.exit(1)),
    );
  });
}
