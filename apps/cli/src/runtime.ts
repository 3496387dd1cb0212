import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveSecret, TokenService } from '@service-ledger/auth';
import type { Config } from '@service-ledger/config';
import { createEventStore, type EventStore } from '@service-ledger/event-store';

/** Opens the configured event store (PGlite lives in <data dir>/store). */
export async function openStore(config: Config): Promise<EventStore> {
  switch (config.store) {
    case 'pglite': {
      const dir = resolve(config.dataDir, 'store');
      mkdirSync(dir, { recursive: true });
      return createEventStore({ kind: 'pglite', dataDir: dir });
    }
    case 'postgres':
      return createEventStore({ kind: 'postgres', url: config.postgresUrl! });
    case 'kurrentdb':
      return createEventStore({ kind: 'kurrentdb', url: config.kurrentdbUrl! });
  }
}

export function tokenService(config: Config): TokenService {
  return new TokenService(resolveSecret(config.authSecret, resolve(config.dataDir)));
}

export const analyticsDir = (config: Config) => join(resolve(config.dataDir), 'analytics');
