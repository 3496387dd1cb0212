export * from './kpi-export';
export * from './write';
export * from './scheduler';
