import { migrate, Projector } from '@service-ledger/analytics';
import { Health, Metrics, processLogger } from '@service-ledger/telemetry';
import { seededFixture } from '../../../../test/support/chdb';
import { observedProjector } from './observed-projector';

/** A failing projector (analytics gone, read-only, full) must be visible: logged, counted, health degraded. */
describe('observed projector', () => {
  it('a batch that cannot be written: thrown back (retried, never skipped), counted, /health degraded with the reason; a later success clears it', async () => {
    const fixture = await seededFixture('observed', 3);
    try {
      const metrics = new Metrics('test');
      const lines: string[] = [];
      const log = processLogger('test', 'info');
      const logged = Object.assign(Object.create(log), { error: (_o: unknown, msg: string) => lines.push(`error ${msg}`), warn: (_o: unknown, msg: string) => lines.push(`warn ${msg}`), info: () => undefined, debug: () => undefined });
      const projector = new Projector(fixture.db);
      const observed = observedProjector(projector, metrics, logged, 'degraded');
      const health = new Health().add(observed.check);
      const { events } = await fixture.store.readAll({ limit: 50 });
      // The analytics database disappears under the projector (as a wiped or read-only folder would fail).
      await fixture.db.command(`DROP DATABASE \`${fixture.db.database}\``);
      await expect(observed.handle(events)).rejects.toThrow();
      await expect(observed.handle(events)).rejects.toThrow();
      const report = await health.report();
      expect(report.status).toBe('degraded');
      expect(report.checks.projector).toMatchObject({ status: 'degraded', consecutiveFailures: 2, message: expect.stringMatching(/\S/) });
      expect(lines).toEqual([expect.stringMatching(/^error projector: batch failed/), expect.stringMatching(/^warn projector: batch still failing/)]);
      expect(await metrics.text()).toMatch(/sl_projector_errors_total 2/);
      await migrate(fixture.db);
      await observed.handle(events);
      expect((await health.report()).status).toBe('ok');
      expect(await metrics.text()).toMatch(/sl_projector_batch_events_count 1/);
    } finally {
      await fixture.close();
    }
  }, 120_000);
});
