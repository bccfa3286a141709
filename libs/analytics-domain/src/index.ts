export * from './customer-day';
