import type { EventStore } from './event-store.port';
import { KurrentEventStore } from './kurrentdb/kurrent-event-store';
import { PgExecutor } from './sql/pg-executor';
import { PgliteExecutor } from './sql/pglite-executor';
import { SqlEventStore } from './sql/sql-event-store';
import { noUpcasters, type Upcasters } from './upcasters';

export type EventStoreConfig =
  | { kind: 'pglite'; dataDir?: string }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number }
  | { kind: 'kurrentdb'; url: string };

/** Nest injection token for the EventStore port. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** Opens and initialises the configured adapter. */
export async function createEventStore(config: EventStoreConfig, upcasters: Upcasters = noUpcasters): Promise<EventStore> {
  let store: EventStore;
  switch (config.kind) {
    case 'pglite':
      store = new SqlEventStore('pglite', await PgliteExecutor.open(config.dataDir), upcasters);
      break;
    case 'postgres':
      store = new SqlEventStore('postgres', PgExecutor.open(config.url, config.schema, config.poolSize), upcasters);
      break;
    case 'kurrentdb':
      store = new KurrentEventStore(config.url, upcasters);
      break;
  }
  await store.init();
  return store;
}
