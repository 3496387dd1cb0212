import type { INestApplication } from '@nestjs/common';
import { ANALYTICS, type Analytics, Projector } from '@service-ledger/analytics';
import { TokenService } from '@service-ledger/auth';
import { newId } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { findPanel } from '@service-ledger/dashboards';
import { complaintPayload, contextFor } from '@service-ledger/testing';
import request from 'supertest';
import { TEST_SECRET } from '../../../../test/support/api';
import { sampleCompany } from '../../../../test/support/sample';
import { createApp } from '../app';
import { Metrics } from '../metrics';
import { Freshness } from '../freshness';
import { DashboardsModule } from './dashboards.module';
import { readsTheClock } from './panel-results';

describe('dashboard panel answers: cache and read limit', () => {
  let store: EventStore;
  let db: Analytics;
  let app: INestApplication;
  let metrics: Metrics;
  const tokens = new TokenService(TEST_SECRET);
  const gm = tokens.issue({ staffId: 'demo-gm_office', role: 'gm_office', projects: '*', permissions: [] });
  const desk = tokens.issue({ staffId: 'P01-receptionist-1', role: 'receptionist', projects: ['P01'], permissions: [] });
  const area = tokens.issue({ staffId: 'area-supervisor', role: 'supervisor', projects: ['P01', 'P02'], permissions: [] });
  // Closed: the range ended before the test runs. The panel counts complaints by nature, with no clock in its SQL.
  const PANEL = 'complaints/panels/complaints_by_nature';
  const CLOSED = '?from=2026-08&to=2026-10';
  const data = (token: string, query = CLOSED, panel = PANEL) => request(app.getHttpServer()).get(`/api/dashboards/${panel}/data${query}`).set('Authorization', `Bearer ${token}`);
  const outcomes = async () => {
    const m = await metrics.analyticsReads.panelCache.get();
    return Object.fromEntries(m.values.map((v) => [v.labels.outcome, v.value])) as Record<string, number | undefined>;
  };
  const total = (rows: { value: string | number }[]) => rows.reduce((n, r) => n + Number(r.value), 0);

  beforeAll(async () => {
    ({ store, db } = await sampleCompany({ projects: 2, months: 3 }));
    metrics = new Metrics('api');
    app = await createApp({ store, tokens, logLevel: 'silent', metrics, modules: [DashboardsModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
    await app.init();
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store?.close();
  });

  it('a closed range is answered from the cache the second time, with the identical body', async () => {
    expect(readsTheClock(findPanel('complaints', 'complaints_by_nature')!.sql)).toBe(false);
    const before = await outcomes();
    const first = await data(gm).expect(200);
    const second = await data(gm).expect(200);
    expect(total(first.body.rows)).toBeGreaterThan(0);
    expect(second.text).toBe(first.text);
    const after = await outcomes();
    expect((after.miss ?? 0) - (before.miss ?? 0)).toBe(1);
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(1);
  });

  it('a newly projected event moves the position and the next request reads again (no stale answer)', async () => {
    const first = await data(gm).expect(200);
    // A complaint received inside the closed range (recorded now): the range's answer changes although it ended.
    const complaintId = newId();
    const r = await new CommandPipeline(store).execute('ReceiveComplaint', complaintPayload(complaintId, 'P01'), contextFor('receptionist', 'P01-receptionist-1', '*', '2026-09-15T10:00:00+08:00'));
    await new Projector(db).handle(r.events);
    // As the embedded projector does after each batch (a separate API notices within about a second instead).
    const last = r.events[r.events.length - 1];
    app.get(Freshness).moved({ position: last.globalPosition.toString(), lastEventRecordedAt: last.recordedAt.replace(/\.\d+Z$/, 'Z') });
    const before = await outcomes();
    const second = await data(gm).expect(200);
    expect(second.body.projection.position).toBe(last.globalPosition.toString());
    expect(BigInt(second.body.projection.position)).toBeGreaterThan(BigInt(first.body.projection.position));
    expect(total(second.body.rows)).toBe(total(first.body.rows) + 1);
    expect(((await outcomes()).miss ?? 0) - (before.miss ?? 0)).toBe(1);
  });

  it('events written but not yet summed by the aggregates do not move the position; their refresh does, and the next request reads again', async () => {
    const first = await data(gm).expect(200);
    const r = await new CommandPipeline(store).execute('ReceiveComplaint', complaintPayload(newId(), 'P01'), contextFor('receptionist', 'P01-receptionist-1', '*', '2026-09-17T10:00:00+08:00'));
    // A projector on a cadence that has not come round: the tables hold the event, the aggregates do not yet.
    const projector = new Projector(db, { refreshEveryMs: 3_600_000 });
    await projector.handle(r.events);
    const freshness = app.get(Freshness);
    freshness.moved();
    const behind = await data(gm).expect(200);
    // Not the event's position: an answer kept now must not be taken as summing it in every aggregate.
    expect(behind.body.projection.position).toBe(first.body.projection.position);
    expect(projector.stats.refreshed ?? null).toBeNull();
    await projector.flush();
    expect(projector.stats.refreshed?.position).toBe(r.events[r.events.length - 1].globalPosition.toString());
    freshness.moved(projector.stats.refreshed!);
    const before = await outcomes();
    const after = await data(gm).expect(200);
    expect(after.body.projection.position).toBe(r.events[r.events.length - 1].globalPosition.toString());
    expect(((await outcomes()).miss ?? 0) - (before.miss ?? 0)).toBe(1);
    expect(total(after.body.rows)).toBe(total(first.body.rows) + 1);
  });

  it('without word from a projector, a separate API notices the new position within about a second', async () => {
    const first = await data(gm).expect(200);
    const r = await new CommandPipeline(store).execute('ReceiveComplaint', complaintPayload(newId(), 'P02'), contextFor('receptionist', 'P02-receptionist-1', '*', '2026-09-16T10:00:00+08:00'));
    await new Projector(db).handle(r.events);
    const deadline = Date.now() + 5000;
    let latest = first;
    while (latest.body.projection.position === first.body.projection.position && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      latest = await data(gm).expect(200);
    }
    expect(BigInt(latest.body.projection.position)).toBeGreaterThan(BigInt(first.body.projection.position));
    expect(total(latest.body.rows)).toBe(total(first.body.rows) + 1);
  });

  it('an open range (the default: up to the end of this month) is never kept', async () => {
    const before = await outcomes();
    const first = await data(gm, '').expect(200);
    await data(gm, '').expect(200);
    const after = await outcomes();
    expect(new Date(first.body.filters.to).getTime()).toBeGreaterThan(Date.now());
    expect((after.uncacheable ?? 0) - (before.uncacheable ?? 0)).toBe(2);
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(0);
  });

  it('a panel whose SQL reads the clock is not kept even for a closed range', async () => {
    expect(readsTheClock(findPanel('sla', 'on_time_by_clock')!.sql)).toBe(true);
    const before = await outcomes();
    await data(gm, CLOSED, 'sla/panels/on_time_by_clock').expect(200);
    await data(gm, CLOSED, 'sla/panels/on_time_by_clock').expect(200);
    const after = await outcomes();
    expect((after.uncacheable ?? 0) - (before.uncacheable ?? 0)).toBe(2);
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(0);
  });

  it('two scopes never share an entry, even when they ask for the same project', async () => {
    const before = await outcomes();
    // Both effectively read P01 only; each scope gets its own entry (and its own first miss).
    const p01Desk = await data(desk).expect(200);
    const p01Area = await data(area, `${CLOSED}&project=P01`).expect(200);
    const bothArea = await data(area).expect(200);
    const all = await data(gm).expect(200);
    const after = await outcomes();
    expect((after.hit ?? 0) - (before.hit ?? 0)).toBe(1); // gm's answer was kept by the tests before
    expect((after.miss ?? 0) - (before.miss ?? 0)).toBe(3);
    expect(p01Desk.body.filters.projects).toEqual(['P01']);
    expect(total(p01Area.body.rows)).toBe(total(p01Desk.body.rows));
    expect(total(bothArea.body.rows)).toBe(total(all.body.rows));
    expect(total(p01Desk.body.rows)).toBeLessThan(total(all.body.rows));
    // Repeating the receptionist's request is a hit on the receptionist's own entry and still P01 only.
    const again = await data(desk).expect(200);
    expect(again.text).toBe(p01Desk.text);
  });

  it('past the queue bound a read is answered 503 with Retry-After, never 500, and others still succeed', async () => {
    const limited = await createApp({ store, tokens, logLevel: 'silent', analyticsReads: { concurrency: 1, queue: 1, retryAfterSeconds: 2 }, modules: [DashboardsModule.register()], providers: [{ provide: ANALYTICS, useValue: db }] });
    await limited.init();
    try {
      // Six different open-range panels at once: none can share another's query or be kept, so each needs a slot.
      const panels = ['complaints/panels/complaints_by_nature', 'complaints/panels/complaints_by_content', 'complaints/panels/complaints_by_topic', 'complaints/panels/complaints_trend', 'sla/panels/on_time_by_clock', 'sla/panels/breach_trend'];
      const answers = await Promise.all(panels.map((p) => request(limited.getHttpServer()).get(`/api/dashboards/${p}/data`).set('Authorization', `Bearer ${gm}`)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const a of refused) {
        expect(a.headers['retry-after']).toBe('2');
        expect(a.body.error).toBe('overloaded');
      }
      // Once the crowd is gone, the same reads pass again.
      await request(limited.getHttpServer()).get(`/api/dashboards/${panels[0]}/data`).set('Authorization', `Bearer ${gm}`).expect(200);
    } finally {
      await limited.close();
    }
  });
});
