import 'reflect-metadata';
import { loadConfig } from '@service-ledger/config';
import { ensureTopics, kafkaClient, KafkaEventPublisher, startRelay } from '@service-ledger/kafka';
import { kafkaConfigOf, openStore } from '@service-ledger/runtime';

/** Distributed shape: event store → Kafka. */
async function main() {
  const config = loadConfig();
  const kafka = kafkaConfigOf(config, 'service-ledger-relay');
  const admin = kafkaClient(kafka).admin();
  await admin.connect();
  await ensureTopics(admin, kafka);
  await admin.disconnect();
  const store = await openStore(config);
  const publisher = new KafkaEventPublisher(kafka);
  await publisher.connect();
  const relay = startRelay(store, publisher);
  console.log(`relay: ${config.store} → ${kafka.brokers.join(',')} (${kafka.topicPrefix}.events)`);
  const stop = async () => {
    await relay.stop();
    await publisher.disconnect();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e) => {
  console.error(`relay: ${(e as Error).message}`);
  process.exit(1);
});
