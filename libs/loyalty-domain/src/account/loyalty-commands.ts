import type { AccountTransfer, LoyaltyEvent } from '@crm/contracts';
import type { OrderLine } from '../earning/order-points';

/** What can be asked of a loyalty account. `at` is the command's time: the causing event's, or now. */
export type LoyaltyCommand =
  | { readonly type: 'EarnForOrder'; readonly sourceEventId: string; readonly orderId: string; readonly totalMinor: number; readonly currency: string; readonly items?: readonly OrderLine[]; readonly at: string }
  | { readonly type: 'EarnForCustomerEvent'; readonly sourceEventId: string; readonly eventType: string; readonly data: unknown; readonly at: string }
  | { readonly type: 'ReverseForRefund'; readonly sourceEventId: string; readonly orderId: string; readonly amountMinor: number; readonly currency: string; readonly at: string }
  | { readonly type: 'RedeemPoints'; readonly redemptionId: string; readonly points: number; readonly at: string }
  | { readonly type: 'RedeemReward'; readonly redemptionId: string; readonly rewardId: string; readonly code: string; readonly at: string }
  | { readonly type: 'ReverseRedemption'; readonly redemptionId: string; readonly reason: string; readonly at: string }
  | { readonly type: 'ExpireDueLots'; readonly at: string }
  | { readonly type: 'ReevaluateTier'; readonly at: string }
  | { readonly type: 'AdjustPoints'; readonly adjustmentId: string; readonly points: number; readonly reason: string; readonly at: string }
  /** On the merged customer's account: hand everything to the survivor. */
  | { readonly type: 'TransferOnMerge'; readonly sourceEventId: string; readonly survivorId: string; readonly at: string }
  /** On the survivor's account: take in what the merged account handed over (`transferEventId` is that hand-over event). */
  | { readonly type: 'ReceiveMergedAccount'; readonly transferEventId: string; readonly mergedId: string; readonly transfer: AccountTransfer; readonly at: string };

export type LoyaltyCommandType = LoyaltyCommand['type'];

/** An event decided but not yet stored: the store gives it an id, a subject and a time. */
export type NewLoyaltyEvent = LoyaltyEvent extends infer E ? (E extends LoyaltyEvent ? { readonly type: E['type']; readonly data: E['data'] } : never) : never;

/**
 * The idempotency key of a command: the events it decides get ids derived from it, so the same
 * command decided twice on the same state names the same events. Commands that depend only on the
 * account's state and the clock (expiry, tier re-evaluation) have none: their ids come from the
 * revision they were decided at.
 */
export function commandKey(command: LoyaltyCommand): string | null {
  switch (command.type) {
    case 'EarnForOrder':
    case 'EarnForCustomerEvent':
    case 'ReverseForRefund':
      return `${command.type}:${command.sourceEventId}`;
    case 'RedeemPoints':
    case 'RedeemReward':
      return `Redeem:${command.redemptionId}`;
    case 'ReverseRedemption':
      return `ReverseRedemption:${command.redemptionId}`;
    case 'AdjustPoints':
      return `AdjustPoints:${command.adjustmentId}`;
    case 'TransferOnMerge':
      return `TransferOnMerge:${command.sourceEventId}`;
    case 'ReceiveMergedAccount':
      return `ReceiveMergedAccount:${command.transferEventId}`;
    case 'ExpireDueLots':
    case 'ReevaluateTier':
      return null;
  }
}
