import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from '@crm/contracts';

/** The 400 body every service answers bad input with: one entry per failing field. */
export interface FieldErrorsResponse {
  statusCode: 400;
  error: 'Bad Request';
  message: string;
  errors: { field: string; messages: readonly string[] }[];
}

export const fieldErrorsResponse = (
  errors: FieldErrorsResponse['errors'],
  message = 'Validation failed',
): FieldErrorsResponse => ({ statusCode: 400, error: 'Bad Request', message, errors });

/** Whitelisting pipe: unknown properties are rejected, not silently stripped. */
export const fieldValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new BadRequestException(fieldErrorsResponse(flattenValidationErrors(errors))),
  });
