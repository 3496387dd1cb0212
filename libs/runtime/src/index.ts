/** Start-up wiring shared by the apps: opening the configured stores, the Kafka settings, the embedded process. */
export { analyticsDir, openAnalytics, openStore, tokenService } from './open';
export { kafkaConfigOf } from './kafka-config';
export { startEmbedded, type Running } from './embedded/start';
export { announceServer, explainAnalyticsError, runningServer } from './server-file';
export type { EmbeddedPart } from './embedded/part';
export { privateDataDir } from './private-files';
