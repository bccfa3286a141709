import type { CustomerProfile } from './customer-profile';

/**
 * What identifies or describes the person: dropped on `crm.customer.erased`, and never taken from
 * later events. Counts, money, stages, country and channels stay, so figures across customers
 * (revenue, stage and country counts) do not change when someone is forgotten.
 */
export const PERSONAL_FIELDS = ['email', 'phone', 'firstName', 'lastName', 'birthDate'] as const;

/** The profile without personal data (idempotent). */
export function withoutPersonalData(profile: CustomerProfile): CustomerProfile {
  const rest: Record<string, unknown> = { ...profile };
  for (const field of PERSONAL_FIELDS) delete rest[field];
  return { ...(rest as unknown as CustomerProfile), preferences: {}, identifiers: [], consents: {} };
}
