import type { EncodedEvent, EventMetadata, RecordedEvent } from '@everynode/contracts';

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

/** The columns again, with the JSON payloads as text: the encoded form is built without parsing them. */
export const ENCODED_EVENT_COLUMNS =
  'position, event_id, stream, stream_version, type, data::text AS data, metadata::text AS metadata, recorded_at, hash, prev_hash';

export interface EncodedEventRow extends Omit<EventRow, 'data' | 'metadata'> {
  data: string;
  metadata: string;
}

/** The RecordedEvent's JSON, written by hand around the payloads' text (ids and hashes need no escaping). */
export function toEncodedEvent(row: EncodedEventRow): EncodedEvent {
  const position = Number(row.position);
  const json =
    `{"position":${position},"eventId":"${row.event_id}","stream":${JSON.stringify(row.stream)},"streamVersion":${row.stream_version},` +
    `"type":${JSON.stringify(row.type)},"data":${row.data},"metadata":${row.metadata},"recordedAt":"${row.recorded_at.toISOString()}",` +
    `"hash":"${row.hash}","prevHash":"${row.prev_hash}"}`;
  return { position, eventId: row.event_id, type: row.type, json };
}
