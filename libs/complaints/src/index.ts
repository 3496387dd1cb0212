export * from './events';
export * from './commands';
export * from './complaint';
export * from './read-side';
