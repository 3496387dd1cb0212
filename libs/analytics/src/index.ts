export * from './client';
export * from './schema';
export * from './projections/sanitize';
export * from './projections/case-rows';
export * from './projector/projector';
export * from './projector/source';
export * from './projector/replay';
export * from './kpi';
