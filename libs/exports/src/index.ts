export * from './kpi-export';
export * from './sheets';
export * from './render';
export * from './write';
export * from './scheduler';
