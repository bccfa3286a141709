/** Why a replay or time-travel request cannot be served; mapped to HTTP once, in the admin controller. */
export const ReplayErrorCodes = {
  /** The service has no event store (400s would be wrong: the request is fine, the deployment is not). */
  noEventStore: 'no-event-store',
  eventStoreNotConnected: 'event-store-not-connected',
  unknownReadModel: 'unknown-read-model',
  unknownJob: 'unknown-job',
  invalidRequest: 'invalid-request',
  alreadyRunning: 'already-running',
  notResumable: 'not-resumable',
  notASnapshot: 'not-a-snapshot',
  notFound: 'not-found',
} as const;

export type ReplayErrorCode = (typeof ReplayErrorCodes)[keyof typeof ReplayErrorCodes];

export class ReplayError extends Error {
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReplayError';
  }
}
