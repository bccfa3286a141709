import { ConflictException, HttpException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import type { LoyaltyError, LoyaltyErrorCode } from '@crm/loyalty-domain';
import { ConcurrencyExhaustedError } from './accounts/account-commands';

const STATUS: Record<LoyaltyErrorCode, 404 | 409 | 422> = {
  'insufficient-points': 409,
  'out-of-stock': 409,
  'account-merged': 409,
  'request-id-reused': 409,
  'reward-unavailable': 409,
  'tier-too-low': 409,
  'unknown-reward': 404,
  'unknown-redemption': 404,
  'invalid-points': 422,
  'below-minimum': 422,
};

/** A refusal of the rules as an HTTP answer: the platform's 4xx body plus a machine-readable `code`. */
export function httpErrorFor(error: LoyaltyError): HttpException {
  const body = { message: error.message, code: error.code, ...(error.mergedInto ? { mergedInto: error.mergedInto } : {}) };
  switch (STATUS[error.code]) {
    case 404:
      return new NotFoundException({ ...body, error: 'Not Found' });
    case 409:
      return new ConflictException({ ...body, error: 'Conflict' });
    case 422:
      return new UnprocessableEntityException({ ...body, error: 'Unprocessable Entity' });
  }
}

/** An account that other writers kept changing through every attempt: the client may simply retry (same request id). */
export function concurrencyAsConflict(error: unknown): never {
  if (error instanceof ConcurrencyExhaustedError) throw new ConflictException({ message: error.message, code: 'concurrent-modification', error: 'Conflict' });
  throw error;
}
