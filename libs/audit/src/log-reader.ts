// Streaming reads of the log for audits: page by page, never the whole log in memory.
import type { RecordedEvent } from '@everynode/contracts';
import type { EventStore } from '@everynode/event-store';
import { ClusterReadModel } from '@everynode/read-models';
import type { DataSource } from 'typeorm';

export interface LogRange {
  /** Position to start after (exclusive). */
  after?: number;
  /** Last position to include. */
  to?: number;
  pageSize?: number;
}

/**
 * Pages of the log in order. The next page is already being read while the caller works on this one,
 * so Postgres (another core) fetches while this process folds.
 */
export async function* readLog(store: EventStore, range: LogRange = {}): AsyncGenerator<RecordedEvent[]> {
  const limit = range.pageSize ?? 5000;
  const read = (after: number) => {
    const page = store.readAll({ after, limit, ...(range.to !== undefined ? { to: range.to } : {}) });
    page.catch(() => undefined); // a caller that stops early never awaits the page read ahead
    return page;
  };
  let next = read(range.after ?? 0);
  for (;;) {
    const page = await next;
    if (!page.length) return;
    const more = page.length === limit;
    if (more) next = read(page[page.length - 1].position);
    yield page;
    if (!more) return;
  }
}

/** What a fold reads of an event: no id, metadata or hash chain (those are for `verify`, `log` and `export`). */
export type FoldEvent = Pick<RecordedEvent, 'position' | 'stream' | 'streamVersion' | 'type' | 'data' | 'recordedAt'>;

/** The pg module TypeORM loaded, and a pooled client of it. */
interface PgModule {
  Query: new (config: { text: string; values: unknown[] }, callback: (err: Error | null) => void) => PgQuery;
  types: { getTypeParser(oid: number, format?: string): (text: string) => unknown };
}
interface PgQuery {
  handleDataRow(msg: { fields: (string | null)[] }): void;
}
interface PgClient {
  query(query: PgQuery): unknown;
}
interface PgDriver {
  postgres: PgModule;
  obtainMasterConnection(): Promise<[PgClient, (err?: unknown) => void]>;
}

const TIMESTAMPTZ = 1184;

export interface StreamRange extends Pick<LogRange, 'after' | 'to'> {
  /**
   * Event types whose content the caller does not need: PostgreSQL leaves their `data` out and they go to
   * `onSkipped` (position and type) instead of `onEvent`, so they are counted but neither sent nor parsed.
   */
  skipTypes?: readonly string[];
}

/**
 * Every event of the range, in order, handed to `onEvent` as its row arrives: one query streamed to the end
 * (one snapshot), so PostgreSQL produces rows on its core while this process folds them on its own, and no
 * page of rows is ever held (they die young: cheap for the garbage collector). Only the columns a fold reads
 * come back, as text: no pg row objects or Dates; `data` is JSON.parse'd as pg does for json, and
 * `recorded_at` is converted by pg's own parser once per transaction (its events share it). Returns the
 * number of events (skipped ones included).
 */
export async function streamLog(
  dataSource: DataSource,
  range: StreamRange,
  onEvent: (event: FoldEvent) => void,
  onSkipped?: (position: number, type: string) => void,
): Promise<number> {
  const params: unknown[] = [range.after ?? 0];
  const upTo = range.to !== undefined ? ` AND position <= $${params.push(range.to)}` : '';
  const skip = range.skipTypes?.length ? new Set(range.skipTypes) : null;
  // A skipped row brings its position and type only: nothing else to send, decode or parse.
  const skipped = skip && `type IN (${[...skip].map((t) => `$${params.push(t)}`).join(', ')})`; // cheaper per row than = ANY(array)
  const unlessSkipped = (column: string) => (skipped ? `CASE WHEN ${skipped} THEN NULL ELSE ${column} END` : column);
  const text = `SELECT position, type, ${['stream_version', 'stream', 'recorded_at', 'data'].map(unlessSkipped).join(', ')}
     FROM event_log.events WHERE position > $1${upTo} ORDER BY position`;
  return streamRows(dataSource, text, params, (fields, isoTime) => {
    if (skip?.has(fields[1]!)) onSkipped?.(Number(fields[0]), fields[1]!);
    else {
      onEvent({
        position: Number(fields[0]),
        type: fields[1]!,
        streamVersion: Number(fields[2]),
        stream: fields[3]!,
        recordedAt: isoTime(fields[4]!),
        data: JSON.parse(fields[5]!),
      });
    }
  });
}

/**
 * Like streamLog, with every column: the events exactly as EventStore reads them (the same members in the
 * same order), for the hash chain and exports.
 */
