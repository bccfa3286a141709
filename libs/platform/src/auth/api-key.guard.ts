import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { findApiKey, missingScopes, parseApiKeys, type ApiKeyEntry } from './api-keys';
import { PUBLIC_ENDPOINT, REQUIRED_SCOPES } from './auth.decorators';
import type { AuthEnv } from './auth.env';

export const AUTH_ENV = Symbol('AUTH_ENV');

/** Set on the request once its key is known: who called (for rate limiting and logs). */
export interface ApiKeyPrincipal {
  readonly name: string;
  readonly scopes: readonly string[];
}

export type AuthenticatedRequest = { headers: Record<string, string | string[] | undefined>; apiKey?: ApiKeyPrincipal };

/** The key from `x-api-key`, or else from `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: AuthenticatedRequest['headers']): string | undefined {
  const header = headers['x-api-key'];
  const direct = (Array.isArray(header) ? header[0] : header)?.trim();
  if (direct) return direct;
  const authorization = headers['authorization'];
  const match = /^Bearer\s+(\S+)\s*$/i.exec((Array.isArray(authorization) ? authorization[0] : authorization) ?? '');
  return match?.[1];
}

/**
 * Global guard (registered by PlatformModule): every handler needs an API key granting the scopes
 * of its `@RequireScopes`, except `@Public()` ones. A handler that declares neither is denied.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private readonly keys: readonly ApiKeyEntry[];
  private readonly disabled: boolean;

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_ENV) auth: AuthEnv,
  ) {
    const parsed = parseApiKeys(auth.API_KEYS);
    if (!parsed.ok) throw new Error(`Invalid API_KEYS: ${parsed.problems.join('; ')}`);
    this.keys = parsed.keys;
    this.disabled = auth.AUTH_DISABLED;
    if (this.disabled) {
      this.logger.warn(
        '!!! AUTH_DISABLED=true: every endpoint answers WITHOUT credentials. For local experiments only; never deploy this. !!!',
      );
    }
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ENDPOINT, targets)) return true;
    if (this.disabled) return true;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedApiKey(request.headers);
    if (key === undefined) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'API key required: send x-api-key or Authorization: Bearer',
        requiredScopes: required ?? [],
      });
    }
    const entry = findApiKey(this.keys, key);
    if (!entry) {
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'invalid API key', requiredScopes: required ?? [] });
    }
    request.apiKey = { name: entry.name, scopes: entry.scopes };
    if (required === undefined) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares neither @RequireScopes nor @Public: denied`);
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'this endpoint declares no scopes and is closed to every key',
        missingScopes: [],
      });
    }
    const missing = missingScopes(entry.scopes, required);
    if (missing.length > 0) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: `API key "${entry.name}" lacks scope ${missing.join(', ')}`,
        missingScopes: missing,
      });
    }
    return true;
  }
}
