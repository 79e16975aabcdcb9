import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Logger } from '@nestjs/common';
import { subjects } from '@everynode/contracts';
import { EventStore } from '@everynode/event-store';
import { createTestDatabase, type TestDatabase } from '@everynode/platform';
import { Relay } from '@everynode/messaging';
import { newEvents } from './support/events';
import { deleteStreams, NATS_URL, readStream, streamMessages, testPrefix, waitFor } from './support/nats';
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

  const append = async (count: number, label: string) => {
    for (let i = 0; i < count; i += 250) await store.appendToStream(`node-${label}`, 'any', newEvents(250, `${label}-${i}`));
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
      expect(await streamMessages(nc, stream)).toBeGreaterThanOrEqual(checkpoint);
      samples++;
    }
    await appending;
    expect(samples).toBeGreaterThan(0);

    const published = await readStream(nc, stream);
    const logged = await store.readAll({ after: 0, limit: 10_000 });
    expect(published.map((m) => m.data.position)).toEqual(logged.map((e) => e.position));
    expect(published.map((m) => m.msgId)).toEqual(logged.map((e) => e.eventId));
    const [leader] = active();
    expect(leader.stats()).toEqual({ published: 3000, lastPosition: 3000, active: true });
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
    expect(await streamMessages(nc, stream)).toBe(3500);
    expect(standby.stats()).toEqual({ published: 500, lastPosition: 3500, active: true });
    expect(leader.stats().active).toBe(false);
  });
});
