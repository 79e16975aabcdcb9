import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dropDatabase } from './create-database';
import { databaseUrl, withDatabase } from './database-config';
import { createDataSource, migrate } from './data-source';

export interface TestDatabase {
  url: string;
  /** Runs as `everynode_app`, like a service. */
  dataSource: DataSource;
  /** Runs as the superuser, for setup and for checking what the app role cannot do. */
  adminDataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database `everynode_t_<label>_<random>` for one spec file, on the DATABASE_URL server
 * or on `serverUrl` (e.g. a private server a fault test may stop).
 */
export async function createTestDatabase(label: string, serverUrl: string = databaseUrl()): Promise<TestDatabase> {
  const safe = label.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 40);
  const url = withDatabase(serverUrl, `everynode_t_${safe}_${randomBytes(4).toString('hex')}`);
  await migrate(url);
  const dataSource = await createDataSource({ url, appRole: true });
  const adminDataSource = await createDataSource({ url, poolSize: 3 });
  return {
    url,
    dataSource,
    adminDataSource,
    async drop() {
      await Promise.allSettled([dataSource.destroy(), adminDataSource.destroy()]);
      await dropDatabase(url);
    },
  };
}
