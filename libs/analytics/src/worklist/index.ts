export * from './case-list-query';
export * from './case-list';
export * from './visitor-register';
