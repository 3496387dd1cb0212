export * from './config';
export * from './alert-routes';
