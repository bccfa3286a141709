import { CUSTOMER_MERGED, ORDER_COMPLETED, ORDER_REFUNDED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import type { LoyaltyCommand } from '../account/loyalty-commands';
import { matchingRules } from '../earning/event-rules';
import type { LoyaltyProgram } from '../program/loyalty-program';

/** A command for one customer's account. */
export interface AccountCommand {
  readonly customerId: string;
  readonly command: LoyaltyCommand;
}

/**
 * What a customer event asks of loyalty accounts: a completed order earns, a refund reverses, a
 * merge hands the merged customer's account to the survivor, and events matching an earn rule of
 * the program earn by that rule. Everything else asks nothing. The command's time is the event's,
 * so redelivery and replays decide the same.
 */
export function commandsForCustomerEvent(envelope: EventEnvelope, program: LoyaltyProgram): AccountCommand[] {
  const event = envelope as CustomerEvent;
  const customerId = envelope.subject;
  const base = { sourceEventId: envelope.id, at: envelope.time };
  switch (event.type) {
    case ORDER_COMPLETED:
      return [
        {
          customerId,
          command: {
            type: 'EarnForOrder',
            ...base,
            orderId: event.data.orderId,
            totalMinor: event.data.totalMinor,
            currency: event.data.currency,
            ...(event.data.items ? { items: event.data.items } : {}),
          },
        },
      ];
    case ORDER_REFUNDED:
      return [{ customerId, command: { type: 'ReverseForRefund', ...base, orderId: event.data.orderId, amountMinor: event.data.amountMinor, currency: event.data.currency } }];
    case CUSTOMER_MERGED:
      return [{ customerId, command: { type: 'TransferOnMerge', ...base, survivorId: event.data.survivorId } }];
    default:
      return matchingRules(program, envelope.type, envelope.data).length > 0
        ? [{ customerId, command: { type: 'EarnForCustomerEvent', ...base, eventType: envelope.type, data: envelope.data } }]
        : [];
  }
}
