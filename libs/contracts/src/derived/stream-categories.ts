import { Topics } from '../topics/topics';

/**
 * Streams in the event store are named `<category>-<customerId>`. Customer events are what
 * integrators send; the other categories are facts the platform derives (loyalty ledger,
 * segment membership, lifecycle stages), stored the same way so the one relay publishes them.
 */
export const StreamCategories = {
  customer: 'customer',
  loyalty: 'loyalty',
  segmentMembership: 'segment-membership',
  lifecycle: 'lifecycle',
} as const;

export type StreamCategory = (typeof StreamCategories)[keyof typeof StreamCategories];

/** Where the relay publishes each category; the Kafka key is always the customer id. */
export const TOPIC_OF_STREAM_CATEGORY: Readonly<Record<StreamCategory, string>> = {
  customer: Topics.customerEvents,
  loyalty: Topics.loyaltyEvents,
  'segment-membership': Topics.segmentMembership,
  lifecycle: Topics.lifecycleStages,
};

// longest first, so a category never matches as the prefix of another
const CATEGORIES = (Object.values(StreamCategories) as StreamCategory[]).sort((a, b) => b.length - a.length);

export const streamIdOf = (category: StreamCategory, customerId: string): string => `${category}-${customerId}`;
export const loyaltyStreamId = (customerId: string): string => streamIdOf('loyalty', customerId);
export const segmentMembershipStreamId = (customerId: string): string => streamIdOf('segment-membership', customerId);
export const lifecycleStreamId = (customerId: string): string => streamIdOf('lifecycle', customerId);

/** `segment-membership-c-1` → { category: 'segment-membership', customerId: 'c-1' }; null for streams of no category. */
export function parseStreamId(streamId: string): { category: StreamCategory; customerId: string } | null {
  for (const category of CATEGORIES) {
    const prefix = `${category}-`;
    if (streamId.startsWith(prefix) && streamId.length > prefix.length) return { category, customerId: streamId.slice(prefix.length) };
  }
  return null;
}
