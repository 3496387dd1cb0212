import { type Admin, Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from './kafka-config';

/**
 * A cheap "is the cluster there?" for /health, separate from the working clients: their retries (tens of seconds,
 * so a broker restart is ridden out) would make the probe itself that slow. One attempt, a short timeout, and a
 * reconnect on the next probe after a failure.
 */
export class BrokerProbe {
  private admin: Admin | null = null;
  private readonly kafka: Kafka;
  /** One probe at a time: an overlapping one would close the admin client the other is using. */
  private inflight: Promise<unknown> | null = null;

  constructor(config: Pick<KafkaConfig, 'brokers' | 'clientId'>) {
    this.kafka = new Kafka({ clientId: `${config.clientId}-probe`, brokers: config.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 2000, requestTimeout: 3000, retry: { retries: 0 } });
  }

  private async connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Resolves with the broker count, or rejects with why the cluster cannot be reached. */
  check(): Promise<number> {
    return this.use(async (admin) => (await admin.describeCluster()).brokers.length);
  }

  /** Runs `fn` with the connected admin client, after any probe still running; a failure drops the connection. */
  use<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const run = (this.inflight ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        try {
          return await fn(await this.connected());
        } catch (error) {
          await this.close();
          throw error;
        }
      });
    this.inflight = run;
    void run.catch(() => undefined).finally(() => this.inflight === run && (this.inflight = null));
    return run;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.disconnect().catch(() => undefined);
  }
}
