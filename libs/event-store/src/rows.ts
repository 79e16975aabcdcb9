import type { EventMetadata, RecordedEvent } from '@everynode/contracts';

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
