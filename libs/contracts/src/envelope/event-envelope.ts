/**
 * The envelope every stored and published customer event travels in. Close to CloudEvents:
 * `id` is the idempotency key, `subject` the customer id, `type` the stable contract name.
 */
export interface EventEnvelope<TType extends string = string, TData = Record<string, unknown>> {
  readonly id: string;
  readonly type: TType;
  readonly schemaVersion: number;
  readonly source: string;
  readonly subject: string;
  readonly time: string;
  readonly data: TData;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** An envelope as it reaches a read side: with its place in the customer's stream and the global log. */
export interface CustomerEventRecord<TEnvelope extends EventEnvelope = EventEnvelope> {
  readonly envelope: TEnvelope;
  /**
   * The stream the event belongs to; absent means the customer's own stream (`customer-<subject>`).
   * Derived streams (`loyalty-…`, `segment-membership-…`, `lifecycle-…`) have revisions of their own.
   */
  readonly streamId?: string;
  /** 0-based revision within that stream: the idempotency guard of every projection. */
  readonly streamRevision: number;
  /** Global log position, decimal string (positions are 64-bit). */
  readonly position: string;
}

export const customerStreamId = (customerId: string): string => `customer-${customerId}`;

export const customerIdFromStreamId = (streamId: string): string | null =>
  streamId.startsWith('customer-') ? streamId.slice('customer-'.length) : null;
