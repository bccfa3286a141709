import { BadRequestException, Body, Controller, Headers, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { fieldErrorsResponse, RequireScopes } from '@crm/platform';
import { concurrencyAsConflict, httpErrorFor } from '../loyalty-http-errors';
import { RedeemRequest, ReverseRedemptionRequest } from './redeem.request';
import { Redemptions, type RedemptionView } from './redemptions';
import { requestIdOf } from './request-id';

const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Names the request: a retry with the same key answers the original result and spends nothing more' };

@ApiTags('loyalty')
@Controller('v1/loyalty/accounts/:customerId/redemptions')
export class RedemptionsHttpController {
  constructor(private readonly redemptions: Redemptions) {}

  @Post()
  @RequireScopes('loyalty:redeem')
  @ApiOperation({ summary: 'Redeem a reward or points; idempotent by request id, never overspends under concurrency' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ description: 'Redeemed: `{ redemptionId, points, rewardId, code, balance, duplicate: false }`' })
  @ApiOkResponse({ description: 'The same request id again: the original redemption, `duplicate: true`' })
  @ApiConflictResponse({ description: '`code`: insufficient-points, out-of-stock, tier-too-low, reward-unavailable, account-merged (with `mergedInto`), request-id-reused, concurrent-modification (retry with the same key)' })
  @ApiNotFoundResponse({ description: '`code`: unknown-reward' })
  @ApiUnprocessableEntityResponse({ description: '`code`: below-minimum, invalid-points' })
  async redeem(
    @Param('customerId') customerId: string,
    @Body() body: RedeemRequest,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RedemptionView & { requestId: string; duplicate: boolean }> {
    if (body.rewardId !== undefined && body.points !== undefined) {
      throw new BadRequestException(fieldErrorsResponse([{ field: 'rewardId', messages: ['send either rewardId or points, not both'] }]));
    }
    const requestId = requestIdOf(idempotencyKey, body.requestId);
    const at = new Date().toISOString();
    const request = body.rewardId !== undefined ? { customerId, requestId, at, rewardId: body.rewardId } : { customerId, requestId, at, points: body.points ?? 0 };
    const answer = await this.redemptions.redeem(request).catch(concurrencyAsConflict);
    if (!answer.ok) throw httpErrorFor(answer.error);
    if (answer.duplicate) res.status(HttpStatus.OK);
    return { ...answer.redemption, requestId, duplicate: answer.duplicate };
  }

  @Post(':redemptionId/reversal')
  @RequireScopes('loyalty:manage')
  @ApiOperation({ summary: 'Reverse a redemption: its points go back to the lots they came from (keeping their expiry); a limited reward’s unit goes back to stock' })
  @ApiCreatedResponse({ description: 'The redemption, `reversed: true`' })
  @ApiNotFoundResponse({ description: '`code`: unknown-redemption' })
  async reverse(
    @Param('customerId') customerId: string,
    @Param('redemptionId') redemptionId: string,
    @Body() body: ReverseRedemptionRequest,
  ): Promise<RedemptionView & { duplicate: boolean }> {
    const answer = await this.redemptions.reverse(customerId, redemptionId, body.reason ?? 'reversed', new Date().toISOString()).catch(concurrencyAsConflict);
    if (!answer.ok) throw httpErrorFor(answer.error);
    return { ...answer.redemption, duplicate: answer.duplicate };
  }
}
