import type { EventEnvelope } from '@crm/contracts';

/**
 * A small world of customers whose KPIs were worked out by hand (see the specs that use it).
 * Not exported from the library: fixtures for its tests and the service's.
 */
let counter = 0;
export const envelope = (subject: string, type: string, time: string, data: object = {}): EventEnvelope => ({
  id: `${subject}-${type}-${time}-${counter++}`,
  type,
  schemaVersion: 1,
  source: 'fixture',
  subject,
  time,
  data: data as Record<string, unknown>,
});

const at = (day: string, hour = 12): string => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

export const registered = (c: string, day: string) => envelope(c, 'crm.customer.registered', at(day, 8), { email: `${c}@example.com` });
export const order = (c: string, day: string, orderId: string, totalMinor: number, currency = 'EUR') =>
  envelope(c, 'crm.order.completed', at(day), { orderId, totalMinor, currency });
export const refund = (c: string, day: string, orderId: string, amountMinor: number, currency = 'EUR') =>
  envelope(c, 'crm.order.refunded', at(day), { orderId, amountMinor, currency });
export const lead = (c: string, day: string) => envelope(c, 'crm.lead.captured', at(day, 9), { source: 'webinar' });
export const stage = (c: string, day: string, opportunityId: string, to: string) => envelope(c, 'crm.opportunity.stage-changed', at(day), { opportunityId, to });
export const npsAnswer = (c: string, day: string, score: number) => envelope(c, 'crm.survey.answered', at(day), { surveyId: 's', kind: 'nps', score });
export const csatAnswer = (c: string, day: string, score: number) => envelope(c, 'crm.survey.answered', at(day), { surveyId: 's', kind: 'csat', score });
export const ticketOpened = (c: string, time: string, ticketId: string) => envelope(c, 'crm.ticket.opened', time, { ticketId, channel: 'email', subject: 'help', priority: 'normal' });
export const ticketResolved = (c: string, time: string, ticketId: string, extra: object = {}) => envelope(c, 'crm.ticket.resolved', time, { ticketId, ...extra });
export const merged = (mergedId: string, survivorId: string, day: string) =>
  envelope(mergedId, 'crm.customer.merged', at(day, 23), { survivorId, mergedId, reason: 'identity', identity: { kind: 'email', value: `${survivorId}@example.com` } });
const balances = { balance: 0, lifetimeEarned: 0 };
export const pointsEarned = (c: string, day: string, points: number) =>
  envelope(c, 'crm.loyalty.points-earned', at(day), { ...balances, points, rule: 'order', sourceEventId: `${c}-${day}`, earnedAt: at(day) });
export const pointsRedeemed = (c: string, day: string, points: number) => envelope(c, 'crm.loyalty.points-redeemed', at(day), { ...balances, points, redemptionId: `${c}-r` });
export const redemptionReversed = (c: string, day: string, points: number) =>
  envelope(c, 'crm.loyalty.redemption-reversed', at(day), { ...balances, points, redemptionId: `${c}-r`, reason: 'cancelled' });
export const pointsExpired = (c: string, day: string, points: number) => envelope(c, 'crm.loyalty.points-expired', at(day), { ...balances, points, runAt: at(day) });
export const tierDowngraded = (c: string, day: string) => envelope(c, 'crm.loyalty.tier-downgraded', at(day), { from: 'gold', to: 'silver', reason: 'lifetime points' });
export const segmentEntered = (c: string, day: string, segmentId: string) =>
  envelope(c, 'crm.segment.entered', at(day), { segmentId, segmentName: segmentId.toUpperCase(), segmentVersion: 1, reason: 'rule', at: at(day) });
export const segmentExited = (c: string, day: string, segmentId: string) =>
  envelope(c, 'crm.segment.exited', at(day), { segmentId, segmentName: segmentId.toUpperCase(), segmentVersion: 1, reason: 'rule', at: at(day) });

/**
 * March–April 2026. April = 2026-04-01…30 (30 days); the previous 30 days are 2026-03-02…31.
 * Hand-worked figures for April are in `APRIL` below.
 */
