import {
  LOYALTY_POINTS_ADJUSTED,
  LOYALTY_POINTS_EARNED,
  LOYALTY_POINTS_EXPIRED,
  LOYALTY_POINTS_REDEEMED,
  LOYALTY_REDEMPTION_REVERSED,
  LOYALTY_REWARD_ISSUED,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_TIER_UPGRADED,
  type LoyaltyEvent,
  type TransferredLot,
} from '@crm/contracts';
import { matchingRules, awardForRule } from '../earning/event-rules';
import { pointsForOrder } from '../earning/order-points';
import { findReward, tierIndex, tierOf, type LoyaltyProgram } from '../program/loyalty-program';
import { reevaluateTier, upgradeAt, type TierChange } from '../tiers/tier-qualification';
import { addMonths, millis, toInstant } from '../time';
import { evolveAccount, type LoyaltyAccount } from './loyalty-account';
import type { LoyaltyCommand, NewLoyaltyEvent } from './loyalty-commands';
import { loyaltyError, type LoyaltyError } from './loyalty-error';
import { movedPoints, planDebit, remainingPoints } from './lots';

export type Decision = { readonly ok: true; readonly events: readonly NewLoyaltyEvent[] } | { readonly ok: false; readonly error: LoyaltyError };

const accept = (events: readonly NewLoyaltyEvent[]): Decision => ({ ok: true, events });
const refuse = (error: LoyaltyError): Decision => ({ ok: false, error });
const NOTHING = accept([]);

/**
 * Pure: what the account does with a command, given its state, the program and the time. Returns
 * the events to append (none when the command was already applied, so redelivery is a no-op) or
 * a refusal. Every points-moving event carries the balance and lifetime points after it.
 */
