import { bucketsFromEvents } from '../replay';
import { journeys, merged, order, pointsEarned, refund, segmentEntered, segmentExited, ticketOpened, ticketResolved, envelope } from '../testing/journeys';
import { customerDayId, evolveCustomerDay, summariseDays, type CustomerDay } from './customer-day';
import { combineHistories, evolveCustomerHistory, type CustomerHistory } from './customer-history';
import { BUCKET_KEYS } from './routing';
import { evolveSegmentMembership, segmentSizes } from './segment-membership';
import { evolveTicket } from './ticket';

const fold = <T>(evolve: (s: T | null, e: ReturnType<typeof envelope>) => T | null, events: ReturnType<typeof envelope>[]): T | null =>
  events.reduce<T | null>((s, e) => evolve(s, e), null);

describe('customer-day', () => {
  it('keys documents by UTC day and customer', () => {
    expect(customerDayId(envelope('c1', 't', '2026-03-01T23:30:00-02:00'))).toBe('2026-03-02|c1');
  });

  it('counts orders and revenue per currency, refunds apart', () => {
    const day = fold(evolveCustomerDay, [order('a', '2026-04-01', 'o1', 500), order('a', '2026-04-01', 'o2', 100, 'USD'), refund('a', '2026-04-01', 'o0', 50)])!;
    expect(day).toMatchObject({ orders: 2, ordersByCurrency: { EUR: 1, USD: 1 }, revenueMinorByCurrency: { EUR: 500, USD: 100 }, refunds: 1, refundedMinorByCurrency: { EUR: 50 }, events: 3 });
  });

  it('fills in fields a document stored before they existed lacks', () => {
    const old = { day: '2026-04-01', customerId: 'a', orders: 1, revenueMinorByCurrency: { EUR: 5 }, registrations: 0, events: 1 } as unknown as CustomerDay;
    expect(evolveCustomerDay(old, refund('a', '2026-04-01', 'o1', 5))).toMatchObject({ orders: 1, refunds: 1, npsPromoters: 0, events: 2 });
  });

  it('rolls customer-days up per day', () => {
    const rows = bucketsFromEvents([order('a', '2026-04-01', 'o1', 5), order('b', '2026-04-01', 'o2', 7), order('a', '2026-04-02', 'o3', 1)]).customerDays;
    expect(summariseDays(rows)).toEqual([
      { day: '2026-04-01', orders: 2, revenueMinorByCurrency: { EUR: 12 }, newCustomers: 0, activeCustomers: 2 },
      { day: '2026-04-02', orders: 1, revenueMinorByCurrency: { EUR: 1 }, newCustomers: 0, activeCustomers: 1 },
    ]);
    expect(summariseDays([])).toEqual([]);
  });
});

describe('routing', () => {
  it('sends each event to the buckets of its stream; a merge is not a day’s activity', () => {
    const keysOf = (e: ReturnType<typeof envelope>) => Object.fromEntries(Object.entries(BUCKET_KEYS).map(([k, f]) => [k, f(e)]));
    const none = { customerDay: null, loyaltyDay: null, customerHistory: null, ticket: null, merge: null, segmentMembership: null };
    expect(keysOf(order('a', '2026-04-01', 'o1', 5))).toEqual({ ...none, customerDay: '2026-04-01|a', customerHistory: 'a' });
    expect(keysOf(merged('a', 'b', '2026-04-01'))).toEqual({ ...none, customerHistory: 'a', merge: 'a' });
    expect(keysOf(pointsEarned('a', '2026-04-01', 5))).toEqual({ ...none, loyaltyDay: '2026-04-01|a' });
    expect(keysOf(segmentEntered('a', '2026-04-01', 'vip'))).toEqual({ ...none, segmentMembership: 'a' });
    expect(keysOf(ticketOpened('a', '2026-04-01T00:00:00Z', 't.1'))).toMatchObject({ ticket: 'a|t.1', customerHistory: 'a' });
  });
});

