import type { EntityManager } from 'typeorm';
import type { NewEvent, RecordedEvent } from '@everynode/contracts';

/** A stream version (0 = the stream must not exist yet), or a condition on the stream. */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

export interface AppendRequest {
  stream: string;
  expectedVersion: ExpectedVersion;
  events: NewEvent[];
}

export interface AppendResult {
  stream: string;
  /** The stream version after this append (the last event's version; for a retried append, the original's). */
  nextExpectedVersion: number;
  /** Positions of the first and last event of this request; 0 when it had no events. */
  firstPosition: number;
  lastPosition: number;
  events: RecordedEvent[];
}

export interface TransactionOptions {
  /** Run inside the caller's transaction (READ COMMITTED); the caller commits. */
  manager?: EntityManager;
  /**
   * Statements (literal SQL) run right after the log lock is taken, in the same round trip as the lock and
   * the read of the log's state: the caller's conditions (e.g. the scheduler's stale-view check), checked
   * with no other append in between, at no extra round trip while the lock is held.
   */
  checks?: string[];
  /**
   * Called once the INSERT is on its way to PostgreSQL, before it is awaited: the caller's CPU work (the next
   * batch) overlaps the database's instead of following it.
   */
  whileInserting?: () => void;
  /**
   * Statements (literal SQL) run after the inserts, in the same transaction and, when the store opens the
   * transaction, the same round trip as the inserts and COMMIT: e.g. a projection of the events that must
   * commit with them. Given the events about to be inserted (their positions and versions final).
   */
  after?: (inserted: RecordedEvent[]) => string[];
}

export interface ReadAllOptions {
  /** Position to read after (exclusive); default 0. */
  after?: number;
  /** Maximum events to return; default 1000. */
  limit?: number;
  types?: string[];
  streamPrefix?: string;
  /** Last position to include. */
  to?: number;
}
