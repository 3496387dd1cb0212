/**
 * Jest runs TypeScript through SWC (decorator metadata on, so Nest DI works); `npm run typecheck` does the type checking.
 * Two tiers: `*.unit.spec.ts` are pure (no engine, seconds: `npm run test:unit`); every other spec is an integration
 * test on the real engines (PGlite, PostgreSQL, chDB, Kafka, Chromium). `npm test` runs both.
 */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/dashboards', '<rootDir>/test'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: { '^@service-ledger/dashboards$': '<rootDir>/dashboards/src', '^@service-ledger/(.*)$': '<rootDir>/libs/$1/src' },
  testTimeout: 60000,
};

module.exports = {
  // testTimeout is a global option: inside `projects` Jest ignores it and hooks fall back to 5 s.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    // Anything not named .unit.spec.ts runs here, so a spec can never be left out of `npm test` by its name.
    { ...shared, displayName: 'int', testMatch: ['**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.spec\\.ts$'] },
  ],
};
