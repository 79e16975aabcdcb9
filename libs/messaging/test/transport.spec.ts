import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { firstValueFrom } from 'rxjs';
import { subjects } from '@everynode/contracts';
import { createTestDatabase, type TestDatabase } from '@everynode/platform';
import { DEAD_LETTER_HEADERS, ensureStreams, JetStreamClient, request } from '@everynode/messaging';
import { ALREADY_EXISTS, startApplyApp, type ApplyApp } from './fixtures/apply-app';
import { makeEvents } from './support/events';
import { deleteStreams, NATS_URL, publishEvents, publishPacked, testPrefix, waitFor } from './support/nats';

describe('JetStreamServer / JetStreamClient', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  const prefixes: string[] = [];
  const apps: ApplyApp[] = [];
  const newPrefix = () => {
    const p = testPrefix('tr');
    prefixes.push(p);
    return p;
  };
  const start = async (...args: Parameters<typeof startApplyApp>) => {
    const app = await startApplyApp(...args);
    apps.push(app);
    return app;
  };
  const applied = async (app: ApplyApp) =>
    (await app.pool.query<{ position: string; delivery: number; batch: number }>('SELECT position, delivery, batch FROM applied ORDER BY seq')).rows;

  beforeAll(async () => {
    db = await createTestDatabase('messaging_transport');
    nc = await connect({ servers: NATS_URL });
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await db.adminDataSource.query('DROP TABLE IF EXISTS applied, processed');
  });
  afterAll(async () => {
    await nc?.close();
    for (const p of prefixes) await deleteStreams(NATS_URL, p);
    await db?.drop();
  });

  it('applies every event exactly once and in stream order', async () => {
    const prefix = newPrefix();
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: 'single' });
    const events = makeEvents(400);
    await publishEvents(nc, prefix, events);
    await publishEvents(nc, prefix, events.slice(0, 50)); // the relay re-publishing: dropped by msg id
    await waitFor('all events acked', () => app.server.stats().acked === 400);

    const rows = await applied(app);
    expect(rows.map((r) => Number(r.position))).toEqual(events.map((e) => e.position));
    expect(app.server.stats()).toMatchObject({ delivered: 400, acked: 400, naked: 0, deadLettered: 0 });
  });

  it('a trickle across many pull requests (each ending at its expiry) arrives whole, once, in order', async () => {
    const prefix = newPrefix();
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: 'trickle' });
    const events = makeEvents(150);
    for (let i = 0; i < events.length; i += 3) {
      await publishEvents(nc, prefix, events.slice(i, i + 3));
      await new Promise((r) => setTimeout(r, 60)); // ~3 s: several 1 s pull requests expire meanwhile
    }
    await waitFor('all events acked', () => app.server.stats().acked === 150, 10_000);
    expect((await applied(app)).map((r) => Number(r.position))).toEqual(events.map((e) => e.position));
    expect(app.server.stats()).toMatchObject({ delivered: 150, acked: 150, naked: 0 });
  });

  it('closes after the in-flight handler and hands unprocessed messages straight back', async () => {
    const prefix = newPrefix();
    const transport = { servers: NATS_URL, prefix, durable: 'restarter' }; // ack wait 30 s
    const first = await start(db.url, transport);
    const events = makeEvents(400);
    await publishEvents(nc, prefix, events);
    await waitFor('the consumer to be mid-stream', () => first.server.stats().acked >= 50, 20_000, 1);
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const [{ n }] = await db.adminDataSource.query('SELECT count(*)::int AS n FROM applied');
    expect(n).toBe(first.server.stats().acked); // the in-flight event finished and was acked
    expect(first.server.stats().acked).toBeLessThan(400);

    // Redelivered at once (nak), not after the 30 s ack wait.
    const second = await start(db.url, transport);
    await waitFor('the rest applied', async () => (await applied(second)).length === 400, 10_000);
    expect(new Set((await applied(second)).map((r) => r.position)).size).toBe(400);
  });

  it('hands consecutive events to a batch handler as arrays', async () => {
    const prefix = newPrefix();
    const events = makeEvents(600);
    for (const e of events.filter((e) => e.position % 10 === 0)) e.type = 'PodRemoved'; // no handler: acked, skipped
    await ensureStreams(await jetstreamManager(nc), prefix);
    await publishEvents(nc, prefix, events); // published before the consumer starts: batches fill up
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: 'batcher', batchSize: 100 }, { batch: true });
    await waitFor('all events acked', () => app.server.stats().acked === 600);

    const rows = await applied(app);
    const joined = events.filter((e) => e.type === 'NodeJoined');
    expect(rows.map((r) => Number(r.position))).toEqual(joined.map((e) => e.position));
    expect(Math.max(...rows.map((r) => r.batch))).toBeGreaterThan(1);
    expect(Math.max(...rows.map((r) => r.batch))).toBeLessThanOrEqual(100);
  });

  it('dead-letters a poison event after maxDeliver attempts and keeps the stream flowing', async () => {
    const prefix = newPrefix();
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: 'poisoned', maxDeliver: 3 });
    const events = makeEvents(30, 1, (i) => (i === 7 ? { poison: true } : {}));
    await publishEvents(nc, prefix, events);
    await waitFor('poison dead-lettered', () => app.server.stats().deadLettered === 1);
    await waitFor('the rest applied', async () => (await applied(app)).length === 29);

    expect(app.server.stats()).toMatchObject({ acked: 29, naked: 2, deadLettered: 1 });
    const jsm = await jetstreamManager(nc);
    const s = subjects(prefix);
    const dead = await jsm.streams.getMessage(s.deadLetterStream, { seq: 1 });
    expect(dead!.subject).toBe(s.deadLetter('poisoned'));
    expect(dead!.json<{ eventId: string }>().eventId).toBe(events[6].eventId);
    expect(dead!.header.get(DEAD_LETTER_HEADERS.originalSubject)).toBe(s.event('NodeJoined'));
    expect(dead!.header.get(DEAD_LETTER_HEADERS.durable)).toBe('poisoned');
    expect(dead!.header.get(DEAD_LETTER_HEADERS.error)).toBeTruthy();
  });

  it.each([
    ['single-event', {}],
    ['batch', { batch: true }],
  ])('applies messages packed by the relay exactly once and in order, to a %s handler', async (_, handler) => {
    const prefix = newPrefix();
    const events = makeEvents(300);
    // No handler: runs of three that cut the NodeJoined runs, acked unread where the server delivers them.
    for (const e of events.filter((e) => [25, 26, 27].includes(e.position % 50))) e.type = 'PodRemoved';
    await ensureStreams(await jetstreamManager(nc), prefix);
    const messages = await publishPacked(nc, prefix, events, 37);
    await publishPacked(nc, prefix, events.slice(0, 77), 37); // the relay re-publishing a batch (ending where a run ends): dropped by msg id
    expect(messages.length).toBeLessThan(30);
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: `packed${'batch' in handler ? 'b' : 's'}`, batchSize: 100 }, handler);
    const joined = events.filter((e) => e.type === 'NodeJoined').map((e) => e.position);
    await waitFor('every NodeJoined applied and acked', async () => (await applied(app)).length === joined.length && app.server.stats().acked >= joined.length);

    expect((await applied(app)).map((r) => Number(r.position))).toEqual(joined);
    // Each event delivered once (the PodRemoved ones too where the server cannot filter them out), none twice.
    const stats = app.server.stats();
    expect(stats).toMatchObject({ acked: stats.delivered, naked: 0, deadLettered: 0 });
    expect([joined.length, events.length]).toContain(stats.delivered);
  });

  it('dead-letters only the poison event of a packed message; its neighbours are applied', async () => {
    const prefix = newPrefix();
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: 'packedpoison', maxDeliver: 3 });
    const events = makeEvents(30, 1, (i) => (i === 7 ? { poison: true } : {}));
    await publishPacked(nc, prefix, events, 10);
    await waitFor('poison dead-lettered', () => app.server.stats().deadLettered === 1);
    await waitFor('the rest applied', async () => (await applied(app)).length === 29);

    expect(app.server.stats()).toMatchObject({ acked: 29, naked: 2, deadLettered: 1 });
    const s = subjects(prefix);
    const dead = await (await jetstreamManager(nc)).streams.getMessage(s.deadLetterStream, { seq: 1 });
    expect(dead!.json<{ eventId: string }>().eventId).toBe(events[6].eventId); // the event alone, not its message
    expect(dead!.header.get(DEAD_LETTER_HEADERS.originalSubject)).toBe(s.event('NodeJoined'));
    expect(new Set((await applied(app)).map((r) => Number(r.position)))).toEqual(new Set(events.filter((e) => e.position !== 7).map((e) => e.position)));
  });

  it('serves commands over request/reply, errors arriving intact', async () => {
    const prefix = newPrefix();
    const app = await start(db.url, { servers: NATS_URL, prefix, durable: 'commands' });
    const client = new JetStreamClient({ servers: NATS_URL, prefix, timeoutMs: 2000 });
    try {
      await expect(request(client, 'node.join', { name: 'n1' })).resolves.toEqual({ joined: 'n1' });
      await expect(request(client, 'node.join', { name: 'dup' })).rejects.toEqual(ALREADY_EXISTS);
      await expect(firstValueFrom(client.emit('NodeJoined', {}))).rejects.toThrow(/relay/);
      expect(app.server.stats().commandsServed).toBe(2);
    } finally {
      await client.close();
    }
  });
});
