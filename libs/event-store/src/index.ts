export * from './event-store.port';
export * from './upcasters';
export * from './canonical';
export * from './serialized';
export * from './create-event-store';
export { SqlEventStore, parseCheckpoint, type StoredEventRow } from './sql/sql-event-store';
export { PollingSubscription } from './polling-subscription';
export { PollingLoop } from './polling-loop';
export { SealedLog, EMPTY_LOG, type LogHead, type WalkBatch } from './sql/sealed-log';
