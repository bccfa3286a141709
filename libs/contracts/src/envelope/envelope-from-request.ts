import type { IngestEventRequest } from '../validation/ingest-event.request';
import { findEventType } from '../events/event-catalogue';
import type { EventEnvelope } from './event-envelope';

/** Completes a validated request into the envelope that is stored; ids and time are passed in. */
export function envelopeFromRequest(
  request: IngestEventRequest,
  context: { newId: () => string; now: Date; defaultSource: string },
): EventEnvelope {
  const definition = findEventType(request.type);
  if (!definition) throw new Error(`unknown event type ${request.type}`);
  return {
    id: request.id ?? context.newId(),
    type: request.type,
    schemaVersion: definition.schemaVersion,
    source: request.source ?? context.defaultSource,
    subject: request.customerId,
    time: request.time ? new Date(request.time).toISOString() : context.now.toISOString(),
    data: { ...request.data },
    ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    ...(request.causationId ? { causationId: request.causationId } : {}),
  };
}
