import { BadRequestException } from '@nestjs/common';
import { fieldErrorsResponse } from '@crm/platform';

/**
 * The request id of a write: the `Idempotency-Key` header or the body's `requestId` (the same
 * value if both). Required: without one a retried redemption could spend twice.
 */
export function requestIdOf(header: string | undefined, body: string | undefined): string {
  const fromHeader = header?.trim() || undefined;
  if (fromHeader && body && fromHeader !== body) {
    throw new BadRequestException(fieldErrorsResponse([{ field: 'requestId', messages: ['requestId and the Idempotency-Key header differ'] }]));
  }
  const id = fromHeader ?? body;
  if (!id) throw new BadRequestException(fieldErrorsResponse([{ field: 'requestId', messages: ['send an Idempotency-Key header (or requestId) so that a retry cannot spend twice'] }]));
  if (id.length > 128) throw new BadRequestException(fieldErrorsResponse([{ field: 'requestId', messages: ['at most 128 characters'] }]));
  return id;
}
