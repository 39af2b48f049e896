/**
 * The fault-injection suite (`npm run test:faults`): each file starts its own
 * Temporal, PostgreSQL and inviteflow processes and stops, kills and restarts
 * them itself, so there is no shared global setup, and files run one at a time.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  moduleNameMapper: {
    '^inviteflow/client$': '<rootDir>/client/index.ts',
    '^inviteflow/plugin$': '<rootDir>/plugin/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/quiet-temporal-runtime.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/support/totals-reporter.js'],
};
