import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import request from 'supertest';
import { newId } from '@service-ledger/core';
import { complaintPayload } from '@service-ledger/testing';
import { startTestApi } from '../../../test/support/api';
import { requestLog } from './request-log';

/** The request log: one line per request with the request's own fields, and Nest's log lines inside a request carry them. */
describe('request log', () => {
  const lines: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  let api: Awaited<ReturnType<typeof startTestApi>>;

  beforeAll(async () => {
    api = await startTestApi({ logLevel: 'info', logStream });
  });
  afterAll(() => api.close());

  const completed = (url: string) => lines.filter((l) => (l.req as { url?: string } | undefined)?.url === url && typeof l.responseTime === 'number');

  it('a command: method, path, correlation id (X-Correlation-Id, else the command id), status, time', async () => {
    const desk = api.token('receptionist');
    const commandId = newId();
    const sent = await request(api.app.getHttpServer()).post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).send({ commandId, payload: complaintPayload() });
    expect(sent.status).toBe(200);
    await request(api.app.getHttpServer()).post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${desk}`).set('X-Correlation-Id', 'corr-1').send({ commandId: newId(), payload: complaintPayload() });
    const [first, second] = completed('/api/commands/ReceiveComplaint');
    expect(first).toMatchObject({ level: 30, req: { method: 'POST', url: '/api/commands/ReceiveComplaint' }, correlationId: commandId, res: { statusCode: 200 }, msg: 'request completed' });
    expect(Object.keys(first)).toEqual(['level', 'time', 'pid', 'hostname', 'req', 'correlationId', 'res', 'responseTime', 'msg']);
    expect(second).toMatchObject({ correlationId: 'corr-1', res: { statusCode: 200 } });
  });

  it('a query string is not logged (it may carry personal data), nor the body or headers', async () => {
    await request(api.app.getHttpServer()).get('/api/cases/complaint-x?phone=13800000000').set('Authorization', `Bearer ${api.token('gm_office', '*')}`);
    const [line] = completed('/api/cases/complaint-x');
    expect(line).toMatchObject({ req: { method: 'GET', url: '/api/cases/complaint-x' }, res: { statusCode: 404 }, msg: 'request completed' });
    expect(JSON.stringify(lines)).not.toContain('13800000000');
    expect(JSON.stringify(lines)).not.toContain('Bearer');
  });

  it("a failure: the request's line says errored", async () => {
    jest.spyOn(api.store, 'append').mockRejectedValueOnce(new Error('the disk is on fire'));
    const commandId = newId();
    const sent = await request(api.app.getHttpServer()).post('/api/commands/ReceiveComplaint').set('Authorization', `Bearer ${api.token('receptionist')}`).send({ commandId, payload: complaintPayload() });
    expect(sent.status).toBe(500);
    const line = lines.find((l) => l.correlationId === commandId && l.msg === 'request errored');
    expect(line).toMatchObject({ req: { method: 'POST', url: '/api/commands/ReceiveComplaint' }, res: { statusCode: 500 }, err: { message: 'failed with status code 500' } });
  });

  it("req.log, the logger Nest's logger uses inside a request (nestjs-pino, useExisting), carries the request's fields", () => {
    const mine: Record<string, unknown>[] = [];
    const root = pino({ level: 'info' }, { write: (line: string) => void mine.push(JSON.parse(line)) });
    const req = Object.assign(new EventEmitter(), { method: 'POST', url: '/api/commands/X?x=1', originalUrl: '/api/commands/X?x=1', headers: { 'x-correlation-id': 'corr-9' }, body: {} }) as unknown as Parameters<ReturnType<typeof requestLog>>[0];
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableEnded: true }) as unknown as Parameters<ReturnType<typeof requestLog>>[1];
    let nexts = 0;
    requestLog(root)(req, res, () => nexts++);
    expect(nexts).toBe(1);
    expect(mine).toEqual([]);
    (req as unknown as { log: Logger }).log.error({ context: 'http' }, 'boom');
    expect(mine[0]).toMatchObject({ level: 50, req: { method: 'POST', url: '/api/commands/X' }, correlationId: 'corr-9', context: 'http', msg: 'boom' });
    (res as unknown as EventEmitter).emit('finish');
    (res as unknown as EventEmitter).emit('close');
    expect(mine.slice(1)).toEqual([expect.objectContaining({ req: { method: 'POST', url: '/api/commands/X' }, correlationId: 'corr-9', res: { statusCode: 200 }, msg: 'request completed' })]);
  });
});
