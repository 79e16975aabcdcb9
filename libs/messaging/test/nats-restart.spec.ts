import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { subjects } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { createTestDatabase, type TestDatabase } from '@everynode/platform';
import { Relay } from '@everynode/messaging';
import { startApplyApp, type ApplyApp } from './fixtures/apply-app';
import { newEvents } from './support/events';
import { PrivateNats, streamEvents, testPrefix, waitFor } from './support/nats';
import { checkpointOf, migrateRelay } from './support/relay-db';

const TOTAL = 3000;

/** The whole path — log → relay → JetStream → consumer — across a NATS crash (SIGKILL) and restart. */
describe('NATS server restarted mid-stream', () => {
  let db: TestDatabase;
  let nats: PrivateNats;
  let relay: Relay;
  let app: ApplyApp;
  const prefix = testPrefix('restart');

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    db = await createTestDatabase('messaging_restart');
    await migrateRelay(db);
    nats = await PrivateNats.start();
  });
  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await nats?.destroy(); // its store, streams included, goes with it
    await db?.drop();
  });

  it('loses nothing and applies every event exactly once', async () => {
    const store = new EventStore(db.dataSource);
    relay = new Relay({ dataSource: db.dataSource, eventStore: store, servers: nats.url, prefix, batchSize: 200, ackTimeoutMs: 1000 });
    await relay.start();
    app = await startApplyApp(db.url, { servers: nats.url, prefix, durable: 'survivor', batchSize: 100, ackWaitMs: 2000 }, { batch: true });

    let appended = 0;
    const appending = (async () => {
      while (appended < TOTAL) {
        await store.appendToStream(`node-r${appended}`, 'any', newEvents(50, `r${appended}`));
        appended += 50;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const applied = async () =>
      (await app.pool.query<{ rows: number; ids: number }>('SELECT count(*)::int AS rows, count(DISTINCT event_id)::int AS ids FROM applied')).rows[0];
    await waitFor('the stream to be flowing', async () => (await applied()).rows >= 500, 20_000, 10);
    await nats.kill();
    const whileDown = appended;
    await new Promise((r) => setTimeout(r, 700));
    await nats.restart();
    await appending;
    expect(whileDown).toBeLessThan(TOTAL); // the crash really was mid-stream

    await waitFor('every event applied', async () => (await applied()).ids === TOTAL, 40_000, 100);
    await waitFor('the checkpoint at the head', async () => (await checkpointOf(db, prefix)) === TOTAL);
    expect(await applied()).toEqual({ rows: TOTAL, ids: TOTAL });
    const nc: NatsConnection = await connect({ servers: nats.url });
    try {
      const published = (await streamEvents(nc, subjects(prefix).eventsStream)).map((e) => e.position);
      expect(published).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1)); // in order, duplicates dropped
    } finally {
      await nc.close();
    }
  });
});
