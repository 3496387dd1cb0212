export * from './catalogue';
export * from './command-pipeline';
export * from './domain.module';
export * from './import-history';
export * from './load-case';
export * from './intake';
