import { BadRequestException, Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CUSTOMER_EVENT_TYPES } from '@crm/contracts';
import { fieldErrorsResponse } from '@crm/platform';
import { RecordCustomerEventHandler, type RecordedEvent } from './record-customer-event.handler';

@ApiTags('events')
@Controller('v1/events')
export class EventsHttpController {
  constructor(private readonly handler: RecordCustomerEventHandler) {}

  /** Body validation happens in the shared handler (not a pipe) so HTTP and Kafka ingest judge alike. */
  @Post()
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
  async record(@Body() body: unknown): Promise<RecordedEvent> {
    const outcome = await this.handler.record(body);
    if (!outcome.ok) throw new BadRequestException(fieldErrorsResponse(outcome.errors, 'Invalid event'));
    return outcome.recorded;
  }
}
