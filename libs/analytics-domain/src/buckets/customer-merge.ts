import { CUSTOMER_MERGED, type CustomerMerged, type EventEnvelope } from '@crm/contracts';

/**
 * A merge as analytics needs it: which id now counts as which. One small document per merged
 * customer, so resolving merges reads a handful of documents, not every customer's history.
 */
export interface CustomerMerge {
  mergedId: string;
  survivorId: string;
}

export const customerMergeKey = (envelope: EventEnvelope): string | null => (envelope.type === CUSTOMER_MERGED ? envelope.subject : null);

export function evolveCustomerMerge(state: CustomerMerge | null, envelope: EventEnvelope): CustomerMerge | null {
  if (envelope.type !== CUSTOMER_MERGED) return state;
  return { mergedId: envelope.subject, survivorId: (envelope as unknown as CustomerMerged).data.survivorId };
}
