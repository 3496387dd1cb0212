import { join, resolve } from 'node:path';
import { type AnalyticsConfig, ClickHouseAnalytics } from '@service-ledger/analytics';
import { resolveSecret, TokenService } from '@service-ledger/auth';
import type { Config } from '@service-ledger/config';
import { eventUpcasters } from '@service-ledger/application';
import { privateDataDir } from './private-files';
import { createEventStore, type EventStore } from '@service-ledger/event-store';

/** Opens the configured event store (PGlite lives in <data dir>/store), reading every event in its current shape. */
export async function openStore(config: Config): Promise<EventStore> {
  switch (config.store) {
    case 'pglite': {
      privateDataDir(resolve(config.dataDir));
      const dir = privateDataDir(resolve(config.dataDir, 'store'));
      return createEventStore({ kind: 'pglite', dataDir: dir }, eventUpcasters);
    }
    case 'postgres':
      return createEventStore({ kind: 'postgres', url: config.postgresUrl! }, eventUpcasters);
    case 'kurrentdb':
      return createEventStore({ kind: 'kurrentdb', url: config.kurrentdbUrl! }, eventUpcasters);
  }
}

export function tokenService(config: Config): TokenService {
  if (!config.authSecret) privateDataDir(resolve(config.dataDir));
  return new TokenService(resolveSecret(config.authSecret, resolve(config.dataDir)));
}

export const analyticsDir = (config: Config) => join(resolve(config.dataDir), 'analytics');

/** The configured analytics store (chDB lives in <data dir>/analytics, created private here). */
export function analyticsConfigOf(config: Config): AnalyticsConfig {
  if (config.analytics === 'clickhouse') {
    return { kind: 'clickhouse', url: config.clickhouseUrl, username: config.clickhouseUser, password: config.clickhousePassword, database: config.clickhouseDatabase };
  }
  privateDataDir(analyticsDir(config));
  return { kind: 'chdb', path: analyticsDir(config), database: config.clickhouseDatabase };
}

/** Opens the configured analytics store in this thread. */
export function openAnalytics(config: Config): ClickHouseAnalytics {
  return ClickHouseAnalytics.open(analyticsConfigOf(config));
}
