/** Why an account refused a command. Expected business outcomes, returned as values and mapped to HTTP at the edge. */
export type LoyaltyErrorCode =
  | 'insufficient-points'
  | 'below-minimum'
  | 'invalid-points'
  | 'unknown-reward'
  | 'reward-unavailable'
  | 'out-of-stock'
  | 'tier-too-low'
  | 'account-merged'
  | 'unknown-redemption'
  | 'request-id-reused';

export interface LoyaltyError {
  readonly code: LoyaltyErrorCode;
  readonly message: string;
  /** Set for `account-merged`: where the account's points went. */
  readonly mergedInto?: string;
}

export const loyaltyError = (code: LoyaltyErrorCode, message: string, extra: Partial<LoyaltyError> = {}): LoyaltyError => ({ code, message, ...extra });
