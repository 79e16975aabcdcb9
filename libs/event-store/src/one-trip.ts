// A prepared append as ONE script, sent in one round trip. Sampled during a converge, the log lock's holder
// was idle in its transaction, waiting for its own client's next statement, 38% of the time: each of the
// 5–6 statements of a transaction waited for its process's event loop, busy building the next batch or
// answering status reports on 2 shared cores. A multi-statement simple query runs as one implicit
// transaction: the lock is taken, the plan's assumptions checked, the rows inserted and committed without
// the client in between.
import type { PreparedAppend } from './append-plan';
import { EVENT_COLUMNS } from './rows';

/** SQLSTATE of a failed check (event_log.fail): the log is not as the plan assumed, so plan again. */
export const PLAN_MOVED = 'EV001';

/**
 * `text` as a SQL literal: dollar-quoted, so nothing in it needs escaping. PostgreSQL ends the literal at the
 * tag's first occurrence after the opening one, so the tag must first occur where the text ends (not inside
 * it, nor across its end: `…$j` + `$j$`).
 */
export function sqlLiteral(text: string): string {
  for (let i = 0; ; i++) {
    const tag = i === 0 ? '$j$' : `$j${i}$`;
    const quoted = text + tag;
    if (quoted.indexOf(tag) === text.length) return tag + quoted;
  }
}

/**
 * One INSERT of a document made by insertDocuments (`document`: a parameter, or a literal): RecordedEvents,
 * read by their member names. json_to_recordset reads a JSON null payload as SQL NULL (jsonb_to_recordset
 * kept it), and JSON.stringify leaves out an undefined one: either is stored as JSON null. `into` and `alsoFrom`
 * (a FROM item before the document, e.g. a CTE to evaluate first) serve the bench's copies of the log.
 */
export const insertEventsSql = (document: string, into = 'event_log.events', alsoFrom = '') =>
  `INSERT INTO ${into} (${EVENT_COLUMNS})
   SELECT position, "eventId", stream, "streamVersion", type, coalesce(data, 'null'), metadata, "recordedAt", hash, "prevHash"
   FROM ${alsoFrom}json_to_recordset(${document}::json) AS x(
     position bigint, "eventId" uuid, stream text, "streamVersion" int, type text,
     data json, metadata json, "recordedAt" timestamptz, hash text, "prevHash" text)`;

export interface ScriptParts {
  /** Statements after the lock and the plan's checks, before the insert (e.g. the caller's own checks). */
  checks?: string[];
  /** Statements after the insert, in the same transaction. */
  after?: string[];
}

/**
 * The script: the lock; fail (PLAN_MOVED) unless the head and every stream's version are what the plan
 * assumed; the caller's checks; the inserts; the caller's statements. A retried event id fails the insert
 * (unique violation): the caller then takes the ordinary path, which knows retries.
 */
export function appendScript(prepared: PreparedAppend, lockKey: number, parts: ScriptParts = {}): string {
  const head = prepared.head ? `row(${prepared.head.position}::bigint, ${sqlLiteral(prepared.head.hash)}::text)` : 'NULL';
  const versions = prepared.requests.map((r) => ({ stream: r.stream, version: r.expectedVersion === 'no_stream' ? 0 : r.expectedVersion }));
  const before = [
    `SELECT pg_advisory_xact_lock(${lockKey}::bigint)`,
    `SELECT event_log.fail('${PLAN_MOVED}', 'the log head moved since the plan')
     WHERE (SELECT row(position, hash) FROM event_log.events ORDER BY position DESC LIMIT 1) IS DISTINCT FROM ${head}`,
    `SELECT event_log.fail('${PLAN_MOVED}', 'stream ' || v.stream || ' moved since the plan')
     FROM json_to_recordset(${sqlLiteral(JSON.stringify(versions))}::json) AS v(stream text, version int)
     CROSS JOIN LATERAL (SELECT max(stream_version) AS actual FROM event_log.events e WHERE e.stream = v.stream) m
     WHERE coalesce(m.actual, 0) <> v.version LIMIT 1`,
    ...(parts.checks ?? []),
  ];
  return withDocuments(before, prepared.documents, parts.after ?? []);
}

/** The INSERTs of `documents`, then `after` (e.g. the caller's statements and COMMIT): one simple query. */
export const insertScript = (documents: string[], after: string[]) => withDocuments([], documents, after);

/**
 * The script with an INSERT of each document, dollar-quoted. The tag is checked on the joined script, which
 * is flat (a search costs microseconds), not on each document first: JSON.stringify gives a rope that a
 * search must first copy flat, 4.5 ms for a 2,000-event document, as long as the join itself. The tag must
 * occur exactly twice per document (occurrences overlapping one another count too), so nothing else in the
 * script holds it: not the data, not the caller's statements, not a document's end with the closing tag.
 */
function withDocuments(before: string[], documents: string[], after: string[]): string {
  for (let i = 0; ; i++) {
    const tag = i === 0 ? '$d$' : `$d${i}$`;
    const script = [...before, ...documents.map((d) => insertEventsSql(`${tag}${d}${tag}`)), ...after].join(';\n');
    if (occurrences(script, tag) === 2 * documents.length) return script;
  }
}

function occurrences(text: string, tag: string): number {
  let n = 0;
  for (let at = text.indexOf(tag); at !== -1; at = text.indexOf(tag, at + 1)) n++;
  return n;
}
