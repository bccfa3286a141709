import type { QualifyingActivity } from '@crm/contracts';
import type { LoyaltyAccount } from '../account/loyalty-account';
import { tierIndex, tierOf, type LoyaltyProgram, type TierDefinition } from '../program/loyalty-program';
import { addMonths, laterOf, millis } from '../time';

/** What one activity counts toward tiers under the program's basis (points, or spend in one currency). */
function amountOf(entry: QualifyingActivity, program: LoyaltyProgram): number {
  const q = program.tierQualification;
  if (q.basis === 'points') return entry.points;
  return entry.currency === q.spendCurrency ? entry.spendMinor : 0;
}

/** Counts at `at` when it happened no later than `at` and, with a window, inside the window ending at `at`. */
function inWindow(entryAt: string, at: string, program: LoyaltyProgram): boolean {
  const t = millis(entryAt);
  if (t > millis(at)) return false;
  const months = program.tierQualification.windowMonths;
  return months === null || millis(addMonths(entryAt, months)) > millis(at);
}

/** Qualifying points or spend at `at`. */
export function qualifyingAmount(account: Pick<LoyaltyAccount, 'qualifying'>, program: LoyaltyProgram, at: string): number {
  let sum = 0;
  for (const entry of account.qualifying) if (inWindow(entry.at, at, program)) sum += amountOf(entry, program);
  return Math.max(0, sum);
}

/** The highest tier whose threshold the amount reaches. */
export function tierForAmount(program: LoyaltyProgram, amount: number): TierDefinition {
  let tier = program.tiers[0];
  for (const t of program.tiers) if (amount >= t.threshold) tier = t;
  return tier;
}

export interface TierChange {
  readonly direction: 'upgrade' | 'downgrade';
  readonly from: string | null;
  readonly to: string;
  readonly qualifying: number;
  readonly reason: string;
}

const basisWords = (program: LoyaltyProgram, amount: number): string => {
  const q = program.tierQualification;
  const what = q.basis === 'points' ? `${amount} qualifying points` : `${amount} ${q.spendCurrency} minor units of qualifying spend`;
  return q.windowMonths === null ? `${what} over the account's life` : `${what} in the last ${q.windowMonths} months`;
};

/** An upgrade when the account qualifies for a higher tier at `at`; applies at once, after earning. */
export function upgradeAt(account: LoyaltyAccount, program: LoyaltyProgram, at: string): TierChange | null {
  const amount = qualifyingAmount(account, program, at);
  const target = tierForAmount(program, amount);
  const current = tierIndex(program, account.tier);
  const targetIndex = tierIndex(program, target.id);
  // A tier the program no longer knows is settled by the scheduled re-evaluation, not here.
  if (current < 0 || targetIndex <= current) return null;
  return { direction: 'upgrade', from: account.tier, to: target.id, qualifying: amount, reason: `reached ${target.name}: ${basisWords(program, amount)}` };
}

/**
 * The scheduled re-evaluation: an upgrade if due, else a downgrade when the account no longer
 * qualifies for its tier and has held it for the grace period (straight to the tier it qualifies
 * for, or one step, as the program says). A tier the program no longer knows is replaced by the
 * qualified one at once.
 */
export function reevaluateTier(account: LoyaltyAccount, program: LoyaltyProgram, at: string): TierChange | null {
  const current = tierIndex(program, account.tier);
  const amount = qualifyingAmount(account, program, at);
  const target = tierForAmount(program, amount);
  const targetIndex = tierIndex(program, target.id);
  if (current < 0) {
    return { direction: targetIndex > 0 ? 'upgrade' : 'downgrade', from: account.tier, to: target.id, qualifying: amount, reason: `tier ${account.tier} is no longer in the program` };
  }
  if (targetIndex > current) return upgradeAt(account, program, at);
  if (targetIndex === current) return null;
  const { graceMonths, mode } = program.tierQualification.downgrade;
  if (account.tierSince !== null && millis(addMonths(account.tierSince, graceMonths)) > millis(at)) return null;
  const to = mode === 'one-step' ? program.tiers[current - 1] : target;
  const held = tierOf(program, account.tier);
  return {
    direction: 'downgrade',
    from: account.tier,
    to: to.id,
    qualifying: amount,
    reason: `below ${held.name} (${held.threshold}): ${basisWords(program, amount)}`,
  };
}

/**
 * When, with no new activity, the account's tier will be due for a downgrade: the first moment its
 * qualifying amount falls below its tier's threshold (activity leaving the window), but not before
 * the grace period ends. null at the lowest tier or when it never falls (a lifetime basis). Lets
 * the scheduler look only at accounts that are due instead of all of them.
 */
export function downgradeDueAt(account: LoyaltyAccount, program: LoyaltyProgram): string | null {
  const current = tierIndex(program, account.tier);
  if (current === 0) return null;
  const graceEnd = account.tierSince === null ? null : addMonths(account.tierSince, program.tierQualification.downgrade.graceMonths);
  const due = (at: string) => (graceEnd === null ? at : laterOf(at, graceEnd));
  if (current < 0) return account.tierSince ?? account.lastActivityAt;
  const threshold = program.tiers[current].threshold;
  const latest = account.qualifying.reduce<string | null>((m, e) => (m === null || millis(e.at) > millis(m) ? e.at : m), account.tierSince);
  if (latest === null) return null;
  if (qualifyingAmount(account, program, latest) < threshold) return due(latest);
  const months = program.tierQualification.windowMonths;
  if (months === null) return null;
  // The amount only falls when an activity leaves the window, so those are the moments to check.
  const exits = [...new Set(account.qualifying.map((e) => addMonths(e.at, months)))].filter((t) => millis(t) > millis(latest)).sort((a, b) => millis(a) - millis(b));
  for (const exit of exits) if (qualifyingAmount(account, program, exit) < threshold) return due(exit);
  return null;
}

export interface TierProgress {
  readonly tier: TierDefinition;
  readonly tierSince: string | null;
  readonly basis: 'points' | 'spend';
  readonly spendCurrency: string | null;
  readonly windowMonths: number | null;
  readonly qualifying: number;
  /** null at the top tier. */
  readonly next: { readonly tier: TierDefinition; readonly remaining: number } | null;
  /** When the tier is due for re-evaluation downward if nothing more is earned (null: not foreseeable). */
  readonly downgradeDueAt: string | null;
}

export function tierProgress(account: LoyaltyAccount, program: LoyaltyProgram, at: string): TierProgress {
  const tier = tierOf(program, account.tier);
  const index = tierIndex(program, tier.id);
  const qualifying = qualifyingAmount(account, program, at);
  const nextTier = program.tiers[index + 1];
  const q = program.tierQualification;
  return {
    tier,
    tierSince: account.tierSince,
    basis: q.basis,
    spendCurrency: q.spendCurrency,
    windowMonths: q.windowMonths,
    qualifying,
    next: nextTier ? { tier: nextTier, remaining: Math.max(0, nextTier.threshold - qualifying) } : null,
    downgradeDueAt: downgradeDueAt(account, program),
  };
}
