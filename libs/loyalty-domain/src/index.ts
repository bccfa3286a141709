// Public API of @crm/loyalty-domain: the program as data, the account's decide/evolve, reward
// stock, and the pure views the loyalty service serves. No I/O here.
export * from './time';
export * from './program/loyalty-program';
export * from './program/validate-program';
export * from './account/lots';
export * from './account/loyalty-account';
export * from './account/loyalty-commands';
export * from './account/loyalty-error';
export * from './account/decide-loyalty';
export * from './earning/order-points';
export * from './earning/event-rules';
export * from './tiers/tier-qualification';
export * from './rewards/reward-stock';
export * from './customer-events/commands-for-customer-event';
export * from './pending/pending-orders';
export * from './views/balance-view';
