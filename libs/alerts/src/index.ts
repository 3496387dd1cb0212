export * from './events';
export * from './alert';
export * from './commands';
export * from './ladder';
