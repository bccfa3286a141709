import { BadRequestException, Body, Controller, Headers, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CUSTOMER_EVENT_TYPES } from '@crm/contracts';
import { fieldErrorsResponse, RequireScopes } from '@crm/platform';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.env';
import { eventIdForIdempotencyKey, IDEMPOTENCY_KEY_HEADER, idempotencyKeyProblem } from './idempotency-key';
import { RecordCustomerEventHandler, type RecordedEvent } from './record-customer-event.handler';

export type BatchItemResult = ({ index: number; ok: true } & RecordedEvent) | { index: number; ok: false; errors: { field: string; messages: readonly string[] }[] };

export interface BatchResponse {
  accepted: number;
  rejected: number;
  results: BatchItemResult[];
}

@RequireScopes('events:write')
@ApiTags('events')
@Controller('v1')
export class EventsHttpController {
  constructor(
    private readonly handler: RecordCustomerEventHandler,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  /** Body validation happens in the shared handler (not a pipe) so HTTP and Kafka ingest judge alike. */
  @Post('events')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Record one customer event', description: `Types: ${CUSTOMER_EVENT_TYPES.join(', ')}` })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['type', 'customerId', 'data'],
      properties: {
        id: { type: 'string', format: 'uuid', description: 'Idempotency key; generated when absent' },
        type: { type: 'string', enum: [...CUSTOMER_EVENT_TYPES] },
        customerId: { type: 'string', maxLength: 64 },
        time: { type: 'string', format: 'date-time' },
        source: { type: 'string' },
        correlationId: { type: 'string' },
        causationId: { type: 'string' },
        data: { type: 'object' },
      },
      example: {
        type: 'crm.order.completed',
        customerId: 'c-1001',
        data: { orderId: 'o-1', totalMinor: 4999, currency: 'EUR' },
      },
    },
  })
  @ApiAcceptedResponse({ description: 'Stored; body has eventId, streamId, revision, position, duplicate' })
  @ApiBadRequestResponse({ description: 'Field-level validation errors' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retries with the same key store nothing new and answer with the original position (an `id` in the body wins)',
  })
  async record(@Body() body: unknown, @Headers(IDEMPOTENCY_KEY_HEADER) idempotencyKey?: string): Promise<RecordedEvent> {
    const outcome = await this.handler.record(withIdempotencyKey(body, idempotencyKey));
    if (!outcome.ok) throw new BadRequestException(fieldErrorsResponse(outcome.errors, 'Invalid event'));
    return outcome.recorded;
  }

  /**
   * Up to INGEST_BATCH_LIMIT events; each is validated and stored on its own, so one bad event
   * never costs the good ones. 202 when at least one was accepted (each item reports its index,
   * position or errors); 400 when none was.
   */
  @Post('events\\:batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Record many customer events; partial success reported per item' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['events'],
      properties: { events: { type: 'array', items: { type: 'object' }, description: 'Events shaped as for POST /v1/events' } },
    },
  })
  @ApiAcceptedResponse({ description: '{ accepted, rejected, results: [{ index, ok, eventId, position, ... } | { index, ok: false, errors }] }' })
  @ApiBadRequestResponse({ description: 'Not a batch, too many events, or no event valid' })
  async recordBatch(@Body() body: unknown): Promise<BatchResponse> {
    const events = (body as { events?: unknown } | null)?.events;
    const limit = this.settings.ingest.INGEST_BATCH_LIMIT;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(events) || Object.keys(body).length !== 1) {
      throw new BadRequestException(fieldErrorsResponse([{ field: 'events', messages: ['body must be { "events": [ ... ] }'] }], 'Invalid batch'));
    }
    if (events.length === 0 || events.length > limit) {
      throw new BadRequestException(
        fieldErrorsResponse([{ field: 'events', messages: [`events must hold between 1 and ${limit} events`] }], 'Invalid batch'),
      );
    }
    const outcomes = await this.handler.recordMany(events);
    const results: BatchItemResult[] = outcomes.map((o, index) =>
      o.ok ? { index, ok: true, ...o.recorded } : { index, ok: false, errors: o.errors },
    );
    const accepted = results.filter((r) => r.ok).length;
    const response = { accepted, rejected: results.length - accepted, results };
    if (accepted === 0) throw new BadRequestException({ ...fieldErrorsResponse([], 'No event in the batch is valid'), ...response });
    return response;
  }
}

/** Gives a body without `id` the event id its Idempotency-Key stands for. */
function withIdempotencyKey(body: unknown, key: string | undefined): unknown {
  if (key === undefined) return body;
  const problem = idempotencyKeyProblem(key);
  if (problem) throw new BadRequestException(fieldErrorsResponse([{ field: 'Idempotency-Key', messages: [problem] }], 'Invalid header'));
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'id' in body) return body;
  return { ...body, id: eventIdForIdempotencyKey(key) };
}
