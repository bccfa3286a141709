/** Orders the profile remembers one by one (for refunds and the loyal window); older ones only count. */
export const ORDER_HISTORY_LIMIT = 50;

/** What decides the time-driven stages: how long a customer may stay inactive, and what makes one loyal. */
export interface LifecycleConfig {
  /** Days of inactivity after which a customer is at risk. */
  readonly atRiskAfterDays: number;
  /** Days of inactivity after which a customer has churned (more than `atRiskAfterDays`). */
  readonly churnedAfterDays: number;
  /** Kept (not fully refunded) orders within `loyalWindowDays` that make a customer loyal. */
  readonly loyalMinOrders: number;
  readonly loyalWindowDays: number;
  /**
   * What inactivity is measured from: the last kept purchase (`purchase`, the usual retail
   * definition) or the last thing the customer did, a purchase or any other activity (`activity`).
   */
  readonly inactivityBasis: 'purchase' | 'activity';
}

export const DEFAULT_LIFECYCLE_CONFIG: LifecycleConfig = {
  atRiskAfterDays: 90,
  churnedAfterDays: 180,
  loyalMinOrders: 4,
  loyalWindowDays: 365,
  inactivityBasis: 'purchase',
};

/** Every problem with a configuration (empty when usable). */
export function lifecycleConfigProblems(config: LifecycleConfig): string[] {
  const problems: string[] = [];
  const positive = (name: keyof LifecycleConfig) => {
    const value = config[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) problems.push(`${name} must be a positive integer`);
  };
  positive('atRiskAfterDays');
  positive('churnedAfterDays');
  positive('loyalMinOrders');
  positive('loyalWindowDays');
  if (config.churnedAfterDays <= config.atRiskAfterDays) problems.push('churnedAfterDays must be more than atRiskAfterDays');
  // loyal must mean more than repeat (2 orders), and the profile must remember enough orders to tell
  if (config.loyalMinOrders < 3 || config.loyalMinOrders > ORDER_HISTORY_LIMIT) {
    problems.push(`loyalMinOrders must be between 3 and ${ORDER_HISTORY_LIMIT}`);
  }
  if (config.inactivityBasis !== 'purchase' && config.inactivityBasis !== 'activity') problems.push("inactivityBasis must be 'purchase' or 'activity'");
  return problems;
}
