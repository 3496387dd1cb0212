/**
 * The big dataset for P4 and P6, built in minutes instead of the hour a full generation and projection took.
 *
 * A base slice of real generated history (BENCH_BIG_BASE_PROJECTS projects, each scaled so the slice holds
 * BENCH_BIG_EVENTS / copies events) goes through the real Projector. Then ClickHouse copies that slice inside
 * itself, `copies - 1` times, with INSERT … SELECT: every identifier column (`…_id`, `…_ids`: projects, cases,
 * streams, staff, events) gets the suffix `-c<k>`, and nothing else changes — the same times, states, clocks and
 * satisfaction figures, so copy k of project P07 is P07's history under the name `P07-c<k>`. The column lists come
 * from system.columns, so whatever sorting keys, partitions or columns the schema has, the copy follows it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Analytics, ClickHouseAnalytics, migrate, Projector } from '@service-ledger/analytics';
import { bulkEvents } from '@service-ledger/seed';

export interface BigDatasetOptions {
  dir: string;
  events: number;
  projects: number;
  baseProjects: number;
  until: Date;
  log: (line: string) => void;
}

export interface BigDataset {
  db: ClickHouseAnalytics;
  events: number;
  projects: number;
  /** How it was built, for the results: seconds of generation, projection and copying. */
  load: { seconds: number; generating: number; projecting: number; copying: number; baseEvents: number; copies: number; reused: boolean };
}

const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
/** Identifier columns: renamed per copy. Everything else (times, states, figures) is copied as it is. */
const IDENTIFIER = /(^|_)ids?$/;

export async function bigDataset(o: BigDatasetOptions): Promise<BigDataset> {
  const db = ClickHouseAnalytics.open({ kind: 'chdb', path: o.dir, database: 'big' });
  const marker = join(o.dir, 'big-dataset.json');
  const baseProjects = Math.min(o.projects, Math.max(1, o.baseProjects));
  const copies = Math.ceil(o.projects / baseProjects);
  const sizes = { target: o.events, projects: o.projects, baseProjects, seed: 1, until: o.until.toISOString(), method: 'base slice × copies, company-wide rows once' };
  if (existsSync(marker)) {
    const loaded = JSON.parse(readFileSync(marker, 'utf8'));
    if (JSON.stringify(loaded.sizes) === JSON.stringify(sizes)) {
      // A dataset kept from an older version gets the migrations since, as an upgraded installation does (an aggregate
      // added later is filled from the tables in place); one a migration emptied (rebuilt by replay) is built again.
      await migrate(db);
      const [{ n }] = await db.query<{ n: string }>('SELECT toString(count()) AS n FROM {{events}}');
      if (Number(n) === loaded.events) {
        await mergeParts(db, o.log);
        o.log(`big dataset: reusing ${loaded.events} events, ${loaded.projects} projects in ${o.dir} (built in ${loaded.load.seconds.toFixed(0)} s)`);
        return { db, events: loaded.events, projects: loaded.projects, load: { ...loaded.load, reused: true } };
      }
      o.log(`big dataset: a migration emptied the kept tables (${n} of ${loaded.events} events left): building again`);
    }
  }
  await db.command('DROP DATABASE IF EXISTS `big`');
  await migrate(db);
  // A project of scale 1 has about 7000 events a year; the margin keeps the total above the target.
  const scale = Math.max(1, o.events / copies / (baseProjects * 6500));
  const projector = new Projector(db, { cacheSize: 300_000 });
  // 10 000 events a batch measured fastest: smaller batches pay per-insert overhead, larger ones re-scan the batch.
  const gen = bulkEvents({ projects: baseProjects, months: 12, seed: 1, until: o.until, scale }, 10_000);
  let baseEvents = 0;
  let generating = 0;
  let projecting = 0;
  const t0 = process.hrtime.bigint();
  for (let next = 250_000; ; ) {
    const g = process.hrtime.bigint();
    const r = gen.next();
    generating += seconds(g);
    if (r.done) break;
    const p = process.hrtime.bigint();
    await projector.handle(r.value);
    projecting += seconds(p);
    baseEvents += r.value.length;
    if (baseEvents >= next) {
      o.log(`big dataset: base slice ${baseEvents} events in ${seconds(t0).toFixed(0)} s (generate ${generating.toFixed(0)} s, project ${projecting.toFixed(0)} s)`);
      next += 250_000;
    }
  }
  o.log(`big dataset: base slice ${baseEvents} events, ${baseProjects} projects (scale ${scale.toFixed(2)}) projected at ${(baseEvents / projecting).toFixed(0)} events/s`);
  const c = process.hrtime.bigint();
  if (copies > 1) await copyInside(db, copies, o.log);
  const copying = seconds(c);
  await mergeParts(db, o.log);
  const [{ n }] = await db.query<{ n: string }>('SELECT toString(count()) AS n FROM {{events}}');
  const [{ p }] = await db.query<{ p: string }>('SELECT toString(count()) AS p FROM {{projects}} FINAL');
  const events = Number(n);
  const load = { seconds: seconds(t0), generating, projecting, copying, baseEvents, copies, reused: false };
  o.log(`big dataset: ${events} events, ${p} projects in ${load.seconds.toFixed(0)} s (generate ${generating.toFixed(0)} s, project ${projecting.toFixed(0)} s, copy ×${copies} ${copying.toFixed(0)} s)`);
  if (events < o.events) o.log(`big dataset: WARNING ${events} events, fewer than BENCH_BIG_EVENTS=${o.events}`);
  writeFileSync(marker, JSON.stringify({ sizes, events, projects: Number(p), load }));
  return { db, events, projects: Number(p), load };
}

