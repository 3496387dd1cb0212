export * from './envelope';
export * from './errors';
export * from './clock';
export * from './ids';
export * from './values';
export * from './commands';
export * from './decider';
export * from './json-value';
export * as schemas from './schemas';
