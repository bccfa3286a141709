export * from './api-keys';
export * from './auth.env';
export * from './auth.decorators';
export * from './api-key.guard';
export * from './api-key-throttler.guard';
