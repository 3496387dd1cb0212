export * from './codec';
export * from './kafka-config';
export * from './publisher';
export * from './consumer';
export * from './relay';
export * from './lag';
export * from './broker-probe';
export * from './intake';
