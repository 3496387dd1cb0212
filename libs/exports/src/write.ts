import { chmodSync, createWriteStream, renameSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Analytics } from '@service-ledger/analytics';
import { type ExportRequest, figuresOf, startKpiExport } from './kpi-export';
import { toCsvFiles, writeWorkbook } from './render';

/**
 * Writes via a temporary file and a rename, so a failure never leaves a partial export behind. Exports name staff and
 * their pay-relevant figures: folders 0700 and files 0600 whatever the umask (explicit chmod, since modes given to
 * mkdir, writeFile and open are masked by it).
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

/** The same for content written as a stream (the workbook: its rows never sit in memory all at once). */
export async function streamAtomically(file: string, write: (out: Writable) => Promise<void>): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const out = createWriteStream(tmp, { mode: 0o600 });
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  closed.catch(() => undefined); // awaited below; a write error must not count as an unhandled rejection meanwhile
  try {
    await write(out);
    await closed;
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (error) {
    out.destroy();
    await closed.catch(() => undefined);
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** xlsx: one file. csv: one file per table beside `out` (`<name>-summary.csv`, `<name>-staff.csv` …). */
export async function exportKpisToFiles(db: Analytics, req: ExportRequest, format: 'xlsx' | 'csv', out: string): Promise<string[]> {
  // The request is checked before anything is written; the workbook's first sheets are written while chDB answers for the rest.
  const figures = await startKpiExport(db, req);
  if (format === 'xlsx') {
    await streamAtomically(out, (stream) => writeWorkbook(figures, stream));
    return [out];
  }
  const data = await figuresOf(figures);
  const base = out.slice(0, out.length - extname(out).length);
  return toCsvFiles(data).map((f) => {
    const file = `${base}-${f.name.replace(/_/g, '-')}.csv`;
    writeAtomically(file, f.content);
    return file;
  });
}
