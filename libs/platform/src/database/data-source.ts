import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations';
import { ensureDatabase } from './create-database';

/** The role services run as: SELECT/INSERT on the log, no UPDATE/DELETE/TRUNCATE, no DDL. */
export const APP_ROLE = 'everynode_app';

/** Session-level advisory lock key that serializes migrate() calls on one database. */
const MIGRATION_LOCK_KEY = 7_100_000_001;

export interface DataSourceConfig {
  url: string;
  /** Run every connection as `everynode_app` (services); false for migrations and admin tools. */
  appRole?: boolean;
  poolSize?: number;
}

type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/** Options for `new DataSource(...)` or `TypeOrmModule.forRoot(...)`. */
export function dataSourceOptions({ url, appRole = false, poolSize }: DataSourceConfig): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url,
    poolSize,
    migrations: MIGRATIONS,
    migrationsTableName: 'everynode_migrations',
    // A startup option, so even a connection the pool opens later can never run as the superuser.
    extra: appRole ? { options: `-c role=${APP_ROLE}` } : undefined,
  };
}

/** An initialized DataSource (no entities: services use raw SQL and their own repositories). */
export async function createDataSource(config: DataSourceConfig): Promise<DataSource> {
  return new DataSource(dataSourceOptions(config)).initialize();
}

/** Creates the database if needed and runs pending migrations; concurrent callers take turns. */
export async function migrate(url: string): Promise<void> {
  await ensureDatabase(url);
  const dataSource = await createDataSource({ url, poolSize: 2 });
  try {
    // The lock lives on its own session; runMigrations uses another pooled connection.
    const lock = dataSource.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await lock.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
