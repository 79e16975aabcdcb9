import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { subjects } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { createTestDatabase, type TestDatabase } from '@everynode/platform';
import { Relay } from '@everynode/messaging';
import { newEvents } from './support/events';
import { deleteStreams, lastPublishedPosition, NATS_URL, readStream, streamEvents, testPrefix, waitFor } from './support/nats';
import { checkpointOf, migrateRelay, relayLockHolders } from './support/relay-db';

describe('Relay', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  let store: EventStore;
  const prefix = testPrefix('relay');
  const stream = subjects(prefix).eventsStream;
  let relays: Relay[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    db = await createTestDatabase('messaging_relay');
    await migrateRelay(db);
    store = new EventStore(db.dataSource);
    nc = await connect({ servers: NATS_URL });
    relays = [0, 1].map(
      () => new Relay({ dataSource: db.dataSource, eventStore: store, servers: NATS_URL, prefix, batchSize: 200 }),
    );
    for (const r of relays) await r.start();
  });
  afterAll(async () => {
    for (const r of relays) await r.stop();
    await nc?.close();
    await deleteStreams(NATS_URL, prefix);
    await db?.drop();
  });

  // Half the chunks are runs of one type (packed into few messages), half alternate types (one message each).
  const append = async (count: number, label: string) => {
    for (let i = 0; i < count; i += 250) {
      await store.appendToStream(`node-${label}`, 'any', newEvents(250, `${label}-${i}`, (i / 250) % 2 ? 'NodeUpdated' : undefined));
    }
  };
  const active = () => relays.filter((r) => r.stats().active);

  it('publishes the log in order with one active relay, checkpointing only what JetStream stored', async () => {
    await waitFor('a relay to be active', () => active().length === 1);
    await new Promise((r) => setTimeout(r, 1200)); // the standby has contended at least once
    expect(active()).toHaveLength(1);

    const appending = append(3000, 'a');
    let samples = 0;
    while ((await checkpointOf(db, prefix)) < 3000) {
      // Read the checkpoint first: everything up to it must already be in the stream.
      const checkpoint = await checkpointOf(db, prefix);
      expect(await lastPublishedPosition(nc, stream)).toBeGreaterThanOrEqual(checkpoint);
      samples++;
    }
    await appending;
    expect(samples).toBeGreaterThan(0);

    const published = await readStream(nc, stream);
    const logged = await store.readAll({ after: 0, limit: 10_000 });
    expect(published.flatMap((m) => m.events)).toEqual(logged);
    for (const m of published) {
      // One type per message; its id names its first and last event.
      expect(new Set(m.events.map((e) => e.type)).size).toBe(1);
      expect(m.msgId).toBe(m.events.length === 1 ? m.events[0].eventId : `${m.events[0].eventId}..${m.events[m.events.length - 1].eventId}`);
    }
    const packed = published.filter((m) => m.events.length > 1);
    expect(packed.length).toBeGreaterThan(0);
    expect(packed.reduce((n, m) => n + m.events.length, 0)).toBeGreaterThanOrEqual(1500); // every one-type chunk
    const [leader] = active();
    expect(leader.stats()).toEqual({ published: 3000, messages: published.length, lastPosition: 3000, active: true });
    expect(relays.find((r) => r !== leader)!.stats().published).toBe(0);
  });

  it('lets the standby take over when the active relay loses its lock session', async () => {
    const [leader] = active();
    const standby = relays.find((r) => r !== leader)!;
    const holders = await relayLockHolders(db);
    expect(holders).toHaveLength(1);
    await db.adminDataSource.query('SELECT pg_terminate_backend($1)', [holders[0]]);

    await waitFor('the old leader to step down', () => !leader.stats().active, 2000, 10);
    await waitFor('the standby to take over', () => standby.stats().active, 5000);
    await append(500, 'b');
    await waitFor('the new events to be published', async () => (await checkpointOf(db, prefix)) === 3500);
    expect((await streamEvents(nc, stream)).map((e) => e.position)).toEqual(Array.from({ length: 3500 }, (_, i) => i + 1));
    expect(standby.stats()).toMatchObject({ published: 500, lastPosition: 3500, active: true });
    expect(leader.stats().active).toBe(false);
  });

  it('re-publishes a batch its predecessor had begun with the same boundaries, so JetStream drops every copy', async () => {
    const own = await createTestDatabase('messaging_relay_resume');
    const p = testPrefix('relayresume');
    const s = subjects(p).eventsStream;
    const ownStore = new EventStore(own.dataSource);
    const relayOf = (batchSize: number) => new Relay({ dataSource: own.dataSource, eventStore: ownStore, servers: NATS_URL, prefix: p, batchSize });
    const appendRun = async (from: number, to: number) => {
      for (let i = from; i < to; i += 100) await ownStore.appendToStream(`node-r${i}`, 'any', newEvents(100, `r${i}`, 'NodeJoined'));
    };
    try {
      await migrateRelay(own);
      await appendRun(0, 1100);
      const first = relayOf(100);
      await first.start();
      await waitFor('the first relay to publish the log', async () => (await checkpointOf(own, p)) === 1100, 20_000);
      await first.stop();
      // As if it had died after publishing the batch (1000, 1100] but before JetStream's acks came back.
      await own.adminDataSource.query(`UPDATE relay.checkpoint SET position = 1000, publishing_to = 1100 WHERE id = $1`, [p]);
      await appendRun(1100, 1500); // the same run goes on

      // Its successor reads larger batches: without the recorded boundary it would pack (1000, 1500] into a new message.
      const successor = relayOf(1000);
      try {
        await successor.start();
        await waitFor('the successor to catch up', async () => (await checkpointOf(own, p)) === 1500, 20_000);
        expect(successor.stats().published).toBe(500);
      } finally {
        await successor.stop();
      }
      const positions = (await streamEvents(nc, s)).map((e) => e.position);
      expect(positions).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
    } finally {
      await deleteStreams(NATS_URL, p);
      await own.drop();
    }
  });
});