/**
 * Copies of every project-bound table (a `project_id` or `project_ids` column), one INSERT … SELECT per table: the
 * original rows, ARRAY JOINed with the copy numbers, identifiers suffixed. Tables without a project (policies,
 * migrations) are company-wide and stay as they are.
 */
async function copyInside(db: Analytics, copies: number, log: (line: string) => void): Promise<void> {
  const columns = await db.query<{ table: string; name: string; type: string; default_kind: string }>(
    'SELECT table, name, type, default_kind FROM system.columns WHERE database = {db:String} ORDER BY table, position',
    { db: db.database },
  );
  // Only stored tables: not views, and not the targets of materialized views (those fill from their source's copy).
  const defined = await db.query<{ name: string; engine: string; create_table_query: string }>(
    'SELECT name, engine, create_table_query FROM system.tables WHERE database = {db:String}',
    { db: db.database },
  );
  const fedByViews = new Set(defined.filter((t) => t.engine === 'MaterializedView').map((t) => /\bTO\s+(?:`?\w+`?\.)?`?(\w+)`?/i.exec(t.create_table_query)?.[1]).filter(Boolean));
  const copyable = new Set(defined.filter((t) => /MergeTree$/.test(t.engine) && !t.name.startsWith('.') && !fedByViews.has(t.name)).map((t) => t.name));
  const tables = new Map<string, { name: string; type: string }[]>();
  for (const col of columns) {
    if (!copyable.has(col.table)) continue;
    // MATERIALIZED and ALIAS columns are computed by the table itself and cannot be inserted.
    if (col.default_kind === 'MATERIALIZED' || col.default_kind === 'ALIAS') continue;
    tables.set(col.table, [...(tables.get(col.table) ?? []), col]);
  }
  for (const [table, cols] of tables) {
    if (!cols.some((col) => col.name === 'project_id' || col.name === 'project_ids')) continue;
    const renamed: string[] = [];
    const select = cols.map((col) => {
      const expr = renameExpression(col.name, col.type);
      if (expr !== `\`${col.name}\``) renamed.push(col.name);
      return expr;
    });
    // Company-wide rows (project '*' or none: policies and the like) exist once, not once per copy.
    const where = cols.some((col) => col.name === 'project_id')
      ? ` WHERE project_id NOT IN ('', '*')`
      : ` WHERE notEmpty(project_ids) AND NOT has(project_ids, '*')`;
    const t = process.hrtime.bigint();
    await db.command(
      `INSERT INTO {{${table}}} (${cols.map((col) => `\`${col.name}\``).join(', ')}) SELECT ${select.join(', ')} FROM {{${table}}} ARRAY JOIN range(1, ${copies}) AS copy_no${where}`,
    );
    log(`big dataset: ${table} ×${copies} in ${seconds(t).toFixed(1)} s (renamed ${renamed.join(', ')})`);
  }
}

/**
 * Merges every partition of every table down to one part, the state a ClickHouse server's background merges bring a
 * closed month to within minutes of its last insert. chDB merges only while its session runs, so a dataset built by
 * many batch inserts and copies is left with several parts per partition, which every FINAL read then merges at query
 * time (measured: the source-reading panels ≈ a third slower on a rebuilt, unmerged dataset, both API and raw). Done
 * after building and after migrations filled new aggregates on a kept dataset; a table already in one part per
 * partition is left alone.
 */
async function mergeParts(db: Analytics, log: (line: string) => void): Promise<void> {
  const unmerged = await db.query<{ table: string; parts: string; partitions: string }>(
    `SELECT table, toString(count()) AS parts, toString(uniqExact(partition_id)) AS partitions FROM system.parts
      WHERE database = {db:String} AND active AND NOT startsWith(table, '.') GROUP BY table HAVING count() > uniqExact(partition_id) ORDER BY table`,
    { db: db.database },
  );
  for (const { table, parts, partitions } of unmerged) {
    const t = process.hrtime.bigint();
    await db.command(`OPTIMIZE TABLE {{${table}}} FINAL`);
    log(`big dataset: ${table} merged, ${parts} parts → ${partitions} partitions, in ${seconds(t).toFixed(1)} s`);
  }
}

/** The SELECT expression of one column in copy `copy_no`: identifiers suffixed `-c<copy_no>`, empty ones kept empty. */
export function renameExpression(name: string, type: string): string {
  const col = `\`${name}\``;
  if (!IDENTIFIER.test(name)) return col;
  const suffix = `concat('-c', toString(copy_no))`;
  const bare = type.replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2').replace(/^(Nullable|LowCardinality)\((.*)\)$/, '$2');
  if (bare === 'String') return `if(${col} = '', ${col}, concat(${col}, ${suffix}))`;
  if (bare === 'UUID') return `reinterpretAsUUID(MD5(concat(toString(${col}), ${suffix})))`;
  if (/^Array\((LowCardinality\()?String\)?\)$/.test(bare)) return `arrayMap(x -> if(x = '', x, concat(x, ${suffix})), ${col})`;
  return col;
}
