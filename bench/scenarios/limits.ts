// limits: what this machine's Postgres and NATS allow, measured in the same run with events shaped like
// the real ones, so every other figure can be read as a share of it.
//  - append: batched INSERTs into a copy of event_log.events (indexes included), several clients
//  - read: the same rows read back in log order, page by page (what a replay must do first), with every
//    column as the event store reads them, and with only what a projection fold needs
//  - publish: JetStream publishes with acknowledgements, many in flight
//  - consume: a durable pull consumer consuming and acking them
//  - append+publish: the full loop minus deciding: hash-chained batches appended under the log's
//    lock, each then published with acks while the next is appended — the converge denominator
import { randomBytes } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import type { RecordedEvent } from '@everynode/contracts';
import { APPEND_LOCK_KEY, computeEventHash, GENESIS_HASH, newEventId } from '@everynode/event-store';
import { DUPLICATE_WINDOW_MS } from '@everynode/messaging';
import { createTestDatabase } from '@everynode/platform';
import { NATS_URL } from '../../test/support/stack';
import { publishWithAcks, type Outgoing } from '../lib/ack-window';
import { clusterHistory } from '../lib/cluster-history';
import { insertSql, LOG_COLUMNS, pgClient, rowsJson } from '../lib/log-rows';
import { progress, record } from '../lib/report';

export interface LimitsParams {
  /** Events (rows, messages) each measurement moves. */
  events: number;
  /** Concurrent INSERT clients for the raw append. */
  clients: number;
  rowsPerInsert: number;
  /** Unacknowledged JetStream publishes at most. */
  inFlight: number;
  /** Events per transaction in the append+publish loop. */
  batch: number;
}

export const DEFAULT_LIMITS: LimitsParams = { events: 200_000, clients: 4, rowsPerInsert: 500, inFlight: 4096, batch: 2000 };

/** Events per second. */
export interface Limits {
  append: number;
  read: number;
  /** Only the columns a projection fold needs, the time as text: what a lean replay could read. */
  leanRead: number;
  publish: number;
  consume: number;
  appendPublish: number;
}

const S = 'limits';
const encoder = new TextEncoder();
const perSecond = (n: number, since: number) => n / ((performance.now() - since) / 1000);

