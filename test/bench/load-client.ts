/**
 * The HTTP load generator of the L workloads, run as its own child process (forked by load.ts) so its work never
 * shares the server's event loop: autocannon with N connections for a bounded time, then the figures back to the
 * parent over IPC. Writes get a fresh commandId (and case id) per request, as real clients would.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadJob {
  url: string;
  connections: number;
  seconds: number;
  token: string;
  /** `read`: GET the url. `command`: POST ReceiveComplaint with new ids to the url, projects taken in turn. */
  kind: 'read' | 'command';
  projects?: string[];
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
}

function complaint(projectId: string): string {
  const complaintId = randomUUID();
  return JSON.stringify({
    commandId: randomUUID(),
    payload: { complaintId, projectId, location: { building: '1' }, channel: 'phone', complainant: { name: '测试', phone: '13800000000' }, ownerRef: 'bench', content: 'bench load', wishes: 'bench' },
  });
}

export async function runLoad(job: LoadJob): Promise<LoadFigures> {
  let turn = 0;
  const projects = job.projects ?? ['P01'];
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    timeout: 30,
    headers: { authorization: `Bearer ${job.token}`, ...(job.kind === 'command' ? { 'content-type': 'application/json' } : {}) },
    requests: [
      job.kind === 'command'
        ? { method: 'POST', setupRequest: (req) => ({ ...req, body: complaint(projects[turn++ % projects.length]) }) }
        : { method: 'GET' },
    ],
  });
  const codes = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / job.seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(codes).map(([code, s]) => [code, s.count])),
  };
}

if (require.main === module) {
  process.once('message', (job: LoadJob) => {
    runLoad(job).then(
      (figures) => process.send!({ figures }, () => process.exit(0)),
      (error: Error) => process.send!({ error: error.message }, () => process.exit(1)),
    );
  });
}
