// Issue 6, item 10 (PostgreSQL): services connect as least-privilege roles, one per service
// (migrations/1700000000400-service-roles.ts), through LOGIN roles granted them, while migrations run with
// MIGRATION_DATABASE_URL. The runtime connection can do its service's job and nothing more: no DDL, no
// UPDATE/DELETE/TRUNCATE of the log, no other service's schema, no other role.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { COMMANDS } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { createDataSource, dropDatabase, serviceRole, withDatabase } from '@everynode/platform';
import { freePort, meta, NATS_URL, Stack } from '../support/stack';

const ROOT = join(__dirname, '..', '..');

/** Rejects with PostgreSQL's insufficient_privilege. */
const DENIED = expect.objectContaining({ code: '42501' });

describe('least-privilege PostgreSQL roles', () => {
  let stack: Stack;
  const suffix = randomBytes(4).toString('hex');
  /** LOGIN roles of this spec (cluster-global: dropped at the end), each granted one service role. */
  const logins = { registry: `everynode_t_registry_${suffix}`, gateway: `everynode_t_gateway_${suffix}` };
  const password = randomBytes(12).toString('hex');
  let registry: DataSource;
  let gateway: DataSource;
  const neverCreated = withDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/everynode', `everynode_t_sec_nomigrate_${suffix}`);

  /** The test database's URL, logging in as `login`. */
  const urlAs = (login: string, url = stack.db.url) => {
    const u = new URL(url);
    u.username = login;
    u.password = password;
    return u.toString();
  };

  beforeAll(async () => {
    stack = await Stack.create('sec_roles');
    const admin = stack.db.adminDataSource;
    await admin.query(`CREATE ROLE ${logins.registry} LOGIN PASSWORD '${password}' IN ROLE ${serviceRole('node-registry')}`);
    await admin.query(`CREATE ROLE ${logins.gateway} LOGIN PASSWORD '${password}' IN ROLE ${serviceRole('api-gateway')}`);
    registry = await createDataSource({ url: urlAs(logins.registry), appRole: serviceRole('node-registry'), poolSize: 1 });
    gateway = await createDataSource({ url: urlAs(logins.gateway), appRole: serviceRole('api-gateway'), poolSize: 1 });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([registry?.destroy(), gateway?.destroy()]);
    const admin = await createDataSource({ url: withDatabase(stack.db.url, 'postgres'), poolSize: 1 }).catch(() => undefined);
    await stack?.teardown();
    await dropDatabase(neverCreated);
    for (const login of Object.values(logins)) await admin?.query(`DROP ROLE IF EXISTS ${login}`);
    await admin?.destroy();
  });

  it('runs a service as its own role, which can append to the log and write its own schema', async () => {
    expect(await registry.query('SELECT current_user AS role, session_user AS login')).toEqual([{ role: 'everynode_node_registry', login: logins.registry }]);
    const appended = await new EventStore(registry).appendToStream('node-sec1', 'no_stream', [
      { eventId: randomUUID(), type: 'NodeJoined', data: { name: 'sec1' }, metadata: { causationId: null, correlationId: randomUUID(), actor: 'test' } },
    ] as never);
    expect(appended.lastPosition).toBeGreaterThan(0);
    await registry.query(`INSERT INTO node_registry.nodes (name, version, record) VALUES ('sec1', 1, '{}')`);
    await registry.query(`UPDATE node_registry.nodes SET version = 2 WHERE name = 'sec1'`);
    await registry.query(`DELETE FROM node_registry.nodes WHERE name = 'sec1'`);
    await registry.query(`SELECT nextval('node_registry.pod_cidr_seq')`);
    await registry.query(`INSERT INTO relay.checkpoint (id, position) VALUES ('sec', 1) ON CONFLICT (id) DO UPDATE SET position = 2`);
  });

  it('refuses DDL, changes to the log, and every other schema', async () => {
    for (const sql of [
      'CREATE TABLE node_registry.extra (x int)',
      'CREATE TABLE public.extra (x int)',
      'CREATE TEMP TABLE extra (x int)',
      'CREATE SCHEMA extra',
      'ALTER TABLE event_log.events ADD COLUMN extra int',
      'ALTER TABLE node_registry.nodes ADD COLUMN extra int',
      'DROP TABLE node_registry.nodes',
      'CREATE INDEX extra ON node_registry.nodes (version)',
      `UPDATE event_log.events SET type = 'Tampered'`,
      'DELETE FROM event_log.events',
      'TRUNCATE event_log.events',
      'DELETE FROM relay.checkpoint',
      'CREATE TABLE scheduler.extra (x int)',
      'SELECT * FROM daemonset_spec.daemonsets',
      'DELETE FROM daemonset_spec.namespaces',
      'SET ROLE everynode_scheduler',
      'SET ROLE postgres',
      'SET ROLE everynode_app',
    ]) {
      await expect(registry.query(sql).then(() => sql)).rejects.toEqual(DENIED);
    }
    // RESET ROLE returns to the startup option's role; shedding it leaves the login, which holds only the membership.
    const runner = registry.createQueryRunner();
    try {
      await runner.query('RESET ROLE');
      expect(await runner.query('SELECT current_user AS role')).toEqual([{ role: 'everynode_node_registry' }]);
      await runner.query('SET ROLE NONE');
      expect(await runner.query('SELECT current_user AS role')).toEqual([{ role: logins.registry }]);
      await expect(runner.query('CREATE TABLE node_registry.extra (x int)')).rejects.toEqual(DENIED);
      await expect(runner.query('TRUNCATE event_log.events')).rejects.toEqual(DENIED);
    } finally {
      await runner.query(`SET ROLE ${serviceRole('node-registry')}`);
      await runner.release();
    }
  });

  it("gives the gateway's role the log to read, and nothing to write", async () => {
    const [{ n }] = await gateway.query('SELECT count(*)::int AS n FROM event_log.events');
    expect(n).toBeGreaterThan(0);
    await expect(gateway.query(`INSERT INTO event_log.events SELECT * FROM event_log.events LIMIT 0`).then(() => 'inserted')).rejects.toEqual(DENIED);
    await expect(gateway.query('SELECT * FROM relay.checkpoint')).rejects.toEqual(DENIED);
    await expect(gateway.query('SELECT * FROM node_registry.nodes')).rejects.toEqual(DENIED);
  });

  it('starts a service that migrates with MIGRATION_DATABASE_URL and runs with the least-privilege DATABASE_URL', async () => {
    const loginSessions = async () =>
      (await stack.db.adminDataSource.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = $1`, [logins.registry]))[0].n;
    const before = await loginSessions(); // this spec's own pool
    await stack.start('node-registry', { DATABASE_URL: urlAs(logins.registry), MIGRATION_DATABASE_URL: stack.db.url, RELAY: 'off' });
    const joined = await stack.send<{ name: string }>(COMMANDS.nodeJoin, { meta: meta(), name: 'k8s-node01' });
    expect(joined.name).toBe('k8s-node01');
    expect(await loginSessions()).toBeGreaterThan(before); // the service's pool logs in as the runtime login
    const [node] = await stack.db.adminDataSource.query(`SELECT name FROM node_registry.nodes WHERE name = 'k8s-node01'`);
    expect(node).toEqual({ name: 'k8s-node01' });

    // The runtime login alone cannot create or migrate a database: the service says so and stops (EX_CONFIG).
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'node-registry', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: urlAs(logins.registry, neverCreated), NATS_URL, NATS_PREFIX: stack.prefix, NODE_REGISTRY_PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(78);
    expect(output).toContain('permission denied to create database: migrations need a role that may create the database, its schemas and roles. Set MIGRATION_DATABASE_URL');
  });
});
