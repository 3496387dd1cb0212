/** What operators see of every process: health checks, Prometheus metrics, the ops listener, structured logs. */
export * from './health';
export * from './metrics';
export * from './ops-server';
export * from './logger';
