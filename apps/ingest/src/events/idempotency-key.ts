import { v5 as uuidV5 } from 'uuid';

/** Fixed namespace of the platform's name-based event ids (never change: stored ids depend on it). */
const EVENT_ID_NAMESPACE = 'b3c1f2a4-5d6e-4f70-8a91-2b3c4d5e6f70';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;

/**
 * The event id an `Idempotency-Key` stands for: a name-based UUID, so the same key always names
 * the same event and a retry stores nothing new. An `id` in the body wins over the header.
 */
export const eventIdForIdempotencyKey = (key: string): string => uuidV5(`idempotency-key:${key}`, EVENT_ID_NAMESPACE);

export function idempotencyKeyProblem(key: string): string | null {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) return `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(key)) return 'Idempotency-Key must be printable ASCII without spaces';
  return null;
}
