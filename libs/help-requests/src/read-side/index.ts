export * from './clocks';
export * from './case-row';