describe('customer history', () => {
  it('keeps purchase days ascending even when an event is back-dated, and attributes refunds to the order’s day', () => {
    const h = fold(evolveCustomerHistory, [
      order('a', '2026-04-10', 'o2', 300),
      order('a', '2026-04-01', 'o1', 100),
      order('a', '2026-04-10', 'o3', 50),
      refund('a', '2026-04-20', 'o1', 40),
      refund('a', '2026-04-20', 'unknown', 7),
    ])!;
    expect(h.purchases).toEqual([
      { day: '2026-04-01', orders: 1, revenueMinorByCurrency: { EUR: 100 }, refundedMinorByCurrency: { EUR: 40 } },
      { day: '2026-04-10', orders: 2, revenueMinorByCurrency: { EUR: 350 }, refundedMinorByCurrency: {} },
    ]);
    expect(h.refunds).toEqual([{ day: '2026-04-20', refundedMinorByCurrency: { EUR: 47 } }]);
    expect(h.firstSeenDay).toBe('2026-04-01');
  });

  it('tracks open tickets and the last detractor answer; a merge only records the survivor', () => {
    const h = fold(evolveCustomerHistory, [
      ticketOpened('a', '2026-04-01T00:00:00Z', 't1'),
      ticketOpened('a', '2026-04-02T00:00:00Z', 't2'),
      ticketResolved('a', '2026-04-03T00:00:00Z', 't1'),
      envelope('a', 'crm.survey.answered', '2026-04-04T00:00:00Z', { surveyId: 's', kind: 'nps', score: 6 }),
      envelope('a', 'crm.survey.answered', '2026-04-05T00:00:00Z', { surveyId: 's', kind: 'nps', score: 9 }),
      merged('a', 'b', '2026-05-01'),
    ])!;
    expect(h).toMatchObject({ openTickets: [{ ticketId: 't2', openedAt: '2026-04-02T00:00:00Z' }], lastDetractorDay: '2026-04-04', mergedInto: 'b', firstSeenDay: '2026-04-01' });
  });

  it('combines a survivor with the customers merged into it, adding purchases of the same day', () => {
    const x = fold(evolveCustomerHistory, [order('x', '2026-04-02', 'x1', 10), order('x', '2026-04-05', 'x2', 5)])!;
    const y = fold(evolveCustomerHistory, [order('y', '2026-04-01', 'y1', 1), order('y', '2026-04-05', 'y2', 2, 'USD'), merged('y', 'x', '2026-04-06')])!;
    const combined = combineHistories('x', [x, y]);
    expect(combined.purchases).toEqual([
      { day: '2026-04-01', orders: 1, revenueMinorByCurrency: { EUR: 1 }, refundedMinorByCurrency: {} },
      { day: '2026-04-02', orders: 1, revenueMinorByCurrency: { EUR: 10 }, refundedMinorByCurrency: {} },
      { day: '2026-04-05', orders: 2, revenueMinorByCurrency: { EUR: 5, USD: 2 }, refundedMinorByCurrency: {} },
    ]);
    expect(combined).toMatchObject({ customerId: 'x', firstSeenDay: '2026-04-01', mergedInto: null });
    expect(combined.orders).toHaveLength(4);
  });
});

describe('ticket', () => {
  it('times a resolution from the opening, preferring resolvedAt to the event time', () => {
    const t = fold(evolveTicket, [ticketOpened('a', '2026-04-01T10:00:00Z', 't1'), ticketResolved('a', '2026-04-03T00:00:00Z', 't1', { resolvedAt: '2026-04-01T13:30:00Z' })]);
    expect(t).toEqual({ customerId: 'a', ticketId: 't1', openedAt: '2026-04-01T10:00:00Z', resolvedAt: '2026-04-01T13:30:00Z', resolvedDay: '2026-04-01', resolutionHours: 3.5 });
  });

  it('times a reopened ticket from its new opening', () => {
    const t = fold(evolveTicket, [
      ticketOpened('a', '2026-04-01T00:00:00Z', 't1'),
      ticketResolved('a', '2026-04-01T01:00:00Z', 't1'),
      ticketOpened('a', '2026-04-05T00:00:00Z', 't1'),
      ticketResolved('a', '2026-04-05T02:00:00Z', 't1'),
    ]);
    expect(t).toMatchObject({ openedAt: '2026-04-05T00:00:00Z', resolvedDay: '2026-04-05', resolutionHours: 2 });
  });

  it('knows no duration for a resolution without an opening', () => {
    expect(fold(evolveTicket, [ticketResolved('a', '2026-04-03T00:00:00Z', 't9')])).toMatchObject({ openedAt: null, resolvedDay: '2026-04-03', resolutionHours: null });
  });
});

describe('segment membership', () => {
  it('enters, re-enters without losing `since`, and exits', () => {
    const m = fold(evolveSegmentMembership, [segmentEntered('a', '2026-04-01', 'vip'), segmentEntered('a', '2026-04-02', 'eu'), segmentEntered('a', '2026-04-03', 'vip'), segmentExited('a', '2026-04-04', 'eu')]);
    expect(m).toEqual({ customerId: 'a', segments: [{ segmentId: 'vip', segmentName: 'VIP', since: '2026-04-01T12:00:00.000Z' }] });
  });

  it('counts members per segment, largest first', () => {
    const buckets = bucketsFromEvents([segmentEntered('a', '2026-04-01', 'vip'), segmentEntered('b', '2026-04-01', 'vip'), segmentEntered('b', '2026-04-01', 'eu'), segmentExited('a', '2026-04-02', 'vip'), segmentEntered('c', '2026-04-01', 'eu')]);
    expect(segmentSizes(buckets.memberships)).toEqual([
      { segmentId: 'eu', segmentName: 'EU', members: 2 },
      { segmentId: 'vip', segmentName: 'VIP', members: 1 },
    ]);
  });
});

it('recomputes every bucket of the fixture journeys', () => {
  const b = bucketsFromEvents(journeys());
  expect(b.histories.map((h: CustomerHistory) => h.customerId).sort()).toEqual(['ana', 'ben', 'cy', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon']);
  expect(b.tickets).toHaveLength(6);
  expect(b.merges).toEqual([
    { mergedId: 'eve', survivorId: 'fay' },
    { mergedId: 'hal', survivorId: 'gus' },
  ]);
  expect(b.loyaltyDays.length).toBeGreaterThan(0);
});
