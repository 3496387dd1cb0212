import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The dependency direction of docs/architecture.md, checked on every production file (specs and test helpers may
 * reach across: they wire real parts together). Imports are resolved by the TypeScript compiler with the
 * repository's tsconfig (path aliases included), so a relative `../../other-lib/src` counts as much as an alias.
 *
 * A library may import only libraries of a LOWER layer; an app may import any library but never another app.
 * A new library must be given a layer here before this test passes.
 */
const LAYERS: Array<{ name: string; units: string[] }> = [
  { name: 'kernel', units: ['libs/core'] },
  { name: 'foundation', units: ['libs/config', 'libs/calendar', 'libs/telemetry'] },
  { name: 'ports', units: ['libs/event-store', 'libs/auth'] },
  { name: 'rules', units: ['libs/sla'] },
  { name: 'policies', units: ['libs/policies'] },
  { name: 'capabilities', units: ['libs/complaints', 'libs/repairs', 'libs/help-requests', 'libs/courtesy-visits', 'libs/visitor-log', 'libs/directory', 'libs/access-log', 'libs/alerts'] },
  { name: 'application', units: ['libs/application', 'libs/kafka'] },
  { name: 'analytics', units: ['libs/analytics', 'libs/seed'] },
  { name: 'read models', units: ['libs/exports', 'dashboards', 'libs/notifier'] },
  { name: 'audit', units: ['libs/audit'] },
  { name: 'http', units: ['libs/api'] },
  { name: 'wiring', units: ['libs/runtime'] },
];
/** Test code: production files must not import it. */
const TEST_ONLY = ['libs/testing', 'test'];

const root = join(__dirname, '..');
const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
const host = ts.createCompilerHost(config.options);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const isTestCode = (file: string) =>
  /\.spec\.ts$/.test(file) || file.split(sep).includes('testing') || TEST_ONLY.some((t) => file === t || file.startsWith(t + sep));

/** `apps/cli`, `libs/sla`, `dashboards` or `test` for a repository-relative path; undefined outside the code. */
function unitOf(file: string): string | undefined {
  const parts = file.split(sep);
  if (parts[0] === 'apps' || parts[0] === 'libs') return `${parts[0]}/${parts[1]}`;
  if (parts[0] === 'dashboards' || parts[0] === 'test') return parts[0];
  return undefined;
}

interface Edge {
  file: string;
  specifier: string;
  target: string;
}

/** Every import of every production file that lands in another unit of this repository. */
function crossUnitImports(): Edge[] {
  const files = ['apps', 'libs', 'dashboards'].flatMap(sourceFiles).filter((f) => !isTestCode(f));
  const edges: Edge[] = [];
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    for (const ref of info.importedFiles) {
      const resolved = ts.resolveModuleName(ref.fileName, join(root, file), config.options, host).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const target = relative(root, resolved.resolvedFileName);
      if (target.startsWith('..') || target.split(sep).includes('node_modules')) continue;
      if (unitOf(target) !== unitOf(file) || isTestCode(target)) edges.push({ file, specifier: ref.fileName, target });
    }
  }
  return edges;
}

const layerOf = new Map(LAYERS.flatMap((layer, rank) => layer.units.map((u) => [u, rank] as const)));
const edges = crossUnitImports();

describe('dependency graph', () => {
  it('sees the imports it checks (the resolver follows the path aliases)', () => {
    expect(edges.some((e) => e.specifier === '@service-ledger/core' && e.target.startsWith(join('libs', 'core')))).toBe(true);
    expect(edges.some((e) => e.specifier === '@service-ledger/dashboards' && e.target.startsWith('dashboards'))).toBe(true);
  });

  it('every library and the dashboards have a layer', () => {
    const units = [...readdirSync(join(root, 'libs')).map((d) => `libs/${d}`), 'dashboards'].filter((u) => !TEST_ONLY.includes(u));
    expect(units.filter((u) => !layerOf.has(u))).toEqual([]);
  });

  it('no production file imports test code', () => {
    expect(edges.filter((e) => isTestCode(e.target)).map((e) => `${e.file} → ${e.target}`)).toEqual([]);
  });

  it('no app imports another app', () => {
    const offending = edges.filter((e) => unitOf(e.file)!.startsWith('apps/') && unitOf(e.target)!.startsWith('apps/'));
    expect(offending.map((e) => `${e.file} imports ${e.specifier}`)).toEqual([]);
  });

  it('libraries import only lower layers (core ← capabilities ← analytics ← exports/audit ← api/runtime ← apps)', () => {
    const offending = edges
      .filter((e) => !unitOf(e.file)!.startsWith('apps/') && !isTestCode(e.target))
      .filter((e) => !(layerOf.get(unitOf(e.target)!)! < layerOf.get(unitOf(e.file)!)!))
      .map((e) => `${e.file} (${LAYERS[layerOf.get(unitOf(e.file)!)!]?.name}) imports ${e.specifier} (${LAYERS[layerOf.get(unitOf(e.target)!)!]?.name})`);
    expect(offending).toEqual([]);
  });

  it('no import cycle between libraries, the dashboards and apps', () => {
    const next = new Map<string, Set<string>>();
    for (const e of edges) {
      const [from, to] = [unitOf(e.file)!, unitOf(e.target)!];
      if (!next.has(from)) next.set(from, new Set());
      next.get(from)!.add(to);
    }
    expect(findCycle(next)).toBeUndefined();
  });

  it('the cycle finder finds a cycle', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])]]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });
});

/** The first cycle found by depth-first search, as the path that closes it; undefined when the graph is acyclic. */
function findCycle(next: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const to of next.get(node) ?? []) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
