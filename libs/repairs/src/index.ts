export * from './events';
export * from './commands';
export * from './repair';
export * from './warranty';
export * from './upcasters';
export * from './read-side';
