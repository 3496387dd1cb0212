export * from './catalogue';
export * from './sql';
export * from './filters';
