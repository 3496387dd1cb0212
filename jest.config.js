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
};

module.exports = {
  // A global option: Jest ignores testTimeout inside a project, which left every test at the 5 s default.
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    // Anything not named .unit.spec.ts runs here, so a spec can never be left out of `npm test` by its name.
    {
      ...shared,
      displayName: 'int',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.spec\\.ts$'],
      // Tests stop what they start: the Kafka broker the tests started is shared by test files, so it stops here.
      globalTeardown: '<rootDir>/test/support/kafka-teardown.ts',
    },
  ],
};
