import type { Config } from '@service-ledger/config';
import { Health, Metrics, type OpsServer, processLogger, startOpsServer, type Logger } from '@service-ledger/telemetry';

/** What every background process has: a name, a JSON logger, metrics, health checks and the ops listener. */
export interface ProcessOps {
  name: string;
  log: Logger;
  metrics: Metrics;
  health: Health;
  server: OpsServer;
}

/** The ops listener opens first, so /health can say "connecting to Kafka" while the process waits for it. */
export async function openProcessOps(config: Config, name: string, defaultPort = 9464): Promise<ProcessOps> {
  const log = processLogger(name, config.logLevel);
  const metrics = new Metrics(name);
  const health = new Health();
  const server = await startOpsServer({ host: config.opsHost, port: config.opsPort ?? defaultPort, health, metrics, metricsToken: config.metricsToken });
  log.info(`${name}: health and metrics on ${server.url}/health and ${server.url}/metrics`);
  return { name, log, metrics, health, server };
}

export interface RunningProcess {
  ops: ProcessOps;
  stop(): Promise<void>;
}
