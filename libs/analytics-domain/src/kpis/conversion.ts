import { OPPORTUNITY_STAGES, type OpportunityStage } from '@crm/contracts';
import type { CustomerDay } from '../buckets/customer-day';
import { identity, type CanonicalId } from '../merges';
import { inPeriod, type Period } from '../period';
import { ratio } from './ratio';

/** The funnel's stages in order; `lost` leaves the funnel and is counted apart. */
export const FUNNEL_STAGES = OPPORTUNITY_STAGES.filter((s): s is Exclude<OpportunityStage, 'lost'> => s !== 'lost');

export interface FunnelStage {
  stage: Exclude<OpportunityStage, 'lost'>;
  /** Opportunities whose furthest stage reached in the period is this one or a later one. */
  opportunities: number;
  /** opportunities / those of the previous stage; null for the first stage or an empty previous one. */
  conversionFromPrevious: number | null;
}

export interface ConversionResult {
  /** Customers with a captured lead in the period. */
  leads: number;
  /** Of those, customers who completed an order on or after their first lead day in the period, up to its end. */
  convertedLeads: number;
  /** convertedLeads / leads; null without leads. */
  leadConversionRate: number | null;
  funnel: FunnelStage[];
  /** Opportunities moved to `lost` in the period. */
  lostOpportunities: number;
  /** won / opportunities that entered the funnel (reached its first stage or later); null when none did. */
  winRate: number | null;
}

export type ConversionRow = Pick<CustomerDay, 'day' | 'customerId' | 'leads' | 'orders' | 'opportunityStages'>;

/**
 * Lead → customer conversion and the opportunity funnel over a period.
 *
 * Leads: customers with a `crm.lead.captured` in the period; converted: those who completed an
 * order on or after the day of their first lead in the period and by its end (the lead and the
 * order may sit under two ids later merged: they count for the survivor).
 *
 * Funnel: each opportunity (per customer) counts once, at the furthest stage it reached in the
 * period; it also counts for every earlier stage (it passed them, even if a stage was skipped).
 * Each stage's conversion is its count over the previous stage's.
 */
export function conversion(rows: readonly ConversionRow[], period: Period, canonical: CanonicalId = identity): ConversionResult {
  const firstLead = new Map<string, string>();
  const orderDays = new Map<string, string[]>();
  const furthest = new Map<string, number>();
  const lost = new Set<string>();
  for (const row of rows) {
    if (!inPeriod(row.day, period)) continue;
    const id = canonical(row.customerId);
    if ((row.leads ?? 0) > 0) {
      const known = firstLead.get(id);
      if (known === undefined || row.day < known) firstLead.set(id, row.day);
    }
    if (row.orders > 0) orderDays.set(id, [...(orderDays.get(id) ?? []), row.day]);
    for (const [stage, opportunityIds] of Object.entries(row.opportunityStages ?? {}) as [OpportunityStage, string[]][]) {
      for (const opportunityId of opportunityIds) {
        const key = JSON.stringify([id, opportunityId]);
        if (stage === 'lost') {
          lost.add(key);
          continue;
        }
        const index = FUNNEL_STAGES.indexOf(stage);
        furthest.set(key, Math.max(furthest.get(key) ?? -1, index));
      }
    }
  }
  let convertedLeads = 0;
  for (const [id, leadDay] of firstLead) if ((orderDays.get(id) ?? []).some((day) => day >= leadDay)) convertedLeads++;

  const reached = FUNNEL_STAGES.map((_, index) => [...furthest.values()].filter((f) => f >= index).length);
  const funnel = FUNNEL_STAGES.map((stage, index) => ({
    stage,
    opportunities: reached[index],
    conversionFromPrevious: index === 0 ? null : ratio(reached[index], reached[index - 1]),
  }));
  return {
    leads: firstLead.size,
    convertedLeads,
    leadConversionRate: ratio(convertedLeads, firstLead.size),
    funnel,
    lostOpportunities: lost.size,
    winRate: ratio(reached[reached.length - 1], reached[0]),
  };
}
