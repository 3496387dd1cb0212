export * from './events';
export * from './access-log';
export * from './verify';
export * from './history';
export * from './replay-proof';
