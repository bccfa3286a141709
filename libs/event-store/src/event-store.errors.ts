import type { ExpectedRevision } from './event-store.port';

/** The stream's current revision; 'no_stream' when it has no events. */
export type ActualRevision = number | 'no_stream';

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(
      `Append to ${streamId} expected revision ${expected} but stream ` +
        (actual === 'no_stream' ? 'does not exist' : `is at ${actual}`),
    );
  }
}

/**
 * An append reused event ids inconsistently: some but not all already stored, an id already
 * stored in another stream, or the same id twice in one append.
 */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';

  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
    reason: string,
  ) {
    super(`Append to ${streamId} conflicts with stored event ids (${reason}): ${eventIds.join(', ')}`);
  }
}
