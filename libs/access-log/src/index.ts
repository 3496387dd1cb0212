export * from './events';
export * from './access-log';
