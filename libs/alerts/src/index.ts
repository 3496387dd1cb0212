export * from './events';
export * from './alert';
export * from './commands';
export * from './ladder';
export * from './read-side/alert-rows';
