import { chmodSync, renameSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Analytics } from '@service-ledger/analytics';
import { buildKpiExport, type ExportRequest } from './kpi-export';
import { toCsvFiles, toWorkbook } from './render';

/**
 * Writes via a temporary file and a rename, so a failure never leaves a partial export behind. Exports name staff and
 * their pay-relevant figures: folders 0700 and files 0600 whatever the umask (explicit chmod, since modes given to
 * mkdir/writeFile are masked by it).
 */
function writeAtomically(file: string, content: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** xlsx: one file. csv: one file per table beside `out` (`<name>-summary.csv`, `<name>-staff.csv` …). */
export async function exportKpisToFiles(db: Analytics, req: ExportRequest, format: 'xlsx' | 'csv', out: string): Promise<string[]> {
  const data = await buildKpiExport(db, req);
  if (format === 'xlsx') {
    writeAtomically(out, await toWorkbook(data));
    return [out];
  }
  const base = out.slice(0, out.length - extname(out).length);
  return toCsvFiles(data).map((f) => {
    const file = `${base}-${f.name.replace(/_/g, '-')}.csv`;
    writeAtomically(file, f.content);
    return file;
  });
}
