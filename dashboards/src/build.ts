import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grafanaDashboards } from './grafana';

/** `npm run dashboards:build`: writes one provisioning-ready JSON file per dashboard to dashboards/grafana/. */
export function writeGrafanaDashboards(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(grafanaDashboards()).map(([id, json]) => {
    const file = join(dir, `${id}.json`);
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    return file;
  });
}

if (require.main === module) {
  for (const f of writeGrafanaDashboards(join(__dirname, '..', '..', '..', 'dashboards', 'grafana'))) console.log(`wrote ${f}`);
}
