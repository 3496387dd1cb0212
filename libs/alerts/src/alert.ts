import type { Aggregate, EventEnvelope } from '@service-ledger/core';
import type { AlertRaised } from './events';

export type RouteStatus = 'pending' | 'delivered' | 'dead';

export interface AlertState {
  raised: AlertRaised['data'] | null;
  routes: Record<string, { status: RouteStatus; attempts: number; error?: string }>;
}

/** One alert's life: raised for some routes, each delivered or dead-lettered, dead ones retried by an admin. */
export const alertAggregate: Aggregate<AlertState> = {
  initialState: () => ({ raised: null, routes: {} }),
  evolve: (state, e: EventEnvelope) => {
    const d = e.data as Record<string, any>;
    switch (e.type) {
      case 'AlertRaised':
        return { raised: d as AlertRaised['data'], routes: Object.fromEntries((d.routes as { name: string }[]).map((r) => [r.name, { status: 'pending' as const, attempts: 0 }])) };
      case 'AlertDelivered':
        return { ...state, routes: { ...state.routes, [d.route]: { status: 'delivered', attempts: d.attempts } } };
      case 'AlertDeliveryFailed':
        return { ...state, routes: { ...state.routes, [d.route]: { status: 'dead', attempts: d.attempts, error: d.error } } };
      case 'AlertRetryRequested':
        return { ...state, routes: { ...state.routes, ...Object.fromEntries((d.routes as string[]).map((r) => [r, { ...state.routes[r], status: 'pending' as const }])) } };
      default:
        return state;
    }
  },
};

export function pendingRoutes(state: AlertState): string[] {
  return Object.entries(state.routes).filter(([, r]) => r.status === 'pending').map(([name]) => name);
}

export function deadRoutes(state: AlertState): string[] {
  return Object.entries(state.routes).filter(([, r]) => r.status === 'dead').map(([name]) => name);
}
