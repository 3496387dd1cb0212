import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grafanaDashboards } from './grafana';
import { operationsDashboard } from './operations';

/** The generated files: one provisioning-ready JSON file per dashboard, stable key order, trailing newline. */
export function grafanaFiles(): Record<string, string> {
  return Object.fromEntries(Object.entries({ ...grafanaDashboards(), operations: operationsDashboard() }).map(([id, json]) => [`${id}.json`, `${JSON.stringify(json, null, 2)}\n`]));
}

/** `npm run dashboards:build`: writes dashboards/grafana/*.json (committed; a test checks they are up to date). */
export function writeGrafanaDashboards(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(grafanaFiles()).map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
}

if (require.main === module) {
  // From dist/dashboards/src or dashboards/src alike: the repository's dashboards/grafana.
  const root = __dirname.includes(`${join('dist', 'dashboards')}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
  for (const f of writeGrafanaDashboards(join(root, 'dashboards', 'grafana'))) console.log(`wrote ${f}`);
}
