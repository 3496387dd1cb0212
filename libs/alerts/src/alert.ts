import { type Aggregate, exhaustive, typedAggregate } from '@service-ledger/core';
import type { AlertEvent, AlertRaised } from './events';

export type RouteStatus = 'pending' | 'delivered' | 'dead';

export interface AlertState {
  raised: AlertRaised['data'] | null;
  routes: Record<string, { status: RouteStatus; attempts: number; error?: string }>;
}

/** One alert's life: raised for some routes, each delivered or dead-lettered, dead ones retried by an admin. */
export const alertAggregate: Aggregate<AlertState> = typedAggregate<AlertState, AlertEvent>({
  initialState: () => ({ raised: null, routes: {} }),
  evolve: (state, e): AlertState => {
    switch (e.type) {
      case 'AlertRaised':
        return { raised: e.data, routes: Object.fromEntries(e.data.routes.map((r) => [r.name, { status: 'pending' as const, attempts: 0 }])) };
      case 'AlertDelivered':
        return { ...state, routes: { ...state.routes, [e.data.route]: { status: 'delivered', attempts: e.data.attempts } } };
      case 'AlertDeliveryFailed':
        return { ...state, routes: { ...state.routes, [e.data.route]: { status: 'dead', attempts: e.data.attempts, error: e.data.error } } };
      case 'AlertRetryRequested':
        return { ...state, routes: { ...state.routes, ...Object.fromEntries(e.data.routes.map((r) => [r, { ...state.routes[r], status: 'pending' as const }])) } };
      default:
        return exhaustive(e) ?? state;
    }
  },
});

export function pendingRoutes(state: AlertState): string[] {
  return Object.entries(state.routes).filter(([, r]) => r.status === 'pending').map(([name]) => name);
}

export function deadRoutes(state: AlertState): string[] {
  return Object.entries(state.routes).filter(([, r]) => r.status === 'dead').map(([name]) => name);
}
