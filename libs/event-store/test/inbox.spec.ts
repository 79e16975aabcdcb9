import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { EventStore, markProcessed, processedEventsTableSql } from '../src';
import { newEvent } from './fixtures';

describe('markProcessed (idempotent consumers)', () => {
  let db: TestDatabase;
  const table = 'consumer_test.processed_events';

  beforeAll(async () => {
    db = await createTestDatabase('es_inbox');
    await db.adminDataSource.query('CREATE SCHEMA consumer_test');
    await db.adminDataSource.query(processedEventsTableSql('consumer_test'));
    await db.adminDataSource.query('GRANT USAGE ON SCHEMA consumer_test TO everynode_app');
    await db.adminDataSource.query(`GRANT SELECT, INSERT ON ${table} TO everynode_app`);
  });
  afterAll(() => db?.drop());

  const mark = (consumer: string, ids: string[]) =>
    db.dataSource.transaction((manager) => markProcessed(manager, table, consumer, ids));

  it('returns only the ids this consumer has not processed before', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await mark('projector', [a, b, a])).toEqual(new Set([a, b]));
    expect(await mark('projector', [b, c])).toEqual(new Set([c]));
    expect(await mark('projector', [a, b, c])).toEqual(new Set());
    expect(await mark('other', [a])).toEqual(new Set([a]));
    expect(await mark('projector', [])).toEqual(new Set());
  });

  it('is transactional: a rolled-back transaction leaves the ids unprocessed, and its append unwritten', async () => {
    const store = new EventStore(db.dataSource);
    const input = randomUUID();
    const output = newEvent();
    await expect(
      db.dataSource.transaction(async (manager) => {
        expect(await markProcessed(manager, table, 'scheduler', [input])).toEqual(new Set([input]));
        await store.appendToStream('pod-p', 'any', [output], { manager });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await store.findByEventId(output.eventId)).toBeNull();

    await db.dataSource.transaction(async (manager) => {
      expect(await markProcessed(manager, table, 'scheduler', [input])).toEqual(new Set([input]));
      await store.appendToStream('pod-p', 'any', [output], { manager });
    });
    expect(await store.findByEventId(output.eventId)).not.toBeNull();
    expect(await mark('scheduler', [input])).toEqual(new Set());
  });

  it('refuses a table name that is not an identifier', async () => {
    await expect(
      db.dataSource.transaction((m) => markProcessed(m, 'x; DROP TABLE y', 'c', [randomUUID()])),
    ).rejects.toThrow(TypeError);
    expect(() => processedEventsTableSql('a.b')).toThrow(TypeError);
  });
});
