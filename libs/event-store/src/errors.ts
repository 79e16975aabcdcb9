import type { ExpectedVersion } from './types';

/** The stream is not at the version the append expected (DESIGN.md rule 2). Nothing was appended. */
export class WrongExpectedVersionError extends Error {
  override name = 'WrongExpectedVersionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    /** The stream's current version; 0 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${stream}: expected version ${expected}, actual ${actual}`);
  }
}

/**
 * An event id is already in the log but the append is not a plain retry of an earlier one:
 * only some of its ids exist, or an id belongs to another stream. Nothing was appended.
 */
export class DuplicateEventIdError extends Error {
  override name = 'DuplicateEventIdError';
  constructor(
    readonly eventId: string,
    readonly stream: string,
    /** The stream the id was recorded on, or null when it is repeated within the append itself. */
    readonly existingStream: string | null,
  ) {
    super(
      existingStream === null
        ? `Event id ${eventId} appears more than once in one append to ${stream}`
        : `Event id ${eventId} (append to ${stream}) already recorded on ${existingStream} by a different append`,
    );
  }
}
