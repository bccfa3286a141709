/**
 * Synthetic customer histories for the analytics bench: each customer's events in stream order
 * (its own stream, its loyalty stream and its segment-membership stream), all valid against the
 * event catalogue, spread over the year before `today`. Deterministic for a seed.
 */
import type { EventEnvelope } from '@crm/contracts';

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const ACTIONS = ['page_viewed', 'product_viewed', 'search_performed', 'cart_updated', 'email_opened', 'email_clicked'] as const;
const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won'] as const;

export interface SyntheticCustomer {
  readonly customerId: string;
  /** In each stream's order; streams interleaved by time. */
  readonly events: EventEnvelope[];
}

/**
 * Each customer comes back as the BG/NBD assumes: session days at a rate of their own (every 5 to
 * 60 days on average) until, after some session, they drop out (each session has a chance of
 * being the last, 3 % to 30 %, their own too). A session day has several touchpoints, perhaps
 * an order with its loyalty points, now and then a refund, a ticket, a survey — about 8 events, so
 * a day bucket stands for several events, as in an online shop's history.
 */
export function syntheticCustomer(customerId: string, seed: number, today: string, mergeInto?: string): SyntheticCustomer {
  const random = seededRandom(seed);
  const end = Date.parse(`${today}T00:00:00.000Z`);
  const start = end - Math.floor(1 + random() * 364) * DAY_MS;
  const meanGapDays = 5 + random() * 55;
  const dropout = 0.03 + random() * 0.27;
  const days = [start];
  for (let day = start; ; ) {
    if (random() < dropout) break;
    day += Math.max(1, Math.round(-Math.log(1 - random()) * meanGapDays)) * DAY_MS;
    if (day >= end) break;
    days.push(day);
  }
  const events: EventEnvelope[] = [];
  let n = 0;
  const at = (dayMs: number, minute: number) => new Date(dayMs + minute * 60_000).toISOString();
  const emit = (type: string, time: string, data: object) =>
    events.push({ id: `${customerId}-${n++}`, type, schemaVersion: 1, source: 'bench', subject: customerId, time, data: data as Record<string, unknown> });
  const usd = random() < 0.05;
  let balance = 0;
  let lifetime = 0;
  let orders = 0;
  const opportunity = random() < 0.1 ? `${customerId}-opp` : null;
  let stage = 0;

  emit('crm.customer.registered', at(days[0], 480), { email: `${customerId}@bench.example` });
  if (random() < 0.3) emit('crm.lead.captured', at(days[0], 485), { source: 'landing_page' });
  days.forEach((day, d) => {
    let minute = 540 + Math.floor(random() * 600);
    const touchpoints = 3 + Math.floor(random() * 8);
    for (let t = 0; t < touchpoints; t++) emit('crm.touchpoint.recorded', at(day, minute++), { channel: 'web', action: ACTIONS[Math.floor(random() * ACTIONS.length)] });
    if (random() < 0.45) {
      const orderId = `${customerId}-o${orders++}`;
      const totalMinor = Math.round(1000 + -Math.log(1 - random()) * 4000);
      const currency = usd ? 'USD' : 'EUR';
      emit('crm.order.completed', at(day, minute++), { orderId, totalMinor, currency });
      const points = Math.floor(totalMinor / 100);
      balance += points;
      lifetime += points;
      emit('crm.loyalty.points-earned', at(day, minute++), { points, balance, lifetimeEarned: lifetime, rule: 'order', sourceEventId: `${customerId}-${n - 1}`, orderId, earnedAt: at(day, minute) });
      if (random() < 0.05) emit('crm.order.refunded', at(day, minute++), { orderId, amountMinor: Math.max(1, Math.floor(totalMinor * random())), currency });
      if (balance >= 100 && random() < 0.15) {
        balance -= 100;
        emit('crm.loyalty.points-redeemed', at(day, minute++), { points: 100, balance, lifetimeEarned: lifetime, redemptionId: `${customerId}-r${d}` });
      }
    }
    if (random() < 0.06) {
      const ticketId = `${customerId}-t${d}`;
      emit('crm.ticket.opened', at(day, minute++), { ticketId, channel: 'email', subject: 'Where is my order?', priority: 'normal' });
      if (random() < 0.9) {
        const resolvedAt = at(day, minute + Math.floor(random() * 3 * 24 * 60));
        emit('crm.ticket.resolved', at(day, minute++), { ticketId, resolvedAt, ...(random() < 0.5 ? { satisfaction: 1 + Math.floor(random() * 5) } : {}) });
      }
    }
    if (random() < 0.06) emit('crm.survey.answered', at(day, minute++), { surveyId: 'nps-2026', kind: 'nps', score: Math.floor(random() * 11) });
    if (random() < 0.04) emit('crm.survey.answered', at(day, minute++), { surveyId: 'csat-2026', kind: 'csat', score: 1 + Math.floor(random() * 5) });
    if (opportunity !== null && stage < STAGES.length && random() < 0.5) emit('crm.opportunity.stage-changed', at(day, minute++), { opportunityId: opportunity, to: STAGES[stage++] });
  });
  const last = days[days.length - 1];
  const segment = (segmentId: string, segmentName: string) =>
    emit('crm.segment.entered', at(last, 1439), { segmentId, segmentName, segmentVersion: 1, reason: 'bench', at: at(last, 1439) });
  if (orders >= 5) segment('frequent-buyers', 'Frequent buyers');
  if (random() < 0.5) segment('eu', 'EU');
  if (random() < 0.2) segment('newsletter', 'Newsletter');
  if (mergeInto !== undefined) {
    emit('crm.customer.merged', at(last, 1439), { survivorId: mergeInto, mergedId: customerId, reason: 'identity', identity: { kind: 'email', value: `${mergeInto}@bench.example` } });
  }
  return { customerId, events };
}
