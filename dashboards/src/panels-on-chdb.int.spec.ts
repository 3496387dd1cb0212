import { type Analytics, KPIS, policyHistoryOf, Projector, runKpi, staffScorecard, staffScorecardSql, weightsForMonth } from '@service-ledger/analytics';
import { FixedClock, newId } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import type { EventStore } from '@service-ledger/event-store';
import { DateTime } from 'luxon';
import { sampleCompany } from '../../test/support/sample';
import { allPanels, DASHBOARDS, kpiValueSql, type Panel, PANEL_DIALECT } from './catalogue';
import { panelParams, type PanelFilters } from './filters';
import { expandGrafanaMacros } from './grafana-macros';
import { GRAFANA_DATABASE, grafanaDashboards, VARIABLE_QUERIES } from './grafana';
import { toApiSql, toGrafanaSql } from './sql';

const TZ = 'Asia/Shanghai';
const ch = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

describe('every panel’s SQL on chDB against the sample company', () => {
  let store: EventStore;
  let db: Analytics;
  let range: { from: Date; to: Date };
  beforeAll(async () => {
    let until: Date;
    ({ store, db, until } = await sampleCompany({ projects: 2, months: 4 }));
    range = { from: new Date(until.getTime() - 120 * 24 * 3600_000), to: until };
  }, 180_000);
  afterAll(async () => {
    await db.command(`DROP DATABASE IF EXISTS \`${db.database}\``);
    await store.close();
  });

  const onChdb = (sql: string) => sql.replaceAll(`${GRAFANA_DATABASE}.`, `\`${db.database}\`.`);
  const api = (p: Panel, f: Partial<PanelFilters> = {}, projects: string[] = []) =>
    db.query<Record<string, unknown>>(toApiSql(p.sql, (t) => db.table(t)), panelParams({ ...range, project: '', department: '', staff: '', ...f }, projects, TZ));
  const grafanaTargets = () =>
    Object.entries(grafanaDashboards()).flatMap(([d, json]) =>
      (json.panels as { title: string; targets: { rawSql: string }[] }[]).map((p, i) => [d, DASHBOARDS.find((x) => x.id === d)!.panels[i], p.targets[0].rawSql] as const),
    );

  it.each(DASHBOARDS.flatMap((d) => d.panels.map((p) => [d.id, p.id, p] as const)))('%s/%s through the API’s parameters returns rows with the panel’s columns', async (_d, _p, panel) => {
    const rows = await api(panel);
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0])).toEqual(panel.columns);
  });

  it('every panel, as Grafana sends it (macros expanded), returns the panel’s columns for All, one project, two projects, a department and a person', async () => {
    const selections = [{}, { project: 'P01' }, { project: ['P01', 'P02'] }, { department: 'engineering' }, { project: 'P01', staff: 'P01-technician-1' }];
    for (const [dashboard, panel, rawSql] of grafanaTargets()) {
      for (const vars of selections) {
        const rows = await db.query<Record<string, unknown>>(onChdb(expandGrafanaMacros(rawSql, range, vars)));
        if (Object.keys(vars).length === 0) expect({ dashboard, panel: panel.id, rows: rows.length > 0 }).toEqual({ dashboard, panel: panel.id, rows: true });
        if (rows.length) expect({ panel: panel.id, columns: Object.keys(rows[0]) }).toEqual({ panel: panel.id, columns: panel.columns });
      }
    }
  });

  it('Grafana with one project selected shows the same figures as the API for that project', async () => {
    for (const [, panel, rawSql] of grafanaTargets().filter(([, p]) => p.viz === 'stat' || p.viz === 'gauge')) {
      const [g] = await db.query<{ value: unknown }>(onChdb(expandGrafanaMacros(rawSql, range, { project: 'P02' })));
      // Grafana's $__timeFilter is inclusive at both ends with whole seconds; the API's range is half-open.
      const [a] = await api(panel, { from: new Date(Math.floor(range.from.getTime() / 1000) * 1000), to: new Date(Math.floor(range.to.getTime() / 1000) * 1000 + 1) }, ['P02']);
      if (!/now64/.test(panel.sql)) expect({ panel: panel.id, value: g.value }).toEqual({ panel: panel.id, value: a.value });
    }
  });

  it('the variable queries run: projects, departments of the chosen project, people of the chosen department', async () => {
    const all = (sql: string, vars = {}) => db.query<Record<string, string>>(onChdb(expandGrafanaMacros(sql, range, vars)));
    expect((await all(VARIABLE_QUERIES.project)).map((r) => r.project_id)).toEqual(['P01', 'P02']);
    expect((await all(VARIABLE_QUERIES.department, { project: 'P01' })).map((r) => r.department)).toContain('engineering');
    const people = (await all(VARIABLE_QUERIES.staff, { project: ['P02'], department: 'engineering' })).map((r) => r.staff_id);
    expect(people.length).toBeGreaterThan(0);
    expect(people.every((s) => s.startsWith('P02-') || s.startsWith('demo-'))).toBe(true);
  });

  describe('figures agree with the monthly KPI exports (libs/analytics)', () => {
    const month = '2026-10';
    const bounds = () => {
      const start = DateTime.fromISO(`${month}-01`, { zone: TZ });
      return { from: start.toJSDate(), to: start.plus({ months: 1 }).toJSDate() };
    };
    const kpiIds = KPIS.map((k) => k.id).filter((id) => id !== 'rework_rate');

    it.each(kpiIds)('KPI %s for one month and one project equals runKpi', async (id) => {
      const kpi = KPIS.find((k) => k.id === id)!;
      const expected = await runKpi(db, kpi, { month, project: 'P01', timeZone: TZ });
      const [row] = await db.query<{ value: number | null }>(toApiSql(kpiValueSql(id), (t) => db.table(t)), panelParams({ ...bounds(), project: '', department: '', staff: '' }, ['P01'], TZ));
      expect(expected.denominator).toBeGreaterThan(0); // a month with cases, or the comparison proves nothing
      const shown = kpi.kind === 'rate' ? expected.rate : kpi.kind === 'amount' ? expected.numerator / 100 : expected.numerator;
      if (shown === null) expect(row.value).toBeNull();
      else expect(Number(row.value)).toBeCloseTo(shown, 4);
    });

    it('rework_rate (its denominator spans the warranty window before the month) is refused a time range, loudly', () => {
      expect(() => kpiValueSql('rework_rate')).toThrow(/rework_rate.*cannot be shown over a time range/);
    });

    const scorecardPanel = () => allPanels().find((p) => p.id === 'staff_scorecard')!;
    const key = (r: { projectId?: unknown; project_id?: unknown; staffId?: unknown; staff_id?: unknown }) => `${r.projectId ?? r.project_id}/${r.staffId ?? r.staff_id}`;
    /** The panel's rows for the month and the export's scorecard: same people, counts, score, rank and weights. */
    const panelAndExportAgree = async () => {
      const expected = await staffScorecard(db, { month, timeZone: TZ });
      const rows = await api(scorecardPanel(), bounds());
      expect(expected.length).toBeGreaterThan(0);
      expect(rows.map(key).sort()).toEqual(expected.map(key).sort());
      for (const e of expected) {
        const r = rows.find((x) => key(x) === key(e))!;
        const w = e.weights;
        expect({ who: key(e), month: r.month, received: Number(r.received), handled: Number(r.handled), reworks: Number(r.reworks), rank: Number(r.rank), score: Number(r.score), weights: r.weights }).toEqual({
          who: key(e), month, received: e.firstResponderJobs, handled: e.handled, reworks: e.reworks, rank: e.rank, score: e.score,
          weights: `${e.weightsFrom}: ${w.onTime}/${w.satisfaction}/${w.volume}/−${w.reworkPenalty}`,
        });
      }
      return expected;
    };

    it('the staff scorecard panel and the export give the same scores; a weight changed in P02’s policy changes both', async () => {
      const before = await panelAndExportAgree();
      expect(before.every((s) => s.weightsFrom === 'default' && s.weights.onTime === 40)).toBe(true);
      // P02 weighs on-time more from before the month, recorded after it (a change with an earlier effective instant).
      const changed = await new CommandPipeline(store, new FixedClock(new Date('2026-11-20T00:00:00Z'))).execute(
        'ChangePolicy',
        { projectId: 'P02', effectiveFrom: '2026-07-01T00:00:00+08:00', reason: 'on-time weighs more', sections: { scoreWeights: { onTime: 70, satisfaction: 20, volume: 10, reworkPenalty: 10 } } },
        { commandId: newId(), actor: { staffId: 'gm', role: 'gm_office' }, projectScope: '*', occurredAt: '2026-11-19T00:00:00Z', correlationId: 'c', causationId: null },
      );
      await new Projector(db).handle(changed.events);
      const after = await panelAndExportAgree();
      const inForce = weightsForMonth(await policyHistoryOf(db, TZ), month, TZ);
      expect(inForce('P02').onTime).toBe(70);
      // The weights named in the figures are the policy library's in force at the month's end, project by project.
      for (const s of after) expect({ who: key(s), weights: s.weights }).toEqual({ who: key(s), weights: inForce(s.projectId) });
      const change = `P02#${(changed.events[0].data as { change: number }).change}`;
      expect(new Set(after.filter((s) => s.projectId === 'P02').map((s) => s.weightsFrom))).toEqual(new Set([change]));
      // P01 keeps its scores; P02's move with the weights (someone below a perfect on-time rate scores differently).
      const score = (list: typeof before, projectId: string) => list.filter((s) => s.projectId === projectId).map((s) => `${s.staffId}=${s.score}`).sort();
      expect(score(after, 'P01')).toEqual(score(before, 'P01'));
      expect(score(after, 'P02')).not.toEqual(score(before, 'P02'));
      // The change stored twice (a batch projected again after a crash, not yet merged away): the weights are read
      // without FINAL, and the copy, the same event at the same position, changes nothing.
      await db.command('SYSTEM STOP MERGES {{event_facts}}');
      try {
        await db.command("INSERT INTO {{event_facts}} SELECT * FROM {{event_facts}} FINAL WHERE type = 'PolicyChanged'");
        const [{ stored }] = await db.query<{ stored: string }>("SELECT toString(count()) AS stored FROM {{event_facts}} WHERE type = 'PolicyChanged' AND project_id = 'P02'");
        expect(Number(stored)).toBeGreaterThanOrEqual(2);
        expect(await panelAndExportAgree()).toEqual(after);
      } finally {
        await db.command('SYSTEM START MERGES {{event_facts}}');
      }
    });

    it('the staff scorecard filtered to one person shows that person’s project score and rank', async () => {
      const all = await staffScorecard(db, { month, timeZone: TZ });
      const last = all.filter((s) => s.projectId === 'P01').at(-1)!;
      expect(last.rank).toBeGreaterThan(1);
      const [alone] = await staffScorecard(db, { month, timeZone: TZ, project: 'P01', staff: last.staffId });
      expect({ score: alone.score, rank: alone.rank }).toEqual({ score: last.score, rank: last.rank });
    });
  });

  it.each([1, 7, 40])('the staff scorecard scoring only the project-months of its first %i rows shows the rows of scoring them all, through the API and Grafana', async (n) => {
    const ordered = (sql: string, limit = `LIMIT ${n}`) => `SELECT * FROM (${sql}) ORDER BY month DESC, project_id, rank, staff_id ${limit}`;
    const [pruned, whole] = [staffScorecardSql(PANEL_DIALECT, { first: n }), staffScorecardSql(PANEL_DIALECT)];
    const viaApi = (sql: string, f: Partial<PanelFilters>) =>
      db.query<Record<string, unknown>>(toApiSql(sql, (t) => db.table(t)), panelParams({ ...range, project: '', department: '', staff: '', ...f }, f.project ? [f.project] : [], TZ));
    for (const f of [{}, { department: 'engineering' }, { staff: 'P01-technician-1' }, { project: 'P02' }]) {
      const shown = await viaApi(ordered(pruned), f);
      expect(shown.length).toBeGreaterThan(0);
      expect({ f, rows: shown }).toEqual({ f, rows: await viaApi(ordered(whole), f) });
    }
    for (const vars of [{}, { department: 'engineering' }, { project: 'P01', staff: 'P01-technician-1' }]) {
      const grafana = (sql: string) => db.query<Record<string, unknown>>(onChdb(expandGrafanaMacros(toGrafanaSql(ordered(sql), GRAFANA_DATABASE), range, vars)));
      expect({ vars, rows: await grafana(pruned) }).toEqual({ vars, rows: await grafana(whole) });
    }
    // It did leave project-months out: without the LIMIT, fewer rows than the whole card (the latest month's first projects).
    const [kept, all] = [await viaApi(ordered(pruned, ''), {}), await viaApi(ordered(whole, ''), {})];
    expect(kept.length).toBeLessThan(all.length);
    expect(kept.length).toBeGreaterThanOrEqual(n);
  });

  it('hostile filter values travel as parameters: nothing breaks, nothing matches, the tables stay intact', async () => {
    const before = await db.query<{ n: string }>('SELECT count() AS n FROM {{cases}}');
    const hostile = "x' OR 1=1; DROP TABLE cases; --";
    for (const panel of allPanels()) {
      const rows = await api(panel, { department: hostile, staff: hostile }, [hostile]);
      for (const r of rows) for (const c of panel.columns.filter((c) => c === 'value')) expect([null, 0, '0']).toContain(r[c]);
    }
    expect(await db.query<{ n: string }>('SELECT count() AS n FROM {{cases}}')).toEqual(before);
  });
});
