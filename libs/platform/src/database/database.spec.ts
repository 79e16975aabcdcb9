import { randomBytes } from 'node:crypto';
import { MIGRATIONS } from '../../../../migrations';
import { createDataSource, dropDatabase, ensureDatabase, migrate, withDatabase, databaseUrl } from '.';

describe('database helpers', () => {
  it('says what to do when PostgreSQL is unreachable', async () => {
    await expect(ensureDatabase('postgres://postgres@127.0.0.1:1/everynode')).rejects.toThrow(
      'Cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED). Start it, or set DATABASE_URL.',
    );
  });

  it('creates the database and migrates once when several services start at once; every down() undoes it', async () => {
    const url = withDatabase(databaseUrl(), `everynode_t_migrate_${randomBytes(4).toString('hex')}`);
    try {
      await Promise.all([migrate(url), migrate(url), migrate(url)]);
      const admin = await createDataSource({ url });
      try {
        expect(await admin.query('SELECT name FROM everynode_migrations')).toEqual(MIGRATIONS.map((m) => ({ name: m.name })));
        const app = await createDataSource({ url, appRole: true, poolSize: 1 });
        expect(await app.query('SELECT current_user AS u, count(*)::int AS n FROM event_log.events')).toEqual([
          { u: 'everynode_app', n: 0 },
        ]);
        await app.destroy();

        // Another grant keeps the cluster-wide role in use, as a later migration's would: down() must leave it.
        await admin.query('CREATE SCHEMA keep; GRANT USAGE ON SCHEMA keep TO everynode_app');
        for (let i = 0; i < MIGRATIONS.length; i++) await admin.undoLastMigration();
        expect(await admin.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'event_log'`)).toEqual([{ n: 0 }]);
        expect(await admin.query(`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'everynode_app'`)).toEqual([{ n: 1 }]);
        expect(await admin.query('SELECT name FROM everynode_migrations')).toEqual([]);
      } finally {
        await admin.destroy();
      }
      await migrate(url); // and up() runs again on top
      await ensureDatabase(url); // a no-op when it exists
    } finally {
      await dropDatabase(url);
    }
  });
});
