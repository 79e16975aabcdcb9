import type { Client, ClientConfig, PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { podEventsOf } from '@everynode/contracts';
import type { NewEvent, RecordedEvent, SerializedEvent } from '@everynode/contracts';
import { insertDocuments, normalizeRequests, planAppends, prepareAppends, preparedPlanHolds, type AppendPlan, type LogHead, type LogState, type PreparedAppend } from './append-plan';
import { EVENT_COLUMNS, EVENT_TEXT_COLUMNS, toRecordedEvent, toSerializedEvents, type EventRow, type EventTextRow } from './rows';
import { appendScript, insertEventsSql, insertScript, PLAN_MOVED, sqlLiteral, type ScriptParts } from './one-trip';
import { followLog, listenForAppends, type Tail, type TailOptions } from './tail';
import type { AppendRequest, AppendResult, ExpectedVersion, ReadAllOptions, TransactionOptions } from './types';

/**
 * Transaction advisory lock every append takes just before inserting and holds to commit
 * (DESIGN.md rule 3, design (a)): appends are serialized, so positions are gap-free and commit-ordered.
 */
export const APPEND_LOCK_KEY = 7_100_000_000;

/** The pieces of TypeORM's postgres driver the store uses itself: a client for LISTEN, the pool for its own transactions. */
interface PgDriver {
  postgres: { Client: new (config: ClientConfig) => Client };
  master: { options: ClientConfig; connect(): Promise<PoolClient> };
}

/** How long after a prepared plan was found stale the one-round-trip append is not tried. */
const STALE_PLANS_FOR_MS = 1000;

export class EventStore {
  /** When a one-round-trip append of this process last met a log other than its plan assumed. */
  private planMissedAt = -Infinity;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * False for a second after a one-round-trip append found the log other than planned: other writers are
   * about, and further attempts would mostly fail their checks and be made again statement by statement, so
   * callers go that way at once (and try one round trip again a second later). Node churn, where other
   * services append every few ms, stays on that path; a converge, where this process is the only writer,
   * goes in one round trip.
   */
  get plansHolding(): boolean {
    return performance.now() - this.planMissedAt > STALE_PLANS_FOR_MS;
  }

  async appendToStream(
    stream: string,
    expectedVersion: ExpectedVersion,
    events: NewEvent[],
    opts: TransactionOptions = {},
  ): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, expectedVersion, events }], opts);
    return result;
  }

  /**
   * Plans appends outside the log lock on an assumed head (e.g. the last event the caller has seen) — see
   * PreparedAppend. Pass the result to `appendMany` as `prepared`; a wrong guess only costs planning again there.
   */
  prepare(requests: AppendRequest[], head: LogHead | null): PreparedAppend | null {
    return requests.length ? prepareAppends(requests, head, new Date()) : null;
  }

  /**
   * `prepare`, unless plans are not holding (see plansHolding): then another writer will most likely have
   * moved the head by the time of the lock, and hashing the events ahead would only be done again under it.
   * Sampled during node churn, preparing took a tenth of the scheduler's busy time, nearly all of it wasted.
   */
  prepareAhead(requests: AppendRequest[], head: LogHead | null): PreparedAppend | null {
    return this.plansHolding ? this.prepare(requests, head) : null;
  }

  /**
   * Appends every request in one transaction under one lock: all or nothing. With `prepared` (from
   * `prepare(requests, …)`, null when those could not be prepared) its plan is used when it still holds.
   */
  async appendMany(requests: AppendRequest[], opts: TransactionOptions & { prepared?: PreparedAppend | null } = {}): Promise<AppendResult[]> {
    const { prepared } = opts;
    if (prepared) {
      if (!opts.manager && this.plansHolding) {
        const done = await this.appendPrepared(prepared, { checks: opts.checks, after: opts.after?.(prepared.plan.toInsert) }, opts.whileInserting);
        if (done) return done;
      }
      return this.appendNormalized(prepared.requests, opts, prepared);
    }
    if (requests.length === 0) return [];
    return this.appendNormalized(normalizeRequests(requests), opts);
  }

  /**
   * Appends a prepared plan exactly as planned, in one round trip and its own transaction (see one-trip.ts),
   * with the caller's statements (`parts`, literal SQL) in that transaction. Null when the log is not as the
   * plan assumed (another writer appended, a stream moved, an event id is a retry): nothing was written, and
   * `appendMany` with the plan then plans again under the lock. A failing statement of the caller's throws.
   */
  async appendPrepared(prepared: PreparedAppend, parts: ScriptParts = {}, whileSending?: () => void): Promise<AppendResult[] | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as Client;
      const running = client.query(appendScript(prepared, APPEND_LOCK_KEY, parts));
      if (whileSending) {
        await sent();
        whileSending();
      }
      await running;
      return prepared.plan.results;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === PLAN_MOVED) this.planMissedAt = performance.now();
      if (code === PLAN_MOVED || code === UNIQUE_VIOLATION) return null;
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async appendNormalized(normalized: AppendRequest[], opts: TransactionOptions, prepared?: PreparedAppend): Promise<AppendResult[]> {
    if (!opts.manager) return this.appendInOwnTransaction(normalized, opts, prepared);
    return this.inTransaction(opts.manager, async (manager) => {
      const client = (await manager.queryRunner!.connect()) as Client;
      const { plan, documents } = planLocked(normalized, await lockAndReadState(client, normalized, opts.checks ?? []), prepared);
      let meanwhile = opts.whileInserting;
      for (const document of documents) {
        const inserting = insertEvents(manager, document);
        if (meanwhile) {
          await sent();
          meanwhile();
          meanwhile = undefined;
        }
        await inserting;
      }
      for (const statement of opts.after?.(plan.toInsert) ?? []) await manager.query(statement);
      return plan.results;
    });
  }

  /**
   * A transaction of the store's own in two round trips: BEGIN with the lock, the checks and the state read;
   * then the inserts, the caller's statements and COMMIT. Sampled during node churn, the lock's holder sat
   * idle waiting for its own client's COMMIT ~11% of the time (a TypeORM transaction sends BEGIN, the
   * statements and COMMIT each on its own, every one waiting for a busy event loop).
   */
  private async appendInOwnTransaction(normalized: AppendRequest[], opts: TransactionOptions, prepared?: PreparedAppend): Promise<AppendResult[]> {
    const client = await (this.dataSource.driver as unknown as PgDriver).master.connect();
    let broken: Error | undefined;
    try {
      const { plan, documents } = planLocked(normalized, await lockAndReadState(client, normalized, opts.checks ?? [], true), prepared);
      const running = client.query(insertScript(documents, [...(opts.after?.(plan.toInsert) ?? []), 'COMMIT']));
      if (opts.whileInserting) {
        await sent();
        opts.whileInserting();
      }
      await running;
      return plan.results;
    } catch (error) {
      // After a failed statement the transaction is aborted (or, after a failed COMMIT, over: a no-op here).
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      client.release(broken); // a connection that could not roll back is closed, not reused
    }
  }

  /** Events of one stream in version order, from `fromVersion` (inclusive, default 1). */
  async readStream(stream: string, opts: { fromVersion?: number } & TransactionOptions = {}): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await (opts.manager ?? this.dataSource.manager).query(
      `SELECT ${EVENT_COLUMNS} FROM event_log.events
       WHERE stream = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [stream, opts.fromVersion ?? 1],
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * A pod's events in log order (`pod-<ns>.<name>`), batches taken apart: its own rows and its members of
   * PodsScheduled, PodStatusesChanged and PodsRemoved (found through the event_log.pod_events view, a scan: for audits).
   */
  async readPodStream(stream: string): Promise<RecordedEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM event_log.events
       WHERE position IN (SELECT position FROM event_log.pod_events WHERE stream = $1) ORDER BY position`,
      [stream],
    );
    return rows.map(toRecordedEvent).flatMap(podEventsOf).filter((e) => e.stream === stream);
  }

  /** The stream's current version; 0 when it does not exist. */
  async streamVersion(stream: string, opts: TransactionOptions = {}): Promise<number> {
    const [row] = await (opts.manager ?? this.dataSource.manager).query(
      'SELECT coalesce(max(stream_version), 0) AS version FROM event_log.events WHERE stream = $1',
      [stream],
    );
    return row.version;
  }

  /** Events in log order after a position; `types: []` matches nothing. */
  async readAll({ after = 0, limit = 1000, types, streamPrefix, to }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const params: unknown[] = [after];
    const where = ['position > $1'];
    if (to !== undefined) where.push(`position <= $${params.push(to)}`);
    if (types) where.push(`type = ANY($${params.push(types)}::text[])`);
    if (streamPrefix) where.push(`starts_with(stream, $${params.push(streamPrefix)})`);
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM event_log.events
       WHERE ${where.join(' AND ')} ORDER BY position LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map(toRecordedEvent);
  }

  /** The events after a position, in log order, as JSON (see SerializedEvent): what the relay publishes. */
  async readAllSerialized({ after = 0, limit = 1000 }: { after?: number; limit?: number } = {}): Promise<SerializedEvent[]> {
    const rows: EventTextRow[] = await this.dataSource.query(
      `SELECT ${EVENT_TEXT_COLUMNS} FROM event_log.events e WHERE e.position > $1 ORDER BY e.position LIMIT $2`,
      [after, limit],
    );
    return toSerializedEvents(rows);
  }

  /** Position of the last committed event; 0 for an empty log. */
  async headPosition(): Promise<number> {
    const [row] = await this.dataSource.query('SELECT coalesce(max(position), 0) AS head FROM event_log.events');
    return Number(row.head);
  }

  async findByEventId(eventId: string): Promise<RecordedEvent | null> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM event_log.events WHERE event_id = $1`,
      [eventId],
    );
    return rows.length ? toRecordedEvent(rows[0]) : null;
  }

  /** Follows the log after `after` until stopped; see followLog. */
  tail(after: number, onBatch: (events: RecordedEvent[]) => Promise<void>, opts?: TailOptions): Tail {
    return followLog((from, limit) => this.readAll({ after: from, limit }), this.listenerClient, after, onBatch, opts);
  }

  /** `tail`, with the events as JSON (readAllSerialized). */
  tailSerialized(after: number, onBatch: (events: SerializedEvent[]) => Promise<void>, opts?: TailOptions): Tail {
    return followLog((from, limit) => this.readAllSerialized({ after: from, limit }), this.listenerClient, after, onBatch, opts);
  }

  /** Calls `listener` whenever something was appended (see listenForAppends), until stopped. */
  onAppend(listener: () => void, onError?: (err: Error) => void): Tail {
    return listenForAppends(this.listenerClient, listener, { onError });
  }

  /** A connection of its own for LISTEN (same settings as the pool, including the role): LISTEN holds a session. */
  private readonly listenerClient = () => {
    const driver = this.dataSource.driver as unknown as PgDriver;
    return new driver.postgres.Client(driver.master.options);
  };

  /** The caller's transaction when it has one open; otherwise a new one. */
  private inTransaction<T>(manager: EntityManager | undefined, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    if (manager?.queryRunner?.isTransactionActive) return fn(manager);
    return (manager ?? this.dataSource.manager).transaction(fn);
  }
}

/** Under the lock: the prepared plan when the log is as it assumed, else a plan made now; and its INSERT documents. */
function planLocked(normalized: AppendRequest[], state: LogState, prepared?: PreparedAppend): { plan: AppendPlan; documents: string[] } {
  // The lock is held from here to commit: the less done now, the less every other writer waits.
  if (prepared && preparedPlanHolds(prepared, state)) return { plan: prepared.plan, documents: prepared.documents };
  const plan = planAppends(normalized, state, new Date());
  return { plan, documents: insertDocuments(plan.toInsert) };
}

/**
 * Takes the log lock (after BEGIN, with `begin`), runs the caller's checks, and reads the head, the streams'
 * versions and the events already recorded under the requests' ids: one round trip (a multi-statement query, each statement with
 * its own snapshot, so the reads see every append committed before the lock), where three had the lock
 * held while this process's event loop, busy elsewhere, got round to sending the next statement.
 */
async function lockAndReadState(client: Client, requests: AppendRequest[], checks: string[], begin = false): Promise<LogState> {
  const streams = [...new Set(requests.map((r) => r.stream))];
  const ids = requests.flatMap((r) => r.events.map((e) => e.eventId));
  // One index probe per stream, whatever the statistics say: `stream = ANY(…) GROUP BY stream` was
  // planned as a parallel scan of the whole log once it grew faster than ANALYZE ran (400 ms a batch at
  // 150,000 events, so placing pods got slower with every batch).
  const results = (await client.query(
    [
      ...(begin ? ['BEGIN'] : []),
      `SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY}::bigint)`,
      ...checks,
      `SELECT
         (SELECT json_agg(h) FROM (SELECT position, hash, recorded_at FROM event_log.events ORDER BY position DESC LIMIT 1) h) AS head,
         (SELECT json_agg(v) FROM (
            SELECT s.stream, m.version FROM json_array_elements_text(${sqlLiteral(JSON.stringify(streams))}::json) AS s(stream)
            CROSS JOIN LATERAL (SELECT max(stream_version) AS version FROM event_log.events e WHERE e.stream = s.stream) m
            WHERE m.version IS NOT NULL) v) AS versions,
         (SELECT json_agg(x) FROM (SELECT ${EVENT_COLUMNS} FROM event_log.events
            WHERE event_id = ANY(ARRAY(SELECT json_array_elements_text(${sqlLiteral(JSON.stringify(ids))}::json))::uuid[])) x) AS existing`,
    ].join(';\n'),
  )) as unknown as QueryResult[];
  const [row] = results[results.length - 1].rows as { head: EventRow[] | null; versions: { stream: string; version: number }[] | null; existing: EventRow[] | null }[];
  const head = row.head?.[0];
  return {
    head: head ? { position: Number(head.position), hash: head.hash, recordedAt: isoTime(head.recorded_at) } : null,
    versions: new Map((row.versions ?? []).map((r) => [r.stream, r.version])),
    existing: new Map((row.existing ?? []).map((r) => [r.event_id, toRecordedEvent({ ...r, recorded_at: new Date(r.recorded_at) })])),
  };
}

/** A timestamptz as JSON renders it (microseconds, offset) → the ISO form the log's events carry (as `Date` parsing gives). */
const isoTime = (value: string | Date) => new Date(value).toISOString();

/** Resolves after the microtasks in flight (a query's way down to the socket) have run. */
const sent = () => new Promise<void>((resolve) => setImmediate(resolve));

const UNIQUE_VIOLATION = '23505';

/** One INSERT of a document made by insertDocuments. */
async function insertEvents(manager: EntityManager, document: string): Promise<void> {
  await manager.query(insertEventsSql('$1'), [document]);
}
