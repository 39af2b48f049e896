/**
 * The OpenAPI fuzz run alone (`npm run test:contract`): the suite's setup,
 * with only the files under test/contract.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/contract/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
