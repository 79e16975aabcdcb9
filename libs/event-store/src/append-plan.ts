import type { NewEvent, RecordedEvent } from '@everynode/contracts';
import { DuplicateEventIdError, WrongExpectedVersionError } from './errors';
import { computeEventHash, GENESIS_HASH } from './hash';
import type { AppendRequest, AppendResult, ExpectedVersion } from './types';

/** What the log holds, read under the append lock. */
export interface LogState {
  head: { position: number; hash: string; recordedAt: string } | null;
  /** Current version per stream named in the appends (absent = no stream). */
  versions: Map<string, number>;
  /** Already-recorded events whose ids the appends use. */
  existing: Map<string, RecordedEvent>;
}

export interface AppendPlan {
  results: AppendResult[];
  /** The events to insert, in position order. */
  toInsert: RecordedEvent[];
}

/** The log's last event as a plan needs it. */
export type LogHead = NonNullable<LogState['head']>;

/**
 * A plan made BEFORE the log lock, on an assumed head and on the versions the requests expect: hashing
 * and building thousands of events then happens while others may append, and under the lock only a
 * check remains (see `preparedPlanHolds`). Null when a request expects a condition ('any',
 * 'stream_exists') rather than a version: such a plan cannot be made without the log.
 */
export interface PreparedAppend {
  requests: AppendRequest[];
  head: LogHead | null;
  plan: AppendPlan;
  /** The INSERT documents of plan.toInsert (see insertEvents), serialized ahead too. */
  documents: string[];
}

export function prepareAppends(requests: AppendRequest[], head: LogHead | null, now: Date): PreparedAppend | null {
  const versions = new Map<string, number>();
  for (const { stream, expectedVersion } of requests) {
    if (versions.has(stream)) return null; // two requests on one stream: the second depends on the first
    if (expectedVersion === 'no_stream') versions.set(stream, 0);
    else if (typeof expectedVersion === 'number') versions.set(stream, expectedVersion);
    else return null;
  }
  const normalized = normalizeRequests(requests);
  const plan = planAppends(normalized, { head, versions, existing: new Map() }, now);
  return { requests: normalized, head, plan, documents: insertDocuments(plan.toInsert) };
}

/** The log's head once `prepared` is appended as planned: what the append after it can be prepared on. */
export function headAfter(prepared: PreparedAppend): LogHead | null {
  const last = prepared.plan.toInsert[prepared.plan.toInsert.length - 1];
  return last ? { position: last.position, hash: last.hash, recordedAt: last.recordedAt } : prepared.head;
}

/** True when the locked log state is the one the prepared plan assumed: same head, versions, no retries. */
export function preparedPlanHolds(prepared: PreparedAppend, state: LogState): boolean {
  const a = prepared.head;
  const b = state.head;
  if (a?.position !== b?.position || a?.hash !== b?.hash) return false;
  if (state.existing.size > 0) return false;
  for (const { stream, expectedVersion } of prepared.requests) {
    if ((state.versions.get(stream) ?? 0) !== (expectedVersion === 'no_stream' ? 0 : expectedVersion)) return false;
  }
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Lower-cases event ids (the log stores uuids, and the hash must match what is read back) and
 * rejects malformed or repeated ids before any database work.
 */
export function normalizeRequests(requests: AppendRequest[]): AppendRequest[] {
  const seen = new Set<string>();
  return requests.map((request) => {
    let events: NewEvent[] | undefined; // copied only when an id had to be lower-cased
    for (let i = 0; i < request.events.length; i++) {
      const event = request.events[i];
      const eventId = event.eventId.toLowerCase();
      if (!UUID.test(eventId)) throw new TypeError(`Event id ${event.eventId} (stream ${request.stream}) is not a uuid`);
      if (seen.has(eventId)) throw new DuplicateEventIdError(eventId, request.stream, null);
      seen.add(eventId);
      if (eventId !== event.eventId && !events) events = request.events.slice(0, i);
      events?.push(eventId === event.eventId ? event : { ...event, eventId });
    }
    return events ? { ...request, events } : request;
  });
}

/**
 * Decides every request against the locked log state — retries, version checks — before any
 * position is taken, then assigns positions, versions and the hash chain. Throws on the first conflict.
 */
export function planAppends(requests: AppendRequest[], state: LogState, now: Date): AppendPlan {
  const versions = new Map(state.versions);
  let position = state.head?.position ?? 0;
  let prevHash = state.head?.hash ?? GENESIS_HASH;
  // Never earlier than the head, so recordedAt follows log order even if clocks of writers differ.
  const recordedAt = state.head && state.head.recordedAt > now.toISOString() ? state.head.recordedAt : now.toISOString();
  const results: AppendResult[] = [];
  const toInsert: RecordedEvent[] = [];

  for (const { stream, expectedVersion, events } of requests) {
    const retried = retriedAppend(stream, events, state.existing);
    if (retried) {
      results.push(retried);
      continue;
    }
    const actual = versions.get(stream) ?? 0;
    if (!satisfies(expectedVersion, actual)) throw new WrongExpectedVersionError(stream, expectedVersion, actual);

    const recorded = events.map((event, i): RecordedEvent => {
      const e: RecordedEvent = {
        eventId: event.eventId,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        stream,
        streamVersion: actual + i + 1,
        position: ++position,
        recordedAt,
        hash: '',
        prevHash,
      };
      prevHash = e.hash = computeEventHash(prevHash, e);
      return e;
    });
    toInsert.push(...recorded);
    versions.set(stream, actual + events.length);
    results.push({
      stream,
      nextExpectedVersion: actual + events.length,
      firstPosition: recorded[0]?.position ?? 0,
      lastPosition: recorded.at(-1)?.position ?? 0,
      events: recorded,
    });
  }
  return { results, toInsert };
}

/** The earlier result when every id of this request is already recorded on this stream; null when none is. */
function retriedAppend(stream: string, events: NewEvent[], existing: Map<string, RecordedEvent>): AppendResult | null {
  const known = events.flatMap((e) => existing.get(e.eventId) ?? []);
  if (known.length === 0) return null;
  const conflicting = known.find((e) => e.stream !== stream) ?? (known.length < events.length ? known[0] : undefined);
  if (conflicting) throw new DuplicateEventIdError(conflicting.eventId, stream, conflicting.stream);
  const recorded = known.sort((a, b) => a.position - b.position);
  const last = recorded[recorded.length - 1];
  return {
    stream,
    nextExpectedVersion: last.streamVersion,
    firstPosition: recorded[0].position,
    lastPosition: last.position,
    events: recorded,
  };
}

function satisfies(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any': return true;
    case 'no_stream': return actual === 0;
    case 'stream_exists': return actual > 0;
    default: return expected === actual;
  }
}

/** Rows per INSERT statement. */
export const INSERT_CHUNK = 2000;

/**
 * The rows of each INSERT as ONE JSON document (read by json_to_recordset): a single native
 * JSON.stringify here and one JSON parse in PostgreSQL, instead of binding and escaping thousands of
 * parameters — about 3× faster than a multi-row VALUES list. The events are serialized as they are
 * (insertEventsSql names its columns after their members): no row object per event to build and collect.
 */
export function insertDocuments(events: RecordedEvent[]): string[] {
  const documents: string[] = [];
  if (events.length <= INSERT_CHUNK) return events.length ? [JSON.stringify(events)] : [];
  for (let i = 0; i < events.length; i += INSERT_CHUNK) documents.push(JSON.stringify(events.slice(i, i + INSERT_CHUNK)));
  return documents;
}
