// Appends planned before the log lock (hash chain computed on an assumed head): used as planned when the
// log is as assumed, planned again when another writer got in between — the log is the same either way.
import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { computeEventHash, EventStore, GENESIS_HASH, sqlLiteral, WrongExpectedVersionError } from '../src';
import { newEvent, readWholeLog } from './fixtures';

describe('EventStore prepared appends', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_prepared');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db?.drop());

  const head = async () => {
    const last = (await readWholeLog(store)).at(-1);
    return last ? { position: last.position, hash: last.hash, recordedAt: last.recordedAt } : null;
  };

  async function expectChainIntact() {
    const log = await readWholeLog(store);
    let prev = GENESIS_HASH;
    log.forEach((e, i) => {
      expect(e.position).toBe(i + 1);
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(computeEventHash(prev, e));
      prev = e.hash;
    });
    return log;
  }

  it('appends exactly the prepared events when the head is as assumed', async () => {
    const prepared = store.prepare([{ stream: 'pod-a', expectedVersion: 'no_stream', events: [newEvent(), newEvent()] }, { stream: 'pod-b', expectedVersion: 'no_stream', events: [newEvent()] }], await head())!;
    const results = await store.appendMany(prepared.requests, { prepared });
    expect(results.flatMap((r) => r.events)).toEqual(prepared.plan.toInsert);
    expect((await expectChainIntact()).map((e) => e.hash)).toEqual(prepared.plan.toInsert.map((e) => e.hash));
  });

  it('plans again when someone appended after the assumed head, and the chain stays intact', async () => {
    const prepared = store.prepare([{ stream: 'pod-c', expectedVersion: 'no_stream', events: [newEvent()] }], await head())!;
    await store.appendToStream('node-x', 'no_stream', [newEvent()]); // gets in between
    const [result] = await store.appendMany(prepared.requests, { prepared });
    expect(result.firstPosition).toBe(prepared.plan.toInsert[0].position + 1);
    expect(result.events[0].hash).not.toBe(prepared.plan.toInsert[0].hash);
    await expectChainIntact();
  });

  it('still refuses a stream that moved since the plan, appending nothing', async () => {
    const prepared = store.prepare([{ stream: 'pod-a', expectedVersion: 2, events: [newEvent()] }], await head())!;
    await store.appendToStream('pod-a', 2, [newEvent()]);
    const before = await store.headPosition();
    await expect(store.appendMany(prepared.requests, { prepared })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.headPosition()).toBe(before);
  });

  describe('in one round trip (appendPrepared)', () => {
    it('appends the plan, with data that holds quotes and dollar-quote tags', async () => {
      const data = { text: "it's $j$ and $j0$ and $$ and $d$ and $d1$", nested: { q: '"', tag: '$d2' } };
      const prepared = store.prepare([{ stream: 'pod-q', expectedVersion: 'no_stream', events: [newEvent('Quoted', data)] }], await head())!;
      expect(await store.appendPrepared(prepared)).toEqual(prepared.plan.results);
      const log = await expectChainIntact();
      expect(log.at(-1)!.data).toEqual(data);
    });

    it('writes nothing and answers null when the head moved; appendMany then plans again', async () => {
      const prepared = store.prepare([{ stream: 'pod-r', expectedVersion: 'no_stream', events: [newEvent()] }], await head())!;
      await store.appendToStream('node-y', 'no_stream', [newEvent()]);
      const before = await store.headPosition();
      const fresh = new EventStore(db.dataSource);
      expect(fresh.plansHolding).toBe(true);
      expect(await fresh.appendPrepared(prepared)).toBeNull();
      expect(fresh.plansHolding).toBe(false); // another writer is about: the next appends go statement by statement
      expect(await store.headPosition()).toBe(before);
      await fresh.appendMany(prepared.requests, { prepared });
      expect((await expectChainIntact()).at(-1)!.stream).toBe('pod-r');
    });

    it('writes nothing when planned on a head the log never reached (an append queued before it failed)', async () => {
      const h = (await head())!;
      const prepared = store.prepare([{ stream: 'pod-v', expectedVersion: 'no_stream', events: [newEvent()] }], { ...h, position: h.position + 5 })!;
      expect(await store.appendPrepared(prepared)).toBeNull();
      expect(await store.headPosition()).toBe(h.position);
    });

    it('writes nothing when a stream is not at the planned version, even with the head as planned', async () => {
      await store.appendToStream('pod-s', 'no_stream', [newEvent()]); // version 1
      const prepared = store.prepare([{ stream: 'pod-s', expectedVersion: 3, events: [newEvent()] }], await head())!;
      const before = await store.headPosition();
      expect(await store.appendPrepared(prepared)).toBeNull();
      expect(await store.headPosition()).toBe(before);
      await expect(store.appendMany(prepared.requests, { prepared })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    });

    it('answers null for a retried event id, and appendMany returns the first append', async () => {
      const event = newEvent();
      const [first] = await store.appendToStream('pod-t', 'no_stream', [event]).then((r) => [r]);
      const prepared = store.prepare([{ stream: 'pod-t', expectedVersion: 0, events: [event] }], await head())!;
      expect(await store.appendPrepared(prepared)).toBeNull();
      const [again] = await store.appendMany(prepared.requests, { prepared });
      expect(again.events).toEqual(first.events);
    });

    it("runs the caller's checks and statements in its transaction: a failing one writes nothing", async () => {
      await db.adminDataSource.query('CREATE TABLE public.side (n int PRIMARY KEY)');
      await db.adminDataSource.query('GRANT USAGE ON SCHEMA public TO everynode_app; GRANT SELECT, INSERT ON public.side TO everynode_app');
      const plan = async (stream: string) => store.prepare([{ stream, expectedVersion: 'no_stream', events: [newEvent()] }], await head())!;
      const before = await store.headPosition();
      await expect(store.appendPrepared(await plan('pod-u'), { checks: [`SELECT event_log.fail('40001', 'stale')`] })).rejects.toMatchObject({ code: '40001' });
      await expect(store.appendPrepared(await plan('pod-u'), { after: ['INSERT INTO public.side VALUES (1)', 'SELECT 1/0'] })).rejects.toMatchObject({ code: '22012' });
      expect(await store.headPosition()).toBe(before);
      expect(await db.dataSource.query('SELECT n FROM public.side')).toEqual([]);
      expect(await store.appendPrepared(await plan('pod-u'), { after: [`INSERT INTO public.side SELECT (${sqlLiteral('7')})::int`] })).not.toBeNull();
      expect(await db.dataSource.query('SELECT n FROM public.side')).toEqual([{ n: 7 }]);
      expect(await store.headPosition()).toBe(before + 1);
    });
  });

  it('cannot prepare conditions that need the log (any, stream_exists) or two requests on one stream', async () => {
    expect(store.prepare([{ stream: 'pod-a', expectedVersion: 'any', events: [newEvent()] }], null)).toBeNull();
    expect(store.prepare([{ stream: 'pod-a', expectedVersion: 'stream_exists', events: [newEvent()] }], null)).toBeNull();
    expect(store.prepare([{ stream: 'pod-d', expectedVersion: 'no_stream', events: [newEvent()] }, { stream: 'pod-d', expectedVersion: 1, events: [newEvent()] }], null)).toBeNull();
  });
});
