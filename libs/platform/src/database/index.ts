export { databaseUrl, withDatabase, databaseName } from './database-config';
export { ensureDatabase, dropDatabase } from './create-database';
export { APP_ROLE, createDataSource, dataSourceOptions, migrate, serviceRole, type DataSourceConfig } from './data-source';
export { createTestDatabase, type TestDatabase } from './test-database';
export { isDatabaseUnavailable } from './database-errors';
