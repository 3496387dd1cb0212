import type { Config } from '@service-ledger/config';
import { type Role } from '@service-ledger/core';
import { applyIntakeMessage, CommandPipeline, MalformedCommandError, type ProducerIdentity } from '@service-ledger/application';
import { BrokerProbe, CommandIntakeConsumer, ensureTopicsOnce, PoisonMessageError } from '@service-ledger/kafka';
import { errorMessage, FailureTracker } from '@service-ledger/telemetry';
import { eventStoreCheck } from '../ops/checks';
import { openProcessOps, type RunningProcess } from '../ops/process';
import { untilConnected } from '../ops/retry';
import { kafkaConfigOf } from '../kafka-config';
import { openStore } from '../open';

/** The producer identity of the intake, from SL_INTAKE_STAFF_ID / SL_INTAKE_ROLE / SL_INTAKE_PROJECTS. */
export function producerIdentityOf(config: Config): ProducerIdentity {
  if (!config.intakeStaffId || !config.intakeProjects) {
    throw new Error('the Kafka intake needs a producer identity: set SL_INTAKE_STAFF_ID, SL_INTAKE_ROLE and SL_INTAKE_PROJECTS');
  }
  return { staffId: config.intakeStaffId, role: config.intakeRole as Role, projects: config.intakeProjects === '*' ? '*' : config.intakeProjects.split(',') };
}

/**
 * The intake process: front-desk systems publish commands (the JSON lines of `service-ledger import`) to
 * `<prefix>.commands`; each is applied through the command pipeline as the configured producer identity and its
 * outcome published to `<prefix>.command-results`.
 */
export async function startIntakeProcess(config: Config): Promise<RunningProcess> {
  const producer = producerIdentityOf(config);
  const ops = await openProcessOps(config, 'intake');
  const { log, metrics, health } = ops;
  const kafka = { ...kafkaConfigOf(config, 'service-ledger-intake'), log: (level: 'error' | 'warn' | 'info' | 'debug', msg: string, extra: Record<string, unknown>) => log[level](extra, msg) };
  const store = await openStore(config);
  const pipeline = new CommandPipeline(store);
  const failing = new FailureTracker();
  const broker = new FailureTracker('connecting to the Kafka brokers');
  const probe = new BrokerProbe(kafka);
  let stopped = false;
  health.add(eventStoreCheck(store, metrics), {
    name: 'kafka',
    async check() {
      const connecting = broker.result('down', { brokers: kafka.brokers });
      if (connecting.status !== 'up') return connecting;
      try {
        await probe.check();
        metrics.dependencies.up.set({ dependency: 'kafka' }, 1);
        return { status: 'up', brokers: kafka.brokers };
      } catch (error) {
        metrics.dependencies.up.set({ dependency: 'kafka' }, 0);
        return { status: 'down', message: errorMessage(error), brokers: kafka.brokers };
      }
    },
  }, { name: 'intake', check: () => failing.result('down') });
  const intake = new CommandIntakeConsumer(kafka, {
    apply: async (value, correlationId) => {
      try {
        const outcome = await applyIntakeMessage(pipeline, producer, value, correlationId);
        failing.succeeded();
        return outcome;
      } catch (error) {
        if (error instanceof MalformedCommandError) throw new PoisonMessageError(error.message);
        if (failing.failed(error).first) log.error(`intake: ${failing.lastError}; the message is retried`);
        throw error;
      }
    },
    onResult: (r) => {
      metrics.kafka.intake.inc({ outcome: r.outcome });
      log.info({ commandId: r.commandId, outcome: r.outcome, correlationId: r.commandId }, `intake: ${r.outcome}`);
    },
    onDeadLetter: (reason) => {
      metrics.kafka.intake.inc({ outcome: 'malformed' });
      metrics.kafka.deadLettered.inc({ source: 'commands' });
      log.warn({ reason }, 'intake: message dead-lettered');
    },
  });
  const started = untilConnected(
    `intake: Kafka ${kafka.brokers.join(',')}`,
    async () => {
      await ensureTopicsOnce(kafka);
      await intake.start();
    },
    broker,
    log,
    () => stopped,
  );
  log.info(`intake: ${kafka.topicPrefix}.commands → ${config.store} as ${producer.staffId} (${producer.role}, projects ${producer.projects === '*' ? '*' : producer.projects.join(',')})`);
  return {
    ops,
    async stop() {
      stopped = true;
      await started;
      await intake.stop().catch(() => undefined);
      await probe.close();
      await store.close();
      await ops.server.stop();
    },
  };
}
