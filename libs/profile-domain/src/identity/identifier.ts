import type { IdentityKind } from '@crm/contracts';

/** An identifier the profile can be found by (the kinds of `crm.identity.linked`). */
export interface ProfileIdentifier {
  readonly kind: IdentityKind;
  /** Normalised (see `normaliseIdentifier`): what lookups compare. */
  readonly value: string;
  /** The system an `external_id` belongs to. */
  readonly system?: string;
  readonly linkedAt: string;
}

/**
 * The spelling lookups compare, by the same rules as ingest's identity index, so a customer is
 * found under any spelling ingest resolves: emails trimmed and lower-cased, phones without spaces,
 * dashes, dots and parentheses, external ids qualified by their system (`shopify:cus_1`), device
 * ids trimmed.
 */
export function normaliseIdentifier(kind: IdentityKind, value: string, system?: string): string {
  const trimmed = value.trim();
  switch (kind) {
    case 'email':
      return trimmed.toLowerCase();
    case 'phone':
      return trimmed.replace(/[\s\-.()]/g, '');
    case 'external_id':
      return system ? `${system.trim()}:${trimmed}` : trimmed;
    case 'device_id':
      return trimmed;
  }
}

/** Adds an identifier unless the same kind and normalised value is known already (the first link stays). */
export function withIdentifier(
  identifiers: readonly ProfileIdentifier[],
  kind: IdentityKind,
  value: string,
  linkedAt: string,
  system?: string,
): ProfileIdentifier[] {
  const normalised = normaliseIdentifier(kind, value, system);
  if (identifiers.some((i) => i.kind === kind && i.value === normalised)) return [...identifiers];
  return [...identifiers, { kind, value: normalised, ...(system ? { system } : {}), linkedAt }];
}
