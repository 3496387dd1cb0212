export * from './tokens';
export * from './masking';
