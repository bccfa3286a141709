import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { findEventType, findStoredEventType } from '../events/event-catalogue';
import { IngestEventRequest } from './ingest-event.request';
import { unstorableCharacters, reservedKeys, unexpectedKeys } from './unexpected-keys';

export interface FieldError {
  /** Dotted path into the request, e.g. `data.items.0.quantity`. */
  readonly field: string;
  readonly messages: readonly string[];
}

export type ValidationOutcome<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export interface ValidateOptions {
  /** Events stamped further than this into the future are rejected (clock skew allowance). */
  readonly maxFutureSkewMs?: number;
  readonly now?: Date;
}

const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/** Flattens class-validator's tree into one entry per failing field path. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own: FieldError[] = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** Exactly one of `customerId` and `identity` names the customer. */
function customerReferenceErrors(input: Record<string, unknown>): FieldError[] {
  const hasId = input['customerId'] !== undefined;
  const hasIdentity = input['identity'] !== undefined;
  if (hasId && hasIdentity) return [{ field: 'identity', messages: ['give either customerId or identity, not both'] }];
  if (!hasId && !hasIdentity) return [{ field: 'customerId', messages: ['customerId or identity is required'] }];
  return [];
}

/**
 * Validates an integrator's event: the request shape, then `data` against the class of its type.
 * Unknown fields anywhere are rejected, so nothing the platform would silently drop gets stored.
 */
export function validateCustomerEvent(input: unknown, options: ValidateOptions = {}): ValidationOutcome<IngestEventRequest> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '', messages: ['event must be a JSON object'] }] };
  }
  const reserved = reservedKeys(input);
  if (reserved.length > 0) return { ok: false, errors: reserved };
  const request = plainToInstance(IngestEventRequest, input);
  const errors = [
    ...flattenValidationErrors(validateSync(request, VALIDATOR_OPTIONS)),
    ...unexpectedKeys(input, request, '', false),
    ...unexpectedKeys((input as Record<string, unknown>)['identity'], request.identity, 'identity', false),
    ...unstorableCharacters(input),
    ...customerReferenceErrors(input as Record<string, unknown>),
  ];

  const definition = typeof request.type === 'string' ? findEventType(request.type) : undefined;
  if (definition && typeof request.data === 'object' && request.data !== null && !Array.isArray(request.data)) {
    // The input's own `data`: the request copy has already lost keys class-transformer skips.
    const rawData = (input as Record<string, unknown>)['data'];
    const data = plainToInstance(definition.dataClass, rawData);
    errors.push(...flattenValidationErrors(validateSync(data, VALIDATOR_OPTIONS), 'data'), ...unexpectedKeys(rawData, data, 'data'));
    request.data = data as Record<string, unknown>;
  }

  if (typeof request.time === 'string' && !errors.some((e) => e.field === 'time')) {
    const maxSkew = options.maxFutureSkewMs ?? 5 * 60_000;
    const now = (options.now ?? new Date()).getTime();
    if (Date.parse(request.time) - now > maxSkew) {
      errors.push({ field: 'time', messages: [`time must not be more than ${Math.round(maxSkew / 1000)}s in the future`] });
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: request };
}

/**
 * Checks a stored event's `data` against the current contract of its type (after `upcast`):
 * read sides use it to refuse an event that reached the topic without going through ingest.
 * Returns null for a type the catalogue does not know (derived events, newer producers).
 */
export function validateEventData(type: string, data: unknown): FieldError[] | null {
  const definition = findStoredEventType(type);
  if (!definition) return null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [{ field: 'data', messages: ['data must be an object'] }];
  const instance = plainToInstance(definition.dataClass, data);
  return [...flattenValidationErrors(validateSync(instance, VALIDATOR_OPTIONS), 'data'), ...unexpectedKeys(data, instance, 'data')];
}
