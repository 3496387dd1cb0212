export * from './visitor-row';
