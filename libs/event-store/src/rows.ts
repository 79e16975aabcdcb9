import type { EventMetadata, RecordedEvent, SerializedEvent } from '@everynode/contracts';

/** The columns of event_log.events, in the order every query selects them. */
export const EVENT_COLUMNS =
  'position, event_id, stream, stream_version, type, data, metadata, recorded_at, hash, prev_hash';

export interface EventRow {
  position: string; // bigint arrives as a string from pg
  event_id: string;
  stream: string;
  stream_version: number;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  hash: string;
  prev_hash: string;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: Number(row.position),
    eventId: row.event_id,
    stream: row.stream,
    streamVersion: row.stream_version,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

/**
 * The columns as text, for `toSerializedEvents`: the payloads as stored (json keeps the text appended), the
 * time as `Date.toISOString` writes it (the log stores what that wrote: milliseconds, UTC).
 */
export const EVENT_TEXT_COLUMNS = `e.position::text AS position, e.event_id::text AS event_id, e.stream, e.stream_version,
  e.type, e.data::text AS data, e.metadata::text AS metadata,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, e.hash, e.prev_hash`;

export interface EventTextRow {
  position: string;
  event_id: string;
  stream: string;
  stream_version: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
  hash: string;
  prev_hash: string;
}

/**
 * Rows of EVENT_TEXT_COLUMNS as the UTF-8 JSON of their RecordedEvents, their pieces written straight into one
 * buffer (each event a view of it): no parse or stringify of the payloads, no string of a whole event (a
 * concatenated string is flattened before it is encoded, which cost more than all the rest), no allocation
 * per event.
 */
export function toSerializedEvents(rows: EventTextRow[]): SerializedEvent[] {
  let capacity = 0;
  // At most 3 bytes per UTF-16 unit as text, 6 as a JSON string literal (\u0000); numbers, ids and punctuation in the 200.
  for (const r of rows) capacity += 3 * (r.data.length + r.metadata.length) + 6 * (r.stream.length + r.type.length + r.hash.length + r.prev_hash.length) + 200;
  const buffer = Buffer.allocUnsafe(capacity);
  let at = 0;
  return rows.map((row) => {
    const start = at;
    at += buffer.write(
      `{"position":${row.position},"eventId":"${row.event_id}","stream":${JSON.stringify(row.stream)},"streamVersion":${row.stream_version},"type":${JSON.stringify(row.type)},"data":`,
      at,
    );
    at += buffer.write(row.data, at);
    at += buffer.write(',"metadata":', at);
    at += buffer.write(row.metadata, at);
    at += buffer.write(`,"recordedAt":"${row.recorded_at}","hash":${JSON.stringify(row.hash)},"prevHash":${JSON.stringify(row.prev_hash)}}`, at);
    return { position: Number(row.position), eventId: row.event_id, type: row.type, json: buffer.subarray(start, at) };
  });
}
