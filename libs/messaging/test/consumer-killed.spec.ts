import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@everynode/platform';
import { ensureStreams } from '@everynode/messaging';
import { APPLY_TABLES_SQL } from './fixtures/apply-app';
import { makeEvents } from './support/events';
import { deleteStreams, NATS_URL, publishEvents, testPrefix, waitFor } from './support/nats';

const FIXTURES = join(__dirname, 'fixtures');
const N = 5000;

/** The consumer runs in a child process so that it can really die (SIGKILL) mid-stream. */
describe('a consumer killed mid-stream and restarted', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let pool: Pool;
  const prefix = testPrefix('kill');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('messaging_kill');
    nc = await connect({ servers: NATS_URL });
    pool = new Pool({ connectionString: db.url, max: 2 });
    await pool.query(APPLY_TABLES_SQL);
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await pool?.end();
    await nc?.close();
    await deleteStreams(NATS_URL, prefix);
    await db?.drop();
  });

  function startConsumer(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--require', join(__dirname, '..', '..', '..', 'scripts', 'ts-register.js'), join(FIXTURES, 'consumer-main.ts')], {
      env: { ...process.env, DATABASE_URL: db.url, NATS_URL, PREFIX: prefix, DURABLE: 'killed', ACK_WAIT_MS: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('consumer ready') && resolve(child));
      child.once('exit', (code) => reject(new Error(`consumer exited (${code}): ${stderr}`)));
    });
  }

  const count = async () => {
    const { rows } = await pool.query<{ rows: number; ids: number }>(
      'SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS ids FROM applied',
    );
    return rows[0];
  };

  it('applies every event exactly once', async () => {
    await ensureStreams(await jetstreamManager(nc), prefix);
    const first = await startConsumer();
    const events = makeEvents(N);
    const publishing = publishEvents(nc, prefix, events);
    await waitFor('the consumer to be mid-stream', async () => (await count()).rows >= 1000, 30_000, 5);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = (await count()).rows;
    expect(atKill).toBeLessThan(N); // really killed mid-stream
    await publishing;

    await startConsumer();
    await waitFor('every event applied', async () => (await count()).ids === N, 40_000, 100);
    await new Promise((r) => setTimeout(r, 2500)); // one ack wait: any redelivery would show up now
    expect(await count()).toEqual({ rows: N, ids: N });
  });
});
