import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS, SERVICE_ROLES } from '../../../../migrations';
import { ensureDatabase } from './create-database';

/** The role of tools (replay, audit): SELECT/INSERT on the log, no UPDATE/DELETE/TRUNCATE, no DDL. */
export const APP_ROLE = 'everynode_app';

/**
 * The role a service runs as: its own (SELECT/INSERT on the log, writes to its schema only; the gateway
 * reads the log only), see migrations/1700000000400-service-roles.ts; `everynode_app` for anything else.
 */
export const serviceRole = (service: string): string => SERVICE_ROLES[service as keyof typeof SERVICE_ROLES]?.role ?? APP_ROLE;

/** Session-level advisory lock key that serializes migrate() calls on one database. */
const MIGRATION_LOCK_KEY = 7_100_000_001;

export interface DataSourceConfig {
  url: string;
  /**
   * Run every connection as this role (a service's, see serviceRole), or `everynode_app` for true;
   * false for migrations and admin tools. The login role of `url` must be it or be granted it.
   */
  appRole?: boolean | string;
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
    extra: appRole ? { options: `-c role=${appRole === true ? APP_ROLE : appRole}` } : undefined,
  };
}

/** An initialized DataSource (no entities: services use raw SQL and their own repositories). */
export async function createDataSource(config: DataSourceConfig): Promise<DataSource> {
  return new DataSource(dataSourceOptions(config)).initialize();
}

const INSUFFICIENT_PRIVILEGE = '42501';

/** Creates the database if needed and runs pending migrations; concurrent callers take turns. */
export async function migrate(url: string): Promise<void> {
  try {
    await migrateAs(url);
  } catch (err) {
    if (err.code !== INSUFFICIENT_PRIVILEGE) throw err;
    // Typically DATABASE_URL is a service's least-privilege login and nothing else was given for migrations.
    throw new Error(
      `${err.message}: migrations need a role that may create the database, its schemas and roles. ` +
        `Set MIGRATION_DATABASE_URL to one (DATABASE_URL is the runtime login, see README "Security").`,
    );
  }
}

async function migrateAs(url: string): Promise<void> {
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
