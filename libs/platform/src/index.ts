export * from './config/load-env';
export * from './config/env-transforms';
export * from './config/http.env';
export * from './health/readiness-registry';
export * from './metrics/metrics.service';
export * from './http/validation-pipe';
export * from './platform.module';
export * from './bootstrap-service';
