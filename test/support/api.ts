import type { INestApplication } from '@nestjs/common';
import { createApp, type AppDeps } from '@service-ledger/api';
import { TokenService, type Principal } from '@service-ledger/auth';
import { createEventStore, type EventStore } from '@service-ledger/event-store';
import type { Role } from '@service-ledger/core';
import { CommandPipeline } from '@service-ledger/application';
import { registerProjects } from '@service-ledger/testing';
export { registerProjects };

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** An API over an in-memory PGlite store, with a token maker; projects p1 and p2 are registered. */
export async function startTestApi(extra: Partial<AppDeps> & { projects?: string[] } = {}): Promise<{
  app: INestApplication;
  store: EventStore;
  token(role: Role, projects?: string[] | '*', staffId?: string, permissions?: string[]): string;
  close(): Promise<void>;
}> {
  const store = extra.store ?? (await createEventStore({ kind: 'pglite' }));
  const tokens = new TokenService(TEST_SECRET);
  const { projects: _projects, ...deps } = extra;
  const app = await createApp({ store, tokens, logLevel: 'silent', ...deps });
  await app.init();
  await registerProjects(app.get(CommandPipeline), extra.projects ?? ['p1', 'p2']);
  return {
    app,
    store,
    token: (role, projects = ['p1'], staffId = `${role}-1`, permissions = []) => tokens.issue({ staffId, role, projects, permissions } satisfies Principal),
    async close() {
      await app.close();
      await store.close();
    },
  };
}
