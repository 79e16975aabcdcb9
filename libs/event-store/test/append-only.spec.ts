import { createTestDatabase, type TestDatabase } from '../../platform/src/database';
import { EventStore } from '../src';
import { newEvent, readWholeLog } from './fixtures';

describe('event_log.events is append-only', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('es_append_only');
    store = new EventStore(db.dataSource);
    await store.appendToStream('node-a', 'any', [newEvent(), newEvent()]);
  });
  afterAll(() => db?.drop());

  const changes = [
    `UPDATE event_log.events SET type = 'Forged'`,
    `DELETE FROM event_log.events`,
    `TRUNCATE event_log.events`,
  ];

  it('services run as everynode_app', async () => {
    expect(await db.dataSource.query('SELECT current_user AS u')).toEqual([{ u: 'everynode_app' }]);
  });

  it.each(changes)('the application role has no privilege for: %s', async (sql) => {
    await expect(db.dataSource.query(sql)).rejects.toThrow(/permission denied for table events/);
  });

  it.each(changes)('the triggers reject even the superuser: %s', async (sql) => {
    await expect(db.adminDataSource.query(sql)).rejects.toThrow('event_log.events is append-only');
  });

  it('the application role can do no DDL on the log', async () => {
    await expect(db.dataSource.query('DROP TABLE event_log.events')).rejects.toThrow(/must be owner/);
    await expect(db.dataSource.query('CREATE TABLE event_log.x (a int)')).rejects.toThrow(/permission denied for schema/);
    await expect(db.dataSource.query('ALTER TABLE event_log.events DISABLE TRIGGER USER')).rejects.toThrow(/must be owner/);
  });

  it('left the log intact', async () => {
    const all = await readWholeLog(store);
    expect(all.map((e) => [e.position, e.type])).toEqual([[1, 'TestHappened'], [2, 'TestHappened']]);
  });
});