export async function streamEvents(dataSource: DataSource, range: Pick<LogRange, 'after' | 'to'>, onEvent: (event: RecordedEvent) => void): Promise<number> {
  const params: unknown[] = [range.after ?? 0];
  const upTo = range.to !== undefined ? ` AND position <= $${params.push(range.to)}` : '';
  const text = `SELECT position, event_id, stream, stream_version, type, data, metadata, recorded_at, hash, prev_hash
     FROM event_log.events WHERE position > $1${upTo} ORDER BY position`;
  return streamRows(dataSource, text, params, (f, isoTime) =>
    onEvent({
      position: Number(f[0]),
      eventId: f[1]!,
      stream: f[2]!,
      streamVersion: Number(f[3]),
      type: f[4]!,
      data: JSON.parse(f[5]!),
      metadata: JSON.parse(f[6]!),
      recordedAt: isoTime(f[7]!),
      hash: f[8]!,
      prevHash: f[9]!,
    }),
  );
}

/** Runs one query on a pooled connection of `dataSource`, handing each row's text fields to `onRow` as it arrives. */
async function streamRows(
  dataSource: DataSource,
  text: string,
  params: unknown[],
  onRow: (fields: (string | null)[], isoTime: (timestamptz: string) => string) => void,
): Promise<number> {
  const driver = dataSource.driver as unknown as PgDriver;
  const pg = driver.postgres;
  const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date;
  let lastStamp = '';
  let lastIso = '';
  /** As pg parses timestamptz, then toISOString; one transaction's events share the value, so keep the last. */
  const isoTime = (stamp: string) => {
    if (stamp !== lastStamp) {
      lastIso = isoFromPgTimestamp(stamp, parseTimestamp);
      lastStamp = stamp;
    }
    return lastIso;
  };
  const [client, releaseClient] = await driver.obtainMasterConnection();
  let release = releaseClient;
  let count = 0;
  let failure: unknown;
  try {
    await new Promise<void>((resolve, reject) => {
      const query = new pg.Query({ text, values: params }, (err) => {
        if (err) {
          release(err); // a broken connection leaves the pool
          release = () => undefined;
          reject(err);
        } else if (failure) reject(failure);
        else resolve();
      });
      query.handleDataRow = ({ fields }) => {
        if (failure) return;
        try {
          onRow(fields, isoTime);
          count++;
        } catch (error) {
          failure = error; // the remaining rows are ignored; the query still ends cleanly
        }
      };
      client.query(query);
    });
  } finally {
    release();
  }
  return count;
}

/** PostgreSQL's text of a timestamptz in a UTC session ("2026-12-06 09:21:07.1988+00"), years 1000–9999. */
const UTC_TIMESTAMP = /^([1-9]\d{3}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d{1,6})?\+00$/;

/**
 * `parse(stamp).toISOString()` (parse: pg's timestamptz parser), written straight from the text when the
 * session is in UTC, as the log's is: a replay meets a new transaction time every few events, and pg's
 * parser with a Date and toISOString each time was 5% of it. The milliseconds are worked out by pg's own
 * expression, so they truncate alike; any other form (another time zone, BC, infinity) goes to `parse`.
 */
export function isoFromPgTimestamp(stamp: string, parse: (text: string) => Date): string {
  const m = UTC_TIMESTAMP.exec(stamp);
  if (!m) return parse(stamp).toISOString();
  const ms = m[3] ? Math.trunc(1000 * parseFloat(m[3])) : 0;
  return `${m[1]}T${m[2]}.${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
}

/** `at` is a log position or an RFC 3339 time; returns the last position at or before it. */
export async function resolvePosition(dataSource: DataSource, at: string): Promise<number> {
  if (/^\d+$/.test(at)) return Number(at);
  const time = Date.parse(at);
  if (Number.isNaN(time)) throw new Error(`"${at}" is neither a log position nor an RFC 3339 time (e.g. 2026-11-29T10:00:00Z)`);
  const [row] = await dataSource.query(`SELECT coalesce(max(position), 0) AS p FROM event_log.events WHERE recorded_at <= $1`, [new Date(time).toISOString()]);
  return Number(row.p);
}

/** The cluster as it was at `to` (or now): every event up to it folded with the services' own functions. */
export async function foldCluster(
  store: EventStore,
  to?: number,
  onProgress?: (position: number) => void,
): Promise<ClusterReadModel> {
  const model = new ClusterReadModel();
  for await (const page of readLog(store, { to })) {
    for (const event of page) model.apply(event);
    onProgress?.(model.position);
  }
  const last = to ?? model.position;
  // Availability is judged at the moment asked for, not today.
  const at = model.position ? Date.parse((await store.readAll({ after: last - 1, limit: 1 }))[0]?.recordedAt ?? new Date().toISOString()) : Date.now();
  model.flush(at);
  return model;
}
