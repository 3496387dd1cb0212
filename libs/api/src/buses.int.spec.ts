import { Injectable, Module } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import request from 'supertest';
import { newId } from '@service-ledger/core';
import { EventAppended } from '@service-ledger/application';
import { complaintPayload } from '@service-ledger/testing';
import { startTestApi } from '../../../test/support/api';
import { registerProject } from '../../../test/support/projects';

/** An in-process subscriber, as a notifier or a saga would be written. */
@Injectable()
@EventsHandler(EventAppended)
class Recorder implements IEventHandler<EventAppended> {
  static seen: EventAppended[] = [];
  handle(appended: EventAppended): void {
    Recorder.seen.push(appended);
  }
}

@Module({ providers: [Recorder] })
class SubscriberModule {}

describe('the CQRS buses as seams of the HTTP API', () => {
  let api: Awaited<ReturnType<typeof startTestApi>>;
  let desk: string;
  const send = (body: object) => request(api.app.getHttpServer()).post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send(body);

  beforeAll(async () => {
    api = await startTestApi({ modules: [{ module: SubscriberModule }] });
    await registerProject(api.store, 'p1');
    desk = api.token('receptionist');
  });
  afterAll(() => api.close());
  beforeEach(() => {
    Recorder.seen = [];
  });

  it('a command sent through the CommandBus publishes each appended event, as stored, on the EventBus', async () => {
    const id = newId();
    const res = await send({ commandId: newId(), payload: complaintPayload(id) });
    expect(res.status).toBe(200);
    const stored = await api.store.readStream(`complaint-${id}`);
    expect(Recorder.seen.map((a) => a.event)).toEqual(stored);
    expect(Recorder.seen[0].event.type).toBe('ComplaintReceived');
  });

  it('a retried command and a rejected one publish nothing', async () => {
    const body = { commandId: newId(), payload: complaintPayload() };
    await send(body);
    Recorder.seen = [];
    expect((await send(body)).body.duplicate).toBe(true);
    expect((await send({ commandId: newId(), payload: { ...complaintPayload(), channel: 'pigeon' } })).status).toBe(400);
    expect(Recorder.seen).toEqual([]);
  });
});
