/** Start-up wiring shared by the apps: opening the configured stores, the Kafka settings, each process of both shapes. */
export { analyticsDir, openAnalytics, openStore, tokenService } from './open';
export { kafkaConfigOf } from './kafka-config';
export { startEmbedded, type Running } from './embedded/start';
export { announceServer, explainAnalyticsError, runningServer } from './server-file';
export type { EmbeddedPart } from './embedded/part';
export { notifierOf } from './embedded/notifier.part';
export { assertReadSideFilled, startApiProcess } from './processes/api';
export { startRelayProcess } from './processes/relay';
export { startProjectorProcess } from './processes/projector';
export { startSchedulerProcess } from './processes/scheduler';
export { startNotifierProcess } from './processes/notifier';
export { openProcessOps, type ProcessOps, type RunningProcess } from './ops/process';
export { untilConnected } from './ops/retry';
export { GlobalLogWatch } from './ops/global-log-watch';
/** The ops listener (GET /health, GET /metrics) for any further background process. */
export { Health, Metrics, startOpsServer, type HealthCheck } from '@service-ledger/telemetry';
export { producerIdentityOf, startIntakeProcess } from './processes/intake';
export { privateDataDir } from './private-files';
