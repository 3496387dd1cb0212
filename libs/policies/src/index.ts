export * from './document';
export * from './events';
export * from './commands';
export * from './in-force';
export * from './store';
export * from './view';
