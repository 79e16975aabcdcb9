export { EventStore, APPEND_LOCK_KEY } from './event-store';
export { headAfter } from './append-plan';
export type { AppendRequest, AppendResult, ExpectedVersion, ReadAllOptions, TransactionOptions } from './types';
export type { Tail, TailOptions } from './tail';
export type { LogHead, PreparedAppend } from './append-plan';
export { WrongExpectedVersionError, DuplicateEventIdError } from './errors';
export { canonicalJson, computeEventHash, GENESIS_HASH, type HashedContent } from './hash';
export { markProcessed, processedEventsTableSql } from './inbox';
export { newEventId } from './event-id';
