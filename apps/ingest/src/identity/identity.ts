import { v5 as uuidV5 } from 'uuid';
import type { IdentityKind } from '@crm/contracts';

/** An identifier that names a customer: the same kinds as `crm.identity.linked`. */
export interface Identity {
  readonly kind: IdentityKind;
  readonly value: string;
  /** The system an `external_id` belongs to. */
  readonly system?: string;
}

/** The index's key of an identity: kind plus normalised value. */
export interface IdentityKey {
  readonly kind: IdentityKind;
  readonly value: string;
}

/**
 * Normalises an identity so spellings of one identifier meet: emails trimmed and lower-cased,
 * phones without spaces, dashes, dots and parentheses, external ids qualified by their system
 * (`shopify:cus_1`; ids of different systems never collide), device ids trimmed.
 */
export function identityKey(identity: Identity): IdentityKey {
  const value = identity.value.trim();
  switch (identity.kind) {
    case 'email':
      return { kind: 'email', value: value.toLowerCase() };
    case 'phone':
      return { kind: 'phone', value: value.replace(/[\s\-.()]/g, '') };
    case 'external_id':
      return { kind: 'external_id', value: identity.system ? `${identity.system.trim()}:${value}` : value };
    case 'device_id':
      return { kind: 'device_id', value };
  }
}

/** Fixed namespace of customer ids minted for unknown identities (never change: stored ids depend on it). */
const CUSTOMER_ID_NAMESPACE = '6f1c2e9a-3b4d-4c5e-9f60-718293a4b5c6';

/** The customer id an unknown identity gets: name-based, so the same identity always gets the same id. */
export const customerIdForIdentity = (identity: Identity): string => {
  const key = identityKey(identity);
  return `cust-${uuidV5(`${key.kind}:${key.value}`, CUSTOMER_ID_NAMESPACE)}`;
};

/**
 * Ingest's identity index: which customer each identifier belongs to, and which customers were
 * merged into which. Every customer id it returns is a survivor (merges followed).
 */
export interface IdentityIndex {
  /** The customer owning the identity, or null when nobody does. */
  resolve(identity: Identity): Promise<string | null>;
  /** Links the identity to `customerId` if nobody owns it yet; returns the owner either way. */
  claim(identity: Identity, customerId: string): Promise<string>;
  /** Points the identity at `customerId`; returns the previous owner (null if none). */
  link(identity: Identity, customerId: string): Promise<string | null>;
  /**
   * `mergedId` is `survivorId` from now on: all identities of `mergedId` (and `identity`) point at
   * the survivor, and ids of the merged customer resolve to the survivor. Idempotent.
   */
  merge(mergedId: string, survivorId: string, identity: Identity): Promise<void>;
  /** The survivor of each id (the id itself when never merged), following merge chains. */
  survivors(customerIds: readonly string[]): Promise<Map<string, string>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const IDENTITY_INDEX = Symbol('IDENTITY_INDEX');
