import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { PUBLIC_ENDPOINT } from './auth.decorators';
import type { AuthenticatedRequest } from './api-key.guard';

/**
 * Rate limit per API key (not per IP: many integrators share NAT addresses, one key may call from
 * many hosts), over all of a service's endpoints together. Runs after ApiKeyGuard, which put the
 * key's name on the request; public endpoints (health probes) are never limited. With
 * AUTH_DISABLED there is no key and the client address is the tracker.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    return this.reflector.getAllAndOverride<boolean>(PUBLIC_ENDPOINT, [context.getHandler(), context.getClass()]) === true;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const apiKey = (req as AuthenticatedRequest).apiKey;
    return apiKey ? `key:${apiKey.name}` : `ip:${await super.getTracker(req)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return createHash('sha256').update(`${throttler}-${tracker}`).digest('hex');
  }
}
