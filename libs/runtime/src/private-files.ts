import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds owners' personal data (the PGlite store), the events auditors rely on, the token secret and
 * staff pay figures: folders 0700, files 0600, whatever the umask the process was started with.
 *
 * Two halves: the process umask becomes 077 before anything is opened, so files PGlite and chDB create later are
 * private too; and what an older version (or another umask) left behind is tightened once at start.
 */
export function privateDataDir(dir: string): string {
  process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir);
  return dir;
}

function tighten(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
    for (const name of readdirSync(path)) tighten(join(path, name));
  } else if ((stat.mode & 0o777) !== 0o600) chmodSync(path, 0o600);
}
