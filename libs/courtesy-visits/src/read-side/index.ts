export * from './case-row';
