export * from './decider-spec';
export * from './fixtures';
export * from './scenario';
