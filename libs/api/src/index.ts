/** The HTTP API as a Nest application: controllers, guards, OpenAPI. Apps and the embedded process start it. */
export { createApp, type AppDeps } from './app';
export { AnalyticsApiModule } from './analytics.module';
export { DashboardsModule } from './dashboards/dashboards.module';
export { DASHBOARDS_TIME_ZONE } from './dashboards/dashboards.tokens';
export { routeAccess, type RouteAccess } from './route-access';
export { AlertEventsModule } from './worklist/alert-events.module';
export { Freshness, type ProjectionFreshness } from './freshness';
export { AnalyticsGate, type AnalyticsGateOptions } from './analytics-gate';
export { DASHBOARDS_CACHE_ENTRIES } from './dashboards/dashboards.tokens';
export { readsTheClock } from './dashboards/panel-results';
