import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import type { RecordedEvent } from '@everynode/contracts';
import { canonicalJson, computeEventHash, EventStore, GENESIS_HASH } from '../src';
import { eventually, newEvent, readWholeLog, sleep } from './fixtures';

describe('EventStore append and read', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_append');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db?.drop());

  it('assigns gap-free positions and stream versions, and reads streams and the log back', async () => {
    const before = Date.now();
    const a1 = await store.appendToStream('node-a', 'no_stream', [newEvent('NodeJoined', { name: 'a' }), newEvent('NodeUpdated')]);
    const b1 = await store.appendToStream('node-b', 0, [newEvent('NodeJoined', { name: 'b' })]);
    const a2 = await store.appendToStream('node-a', 2, [newEvent('NodeLeft', { reason: 'Deleted' })]);

    expect([a1.firstPosition, a1.lastPosition, a1.nextExpectedVersion]).toEqual([1, 2, 2]);
    expect([b1.firstPosition, b1.lastPosition, b1.nextExpectedVersion]).toEqual([3, 3, 1]);
    expect([a2.firstPosition, a2.lastPosition, a2.nextExpectedVersion]).toEqual([4, 4, 3]);

    const streamA = await store.readStream('node-a');
    expect(streamA.map((e) => [e.streamVersion, e.position, e.type])).toEqual([
      [1, 1, 'NodeJoined'], [2, 2, 'NodeUpdated'], [3, 4, 'NodeLeft'],
    ]);
    expect((await store.readStream('node-a', { fromVersion: 2 })).map((e) => e.streamVersion)).toEqual([2, 3]);
    expect(await store.streamVersion('node-a')).toBe(3);
    expect(await store.streamVersion('node-missing')).toBe(0);
    expect(await store.headPosition()).toBe(4);

    // What append returned is exactly what the log holds.
    const all = await readWholeLog(store);
    expect(all).toEqual([...a1.events, ...b1.events, ...a2.events]);
    expect(all.map((e) => e.position)).toEqual([1, 2, 3, 4]);
    for (const e of all) {
      expect(e.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(before - 1);
    }
    expect(all[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
    expect(await store.findByEventId(b1.events[0].eventId)).toEqual(b1.events[0]);
    expect(await store.findByEventId('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('filters readAll by position range, type and stream prefix', async () => {
    await store.appendToStream('pod-x', 'any', [newEvent('PodScheduled'), newEvent('PodRemoved')]);
    expect((await store.readAll({ after: 1, to: 3 })).map((e) => e.position)).toEqual([2, 3]);
    expect((await store.readAll({ limit: 2 })).map((e) => e.position)).toEqual([1, 2]);
    expect((await store.readAll({ types: ['NodeJoined', 'PodRemoved'] })).map((e) => e.type)).toEqual([
      'NodeJoined', 'NodeJoined', 'PodRemoved',
    ]);
    expect(await store.readAll({ types: [] })).toEqual([]);
    expect((await store.readAll({ streamPrefix: 'pod-' })).map((e) => e.stream)).toEqual(['pod-x', 'pod-x']);
  });

  it('hashes the stored rows reproducibly: recomputing the chain over readAll gives the stored hashes', async () => {
    // Key order, nesting, unicode and numbers that jsonb normalizes must not change the hash.
    const awkward = { z: 1, a: { y: [3, { b: true, a: null }], x: 'ünï "quoted"\n' }, n: 1e21, f: 0.1 + 0.2, skip: undefined };
    await store.appendMany([
      { stream: 'daemonset-kube-system.liberator', expectedVersion: 'any', events: [newEvent('DaemonSetCreated', awkward)] },
      { stream: 'node-c', expectedVersion: 'no_stream', events: Array.from({ length: 3 }, () => newEvent()) },
    ]);
    const all = await readWholeLog(store);
    let prevHash = GENESIS_HASH;
    for (const { hash, prevHash: storedPrev, ...content } of all) {
      expect(storedPrev).toBe(prevHash);
      expect(computeEventHash(prevHash, content)).toBe(hash);
      prevHash = hash;
    }
    // A changed payload breaks the link.
    const last = all[all.length - 1];
    expect(computeEventHash(last.prevHash, { ...last, data: { n: 2 } })).not.toBe(last.hash);
  });

  it('canonicalJson sorts keys at every depth and follows JSON.stringify otherwise', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined, { f: 1, e: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,null,{"e":2,"f":1}]},"b":1}',
    );
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(NaN)).toBe('null');
  });

  it('tail delivers new events on NOTIFY, long before its poll interval', async () => {
    const seen: RecordedEvent[] = [];
    const head = await store.headPosition();
    const tail = store.tail(head, async (events) => { seen.push(...events); }, { pollMs: 60_000 });
    try {
      await sleep(500); // let the initial read and LISTEN happen, so only a notification can wake it
      const { events } = await store.appendToStream('node-d', 'any', [newEvent(), newEvent()]);
      await eventually(() => expect(seen).toEqual(events), 3000);
    } finally {
      await tail.stop();
    }
  });

  it('tail re-establishes LISTEN after its connection is killed', async () => {
    const seen: RecordedEvent[] = [];
    const errors: Error[] = [];
    const tail = store.tail(await store.headPosition(), async (events) => { seen.push(...events); }, {
      pollMs: 60_000,
      onError: (err) => errors.push(err),
    });
    try {
      await sleep(500);
      const [{ n }] = await db.adminDataSource.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND query = 'LISTEN event_log'`,
      );
      expect(n).toBe(1);
      await eventually(() => expect(errors).toHaveLength(1));
      await sleep(1500); // reconnected (within a second) and listening again
      const { events } = await store.appendToStream('node-e', 'any', [newEvent()]);
      await eventually(() => expect(seen).toEqual(events), 3000);
    } finally {
      await tail.stop();
    }
  });

  it("runs the caller's checks under the lock, before anything is written: one that fails writes nothing", async () => {
    const head = await store.headPosition();
    const failing = `SELECT event_log.fail('40001', 'stale view') WHERE (SELECT max(position) FROM event_log.events) >= ${head}`;
    for (const prepared of [undefined, store.prepare([{ stream: 'node-checked-a', expectedVersion: 'no_stream', events: [newEvent()] }], null)]) {
      await expect(
        store.appendMany([{ stream: 'node-checked-a', expectedVersion: 'no_stream', events: [newEvent()] }], { checks: [failing], prepared }),
      ).rejects.toMatchObject({ code: '40001' });
    }
    await expect(db.dataSource.transaction((manager) => store.appendMany([{ stream: 'node-checked-a', expectedVersion: 'no_stream', events: [newEvent()] }], { manager, checks: [failing] }))).rejects.toMatchObject({ code: '40001' });
    expect(await store.headPosition()).toBe(head);

    const passing = `SELECT event_log.fail('40001', 'stale view') WHERE (SELECT max(position) FROM event_log.events) > ${head}`;
    const [result] = await store.appendMany([{ stream: 'node-checked-b', expectedVersion: 'no_stream', events: [newEvent()] }], { checks: [passing] });
    expect(result.firstPosition).toBe(head + 1);
  });
});