export function decideLoyalty(command: LoyaltyCommand, state: LoyaltyAccount, program: LoyaltyProgram): Decision {
  const at = toInstant(command.at);
  switch (command.type) {
    case 'EarnForOrder': {
      if (state.mergedInto !== null) return refuse(merged(state));
      if (state.orders.some((o) => o.orderId === command.orderId) || state.lots.some((l) => l.sourceEventId === command.sourceEventId)) return NOTHING;
      const { points, breakdown } = pointsForOrder(program, { totalMinor: command.totalMinor, currency: command.currency, items: command.items, at }, tierOf(program, state.tier));
      if (points <= 0) return NOTHING;
      const earned: NewLoyaltyEvent = {
        type: LOYALTY_POINTS_EARNED,
        data: {
          points,
          rule: 'order',
          sourceEventId: command.sourceEventId,
          orderId: command.orderId,
          spendMinor: command.totalMinor,
          currency: command.currency,
          earnedAt: at,
          ...expiry(program, at),
          breakdown,
          balance: state.balance + points,
          lifetimeEarned: state.lifetimeEarned + points,
        },
      };
      return accept(withUpgrade(state, [earned], program, at));
    }
    case 'EarnForCustomerEvent': {
      if (state.mergedInto !== null) return refuse(merged(state));
      const events: NewLoyaltyEvent[] = [];
      let current = state;
      for (const rule of matchingRules(program, command.eventType, command.data)) {
        if (current.lots.some((l) => l.sourceEventId === command.sourceEventId && l.rule === rule.id)) continue;
        const award = awardForRule(rule, program, current.lots, at);
        if (award.points <= 0) continue;
        const earned: NewLoyaltyEvent = {
          type: LOYALTY_POINTS_EARNED,
          data: {
            points: award.points,
            rule: rule.id,
            sourceEventId: command.sourceEventId,
            earnedAt: at,
            ...expiry(program, at),
            breakdown: {
              basePoints: rule.points,
              categoryPoints: rule.points,
              tierMultiplier: 1,
              campaignMultiplier: award.campaignMultiplier,
              ...(award.campaignId ? { campaignId: award.campaignId } : {}),
              ...(award.cappedFrom !== undefined ? { cappedFrom: award.cappedFrom } : {}),
            },
            balance: current.balance + award.points,
            lifetimeEarned: current.lifetimeEarned + award.points,
          },
        };
        events.push(earned);
        current = simulate(current, [earned], at);
      }
      return accept(events.length === 0 ? [] : withUpgrade(state, events, program, at));
    }
    case 'ReverseForRefund':
      return decideRefund(command, state, program);
    case 'RedeemPoints':
    case 'RedeemReward':
      return decideRedemption(command, state, program);
    case 'ReverseRedemption': {
      const redemption = state.redemptions.find((r) => r.redemptionId === command.redemptionId);
      if (!redemption) return refuse(loyaltyError('unknown-redemption', `redemption ${command.redemptionId} not found on account ${state.customerId}`));
      if (redemption.reversed) return NOTHING;
      if (state.mergedInto !== null) return refuse(merged(state));
      return accept([
        {
          type: LOYALTY_REDEMPTION_REVERSED,
          data: {
            redemptionId: redemption.redemptionId,
            points: redemption.points,
            reason: command.reason,
            ...(redemption.rewardId ? { rewardId: redemption.rewardId } : {}),
            lots: redemption.lots,
            balance: state.balance + redemption.points,
            lifetimeEarned: state.lifetimeEarned,
          },
        },
      ]);
    }
    case 'ExpireDueLots': {
      const due = state.lots.filter((l) => l.remaining > 0 && l.expiresAt !== null && millis(l.expiresAt) <= millis(at));
      if (due.length === 0) return NOTHING;
      const lots = due.map((l) => ({ lotId: l.lotId, points: l.remaining }));
      const points = movedPoints(lots);
      return accept([{ type: LOYALTY_POINTS_EXPIRED, data: { points, runAt: at, lots, balance: state.balance - points, lifetimeEarned: state.lifetimeEarned } }]);
    }
    case 'ReevaluateTier': {
      if (state.mergedInto !== null) return NOTHING;
      const change = reevaluateTier(state, program, at);
      return accept(change ? [tierEvent(change)] : []);
    }
    case 'AdjustPoints': {
      if (state.mergedInto !== null) return refuse(merged(state));
      if (state.handledSources.includes(command.adjustmentId)) return NOTHING;
      if (!Number.isSafeInteger(command.points) || command.points === 0) return refuse(loyaltyError('invalid-points', 'an adjustment moves a whole, non-zero number of points'));
      if (command.points > 0) {
        return accept([
          {
            type: LOYALTY_POINTS_ADJUSTED,
            data: {
              points: command.points,
              reason: command.reason,
              kind: 'manual',
              sourceEventId: command.adjustmentId,
              ...expiry(program, at),
              balance: state.balance + command.points,
              lifetimeEarned: state.lifetimeEarned,
            },
          },
        ]);
      }
      const take = -command.points;
      if (state.balance - take < program.refunds.balanceFloor) {
        return refuse(loyaltyError('insufficient-points', `taking ${take} points would leave ${state.balance - take}, below the floor of ${program.refunds.balanceFloor}`));
      }
      const lots = planDebit(state.lots, Math.min(take, remainingPoints(state.lots)));
      return accept([
        {
          type: LOYALTY_POINTS_ADJUSTED,
          data: { points: command.points, reason: command.reason, kind: 'manual', sourceEventId: command.adjustmentId, lots, balance: state.balance - take, lifetimeEarned: state.lifetimeEarned },
        },
      ]);
    }
    case 'TransferOnMerge': {
      if (state.mergedInto !== null || state.handledSources.includes(command.sourceEventId)) return NOTHING;
      const open = state.lots.filter((l) => l.remaining > 0);
      const lots: TransferredLot[] = open.map((l) => ({ lotId: l.lotId, points: l.remaining, earnedAt: l.earnedAt, expiresAt: l.expiresAt, rule: l.rule }));
      return accept([
        {
          type: LOYALTY_POINTS_ADJUSTED,
          data: {
            points: -state.balance,
            reason: `merged into customer ${command.survivorId}: points, orders and tier activity moved to the survivor's account`,
            kind: 'merge-out',
            sourceEventId: command.sourceEventId,
            mergedInto: command.survivorId,
            lots: open.map((l) => ({ lotId: l.lotId, points: l.remaining })),
            transfer: { lots, debt: state.debt, lifetimeEarned: state.lifetimeEarned, orders: state.orders, qualifying: state.qualifying },
            balance: 0,
            lifetimeEarned: state.lifetimeEarned,
          },
        },
      ]);
    }
    case 'ReceiveMergedAccount': {
      if (state.mergedInto !== null) return refuse(merged(state));
      if (state.mergedFrom.includes(command.mergedId) || state.handledSources.includes(command.transferEventId)) return NOTHING;
      const t = command.transfer;
      const points = t.lots.reduce((sum, l) => sum + l.points, 0) - t.debt;
      const credit: NewLoyaltyEvent = {
        type: LOYALTY_POINTS_ADJUSTED,
        data: {
          points,
          reason: `merged from customer ${command.mergedId}: their points (with their expiry), orders and tier activity`,
          kind: 'merge-in',
          sourceEventId: command.transferEventId,
          mergedFrom: command.mergedId,
          transfer: t,
          balance: state.balance + points,
          lifetimeEarned: state.lifetimeEarned + t.lifetimeEarned,
        },
      };
      return accept(withUpgrade(state, [credit], program, at));
    }
  }
}

