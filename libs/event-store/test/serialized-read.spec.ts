// The relay's read: the log as JSON spliced from the stored text (readAllSerialized, tailSerialized). Whatever
// a payload holds, the JSON must parse to exactly the event the ordinary read gives.
import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { EventStore } from '../src';
import { newEvent, sleep } from './fixtures';

/** Payloads with what a splice could get wrong: quotes, backslashes, control and non-BMP characters, nesting, null. */
const payloads = fc.oneof(
  fc.constant(null),
  fc.dictionary(
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\n\t', '\u2028', '</script>', '😀', '"},"x":{'), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 })),
    { maxKeys: 5 },
  ),
);

describe('EventStore serialized read (what the relay publishes)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_serialized');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db?.drop());

  it('gives, for every event, JSON that parses to the event the ordinary read gives', async () => {
    let version = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(payloads, { minLength: 1, maxLength: 20 }), fc.constantFrom('pod-ns.a', 'node-"quoted"', 'daemonset-ns.ü'), async (datas, stream) => {
        const after = await store.headPosition();
        const appended = await store.appendMany([{ stream: `${stream}-${version++}`, expectedVersion: 'no_stream', events: datas.map((d) => newEvent('PodStatusChanged', d)) }]);
        const read = await store.readAll({ after, limit: 100 });
        const serialized = await store.readAllSerialized({ after, limit: 100 });
        expect(serialized.map((s) => JSON.parse(Buffer.from(s.json).toString('utf8')))).toEqual(read);
        expect(serialized.map((s) => [s.position, s.eventId, s.type])).toEqual(read.map((e) => [e.position, e.eventId, e.type]));
        // What was appended, as JSON keeps it (-0 reads back as 0).
        expect(read).toEqual(JSON.parse(JSON.stringify(appended.flatMap((r) => r.events))));
      }),
      { numRuns: 40 },
    );
  });

  it('follows the log like tail: every event once, in order, across batches', async () => {
    const from = await store.headPosition();
    for (let i = 0; i < 5; i++) await store.appendToStream(`node-tail-${i}`, 'no_stream', [newEvent('NodeJoined', { i }), newEvent('NodeUpdated', { i })]);
    const seen: number[] = [];
    const tail = store.tailSerialized(from, async (events) => void seen.push(...events.map((e) => JSON.parse(Buffer.from(e.json).toString('utf8')).position)), { batchSize: 3, pollMs: 50 });
    try {
      for (let t = 0; t < 100 && seen.length < 10; t++) await sleep(50);
    } finally {
      await tail.stop();
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => from + 1 + i));
  });
});