export async function measureLimits(p: LimitsParams = DEFAULT_LIMITS): Promise<Limits> {
  progress(`${S}: generating ${p.events.toLocaleString('en-US')} events shaped like the log`);
  const sample: RecordedEvent[] = [];
  // One event per pod decision, as the limit counts decisions (the log now holds them in batches).
  for (const tx of clusterHistory({ events: p.events, nodes: 5000, daemonSets: 30, podEventsAlone: true })) sample.push(...tx);
  sample.length = p.events;

  const db = await createTestDatabase('bench_limits');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const stream = `${prefix.toUpperCase()}_LIMITS`;
  try {
    await db.adminDataSource.query(`CREATE SCHEMA bench`);
    await db.adminDataSource.query(`CREATE TABLE bench.events (LIKE event_log.events INCLUDING ALL)`);
    await db.adminDataSource.query(`CREATE TABLE bench.appended (LIKE event_log.events INCLUDING ALL)`);
    // Like the real events stream: file storage, a duplicate window, a Nats-Msg-Id on every message.
    await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`], storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS) });

    const limits = {
      append: await rawAppend(db.url, sample, p),
      read: await rawRead(db.url, sample.length, LOG_COLUMNS),
      leanRead: await rawRead(db.url, sample.length, FOLD_COLUMNS),
      publish: await rawPublish(nc, prefix, sample, p.inFlight),
      consume: await rawConsume(nc, stream, sample.length),
      appendPublish: await appendAndPublish(db.url, nc, prefix, sample, p),
    };
    record({ scenario: S, metric: `raw append (${p.rowsPerInsert} rows/INSERT, ${p.clients} clients)`, value: Math.round(limits.append), unit: 'events/s' });
    record({ scenario: S, metric: 'raw log read (5,000-row pages, every column)', value: Math.round(limits.read), unit: 'events/s' });
    record({ scenario: S, metric: 'raw log read (only what a fold needs)', value: Math.round(limits.leanRead), unit: 'events/s' });
    record({ scenario: S, metric: `raw JetStream publish+ack (${p.inFlight} in flight)`, value: Math.round(limits.publish), unit: 'msgs/s' });
    record({ scenario: S, metric: 'raw durable consumer consume+ack', value: Math.round(limits.consume), unit: 'msgs/s' });
    record({ scenario: S, metric: `append+publish (${p.batch}/tx, hash-chained, acked)`, value: Math.round(limits.appendPublish), unit: 'events/s' });
    return limits;
  } finally {
    await jsm.streams.delete(stream).catch(() => undefined);
    await nc.close();
    await db.drop();
  }
}

async function rawAppend(url: string, sample: RecordedEvent[], p: LimitsParams): Promise<number> {
  progress(`${S}: raw append`);
  const batches: string[] = [];
  for (let i = 0; i < sample.length; i += p.rowsPerInsert) batches.push(rowsJson(sample.slice(i, i + p.rowsPerInsert)));
  const clients = await Promise.all(Array.from({ length: p.clients }, () => pgClient(url)));
  const sql = insertSql('bench.events');
  let next = 0;
  const t0 = performance.now();
  await Promise.all(clients.map(async (c) => {
    while (next < batches.length) await c.query(sql, [batches[next++]]);
  }));
  const rate = perSecond(sample.length, t0);
  await Promise.all(clients.map((c) => c.end()));
  return rate;
}

const FOLD_COLUMNS = `position, stream, stream_version, type, data, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at`;

async function rawRead(url: string, total: number, columns: string): Promise<number> {
  progress(`${S}: raw read`);
  const client = await pgClient(url);
  let after = 0;
  let read = 0;
  const t0 = performance.now();
  for (;;) {
    const { rows } = await client.query(`SELECT ${columns} FROM bench.events WHERE position > $1 ORDER BY position LIMIT 5000`, [after]);
    if (!rows.length) break;
    read += rows.length;
    after = Number(rows[rows.length - 1].position);
  }
  const rate = perSecond(read, t0);
  await client.end();
  if (read !== total) throw new Error(`read ${read} rows back, wrote ${total}`);
  return rate;
}

const outgoing = (prefix: string, events: RecordedEvent[], msgId = (e: RecordedEvent) => e.eventId): Outgoing[] =>
  events.map((e) => ({ subject: `${prefix}.events.${e.type}`, msgId: msgId(e), data: encoder.encode(JSON.stringify(e)) }));

async function rawPublish(nc: Parameters<typeof publishWithAcks>[0], prefix: string, sample: RecordedEvent[], inFlight: number): Promise<number> {
  progress(`${S}: raw JetStream publish`);
  const messages = outgoing(prefix, sample);
  const t0 = performance.now();
  await publishWithAcks(nc, messages, inFlight);
  return perSecond(messages.length, t0);
}

async function rawConsume(nc: Parameters<typeof publishWithAcks>[0], stream: string, total: number): Promise<number> {
  progress(`${S}: raw durable consumer`);
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, { durable_name: 'limits', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 20_000, ack_wait: nanos(60_000) });
  const consumer = await jetstream(nc).consumers.get(stream, 'limits');
  let seen = 0;
  const t0 = performance.now();
  let finished!: () => void;
  const done = new Promise<void>((r) => (finished = r));
  const messages = await consumer.consume({
    max_messages: 1000,
    callback: (m) => {
      m.ack();
      if (++seen === total) finished();
    },
  });
  const timeout = setTimeout(() => finished(), 120_000);
  await done;
  const rate = perSecond(seen, t0);
  clearTimeout(timeout);
  await messages.close();
  if (seen !== total) throw new Error(`consumed ${seen} of ${total} messages`);
  return rate;
}

/**
 * One writer, as the log allows (appends are serialized): while Postgres commits batch k, this process
 * hash-chains and serializes batch k+1; batch k is published with acks once committed, while k+1 commits.
 */
async function appendAndPublish(
  url: string,
  nc: Parameters<typeof publishWithAcks>[0],
  prefix: string,
  sample: RecordedEvent[],
  p: LimitsParams,
): Promise<number> {
  progress(`${S}: append+publish loop`);
  const client = await pgClient(url);
  // Fresh ids: JetStream would drop the raw publish's message ids as duplicates.
  const ids = sample.map(() => newEventId());
  let prevHash = GENESIS_HASH;
  const prepare = (from: number) => {
    if (from >= sample.length) return undefined;
    const recordedAt = new Date().toISOString();
    const events = sample.slice(from, from + p.batch).map((d, k) => {
      const e: RecordedEvent = { ...d, position: from + k + 1, eventId: ids[from + k], recordedAt, prevHash, hash: '' };
      prevHash = e.hash = computeEventHash(prevHash, e);
      return e;
    });
    return { events, rows: rowsJson(events) };
  };
  // One statement (its own transaction) takes the log's lock and inserts: sent at once, so Postgres works
  // on it while this process prepares the next batch.
  const sql = insertSql('bench.appended', 'pg_advisory_xact_lock($2::bigint)');
  const append = (rows: string) => client.query(sql, [rows, APPEND_LOCK_KEY]);
  let publishing = Promise.resolve();
  let failure: Error | undefined;
  const t0 = performance.now();
  let batch = prepare(0);
  for (let from = 0; batch && !failure; from += p.batch) {
    const committed = append(batch.rows);
    const next = prepare(from + p.batch);
    await committed;
    await publishing;
    publishing = publishWithAcks(nc, outgoing(`${prefix}.ap`, batch.events), p.inFlight).catch((e: Error) => void (failure = e));
    batch = next;
  }
  await publishing;
  if (failure) throw failure;
  const rate = perSecond(sample.length, t0);
  await client.end();
  return rate;
}
