import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidV5 } from 'uuid';
import {
  CUSTOMER_MERGED,
  CUSTOMER_MERGED_SCHEMA_VERSION,
  CUSTOMER_REGISTERED,
  customerStreamId,
  envelopeFromRequest,
  IDENTITY_LINKED,
  validateCustomerEvent,
  type CustomerMergedData,
  type EventEnvelope,
  type FieldError,
  type IngestEventRequest,
} from '@crm/contracts';
import { IdempotencyConflictError, type AppendResult, type GroupCommitAppender } from '@crm/event-store';
import { toNewEvent } from '@crm/messaging';
import { MetricsService } from '@crm/platform';
import { customerIdForIdentity, IDENTITY_INDEX, type Identity, type IdentityIndex } from '../identity/identity';
import { INGEST_SETTINGS, SERVICE, type IngestSettings } from '../ingest.env';
import { EVENT_APPENDER } from './event-store.provider';

export interface RecordedEvent {
  eventId: string;
  /** The customer the event was stored for: after identity resolution and merges. */
  customerId: string;
  streamId: string;
  revision: number;
  /** Global log position, decimal string. */
  position: string;
  /** True when this event id was stored before: nothing new was written. */
  duplicate: boolean;
  /** Set when this `crm.identity.linked` joined two customers: the merge event stored in the merged customer's stream. */
  merge?: { mergedId: string; eventId: string; streamId: string; position: string; duplicate: boolean };
}

export type RecordOutcome = { ok: true; recorded: RecordedEvent } | { ok: false; errors: FieldError[] };

/** Fixed namespace of merge event ids (never change: stored ids depend on it). */
const MERGE_EVENT_NAMESPACE = '0d8e4c1b-7a2f-4e63-b5d9-3c6a1f0e2b47';

/** The id of the merge a linking event causes: name-based, so a retried link stores nothing new. */
export const mergeEventIdFor = (linkingEventId: string): string => uuidV5(`customer-merged:${linkingEventId}`, MERGE_EVENT_NAMESPACE);

interface Plan {
  readonly envelope: EventEnvelope;
  /** The customer an identity-linked event's identity belonged to before (another one: a merge). */
  readonly mergeFrom?: string;
}

/**
 * The one path every way in shares: validate against the catalogue, resolve the customer (an
 * `identity` through the identity index, a `customerId` through merges), complete the envelope,
 * append to the customer's stream, then keep the identity index up to date. The event id is the
 * idempotency key, so a retry stores nothing.
 */
