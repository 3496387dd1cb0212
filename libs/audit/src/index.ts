export * from './events';
export * from './access-log';
export * from './verify';
export * from './checkpoints';
export * from './sealer';
export * from './history';
export * from './replay-proof';
