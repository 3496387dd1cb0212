import { FixedClock, ForbiddenError, newId, NotFoundError, ValidationError, WrongExpectedVersionError, DomainRuleViolation } from '@service-ledger/core';
import { createEventStore, type EventStore, SqlEventStore } from '@service-ledger/event-store';
import { complaintPayload, contextFor, registerProjects } from '@service-ledger/testing';
import { CommandPipeline } from './command-pipeline';

describe('command pipeline (on PGlite)', () => {
  let store: EventStore;
  let pipeline: CommandPipeline;
  const clock = new FixedClock(new Date('2026-03-10T02:00:00Z'));
  const count = async () => (await store.readAll({ limit: 10_000 })).events.length;

  beforeAll(async () => {
    store = await createEventStore({ kind: 'pglite' });
    pipeline = new CommandPipeline(store, clock);
    await registerProjects(pipeline, ['p1', 'p2']);
  });
  afterAll(() => store.close());

  it('a retried command id returns the first result and appends nothing', async () => {
    const ctx = contextFor('receptionist');
    const payload = complaintPayload();
    const first = await pipeline.execute('ReceiveComplaint', payload, ctx);
    const before = await count();
    const retry = await pipeline.execute('ReceiveComplaint', payload, ctx);
    expect(retry.duplicate).toBe(true);
    expect(retry.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect(await count()).toBe(before);
  });

  it('a retried command id appends nothing, whether the decision would now be allowed or refused', async () => {
    const id = newId();
    await pipeline.execute('ReceiveComplaint', complaintPayload(id), contextFor('receptionist'));
    for (const [name, payload] of [
      ['ReplyToComplainant', { complaintId: id, message: 'we are on it' }], // may be repeated: the append itself must refuse the id
      ['EscalateComplaint', { complaintId: id, level: 'supervisor', reason: 'owner insists' }], // now refused by the rule
    ] as const) {
      const ctx = contextFor('supervisor');
      const first = await pipeline.execute(name, payload, ctx);
      const before = await count();
      const retry = await pipeline.execute(name, payload, ctx);
      expect(retry).toMatchObject({ duplicate: true, version: first.version });
      expect(retry.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
      expect(await count()).toBe(before);
    }
  });

  describe('with another process writing to the same streams', () => {
    // A second store and pipeline on the same database: their own caches, as in another API process.
    let other: CommandPipeline;
    beforeAll(() => {
      other = new CommandPipeline(new SqlEventStore('pglite', (store as SqlEventStore).sql), clock);
    });
    const classify = (complaintId: string) => ({ complaintId, nature: 'valid', content: 'service_quality', topic: 'cleaning', reasonable: true, major: false });

    it('a state this process cached and the other moved on: the command is decided again on the stored stream', async () => {
      const id = newId();
      await pipeline.execute('ReceiveComplaint', complaintPayload(id), contextFor('receptionist'));
      await pipeline.execute('ReplyToComplainant', { complaintId: id, message: 'first' }, contextFor('receptionist'));
      await other.execute('ReplyToComplainant', { complaintId: id, message: 'second' }, contextFor('receptionist'));
      const third = await pipeline.execute('ReplyToComplainant', { complaintId: id, message: 'third' }, contextFor('receptionist'));
      expect(third.version).toBe(4);
      const stream = await store.readStream(`complaint-${id}`);
      expect(stream.map((e) => [e.streamVersion, e.data.message])).toEqual([[1, undefined], [2, 'first'], [3, 'second'], [4, 'third']]);
    });

    it('a decision the stale cached state would refuse is taken on the stored state', async () => {
      const id = newId();
      await pipeline.execute('ReceiveComplaint', complaintPayload(id), contextFor('receptionist'));
      await other.execute('ClassifyComplaint', classify(id), contextFor('supervisor'));
      // This process still holds the complaint as only received, where investigating is refused.
      const investigated = await pipeline.execute('InvestigateComplaint', { complaintId: id, findings: 'corridor not cleaned', cause: 'objective' }, contextFor('supervisor'));
      expect(investigated.version).toBe(3);
    });
  });

  it('a command id reused for another case is refused', async () => {
    const ctx = contextFor('receptionist');
    await pipeline.execute('ReceiveComplaint', complaintPayload(), ctx);
    await expect(pipeline.execute('ReceiveComplaint', complaintPayload(), ctx)).rejects.toBeInstanceOf(DomainRuleViolation);
  });

  it('concurrent commands on one stream: exactly one wins', async () => {
    const id = newId();
    await pipeline.execute('ReceiveComplaint', complaintPayload(id), contextFor('receptionist'));
    const results = await Promise.allSettled(
      ['supervisor', 'project_manager', 'general_manager'].map((level) =>
        pipeline.execute('EscalateComplaint', { complaintId: id, level, reason: 'owner insists' }, contextFor('supervisor')),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedVersionError)).toBe(true);
  });

  it('occurredAt: in the future or before the case began is rejected, naming the field', async () => {
    const id = newId();
    await pipeline.execute('ReceiveComplaint', complaintPayload(id), contextFor('receptionist', 'r1', ['p1'], '2026-03-09T01:00:00Z'));
    const future = await pipeline.execute('ReplyToComplainant', { complaintId: id, message: 'x' }, contextFor('receptionist', 'r1', ['p1'], '2026-03-11T00:00:00Z')).catch((e) => e);
    expect(future).toBeInstanceOf(ValidationError);
    expect(future.issues[0]).toMatchObject({ field: 'occurredAt', rule: 'not_in_future' });
    const before = await pipeline.execute('ReplyToComplainant', { complaintId: id, message: 'x' }, contextFor('receptionist', 'r1', ['p1'], '2026-03-08T00:00:00Z')).catch((e) => e);
    expect(before.issues[0]).toMatchObject({ field: 'occurredAt', rule: 'not_before_case_history' });
    const ok = await pipeline.execute('ReplyToComplainant', { complaintId: id, message: 'x' }, contextFor('receptionist', 'r1', ['p1'], '2026-03-09T10:00:00+08:00'));
    expect(ok.events[0].occurredAt).toBe('2026-03-09T02:00:00.000Z');
  });

  it('unknown ids, wrong roles and wrong projects are refused and append nothing', async () => {
    const before = await count();
    await expect(pipeline.execute('ReplyToComplainant', { complaintId: newId(), message: 'x' }, contextFor('receptionist'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(pipeline.execute('ReceiveComplaint', complaintPayload(), contextFor('technician'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(pipeline.execute('ReceiveComplaint', complaintPayload(newId(), 'p2'), contextFor('receptionist'))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await count()).toBe(before);
  });

  it('invalid payloads name the field and the rule', async () => {
    const err = await pipeline.execute('ReceiveComplaint', { ...complaintPayload(), channel: 'pigeon', content: 'x'.repeat(5000) }, contextFor('receptionist')).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = err.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['payload.channel', 'payload.content']));
    expect(err.issues.find((i: { field: string }) => i.field === 'payload.content').rule).toBe('too_big');
  });
});
