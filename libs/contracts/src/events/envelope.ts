// The envelope every event carries in the log and on the wire (DESIGN.md "Event catalog").

export interface EventMetadata {
  /** The event id or request id that caused this event; null only for a human request's first event. */
  causationId: string | null;
  /** Shared by every event that descends from one request. */
  correlationId: string;
  /** The authenticated user (`admin`, `node:k8s-node01`) or the service (`service:scheduler`). */
  actor: string;
  /** Free-form extras (request path, reason text) that help an audit. */
  [k: string]: unknown;
}

/** An event a service wants to append. `eventId` makes the append idempotent. */
export interface NewEvent<T extends string = string, D = unknown> {
  eventId: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

/** An event as committed to the log. */
export interface RecordedEvent<T extends string = string, D = unknown> extends NewEvent<T, D> {
  stream: string;
  /** 1-based version within the stream. */
  streamVersion: number;
  /** Gap-free, commit-ordered global position (1-based). */
  position: number;
  /** ISO 8601 time the event was committed. */
  recordedAt: string;
  /** sha256 over this event's content and the previous event's hash (hex). */
  hash: string;
  prevHash: string;
}

/**
 * A recorded event already in its JSON form, UTF-8 (what `JSON.stringify` of the RecordedEvent gives, up to
 * key order and white space), with what routes it. The relay reads the log this way: PostgreSQL hands over
 * the payload's text, so nothing is parsed only to be serialized again.
 */
export interface SerializedEvent {
  position: number;
  eventId: string;
  type: string;
  json: Uint8Array;
}
