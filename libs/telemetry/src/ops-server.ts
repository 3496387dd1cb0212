import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Health } from './health';
import type { Metrics } from './metrics';

export interface OpsServerOptions {
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  health: Health;
  metrics: Metrics;
  /** When set, /metrics needs `Authorization: Bearer <token>`; without it the listener's loopback address is the protection. */
  metricsToken?: string;
}

export interface OpsServer {
  url: string;
  stop(): Promise<void>;
}

/** The bearer token check shared by the API's /metrics and this listener (constant-time compare). */
export function metricsAuthorized(header: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The small HTTP listener every background process (relay, projector, scheduler, notifier…) opens for operators:
 * `GET /health` (200 ok/degraded, 503 down, JSON naming each check) and `GET /metrics` (Prometheus text format).
 * Nothing else is served.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, 'application/json', JSON.stringify({ statusCode: 405, error: 'method_not_allowed', message: 'only GET' }));
    if (path === '/health') {
      void options.health.report().then(
        (report) => send(report.status === 'down' ? 503 : 200, 'application/json', JSON.stringify(report)),
        (error: Error) => send(503, 'application/json', JSON.stringify({ status: 'down', message: error.message })),
      );
      return;
    }
    if (path === '/metrics') {
      if (!metricsAuthorized(req.headers.authorization, options.metricsToken)) return send(401, 'application/json', JSON.stringify({ statusCode: 401, error: 'unauthorized', message: 'metrics need the bearer token (SL_METRICS_TOKEN)' }));
      void options.metrics.text().then(
        (text) => send(200, options.metrics.registry.contentType, text),
        (error: Error) => send(500, 'text/plain', `# metrics failed: ${error.message}\n`),
      );
      return;
    }
    send(404, 'application/json', JSON.stringify({ statusCode: 404, error: 'not_found', message: 'GET /health or /metrics' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`SL_OPS_PORT=${options.port}: port already in use on ${options.host} (give each process on this host its own SL_OPS_PORT)`) : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${address.port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
