import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '@service-ledger/config';

/**
 * The embedded server announces itself in <data dir>/server.json (URL and pid) while it runs, because chDB locks its
 * data folder: a second process (`service-ledger kpi export`) must then go through the server's HTTP API.
 */
const serverFile = (config: Config) => join(resolve(config.dataDir), 'server.json');

export function announceServer(config: Config, url: string): () => void {
  const file = serverFile(config);
  writeFileSync(file, JSON.stringify({ url, pid: process.pid }));
  return () => rmSync(file, { force: true });
}

/** The embedded server running on this data folder, if any (a file left by a crashed server is ignored). */
export function runningServer(config: Config): { url: string; pid: number } | null {
  try {
    const s = JSON.parse(readFileSync(serverFile(config), 'utf8')) as { url: string; pid: number };
    process.kill(s.pid, 0); // throws when no such process
    return s;
  } catch {
    return null;
  }
}

/** chDB's own words when another process holds the folder, turned into what to do about it. */
export function explainAnalyticsError(error: unknown, config: Config): Error {
  const message = (error as Error)?.message ?? String(error);
  if (/Cannot lock file|Another server instance|lock/i.test(message) && config.analytics === 'chdb') {
    return new Error(`the analytics store in ${resolve(config.dataDir, 'analytics')} is in use by another process; run the command while \`service-ledger start\` is running (it then goes through the server) or after it stopped`);
  }
  return error instanceof Error ? error : new Error(message);
}
