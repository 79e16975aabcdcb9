// Fault 5: a poison event. Appended to the log as the superuser (hash-chained like any other), it is an event
// the scheduler's trigger cannot process: a type it reacts to (NodeReadinessChanged) with a null payload, on a
// stream no projection reads (the folds skip a payload that is not an object). Its delivery fails
// a bounded number of times, then it goes to the dead-letter stream and the metric counts it, while the events
// behind it keep flowing (the periodic resync is off, so only JetStream deliveries can place these pods).
import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import { COMMANDS, subjects } from '@everynode/contracts';
import { APPEND_LOCK_KEY, computeEventHash } from '@everynode/event-store';
import { DEAD_LETTER_HEADERS } from '@everynode/messaging';
import { meta, waitFor } from '../support/stack';
import { FaultCluster, FLEET, NAMESPACE } from './support/fault-cluster';

const MAX_DELIVER = 5; // JetStreamServer's default

/** Appends an event the way EventStore does (log lock, next position, hash link), but with a JSON null payload. */
async function appendPoison(admin: DataSource): Promise<number> {
  return admin.transaction(async (m) => {
    await m.query('SELECT pg_advisory_xact_lock($1::bigint)', [APPEND_LOCK_KEY]);
    const [head] = await m.query('SELECT position, hash FROM event_log.events ORDER BY position DESC LIMIT 1');
    const content = {
      position: Number(head.position) + 1,
      eventId: randomUUID(),
      stream: 'fence-sim-node-x',
      streamVersion: 1,
      type: 'NodeReadinessChanged',
      data: null,
      metadata: { causationId: null, correlationId: randomUUID(), actor: 'postgres' },
      recordedAt: new Date().toISOString(),
    };
    await m.query(
      `INSERT INTO event_log.events (position, event_id, stream, stream_version, type, data, metadata, recorded_at, hash, prev_hash)
       VALUES ($1, $2, $3, $4, $5, 'null'::json, $6, $7, $8, $9)`,
      [content.position, content.eventId, content.stream, content.streamVersion, content.type, content.metadata, content.recordedAt, computeEventHash(head.hash, content), head.hash],
    );
    return content.position;
  });
}

describe('fault 5: a poison event', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start({ label: 'fault_poison', gateway: true, env: { RESYNC_INTERVAL_MS: '600000' } });
  }, 60_000);
  afterAll(() => cluster?.teardown(), 30_000);

  it('is redelivered a bounded number of times, then dead-lettered and counted; the rest keeps flowing', async () => {
    await cluster.apply(FLEET.everywhere('r0'));
    const poisonAt = await appendPoison(cluster.stack.db.adminDataSource);
    const joined = Date.now();
    for (let i = 1; i <= 5; i++) await cluster.send(COMMANDS.nodeJoin, { meta: meta(), name: `behind-${i}` });

    // The events behind the poison are handled long before it is given up on (~17 s of backoff).
    const flowing = await waitFor('pods on the nodes that joined after the poison', async () => {
      const report = await cluster.waitConverged('placements', 1000).catch(() => undefined);
      return report && report.pods === 5 && report;
    }, 10_000, 200);
    const flowedMs = Date.now() - joined;
    expect(await cluster.metric('scheduler', 'everynode_events_dead_lettered_total')).toBe(0);

    await waitFor('the poison dead-lettered', async () => (await cluster.metric('scheduler', 'everynode_events_dead_lettered_total')) === 1, 45_000, 250);
    const deadLetteredMs = Date.now() - joined;
    expect(await cluster.metric('scheduler', 'everynode_events_naked_total')).toBe(MAX_DELIVER - 1);

    const s = subjects(cluster.stack.prefix);
    const consumer = await jetstream(await cluster.commands.connect()).consumers.get(s.deadLetterStream);
    const dead = await consumer.next({ expires: 5000 });
    expect(dead).not.toBeNull();
    expect(dead!.subject).toBe(s.deadLetter('scheduler'));
    expect(dead!.headers?.get(DEAD_LETTER_HEADERS.originalSubject)).toBe(s.event('NodeReadinessChanged'));
    expect(dead!.headers?.get(DEAD_LETTER_HEADERS.durable)).toBe('scheduler');
    expect(dead!.headers?.get(DEAD_LETTER_HEADERS.error)).toMatch(/null/);
    expect(dead!.json<{ position: number }>().position).toBe(poisonAt);

    // Nothing else was dead-lettered, the scheduler still reacts, and the log (poison included) verifies.
    await cluster.send(COMMANDS.nodeJoin, { meta: meta(), name: 'after-dead-letter' });
    const after = await waitFor('a pod on the node that joined afterwards', async () => {
      const report = await cluster.waitConverged('placements', 1000).catch(() => undefined);
      return report && report.pods === 6 && report;
    }, 10_000, 200);
    expect(after.chainChecked).toBe(after.events);
    expect(await cluster.metric('scheduler', 'everynode_events_dead_lettered_total')).toBe(1);
    // The gateway folds past it too.
    expect((await cluster.api('GET', `/api/v1/namespaces/${NAMESPACE}/pods`)).body.items).toHaveLength(6);

    console.log(
      `fault 5: poison at position ${poisonAt} delivered ${MAX_DELIVER} times, dead-lettered after ${deadLetteredMs} ms; ` +
        `the ${flowing.events - poisonAt} events behind it handled within ${flowedMs} ms; ${after.events} events verified`,
    );
  }, 120_000);
});
