import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { HttpEnv } from './config/http.env';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness-registry';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { pinoHttpOptions } from './logging/pino-options';
import { fieldValidationPipe } from './http/validation-pipe';

export interface PlatformModuleOptions {
  /** Service name: the `service` label on metrics and the `service` field in logs. */
  readonly service: string;
  readonly http: HttpEnv;
}

export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const HTTP_ENV = Symbol('HTTP_ENV');

/** Health, metrics and JSON logging: what every service exposes the same way. */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        TerminusModule.forRoot({ logger: false }),
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(options.service, options.http.LOG_LEVEL) }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ReadinessRegistry,
        // Registered here rather than in bootstrap so test apps validate exactly like deployed ones.
        { provide: APP_PIPE, useFactory: fieldValidationPipe },
        { provide: MetricsService, useValue: new MetricsService(options.service) },
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: HTTP_ENV, useValue: options.http },
      ],
      exports: [ReadinessRegistry, MetricsService, SERVICE_NAME, HTTP_ENV],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).exclude('metrics').forRoutes('*path');
  }
}
