import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { HttpEnv } from './config/http.env';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness-registry';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { pinoHttpOptions } from './logging/pino-options';
import { fieldValidationPipe } from './http/validation-pipe';
import type { AuthEnv } from './auth/auth.env';
import { ApiKeyGuard, AUTH_ENV, type AuthenticatedRequest } from './auth/api-key.guard';
import { ApiKeyThrottlerGuard } from './auth/api-key-throttler.guard';
import { ClientErrorsFilter } from './http/client-errors.filter';

export interface PlatformModuleOptions {
  /** Service name: the `service` label on metrics and the `service` field in logs. */
  readonly service: string;
  readonly http: HttpEnv;
  /** API keys and rate limit: every endpoint but `@Public()` ones requires a key (see auth/). */
  readonly auth: AuthEnv;
}

export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const HTTP_ENV = Symbol('HTTP_ENV');

/** Health, metrics, JSON logging and access control: what every service does the same way. */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(options.service, options.http.LOG_LEVEL) }),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'default', ttl: 60_000, limit: options.auth.RATE_LIMIT_PER_MINUTE }],
          errorMessage: (context, detail) => {
            const key = context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey?.name;
            return `rate limit of ${detail.limit} requests per minute reached${key ? ` for API key "${key}"` : ''}; retry after ${detail.timeToBlockExpire} s`;
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ReadinessRegistry,
        // Registered here rather than in bootstrap so test apps validate exactly like deployed ones.
        { provide: APP_PIPE, useFactory: fieldValidationPipe },
        { provide: APP_FILTER, useClass: ClientErrorsFilter },
        { provide: MetricsService, useValue: new MetricsService(options.service) },
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: HTTP_ENV, useValue: options.http },
        { provide: AUTH_ENV, useValue: options.auth },
        // In this order: who is calling and may they (401/403), then how often (429, per key).
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: ApiKeyThrottlerGuard },
      ],
      exports: [ReadinessRegistry, MetricsService, SERVICE_NAME, HTTP_ENV],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).exclude('metrics').forRoutes('*path');
  }
}
