/**
 * Synthetic customers for the segmentation bench, written the way the segmentation service stores
 * its read model (`customer_segments`: the state rules read packed as one JSON string, the segment
 * ids, the next due time, `_metadata`). The bench cannot import the service, so this mirrors
 * `apps/segmentation/src/segments/membership/customer-segments.document.ts`; memberships of the
 * starter segments are judged by the domain's own `judge`, so the seeded state is one the
 * service could have produced.
 */
import { DAY_MS, judge, STARTER_SEGMENTS, type CustomerFacts, type SegmentationContext } from '@crm/segmentation-domain';

export const BENCH_COUNTRIES = ['DE', 'AT', 'CH', 'SE', 'FR', 'NL', 'IT', 'ES', 'PL', 'US'] as const;
const TIERS = ['bronze', 'silver', 'gold'] as const;
const STAGES = ['prospect', 'first-time-customer', 'repeat-customer', 'loyal', 'at-risk', 'churned'] as const;

/** The starter segments as the service creates them on a new installation (version 1). */
export const STARTER_CONTEXT: SegmentationContext = { segments: STARTER_SEGMENTS.map((s) => ({ ...s, version: 1 })), rfm: null };

/** Seeded customers have folded this many events of their own stream. */
export const SEEDED_REVISION = 5;

export const syntheticCustomerId = (i: number): string => `bench-c-${String(i).padStart(6, '0')}`;

/** Small deterministic generator (mulberry32): the same customer i always gets the same facts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function syntheticFacts(i: number, now: number): CustomerFacts {
  const rnd = random(i * 7_919 + 17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const registeredAt = now - Math.floor(rnd() * 700) * DAY_MS;
  const orders = rnd() < 0.3 ? 0 : 1 + Math.floor(rnd() * 6);
  const orderTimes = Array.from({ length: Math.min(orders, 6) }, () => now - Math.floor(rnd() * 400) * DAY_MS - Math.floor(rnd() * DAY_MS)).sort((a, b) => a - b);
  const opens = Array.from({ length: Math.floor(rnd() * 4) }, () => now - Math.floor(rnd() * 120) * DAY_MS).sort((a, b) => a - b);
  const activity: Record<string, number[]> = { 'crm.customer.registered': [registeredAt] };
  if (orderTimes.length > 0) activity['crm.order.completed'] = orderTimes;
  if (opens.length > 0) {
    activity['crm.touchpoint.recorded'] = opens;
    activity['crm.touchpoint.recorded#email_opened'] = opens;
  }
  const consents = rnd() < 0.6 ? ['email:marketing'] : [];
  return {
    country: pick(BENCH_COUNTRIES),
    birthDate: `${1950 + Math.floor(rnd() * 55)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
    lifecycleStage: orders === 0 ? 'prospect' : pick(STAGES),
    loyaltyTier: pick(TIERS),
    loyaltyBalance: Math.floor(rnd() * 5_000),
    ...(consents.length > 0 ? { consents } : {}),
    orders,
    spendMinor: orders * (1_000 + Math.floor(rnd() * 20_000)),
    ...(orders > 0 ? { spendCurrency: 'EUR', firstOrderAt: orderTimes[0], lastOrderAt: orderTimes[orderTimes.length - 1] } : {}),
    registeredAt,
    activity,
  };
}

/** The stored read-model document of customer i. */
export function syntheticCustomerDocument(i: number, now: number): Record<string, unknown> {
  const facts = syntheticFacts(i, now);
  const judged = judge(facts, STARTER_CONTEXT, now);
  const id = syntheticCustomerId(i);
  return {
    _id: id,
    state: JSON.stringify({ customerId: id, asOf: now, facts }),
    segments: judged.segments,
    reevaluateAt: judged.reevaluateAt === null ? null : new Date(judged.reevaluateAt),
    _metadata: { name: 'customer-segments', schemaVersion: 2, revision: SEEDED_REVISION, position: String(i + 1), updatedAt: new Date(now), writes: 1 },
  };
}
