/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  // The package's own exports (`inviteflow/client`, `inviteflow/plugin`), from source: tests need no build first.
  moduleNameMapper: {
    '^inviteflow/client$': '<rootDir>/client/index.ts',
    '^inviteflow/plugin$': '<rootDir>/plugin/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/quiet-temporal-runtime.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/totals-reporter.js'],
};
