import { createDataSource, createTestDatabase, type TestDatabase } from '../../platform/src/database';
import type { DataSource } from 'typeorm';
import type { RecordedEvent } from '@everynode/contracts';
import { EventStore, type AppendRequest } from '../src';
import { eventually, newEvent, readWholeLog, sleep } from './fixtures';

/**
 * DESIGN.md rule 3: with writers committing concurrently (and some rolling back), a follower
 * reading "position > last" must see every committed event exactly once, in log order.
 */
describe('no reader skips a committed event', () => {
  const WRITERS = 8;
  const WRITE_MS = 4000;
  let db: TestDatabase;
  let writerSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('es_no_skip');
    writerSource = await createDataSource({ url: db.url, appRole: true, poolSize: WRITERS });
  });
  afterAll(async () => {
    await writerSource?.destroy();
    await db?.drop();
  });

  const rand = (n: number) => Math.floor(Math.random() * n);

  function requests(writer: number): AppendRequest[] {
    return Array.from({ length: 1 + rand(3) }, () => ({
      stream: rand(4) === 0 ? 'shared-hot' : `w${writer}-s${rand(5)}`,
      expectedVersion: 'any' as const,
      events: Array.from({ length: 1 + rand(rand(2) ? 2 : 40) }, () => newEvent('Written', { writer })),
    }));
  }

  /** Appends until the deadline; returns the ids it knows were committed and those it rolled back. */
  async function writer(index: number, store: EventStore, until: number) {
    const committed: string[] = [];
    const rolledBack: string[] = [];
    for (let round = 0; Date.now() < until; round++) {
      const batch = requests(index);
      const ids = batch.flatMap((r) => r.events.map((e) => e.eventId));
      const mode = round % 4;
      if (mode === 0) {
        await store.appendToStream(batch[0].stream, 'any', batch[0].events);
        committed.push(...batch[0].events.map((e) => e.eventId));
      } else if (mode === 1) {
        await store.appendMany(batch);
        committed.push(...ids);
      } else {
        // In a caller transaction that holds the append lock while it sleeps, then commits or rolls back.
        const rollback = mode === 3 && rand(2) === 0;
        await writerSource
          .transaction(async (manager) => {
            await sleep(rand(3));
            await store.appendMany(batch, { manager });
            await sleep(rand(3));
            if (rollback) throw new Error('rollback');
          })
          .catch((err) => { if (err.message !== 'rollback') throw err; });
        (rollback ? rolledBack : committed).push(...ids);
      }
      await sleep(rand(4));
    }
    return { committed, rolledBack };
  }

  function follow(store: EventStore, seen: RecordedEvent[]) {
    return store.tail(0, async (events) => {
      seen.push(...events);
      if (rand(3) === 0) await sleep(rand(10)); // a slow consumer now and then
    }, { batchSize: 50 });
  }

  it('a tail and a late-started tail each see every committed event once, in log order', async () => {
    const readerStore = new EventStore(db.dataSource);
    const writerStore = new EventStore(writerSource);
    const early: RecordedEvent[] = [];
    const late: RecordedEvent[] = [];
    const earlyTail = follow(readerStore, early);
    let lateTail: { stop(): Promise<void> } | undefined;
    let outcomes: Awaited<ReturnType<typeof writer>>[];
    let head: number;
    const startLate = sleep(WRITE_MS / 2).then(() => { lateTail = follow(readerStore, late); });
    try {
      const until = Date.now() + WRITE_MS;
      outcomes = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i, writerStore, until)));
      head = await readerStore.headPosition();
      await eventually(() => {
        expect(early.length).toBeGreaterThanOrEqual(head);
        expect(late.length).toBeGreaterThanOrEqual(head);
      }, 10_000);
    } finally {
      await startLate;
      await earlyTail.stop();
      await lateTail?.stop();
    }

    const log = await readWholeLog(readerStore);
    const committed = new Set(outcomes.flatMap((o) => o.committed));
    const rolledBack = outcomes.flatMap((o) => o.rolledBack);
    expect(head).toBeGreaterThan(500); // enough concurrency to have meant something
    expect(rolledBack.length).toBeGreaterThan(0);

    expect(log.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(new Set(log.map((e) => e.eventId))).toEqual(committed);
    expect(log).toHaveLength(committed.size);
    const ids = log.map((e) => e.eventId);
    const logged = new Set(ids);
    expect(rolledBack.filter((id) => logged.has(id))).toEqual([]);
    expect(early.map((e) => e.eventId)).toEqual(ids);
    expect(late.map((e) => e.eventId)).toEqual(ids);
    expect(early.map((e) => e.position)).toEqual(log.map((e) => e.position));

    // Stream versions stayed gap-free per stream under contention too.
    const versions = new Map<string, number>();
    for (const e of log) {
      expect(e.streamVersion).toBe((versions.get(e.stream) ?? 0) + 1);
      versions.set(e.stream, e.streamVersion);
    }
  });
});
