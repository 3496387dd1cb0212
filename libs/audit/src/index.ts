// The access log is its own capability (libs/access-log) so that the projector can know its events without
// depending on the audit, which sits above analytics; re-exported because the audit's readers use it.
export * from '@service-ledger/access-log';
export * from './verify';
export * from './checkpoints';
export * from './sealer';
export * from './history';
export * from './replay-proof';
export * from './settings';
export * from './verify-jobs';
