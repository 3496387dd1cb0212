export * from './catalogue';
export * from './sql';
