import type { Admin } from 'kafkajs';

/**
 * Messages on `topic` the consumer group has not committed yet: per partition, the high watermark minus the committed
 * offset (minus the log start when the group has none — a group that never committed still has everything ahead).
 */
export async function consumerGroupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  let lag = 0n;
  for (const p of ends) {
    const high = BigInt(p.high);
    const from = done.get(p.partition) ?? -1n;
    const start = from >= 0n ? from : BigInt(p.low);
    if (high > start) lag += high - start;
  }
  return Number(lag);
}
