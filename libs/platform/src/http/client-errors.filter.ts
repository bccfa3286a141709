import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import type { FieldErrorsResponse } from './validation-pipe';

interface ClientErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors: FieldErrorsResponse['errors'];
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' };

/** 4xx from the framework itself (unparsable JSON, body too large) and from Nest exceptions. */
function clientError(exception: unknown): { status: number; body: Record<string, unknown> } | null {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    return { status: exception.getStatus(), body: typeof response === 'string' ? { message: response } : (response as Record<string, unknown>) };
  }
  // body-parser's errors (http-errors): { status, expose, message }.
  const e = exception as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown } | null;
  const status = Number(e?.status ?? e?.statusCode);
  if (e && e.expose === true && status >= 400 && status < 500) return { status, body: { message: String(e.message) } };
  return null;
}

/**
 * Every 4xx answer has the same shape, `{ statusCode, error, message, errors: [{ field, messages }] }`,
 * whoever raised it — a validation pipe, a handler, or the body parser before any handler ran.
 * Everything else (5xx, health's 503) is left to Nest's default handling.
 */
@Catch()
export class ClientErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const found = host.getType() === 'http' ? clientError(exception) : null;
    if (!found || found.status < 400 || found.status >= 500) return super.catch(exception, host);
    const { status, body } = found;
    const message = Array.isArray(body['message']) ? body['message'].join('; ') : String(body['message'] ?? REASONS[status] ?? 'Client error');
    const normalised: ClientErrorBody = {
      ...body,
      statusCode: status,
      error: String(body['error'] ?? REASONS[status] ?? 'Client Error'),
      message,
      errors: Array.isArray(body['errors']) ? (body['errors'] as ClientErrorBody['errors']) : [{ field: '', messages: [message] }],
    };
    host.switchToHttp().getResponse<Response>().status(status).json(normalised);
  }
}
