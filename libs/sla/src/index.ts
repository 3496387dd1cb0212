export * from './policy';
export * from './clocks';
