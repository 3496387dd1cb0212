export * from './catalogue';
export * from './command-pipeline';
export * from './bus';
export * from './domain.module';
export * from './event-schemas';
export * from './import-history';
export * from './load-case';
export * from './case-scope';
