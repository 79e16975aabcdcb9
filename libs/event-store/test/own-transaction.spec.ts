// Appends in a transaction the store opens itself go in two round trips (BEGIN with the lock and the reads;
// the inserts, the caller's statements and COMMIT): all or nothing, and a failure leaves the connection clean.
import type { DataSource } from 'typeorm';
import { createDataSource, createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { EventStore, sqlLiteral } from '../src';
import type { RecordedEvent } from '@everynode/contracts';
import { newEvent, readWholeLog } from './fixtures';

describe('EventStore appends in its own transaction', () => {
  let db: TestDatabase;
  /** One connection: a transaction left open or aborted by a failure would fail every later append. */
  let single: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_own_tx');
    single = await createDataSource({ url: db.url, appRole: true, poolSize: 1 });
    store = new EventStore(single);
    await db.adminDataSource.query('CREATE TABLE public.side (position bigint PRIMARY KEY, stream text NOT NULL)');
    await db.adminDataSource.query('GRANT USAGE ON SCHEMA public TO everynode_app; GRANT SELECT, INSERT ON public.side TO everynode_app');
  });
  afterAll(async () => {
    await single?.destroy();
    await db?.drop();
  });

  /** The caller's statements: one row per inserted event, as a projection would write. */
  const sideRows = (events: RecordedEvent[]) =>
    events.map((e) => `INSERT INTO public.side VALUES (${e.position}, ${sqlLiteral(e.stream)})`);
  const side = async () => (await db.adminDataSource.query('SELECT position::int AS position, stream FROM public.side ORDER BY position')) as { position: number; stream: string }[];

  it("commits the caller's statements with the events, given the events as inserted", async () => {
    const results = await store.appendMany(
      [{ stream: 'node-a', expectedVersion: 'no_stream', events: [newEvent(), newEvent()] }, { stream: 'node-b', expectedVersion: 'any', events: [newEvent()] }],
      { after: sideRows },
    );
    const log = await readWholeLog(store);
    expect(results.flatMap((r) => r.events)).toEqual(log);
    expect(await side()).toEqual(log.map((e) => ({ position: e.position, stream: e.stream })));
  });

  it("writes nothing when a check, an insert or one of the caller's statements fails, and the connection stays usable", async () => {
    const before = await readWholeLog(store);
    const failures: [string, Parameters<EventStore['appendMany']>[1], object][] = [
      ['a failing check', { checks: [`SELECT event_log.fail('40001', 'stale view')`] }, { code: '40001' }],
      ["a failing statement of the caller's", { after: (events) => [...sideRows(events), 'SELECT 1/0'] }, { code: '22012' }],
      // The caller's row for position 1 exists already: the events were inserted, then the transaction failed.
      ['a conflicting row of the caller', { after: (events) => sideRows(events).concat(`INSERT INTO public.side VALUES (1, 'x')`) }, { code: '23505' }],
    ];
    for (const [, opts, error] of failures) {
      await expect(store.appendMany([{ stream: 'node-c', expectedVersion: 'no_stream', events: [newEvent()] }], opts)).rejects.toMatchObject(error);
    }
    expect(await readWholeLog(store)).toEqual(before);
    expect(await side()).toHaveLength(before.length);

    const [ok] = await store.appendMany([{ stream: 'node-c', expectedVersion: 'no_stream', events: [newEvent()] }], { after: sideRows });
    expect(ok.firstPosition).toBe(before.length + 1);
    expect(await side()).toHaveLength(before.length + 1);
  });

  it('runs the statements in the transaction of a caller that brings one, and in a prepared one-round-trip append', async () => {
    const n = (await readWholeLog(store)).length;
    await single.transaction((manager) => store.appendMany([{ stream: 'node-d', expectedVersion: 'no_stream', events: [newEvent()] }], { manager, after: sideRows }));
    const prepared = store.prepare([{ stream: 'node-e', expectedVersion: 'no_stream', events: [newEvent()] }], (await readWholeLog(store)).at(-1)!);
    await store.appendMany(prepared!.requests, { prepared, after: sideRows });
    expect((await side()).slice(n)).toEqual([{ position: n + 1, stream: 'node-d' }, { position: n + 2, stream: 'node-e' }]);
  });
});
