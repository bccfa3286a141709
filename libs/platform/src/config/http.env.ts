import { Expose } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Settings every service's HTTP side reads. Properties carry explicit type annotations: conversion
 * from env strings relies on emitted decorator metadata, which per-file transpilers only emit for
 * annotated types.
 */
export class HttpEnv {
  @Expose() @IsInt() @Min(1) @Max(65535)
  PORT: number = 3000;

  @Expose() @IsString()
  HOST: string = '0.0.0.0';

  @Expose() @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** How long SIGTERM waits for in-flight requests and consumer commits before exiting. */
  @Expose() @IsInt() @Min(0)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;

  @Expose() @IsString()
  REQUEST_BODY_LIMIT: string = '1mb';
}
