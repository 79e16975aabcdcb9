// The check every scheduler append about pods carries, against real PostgreSQL: a pod event committed after
// the view fails the append (a retryable conflict, nothing written), unless it is one of this process's own
// appends (its position range); events that are not about pods never do.
import { randomUUID } from 'node:crypto';
import { podBatchStream } from '@everynode/contracts';
import { EventStore, newEventId } from '@everynode/event-store';
import { createTestDatabase, isRetryableConflict, type TestDatabase } from '@everynode/platform';
import { podViewCheckSql } from './pod-view-check';

const meta = { actor: 'test', causationId: null, correlationId: randomUUID() };

describe('podViewCheckSql', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('pod_view_check');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db?.drop());

  const placement = () => {
    const eventId = newEventId();
    return { stream: podBatchStream(eventId), expectedVersion: 'no_stream' as const, events: [{ eventId, type: 'PodsScheduled', data: { pods: [] }, metadata: meta }] };
  };
  const nodeEvent = (name: string) => ({ stream: `node-${name}`, expectedVersion: 'any' as const, events: [{ eventId: newEventId(), type: 'NodeJoined', data: { name }, metadata: meta }] });
  const appendChecked = (basis: number, own: [number, number][] = []) => store.appendMany([placement()], { checks: [podViewCheckSql(basis, own)] });

  it('passes on an unchanged view and after events that are not about pods', async () => {
    const view = await store.headPosition();
    await store.appendMany([nodeEvent('n1')]);
    const [r] = await appendChecked(view);
    expect(r.events).toHaveLength(1);
  });

  it('fails, writing nothing, when another writer appended a pod event after the view', async () => {
    const view = await store.headPosition();
    await store.appendMany([placement()]); // someone else's
    const head = await store.headPosition();
    const error = await appendChecked(view).catch((e) => e);
    expect(isRetryableConflict(error)).toBe(true);
    expect(String(error.message)).toContain(`after the view at ${view}`);
    expect(await store.headPosition()).toBe(head);
    // Read on (a view that holds it): it goes through.
    await expect(appendChecked(head)).resolves.toHaveLength(1);
  });

  it('lets this process’s own appends pass, by their position range, and only those', async () => {
    const view = await store.headPosition();
    const [own] = await store.appendMany([placement(), placement()]);
    const range: [number, number] = [own.events[0].position, own.events[0].position + 1];
    await expect(appendChecked(view, [range])).resolves.toHaveLength(1);

    const view2 = await store.headPosition();
    await store.appendMany([placement()]); // foreign, just after an own range
    const error = await appendChecked(view2, [[view2 - 1, view2]]).catch((e) => e);
    expect(isRetryableConflict(error)).toBe(true);
  });
});
