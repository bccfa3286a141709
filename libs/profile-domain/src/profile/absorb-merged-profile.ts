import { scheduleReview } from '../lifecycle/lifecycle-status';
import type { ProfileIdentifier } from '../identity/identifier';
import { emptyProfile, type ConsentMap, type CustomerProfile, type SurveyScore } from './customer-profile';
import { addRevenue, isFullyRefunded, trimLedger, type OrderRecord } from './order-ledger';
import { PERSONAL_FIELDS } from './personal-data';

const DETAIL_FIELDS = [...PERSONAL_FIELDS, 'country', 'acquisitionChannel', 'leadSource'] as const;

const later = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(b) > Date.parse(a) ? b : a;
const earlier = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(b) < Date.parse(a) ? b : a;
const newer = (a: SurveyScore | undefined, b: SurveyScore | undefined): SurveyScore | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(b.at) > Date.parse(a.at) ? b : a;

/**
 * Pure: the survivor's profile once it has taken in a customer merged into it (applied once per
 * merged customer; see the projection's `absorb`). Counts and money add up (each event lives in
 * one stream, so nothing is counted twice), first/last times widen, identifiers and consents
 * join, and details the survivor lacks come from the merged profile — the survivor's own values
 * win, and an erased survivor takes no personal data. `eventCount` stays the survivor's own (the
 * events applied to this document, which reconciles with its stream). Loyalty and segments stay the survivor's
 * (those services re-judge the survivor and publish its new state). The stage is reviewed at the
 * merge: the change is recorded by the next review (an event of the survivor or the sweep).
 */
export function absorbMergedProfile(
  survivorOrNull: CustomerProfile | null,
  merged: CustomerProfile,
  survivorId: string,
): CustomerProfile {
  const survivor = survivorOrNull ?? emptyProfile(survivorId);
  const details: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) {
    if (survivor[field] === undefined && merged[field] !== undefined && (!survivor.erasedAt || !isPersonal(field))) details[field] = merged[field];
  }
  const personal = survivor.erasedAt
    ? {}
    : {
        preferences: { ...merged.preferences, ...survivor.preferences },
        identifiers: joinIdentifiers(survivor.identifiers, merged.identifiers),
        consents: joinConsents(survivor.consents, merged.consents),
      };

  let revenue = survivor.revenue;
  for (const r of merged.revenue) revenue = addRevenue(revenue, r.currency, { orders: r.orders, grossMinor: r.grossMinor, refundedMinor: r.refundedMinor });
  const revenueMinorByCurrency: Record<string, number> = { ...survivor.revenueMinorByCurrency };
  for (const [currency, amount] of Object.entries(merged.revenueMinorByCurrency)) revenueMinorByCurrency[currency] = (revenueMinorByCurrency[currency] ?? 0) + amount;
  const ledger = joinLedgers(survivor.orderHistory, merged.orderHistory);

  const openTicketIds = [...new Set([...survivor.openTicketIds, ...merged.openTicketIds])]
    .filter((t) => !survivor.resolvedTicketIds.includes(t) && !merged.resolvedTicketIds.includes(t))
    .sort();
  const resolvedTicketIds = [...new Set([...survivor.resolvedTicketIds, ...merged.resolvedTicketIds])].filter((t) => !openTicketIds.includes(t));
  const prospect =
    survivor.prospect && merged.prospect
      ? Date.parse(merged.prospect.since) < Date.parse(survivor.prospect.since)
        ? merged.prospect
        : survivor.prospect
      : (survivor.prospect ?? merged.prospect);

  const mergedAt = merged.mergedAt ?? merged.lifecycle.asOf ?? merged.lastSeenAt;
  const asOf = later(survivor.lifecycle.asOf, merged.lifecycle.asOf);
  const reviewAt = later(asOf, mergedAt);
  const lifecycle = reviewAt ? scheduleReview({ ...survivor.lifecycle, ...(asOf ? { asOf } : {}) }, reviewAt) : survivor.lifecycle;

  return dropUndefined({
    ...details,
    ...survivor,
    ...personal,
    firstSeenAt: earlier(survivor.firstSeenAt, merged.firstSeenAt),
    lastSeenAt: later(survivor.lastSeenAt, merged.lastSeenAt),
    lastActivityAt: later(survivor.lastActivityAt, merged.lastActivityAt),
    registeredAt: earlier(survivor.registeredAt, merged.registeredAt),
    orders: survivor.orders + merged.orders,
    fullyRefundedOrders: ledger.fullyRefundedOrders(survivor.fullyRefundedOrders + merged.fullyRefundedOrders),
    revenueMinorByCurrency,
    revenue,
    refunds: survivor.refunds + merged.refunds,
    firstOrderAt: earlier(survivor.firstOrderAt, merged.firstOrderAt),
    lastOrderAt: later(survivor.lastOrderAt, merged.lastOrderAt),
    orderHistory: ledger.orders,
    openTicketIds,
    openTickets: openTicketIds.length,
    ticketsOpened: survivor.ticketsOpened + merged.ticketsOpened,
    resolvedTicketIds,
    lastNps: newer(survivor.lastNps, merged.lastNps),
    lastCsat: newer(survivor.lastCsat, merged.lastCsat),
    prospect,
    loyalty: survivor.loyalty ?? merged.loyalty,
    lifecycle,
    mergedFrom: [...new Set([...(survivor.mergedFrom ?? []), merged.customerId, ...(merged.mergedFrom ?? [])])].sort(),
  } as CustomerProfile);
}

const isPersonal = (field: string): boolean => (PERSONAL_FIELDS as readonly string[]).includes(field);

function joinIdentifiers(a: readonly ProfileIdentifier[], b: readonly ProfileIdentifier[]): ProfileIdentifier[] {
  const joined = [...a];
  for (const id of b) if (!joined.some((i) => i.kind === id.kind && i.value === id.value)) joined.push(id);
  return joined;
}

function joinConsents(a: ConsentMap, b: ConsentMap): ConsentMap {
  const joined: Record<string, Record<string, { at: string }>> = JSON.parse(JSON.stringify(a));
  for (const [channel, purposes] of Object.entries(b)) {
    for (const [purpose, state] of Object.entries(purposes ?? {})) {
      const mine = joined[channel]?.[purpose];
      if (!mine || Date.parse(state.at) > Date.parse(mine.at)) joined[channel] = { ...(joined[channel] ?? {}), [purpose]: state };
    }
  }
  return joined as ConsentMap;
}

/**
 * Both ledgers as one. An order known to both (completed under one id, refunded under the other)
 * becomes one record, which can make it fully refunded now: the count is corrected for that.
 */
function joinLedgers(a: readonly OrderRecord[], b: readonly OrderRecord[]) {
  const byId = new Map(a.map((o) => [o.orderId, o]));
  let correction = 0;
  for (const o of b) {
    const mine = byId.get(o.orderId);
    if (!mine) {
      byId.set(o.orderId, o);
      continue;
    }
    const joined: OrderRecord = {
      ...mine,
      ...(mine.completedAt === undefined && o.completedAt !== undefined ? { completedAt: o.completedAt, totalMinor: o.totalMinor, currency: o.currency } : {}),
      refundedMinor: mine.refundedMinor + o.refundedMinor,
      at: earlier(mine.at, o.at) as string,
    };
    correction += (isFullyRefunded(joined) ? 1 : 0) - (isFullyRefunded(mine) ? 1 : 0) - (isFullyRefunded(o) ? 1 : 0);
    byId.set(o.orderId, joined);
  }
  return { orders: trimLedger([...byId.values()]), fullyRefundedOrders: (sum: number) => sum + correction };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