@Injectable()
export class RecordCustomerEventHandler {
  private readonly accepted;
  private readonly rejected;
  private readonly merges;
  /** Settles once the previous call has queued its appends. */
  private lastTurn: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_APPENDER) private readonly appender: GroupCommitAppender,
    @Inject(IDENTITY_INDEX) private readonly identities: IdentityIndex,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    metrics: MetricsService,
  ) {
    this.accepted = metrics.counter('ingest_events_accepted_total', 'Events stored (duplicates counted apart)', ['type', 'duplicate']);
    this.rejected = metrics.counter('ingest_events_rejected_total', 'Events refused by validation');
    this.merges = metrics.counter('ingest_customer_merges_total', 'Customers merged into another by an identity link');
  }

  async record(input: unknown): Promise<RecordOutcome> {
    return (await this.recordMany([input]))[0];
  }

  /** Many events, each judged and stored on its own; outcomes in input order. */
  async recordMany(inputs: readonly unknown[]): Promise<RecordOutcome[]> {
    const now = new Date();
    const validations = inputs.map((input) => validateCustomerEvent(input, { maxFutureSkewMs: this.settings.ingest.INGEST_MAX_FUTURE_SKEW_MS, now }));
    const valid = validations.flatMap((v) => (v.ok ? [v.value] : []));
    this.rejected.inc(validations.length - valid.length);
    // Resolution runs concurrently with other calls, but appends are queued in call order (and
    // input order): one customer's events keep the order they arrived in.
    const turn = this.lastTurn;
    let done!: () => void;
    this.lastTurn = new Promise<void>((resolve) => (done = resolve));
    let plans: Plan[];
    try {
      const customers = await this.resolveCustomers(valid);
      plans = await Promise.all(valid.map((request, i) => this.plan(request, customers[i], now)));
    } catch (error) {
      void turn.then(done);
      throw error;
    }
    await turn;
    // All appends queued at once: the group commit writes them in few transactions.
    let next = 0;
    const outcomes = validations.map((v) => (v.ok ? this.store(plans[next++]).catch(idConflictAsFieldError) : Promise.resolve(v)));
    done();
    return Promise.all(outcomes);
  }

  /** One customer id per request: `identity` through the index (unknown → a new customer), `customerId` through merges. */
  private async resolveCustomers(requests: readonly IngestEventRequest[]): Promise<string[]> {
    const ids = requests.flatMap((r) => (r.identity ? [] : [r.customerId]));
    const survivors = ids.length > 0 ? await this.identities.survivors(ids) : new Map<string, string>();
    return Promise.all(
      requests.map((r) =>
        r.identity ? this.identities.claim(r.identity, customerIdForIdentity(r.identity)) : Promise.resolve(survivors.get(r.customerId) ?? r.customerId),
      ),
    );
  }

  private async plan(request: IngestEventRequest, customerId: string, now: Date): Promise<Plan> {
    const { identity: _namedBy, ...rest } = request;
    const envelope = envelopeFromRequest({ ...rest, customerId } as IngestEventRequest, { newId: randomUUID, now, defaultSource: SERVICE });
    if (envelope.type !== IDENTITY_LINKED) return { envelope };
    const owner = await this.identities.resolve(envelope.data as unknown as Identity);
    return owner !== null && owner !== customerId ? { envelope, mergeFrom: owner } : { envelope };
  }

  private async store({ envelope, mergeFrom }: Plan): Promise<RecordOutcome> {
    const streamId = customerStreamId(envelope.subject);
    const result = await this.append(envelope);
    let merge: RecordedEvent['merge'];
    if (mergeFrom !== undefined) {
      // X (this event's customer) survives; the merge goes to Y's stream, so whatever folds Y sees it in Y's order.
      const merged = this.mergeEnvelope(envelope, mergeFrom);
      const mergeResult = await this.append(merged);
      await this.identities.merge(mergeFrom, envelope.subject, envelope.data as unknown as Identity);
      if (!mergeResult.duplicate) this.merges.inc();
      merge = {
        mergedId: mergeFrom,
        eventId: merged.id,
        streamId: customerStreamId(mergeFrom),
        position: mergeResult.positions[0].toString(),
        duplicate: mergeResult.duplicate,
      };
    } else {
      await this.linkIdentities(envelope);
    }
    return {
      ok: true,
      recorded: {
        eventId: envelope.id,
        customerId: envelope.subject,
        streamId,
        revision: result.nextExpectedRevision,
        position: result.positions[0].toString(),
        duplicate: result.duplicate,
        ...(merge ? { merge } : {}),
      },
    };
  }

  private async append(envelope: EventEnvelope): Promise<AppendResult> {
    const result = await this.appender.append({ streamId: customerStreamId(envelope.subject), events: [toNewEvent(envelope)], expectedRevision: 'any' });
    this.accepted.inc({ type: envelope.type, duplicate: String(result.duplicate) });
    return result;
  }

  /**
   * After the append (a failed append changes nothing): a linked identity now points at the
   * customer; a registration's email is claimed for it unless another customer already owns it
   * (a registration never merges; send `crm.identity.linked` for that).
   */
  private async linkIdentities(envelope: EventEnvelope): Promise<void> {
    if (envelope.type === IDENTITY_LINKED) {
      await this.identities.link(envelope.data as unknown as Identity, envelope.subject);
    } else if (envelope.type === CUSTOMER_REGISTERED && typeof envelope.data['email'] === 'string') {
      await this.identities.claim({ kind: 'email', value: envelope.data['email'] }, envelope.subject);
    }
  }

  private mergeEnvelope(link: EventEnvelope, mergedId: string): EventEnvelope {
    const { kind, value, system } = link.data as unknown as Identity;
    const data: CustomerMergedData = { survivorId: link.subject, mergedId, reason: 'identity', identity: { kind, value, ...(system ? { system } : {}) } };
    return {
      id: mergeEventIdFor(link.id),
      type: CUSTOMER_MERGED,
      schemaVersion: CUSTOMER_MERGED_SCHEMA_VERSION,
      source: SERVICE,
      subject: mergedId,
      time: link.time,
      data: { ...data },
      correlationId: link.correlationId ?? link.id,
      causationId: link.id,
    };
  }
}

/**
 * An event id already stored for a different event (another customer's stream, e.g. a retry sent
 * after its customer was merged) is the sender's mistake: a field error, not a server error.
 */
function idConflictAsFieldError(error: unknown): RecordOutcome {
  if (!(error instanceof IdempotencyConflictError)) throw error;
  return { ok: false, errors: [{ field: 'id', messages: [`event id is already used by another event (${error.message})`] }] };
}
