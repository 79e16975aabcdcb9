// Appends planned before the log lock (hash chain computed on an assumed head): used as planned when the
// log is as assumed, planned again when another writer got in between — the log is the same either way.
import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { computeEventHash, EventStore, GENESIS_HASH, WrongExpectedVersionError } from '../src';
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

  it('cannot prepare conditions that need the log (any, stream_exists) or two requests on one stream', async () => {
    expect(store.prepare([{ stream: 'pod-a', expectedVersion: 'any', events: [newEvent()] }], null)).toBeNull();
    expect(store.prepare([{ stream: 'pod-a', expectedVersion: 'stream_exists', events: [newEvent()] }], null)).toBeNull();
    expect(store.prepare([{ stream: 'pod-d', expectedVersion: 'no_stream', events: [newEvent()] }, { stream: 'pod-d', expectedVersion: 1, events: [newEvent()] }], null)).toBeNull();
  });
});
