import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { customerStreamId, envelopeFromRequest, validateCustomerEvent, type FieldError } from '@crm/contracts';
import type { GroupCommitAppender } from '@crm/event-store';
import { toNewEvent } from '@crm/messaging';
import { MetricsService } from '@crm/platform';
import { INGEST_SETTINGS, SERVICE, type IngestSettings } from '../ingest.env';
import { EVENT_APPENDER } from './event-store.provider';

export interface RecordedEvent {
  eventId: string;
  customerId: string;
  streamId: string;
  revision: number;
  /** Global log position, decimal string. */
  position: string;
  /** True when this event id was stored before: nothing new was written. */
  duplicate: boolean;
}

export type RecordOutcome = { ok: true; recorded: RecordedEvent } | { ok: false; errors: FieldError[] };

/**
 * The one path every way in shares: validate against the catalogue, complete the envelope,
 * append to the customer's stream. The event id is the idempotency key, so a retry stores nothing.
 */
@Injectable()
export class RecordCustomerEventHandler {
  private readonly accepted;
  private readonly rejected;

  constructor(
    @Inject(EVENT_APPENDER) private readonly appender: GroupCommitAppender,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    metrics: MetricsService,
  ) {
    this.accepted = metrics.counter('ingest_events_accepted_total', 'Events stored (duplicates counted apart)', ['type', 'duplicate']);
    this.rejected = metrics.counter('ingest_events_rejected_total', 'Events refused by validation');
  }

  /** Many events, each judged and stored on its own; outcomes in input order. */
  recordMany(inputs: readonly unknown[]): Promise<RecordOutcome[]> {
    // All appends are queued at once, so the group commit writes them in a few transactions.
    return Promise.all(inputs.map((input) => this.record(input)));
  }

  async record(input: unknown): Promise<RecordOutcome> {
    const validation = validateCustomerEvent(input, { maxFutureSkewMs: this.settings.ingest.INGEST_MAX_FUTURE_SKEW_MS });
    if (!validation.ok) {
      this.rejected.inc();
      return validation;
    }
    const envelope = envelopeFromRequest(validation.value, { newId: randomUUID, now: new Date(), defaultSource: SERVICE });
    const streamId = customerStreamId(envelope.subject);
    const result = await this.appender.append({ streamId, events: [toNewEvent(envelope)], expectedRevision: 'any' });
    this.accepted.inc({ type: envelope.type, duplicate: String(result.duplicate) });
    return {
      ok: true,
      recorded: {
        eventId: envelope.id,
        customerId: envelope.subject,
        streamId,
        revision: result.nextExpectedRevision,
        position: result.positions[0].toString(),
        duplicate: result.duplicate,
      },
    };
  }
}