function decideRefund(command: Extract<LoyaltyCommand, { type: 'ReverseForRefund' }>, state: LoyaltyAccount, program: LoyaltyProgram): Decision {
  if (state.mergedInto !== null) return refuse(merged(state));
  if (state.handledSources.includes(command.sourceEventId)) return NOTHING;
  const order = state.orders.find((o) => o.orderId === command.orderId);
  // An order that earned nothing here (none, or another currency) has nothing to take back.
  if (!order || order.currency !== command.currency || order.spendMinor <= 0) return NOTHING;
  const refundedAfter = Math.min(order.spendMinor, order.refundedMinor + command.amountMinor);
  const refundedNow = refundedAfter - order.refundedMinor;
  if (refundedNow <= 0) return NOTHING;
  // Proportional to the money refunded so far, so several partial refunds add up to the whole.
  const target = Math.round((order.points * refundedAfter) / order.spendMinor);
  const toReverse = Math.max(0, target - order.reversedPoints);
  const lots = planDebit(state.lots, toReverse, order.lotId);
  const taken = movedPoints(lots);
  const rest = toReverse - taken;
  const room = Math.max(0, state.balance - taken - program.refunds.balanceFloor);
  const owed = Math.min(rest, room);
  const writtenOff = rest - owed;
  return accept([
    {
      type: LOYALTY_POINTS_ADJUSTED,
      data: {
        points: -(taken + owed),
        reason:
          `refund of order ${command.orderId}` +
          (writtenOff > 0 ? `: ${writtenOff} points already spent were written off (balance floor ${program.refunds.balanceFloor})` : ''),
        kind: 'refund',
        orderId: command.orderId,
        sourceEventId: command.sourceEventId,
        refundedMinor: refundedNow,
        lots,
        writtenOff,
        balance: state.balance - taken - owed,
        lifetimeEarned: Math.max(0, state.lifetimeEarned - toReverse),
      },
    },
  ]);
}

function decideRedemption(command: Extract<LoyaltyCommand, { type: 'RedeemPoints' | 'RedeemReward' }>, state: LoyaltyAccount, program: LoyaltyProgram): Decision {
  const reward = command.type === 'RedeemReward' ? findReward(program, command.rewardId) : undefined;
  const existing = state.redemptions.find((r) => r.redemptionId === command.redemptionId);
  if (existing) {
    const same = command.type === 'RedeemReward' ? existing.rewardId === command.rewardId : existing.rewardId === null && existing.points === command.points;
    return same ? NOTHING : refuse(loyaltyError('request-id-reused', `request id ${command.redemptionId} was already used for a different redemption`));
  }
  if (state.mergedInto !== null) return refuse(merged(state));
  let points: number;
  if (command.type === 'RedeemReward') {
    if (!reward) return refuse(loyaltyError('unknown-reward', `reward ${command.rewardId} is not in the catalogue`));
    if (!reward.active) return refuse(loyaltyError('reward-unavailable', `reward ${reward.id} is not available at the moment`));
    if (reward.minTier !== null && tierIndex(program, state.tier) < tierIndex(program, reward.minTier)) {
      return refuse(loyaltyError('tier-too-low', `reward ${reward.id} needs tier ${reward.minTier}; the account is ${tierOf(program, state.tier).id}`));
    }
    points = reward.cost;
  } else {
    if (!Number.isSafeInteger(command.points) || command.points <= 0) return refuse(loyaltyError('invalid-points', 'points must be a positive whole number'));
    if (command.points < program.redemption.minimumPoints) return refuse(loyaltyError('below-minimum', `at least ${program.redemption.minimumPoints} points per redemption`));
    points = command.points;
  }
  if (state.balance < points) return refuse(loyaltyError('insufficient-points', `${points} points needed, ${Math.max(0, state.balance)} available`));
  const redeemed: NewLoyaltyEvent = {
    type: LOYALTY_POINTS_REDEEMED,
    data: {
      points,
      redemptionId: command.redemptionId,
      ...(reward ? { rewardId: reward.id } : {}),
      lots: planDebit(state.lots, points),
      balance: state.balance - points,
      lifetimeEarned: state.lifetimeEarned,
    },
  };
  if (!reward || command.type !== 'RedeemReward') return accept([redeemed]);
  return accept([redeemed, { type: LOYALTY_REWARD_ISSUED, data: { rewardId: reward.id, redemptionId: command.redemptionId, code: command.code, rewardName: reward.name } }]);
}

const merged = (state: LoyaltyAccount): LoyaltyError =>
  loyaltyError('account-merged', `customer ${state.customerId} was merged into ${state.mergedInto}; use that account`, { mergedInto: state.mergedInto ?? undefined });

const expiry = (program: LoyaltyProgram, at: string): { expiresAt?: string } =>
  program.expiry ? { expiresAt: addMonths(at, program.expiry.monthsAfterEarning) } : {};

const tierEvent = (change: TierChange): NewLoyaltyEvent => ({
  type: change.direction === 'upgrade' ? LOYALTY_TIER_UPGRADED : LOYALTY_TIER_DOWNGRADED,
  data: { from: change.from, to: change.to, reason: change.reason, qualifying: change.qualifying },
});

/** The events, followed by a tier upgrade when the account qualifies for one after them. */
function withUpgrade(state: LoyaltyAccount, events: NewLoyaltyEvent[], program: LoyaltyProgram, at: string): NewLoyaltyEvent[] {
  const change = upgradeAt(simulate(state, events, at), program, at);
  return change ? [...events, tierEvent(change)] : events;
}

/** The state after events not yet stored (placeholder ids: only balances and activity are read from it). */
export function simulate(state: LoyaltyAccount, events: readonly NewLoyaltyEvent[], at: string): LoyaltyAccount {
  return events.reduce(
    (s, e, i) => evolveAccount(s, { ...e, id: `undecided-${i}`, schemaVersion: 1, source: 'loyalty', subject: state.customerId, time: at } as LoyaltyEvent),
    state,
  );
}
