export * from './company';
export * from './generator';
export * from './seed';
export * from './bulk';
