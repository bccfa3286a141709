/** Earn rule and tiers of the default program; issue-level programs-as-data build on this shape. */
export interface LoyaltyProgram {
  /** Points per whole currency unit (minor units / 100) of a completed order. */
  readonly pointsPerCurrencyUnit: number;
  /** Tiers by lifetime points earned, lowest first; the first tier has threshold 0. */
  readonly tiers: readonly { id: string; threshold: number }[];
}

export const DEFAULT_PROGRAM: LoyaltyProgram = {
  pointsPerCurrencyUnit: 1,
  tiers: [
    { id: 'bronze', threshold: 0 },
    { id: 'silver', threshold: 1_000 },
    { id: 'gold', threshold: 5_000 },
  ],
};

export const pointsForOrder = (totalMinor: number, program: LoyaltyProgram): number =>
  Math.floor(totalMinor / 100) * program.pointsPerCurrencyUnit;

export function tierFor(lifetimePoints: number, program: LoyaltyProgram): string {
  let tier = program.tiers[0].id;
  for (const t of program.tiers) if (lifetimePoints >= t.threshold) tier = t.id;
  return tier;
}