export const journeys = (): EventEnvelope[] => [
  // ana: March buyer who comes back in April; one April order partly refunded
  registered('ana', '2026-03-02'),
  order('ana', '2026-03-05', 'a1', 1000),
  ticketOpened('ana', '2026-04-01T10:00:00.000Z', 't1'),
  ticketResolved('ana', '2026-04-02T10:00:00.000Z', 't1', { satisfaction: 2 }),
  stage('ana', '2026-04-01', 'op1', 'lead'),
  stage('ana', '2026-04-03', 'op1', 'qualified'),
  order('ana', '2026-04-10', 'a2', 3000),
  npsAnswer('ana', '2026-04-11', 10),
  refund('ana', '2026-04-12', 'a2', 1000),
  stage('ana', '2026-04-20', 'op1', 'won'),
  pointsEarned('ana', '2026-04-10', 100),
  pointsRedeemed('ana', '2026-04-15', 40),
  redemptionReversed('ana', '2026-04-16', 10),
  // ben: a lead who buys twice on one day; a detractor
  ticketOpened('ben', '2026-03-31T22:00:00.000Z', 't2'),
  lead('ben', '2026-04-01'),
  ticketResolved('ben', '2026-04-01T04:00:00.000Z', 't2'),
  stage('ben', '2026-04-01', 'op2', 'lead'),
  stage('ben', '2026-04-02', 'op2', 'qualified'),
  order('ben', '2026-04-03', 'b1', 2000),
  order('ben', '2026-04-03', 'b2', 500),
  pointsEarned('ben', '2026-04-03', 50),
  csatAnswer('ben', '2026-04-05', 4),
  stage('ben', '2026-04-05', 'op3', 'qualified'),
  stage('ben', '2026-04-08', 'op2', 'proposal'),
  npsAnswer('ben', '2026-04-20', 3),
  stage('ben', '2026-04-22', 'op2', 'lost'),
  // cy: March buyer (USD) who does not come back; a passive
  order('cy', '2026-03-20', 'c1', 700, 'USD'),
  npsAnswer('cy', '2026-04-02', 8),
  pointsExpired('cy', '2026-04-05', 20),
  ticketOpened('cy', '2026-04-20T00:00:00.000Z', 't3'),
  ticketResolved('cy', '2026-04-21T09:00:00.000Z', 't3', { resolvedAt: '2026-04-20T02:00:00.000Z' }),
  // eve (anonymous lead) turns out to be fay
  lead('eve', '2026-04-02'),
  merged('eve', 'fay', '2026-04-07'),
  order('fay', '2026-04-08', 'f1', 1500),
  npsAnswer('fay', '2026-04-09', 9),
  // gus bought in March; hal, later merged into gus, in April; gus again in April
  order('gus', '2026-03-10', 'g1', 100),
  order('hal', '2026-04-18', 'h1', 200),
  pointsEarned('hal', '2026-04-18', 30),
  ticketResolved('hal', '2026-04-10T12:00:00.000Z', 't5'),
  merged('hal', 'gus', '2026-04-19'),
  order('gus', '2026-04-25', 'g2', 300),
  tierDowngraded('gus', '2026-04-20'),
  ticketOpened('gus', '2026-04-28T00:00:00.000Z', 't4'),
  // ivy: a lead who never buys; jon: bought before becoming a lead
  lead('ivy', '2026-04-20'),
  order('jon', '2026-04-05', 'j1', 1250),
  lead('jon', '2026-04-06'),
  // outside April
  ticketOpened('jon', '2026-04-30T20:00:00.000Z', 't6'),
  ticketResolved('jon', '2026-05-01T02:00:00.000Z', 't6'),
  order('ana', '2026-05-03', 'a3', 999),
];

export const APRIL = { from: '2026-04-01', to: '2026-04-30' } as const;
export const MERGES: [string, string][] = [
  ['eve', 'fay'],
  ['hal', 'gus'],
];
