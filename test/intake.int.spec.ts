import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@service-ledger/config';
import { newId } from '@service-ledger/core';
import { kafkaClient, type KafkaConfig, topicsOf } from '@service-ledger/kafka';
import { kafkaConfigOf, openStore, startIntakeProcess } from '@service-ledger/runtime';
import { complaintPayload } from '@service-ledger/testing';
import { TEST_SECRET } from './support/api';
import { ensureKafka } from './support/kafka';
import { registerProject } from './support/projects';

type Result = { outcome: string; commandId: string; streamId?: string; events?: { eventId: string; type: string; streamVersion: number }[]; rule?: string; issues?: { field: string; rule: string }[]; error?: string };

/** The Kafka command intake against the real broker: a front-desk system publishes import lines, reads outcomes. */
describe('Kafka command intake', () => {
  const kafka = ensureKafka();
  let dataDir: string;
  let kafkaConfig: KafkaConfig;
  let intake: Awaited<ReturnType<typeof startIntakeProcess>>;
  const results: { key: string; value: Result }[] = [];
  const deadLetters: { reason: string; value: string }[] = [];
  let stopReaders: () => Promise<void> = async () => undefined;
  const actor = { staffId: 'P01-receptionist-7', role: 'receptionist' };
  const line = (command: string, payload: Record<string, unknown>, commandId = newId()) => ({ command, commandId, actor, payload });

  async function publish(messages: { key: string; value: unknown }[]) {
    const producer = kafkaClient(kafkaConfig).producer();
    await producer.connect();
    await producer.send({ topic: topicsOf(kafkaConfig).commands, messages: messages.map((m) => ({ key: m.key, value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value) })) });
    await producer.disconnect();
  }
  async function resultOf(commandId: string, nth = 1, ms = 60_000): Promise<Result> {
    const until = Date.now() + ms;
    for (;;) {
      const found = results.filter((r) => r.value.commandId === commandId);
      if (found.length >= nth) return found[nth - 1].value;
      if (Date.now() > until) throw new Error(`no result for ${commandId} within ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    if (!kafka) return;
    dataDir = mkdtempSync(join(tmpdir(), 'sl-intake-'));
    const config = loadConfig({
      SL_DATA_DIR: dataDir, SL_KAFKA_BROKERS: kafka.brokers.join(','), SL_KAFKA_TOPIC_PREFIX: `intake-${Date.now()}`, SL_KAFKA_PARTITIONS: '3', SL_AUTH_SECRET: TEST_SECRET,
      SL_OPS_PORT: '0', SL_LOG_LEVEL: 'silent', SL_INTAKE_STAFF_ID: 'front-desk-system', SL_INTAKE_ROLE: 'receptionist', SL_INTAKE_PROJECTS: 'P01',
    });
    kafkaConfig = kafkaConfigOf(config, 'intake-test');
    // The embedded store is one process's folder: register the project before the intake opens it.
    const store = await openStore(config);
    await registerProject(store, 'P01');
    await store.close();
    intake = await startIntakeProcess(config);
    const until = Date.now() + 60_000;
    while ((await (await fetch(`${intake.ops.server.url}/health`)).json()).status !== 'ok') {
      if (Date.now() > until) throw new Error('intake not healthy');
      await new Promise((r) => setTimeout(r, 250));
    }
    const readers = ['results', 'dlq'].map((which) => kafkaClient(kafkaConfig).consumer({ groupId: `reader-${which}-${newId()}` }));
    await Promise.all(readers.map((r) => r.connect()));
    await readers[0].subscribe({ topic: topicsOf(kafkaConfig).commandResults, fromBeginning: true });
    await readers[1].subscribe({ topic: topicsOf(kafkaConfig).commandsDeadLetter, fromBeginning: true });
    await readers[0].run({ eachMessage: async ({ message }) => void results.push({ key: String(message.key), value: JSON.parse(String(message.value)) }) });
    await readers[1].run({ eachMessage: async ({ message }) => void deadLetters.push({ reason: String(message.headers?.['x-dlq-reason']), value: String(message.value) }) });
    stopReaders = async () => void (await Promise.all(readers.map((r) => r.disconnect())));
  }, 240_000);

  afterAll(async () => {
    await stopReaders();
    await intake?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('accepted with the event ids; the same message again is a duplicate with the same events and changes nothing', async () => {
    if (!kafka) return;
    const complaintId = newId();
    const receive = line('ReceiveComplaint', complaintPayload(complaintId, 'P01'));
    await publish([{ key: complaintId, value: receive }]);
    const accepted = await resultOf(receive.commandId);
    expect(accepted).toMatchObject({ outcome: 'accepted', streamId: `complaint-${complaintId}`, events: [{ type: 'ComplaintReceived', streamVersion: 1 }] });
    await publish([{ key: complaintId, value: receive }]);
    const duplicate = await resultOf(receive.commandId, 2);
    expect(duplicate).toMatchObject({ outcome: 'duplicate', streamId: `complaint-${complaintId}` });
    expect(duplicate.events).toEqual(accepted.events);
    expect(results.find((r) => r.value.commandId === receive.commandId)!.key).toBe(complaintId);
  }, 120_000);

  it('rejected with the rule or the field: a rule of the case, an invalid payload, a project outside the producer identity, a role the producer does not have', async () => {
    if (!kafka) return;
    const complaintId = newId();
    const receive = line('ReceiveComplaint', complaintPayload(complaintId, 'P01'));
    const archive = line('ArchiveComplaint', { complaintId });
    const invalid = line('ReceiveComplaint', { ...complaintPayload(newId(), 'P01'), channel: 'carrier pigeon' });
    const elsewhere = line('ReceiveComplaint', complaintPayload(newId(), 'P02'));
    const raised = { ...line('ReceiveComplaint', complaintPayload(newId(), 'P01')), actor: { staffId: 'x', role: 'admin' } };
    await publish([receive, archive, invalid, elsewhere, raised].map((value) => ({ key: complaintId, value })));
    expect(await resultOf(archive.commandId)).toMatchObject({ outcome: 'rejected', error: 'rule_violated', rule: 'complaint.archive_after_review' });
    expect(await resultOf(invalid.commandId)).toMatchObject({ outcome: 'rejected', error: 'validation_failed', issues: [expect.objectContaining({ field: 'payload.channel' })] });
    expect((await resultOf(elsewhere.commandId)).outcome).toBe('rejected');
    expect(await resultOf(raised.commandId)).toMatchObject({ outcome: 'rejected', issues: [{ field: 'actor.role', rule: 'intake.producer_role' }] });
  }, 120_000);

  it('malformed messages go to the dead-letter topic with the reason, and the intake goes on', async () => {
    if (!kafka) return;
    const after = line('ReceiveComplaint', complaintPayload(newId(), 'P01'));
    await publish([
      { key: 'k1', value: 'not json at all' },
      { key: 'k1', value: { command: 'ReceiveComplaint', payload: {} } },
      { key: 'k1', value: after },
    ]);
    expect((await resultOf(after.commandId)).outcome).toBe('accepted');
    const until = Date.now() + 30_000;
    while (deadLetters.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(deadLetters.map((d) => d.reason).sort()).toEqual(['commandId missing or not a UUID', 'value is not JSON']);
    expect(deadLetters.find((d) => d.reason === 'value is not JSON')!.value).toBe('not json at all');
    const metrics = await (await fetch(`${intake.ops.server.url}/metrics`)).text();
    expect(metrics).toMatch(/sl_intake_commands_total\{outcome="malformed"\} 2/);
    expect(metrics).toMatch(/sl_dead_lettered_messages_total\{source="commands"\} 2/);
  }, 120_000);

  it("keeps each case's order: interleaved cases, each a receive then two replies, all accepted at versions 1, 2, 3", async () => {
    if (!kafka) return;
    const cases = [newId(), newId(), newId(), newId()];
    const sequences = cases.map((id) => [line('ReceiveComplaint', complaintPayload(id, 'P01')), line('ReplyToComplainant', { complaintId: id, message: 'on our way' }), line('ReplyToComplainant', { complaintId: id, message: 'done' })]);
    const interleaved = [0, 1, 2].flatMap((step) => cases.map((id, c) => ({ key: id, value: sequences[c][step] })));
    await publish(interleaved);
    for (const seq of sequences) {
      const outcomes = await Promise.all(seq.map((l) => resultOf(l.commandId)));
      expect(outcomes.map((o) => [o.outcome, o.events?.[0]?.streamVersion])).toEqual([['accepted', 1], ['accepted', 2], ['accepted', 3]]);
    }
  }, 120_000);
});
