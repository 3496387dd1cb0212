export * from './case-list-query';
export * from './case-list';
