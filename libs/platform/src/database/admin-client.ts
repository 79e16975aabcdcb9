import { Client } from 'pg';
import { withDatabase } from './database-config';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET']);

/**
 * Runs `fn` with a client connected to the server's `postgres` database (where CREATE/DROP
 * DATABASE run), turning "server not there" into an error that says what to do.
 */
export async function withAdminClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres'), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    // Node reports a multi-address connect failure as an AggregateError whose members carry the code.
    const code: string | undefined = err.code ?? err.errors?.[0]?.code;
    const reason = code && UNREACHABLE.has(code) ? code : /timeout/i.test(err.message) ? 'timeout' : undefined;
    if (!reason) throw err;
    const { hostname, port } = new URL(url);
    throw new Error(`Cannot reach PostgreSQL at ${hostname}:${port || 5432} (${reason}). Start it, or set DATABASE_URL.`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
