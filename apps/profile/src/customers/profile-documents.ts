import type { mongo } from 'mongoose';
import { findFollowingMerges } from '@crm/projections';

export type ProfileDocument = Record<string, unknown> & { _id: string };
export type ProfileCollection = mongo.Collection<Record<string, unknown>>;

/** Bookkeeping a search result does not need (a profile GET shows it all). */
export const SEARCH_PROJECTION = { orderHistory: 0, openTicketIds: 0, resolvedTicketIds: 0, 'lifecycle.history': 0 } as const;

/**
 * The profile a customer id stands for: its own, or for a merged customer its survivor's with
 * `redirectedFrom` (the id asked for). Null when neither is known.
 */
export async function profileFollowingMerges(collection: ProfileCollection, customerId: string): Promise<ProfileDocument | null> {
  const found = await findFollowingMerges(collection, customerId);
  if (!found) return null;
  const document = found.document as ProfileDocument;
  return found.redirectedFrom ? { ...document, redirectedFrom: found.redirectedFrom } : document;
}
