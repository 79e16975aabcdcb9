/** Real Postgres and NATS in integration tests: each spec file makes its own database and subject prefix. */
const swc = ['@swc/jest', require('./scripts/swc-options')];
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: {
    '^@everynode/(contracts|event-store|messaging|reconciler|platform|read-models|audit)$': '<rootDir>/libs/$1/src',
  },
  maxWorkers: 2,
  testTimeout: 60000,
};
