import 'reflect-metadata';
import { migrate, Projector, KafkaEventSource, StoreEventSource, type EventSource } from '@service-ledger/analytics';
import { loadConfig } from '@service-ledger/config';
import { ensureTopics, kafkaClient } from '@service-ledger/kafka';
import { kafkaConfigOf, openAnalytics, openStore } from '@service-ledger/runtime';

/** Distributed shape: Kafka consumer group → ClickHouse (or straight from the store when SL_KAFKA_BROKERS is unset). */
async function main() {
  const config = loadConfig();
  const db = openAnalytics(config);
  await migrate(db);
  let source: EventSource;
  if (config.kafkaBrokers) {
    const kafka = kafkaConfigOf(config, 'service-ledger-projector');
    const admin = kafkaClient(kafka).admin();
    await admin.connect();
    await ensureTopics(admin, kafka);
    await admin.disconnect();
    source = new KafkaEventSource(kafka, 'projector');
  } else {
    source = new StoreEventSource(await openStore(config));
  }
  // The projector reads the policy changes from the log itself: a change applies without a restart.
  const projector = new Projector(db, { timeZone: config.timeZone });
  const running = await source.start((events) => projector.handle(events));
  console.log(`projector: ${config.kafkaBrokers ? `Kafka ${config.kafkaBrokers}` : config.store} → ${config.analytics} ${db.database}`);
  const stop = async () => {
    await running.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`projector: ${(e as Error).message}`);
  process.exit(1);
});
