/** The PostgreSQL URL every service uses; the default suits a local machine (DESIGN.md "Configuration"). */
export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/everynode';
}

/** The same server with another database name (e.g. `postgres` for CREATE/DROP DATABASE). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The database name a URL points at. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
