import { withAdminClient } from './admin-client';
import { databaseName } from './database-config';

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505'; // a concurrent CREATE DATABASE of the same name can surface as this

/** Creates the database `url` names unless it exists; safe when several services start at once. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withAdminClient(url, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      if (err.code !== DUPLICATE_DATABASE && err.code !== UNIQUE_VIOLATION) throw err;
    }
  });
}

/** Drops the database `url` names, disconnecting its sessions. */
export async function dropDatabase(url: string): Promise<void> {
  await withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`));
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
