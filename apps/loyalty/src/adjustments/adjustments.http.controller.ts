import { Body, Controller, Headers, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireScopes } from '@crm/platform';
import { AccountCommands } from '../accounts/account-commands';
import { concurrencyAsConflict, httpErrorFor } from '../loyalty-http-errors';
import { AdjustPointsRequest } from '../redemption/redeem.request';
import { requestIdOf } from '../redemption/request-id';

@ApiTags('loyalty')
@Controller('v1/loyalty/accounts/:customerId/adjustments')
export class AdjustmentsHttpController {
  constructor(private readonly accounts: AccountCommands) {}

  @Post()
  @RequireScopes('loyalty:manage')
  @ApiOperation({ summary: 'Add or take points by hand (goodwill, corrections); idempotent by request id' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Names the adjustment: a retry applies it once' })
  @ApiCreatedResponse({ description: '`{ adjustmentId, points, balance, duplicate }`' })
  @ApiConflictResponse({ description: '`code`: insufficient-points (below the balance floor), account-merged' })
  async adjust(
    @Param('customerId') customerId: string,
    @Body() body: AdjustPointsRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ adjustmentId: string; customerId: string; points: number; balance: number; duplicate: boolean }> {
    const adjustmentId = requestIdOf(idempotencyKey, body.requestId);
    const outcome = await this.accounts.execute(customerId, { type: 'AdjustPoints', adjustmentId, points: body.points, reason: body.reason, at: new Date().toISOString() }).catch(concurrencyAsConflict);
    if (!outcome.ok) throw httpErrorFor(outcome.error);
    const duplicate = outcome.events.length === 0;
    if (duplicate) res.status(HttpStatus.OK);
    return { adjustmentId, customerId, points: body.points, balance: outcome.state.balance, duplicate };
  }
}
