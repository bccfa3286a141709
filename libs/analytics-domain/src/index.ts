export * from './customer-day';
export * from './period-totals';
