import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { DuplicateEventIdError, EventStore, WrongExpectedVersionError } from '../src';
import { newEvent, readWholeLog } from './fixtures';

describe('EventStore optimistic concurrency and idempotency', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_conflicts');
    store = new EventStore(db.dataSource);
    await store.appendToStream('node-a', 'no_stream', [newEvent(), newEvent()]);
  });
  afterAll(() => db?.drop());

  async function expectConflict(append: () => Promise<unknown>, expected: unknown, actual: number, stream = 'node-a') {
    const head = await store.headPosition();
    const error = await append().then(() => null, (err) => err);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ stream, expected, actual });
    expect(await store.headPosition()).toBe(head);
  }

  it('rejects a wrong expected version with a typed error and appends nothing', async () => {
    await expectConflict(() => store.appendToStream('node-a', 1, [newEvent()]), 1, 2);
    await expectConflict(() => store.appendToStream('node-a', 'no_stream', [newEvent()]), 'no_stream', 2);
    await expectConflict(() => store.appendToStream('node-b', 'stream_exists', [newEvent()]), 'stream_exists', 0, 'node-b');
    await expectConflict(() => store.appendToStream('node-b', 3, [newEvent()]), 3, 0, 'node-b');
    expect((await store.appendToStream('node-a', 'stream_exists', [newEvent()])).nextExpectedVersion).toBe(3);
  });

  it('lets exactly one of two racing writers with the same expected version win', async () => {
    const version = await store.streamVersion('node-a');
    const outcomes = await Promise.allSettled([
      store.appendToStream('node-a', version, [newEvent()]),
      store.appendToStream('node-a', version, [newEvent()]),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.streamVersion('node-a')).toBe(version + 1);
  });

  it('returns the recorded events when an append is retried with the same event ids', async () => {
    const events = [newEvent('A'), newEvent('B')];
    const first = await store.appendToStream('node-r', 'no_stream', events);
    await store.appendToStream('node-other', 'any', [newEvent()]);
    const head = await store.headPosition();

    // Even with an expected version that is no longer true: it is the same append, not a conflict.
    const again = await store.appendToStream('node-r', 'no_stream', events);
    expect(again).toEqual(first);
    const upperCased = events.map((e) => ({ ...e, eventId: e.eventId.toUpperCase() }));
    expect(await store.appendToStream('node-r', 'any', upperCased)).toEqual(first);
    expect(await store.headPosition()).toBe(head);
  });

  it('rejects a partial overlap, an id reused on another stream, and an id repeated in one append', async () => {
    const [a, b] = [newEvent(), newEvent()];
    await store.appendToStream('node-p', 'any', [a]);
    const head = await store.headPosition();

    await expect(store.appendToStream('node-p', 'any', [a, b])).rejects.toThrow(DuplicateEventIdError);
    await expect(store.appendToStream('node-q', 'any', [a])).rejects.toMatchObject({
      name: 'DuplicateEventIdError', eventId: a.eventId, stream: 'node-q', existingStream: 'node-p',
    });
    await expect(store.appendToStream('node-p', 'any', [b, { ...b }])).rejects.toThrow(DuplicateEventIdError);
    await expect(store.appendToStream('node-p', 'any', [{ ...b, eventId: 'not-a-uuid' }])).rejects.toThrow(TypeError);
    expect(await store.headPosition()).toBe(head);
  });

  it('appendMany is all-or-nothing: one conflicting request rejects the whole batch', async () => {
    const before = await readWholeLog(store);
    const batch = [
      { stream: 'node-m1', expectedVersion: 'no_stream' as const, events: [newEvent(), newEvent()] },
      { stream: 'node-m2', expectedVersion: 'any' as const, events: [newEvent()] },
      { stream: 'node-a', expectedVersion: 1, events: [newEvent()] },
    ];
    await expect(store.appendMany(batch)).rejects.toThrow(WrongExpectedVersionError);
    expect(await readWholeLog(store)).toEqual(before);

    // Fixed, the same batch commits as one, and two requests on one stream chain their versions.
    batch[2].expectedVersion = await store.streamVersion('node-a');
    const results = await store.appendMany([
      ...batch,
      { stream: 'node-m1', expectedVersion: 2, events: [newEvent()] },
    ]);
    const head = before[before.length - 1].position;
    expect(results.map((r) => [r.firstPosition, r.lastPosition])).toEqual([
      [head + 1, head + 2], [head + 3, head + 3], [head + 4, head + 4], [head + 5, head + 5],
    ]);
    expect(results[3].nextExpectedVersion).toBe(3);
  });

  it('appends inside a caller transaction and rolls back with it', async () => {
    const head = await store.headPosition();
    const eventId = randomUUID();
    await expect(
      db.dataSource.transaction(async (manager) => {
        await store.appendToStream('node-tx', 'no_stream', [{ ...newEvent(), eventId }], { manager });
        expect((await store.readStream('node-tx', { manager })).map((e) => e.eventId)).toEqual([eventId]);
        throw new Error('caller gives up');
      }),
    ).rejects.toThrow('caller gives up');
    expect(await store.headPosition()).toBe(head);
    expect(await store.findByEventId(eventId)).toBeNull();

    // The position freed by the rollback is reused: no gap.
    expect((await store.appendToStream('node-tx', 'no_stream', [newEvent()])).firstPosition).toBe(head + 1);
  });
});
