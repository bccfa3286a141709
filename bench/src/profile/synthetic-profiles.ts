/**
 * Deterministic synthetic customers for the profile bench: each one's events are folded by the
 * profile's own `evolveProfile`, so the seeded documents are exactly what the service would have
 * projected — without paying for the pipeline the other phases measure.
 */
import type { EventEnvelope } from '@crm/contracts';
import { evolveProfile, type CustomerProfile } from '@crm/profile-domain';

const COUNTRIES = ['DE', 'FR', 'NL', 'SE', 'ES', 'IT', 'PL', 'US'] as const;
const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
const SEGMENTS = ['vip', 'newsletter', 'high-value', 'lapsed', 'mobile-first'] as const;
const DAY_MS = 86_400_000;

/** Small seeded PRNG (mulberry32): the same seed gives the same customers on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const syntheticCustomerId = (i: number): string => `bench-c-${String(i).padStart(6, '0')}`;
export const syntheticEmail = (i: number): string => `customer${i}@bench.example`;

/** The profile document of customer `i`, as the projection writes it (with `_id` and `_metadata`). */
export function syntheticProfileDocument(i: number, now: number): Record<string, unknown> {
  const rnd = random(i + 1);
  const customerId = syntheticCustomerId(i);
  const start = now - Math.floor(rnd() * 720) * DAY_MS;
  let n = 0;
  const events: EventEnvelope[] = [];
  const add = (type: string, data: Record<string, unknown>, time: number) =>
    events.push({ id: `${customerId}-${n++}`, type, schemaVersion: type === 'crm.profile.updated' ? 2 : 1, source: 'bench', subject: customerId, time: new Date(Math.min(time, now)).toISOString(), data });
  const country = COUNTRIES[Math.floor(rnd() * COUNTRIES.length)];
  if (rnd() < 0.15) add('crm.lead.captured', { source: 'landing_page' }, start);
  else add('crm.customer.registered', { email: syntheticEmail(i), firstName: `First${i}`, lastName: `Last${i}`, country }, start);
  const orders = Math.floor(rnd() * rnd() * 9);
  const currency = country === 'US' ? 'USD' : 'EUR';
  let t = start;
  for (let o = 0; o < orders; o++) {
    t += Math.floor(rnd() * 90 + 1) * DAY_MS;
    add('crm.order.completed', { orderId: `${customerId}-o${o}`, totalMinor: Math.floor(rnd() * 20_000) + 500, currency }, t);
    if (rnd() < 0.05) add('crm.order.refunded', { orderId: `${customerId}-o${o}`, amountMinor: 500, currency }, t + DAY_MS);
  }
  for (let v = Math.floor(rnd() * 4); v > 0; v--) add('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed' }, t + v * DAY_MS);
  if (orders > 0) add('crm.loyalty.tier-upgraded', { from: null, to: TIERS[Math.min(TIERS.length - 1, Math.floor(orders / 2))], reason: 'spend' }, t);
  for (const segment of SEGMENTS) if (rnd() < 0.2) add('crm.segment.entered', { segmentId: segment, segmentName: segment, segmentVersion: 1, reason: 'bench', at: new Date(t).toISOString() }, t);
  const profile = events.reduce<CustomerProfile | null>((p, e) => evolveProfile(p, e), null) as CustomerProfile;
  return {
    ...profile,
    _id: customerId,
    _metadata: { name: 'customer-profile', schemaVersion: 2, revision: n - 1, position: String(i * 100 + n), updatedAt: new Date(now), writes: 1 },
  };
}

export const BENCH_COUNTRIES = COUNTRIES;
export const BENCH_TIERS = TIERS;
export const BENCH_SEGMENTS = SEGMENTS;
