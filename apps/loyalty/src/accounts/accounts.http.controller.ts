import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import type { LoyaltyBalance } from '@crm/loyalty-domain';
import { findFollowingMerges, type ProjectionMetadata } from '@crm/projections';
import { RequireScopes } from '@crm/platform';
import { LOYALTY_BALANCE_MODEL } from './loyalty-balance.projection';

export type LoyaltyAccountView = Omit<LoyaltyBalance, 'lastEarnedAt' | 'mergedInto'> & {
  lastEarnedAt: string | null;
  _metadata: ProjectionMetadata;
  /** Set when the account asked for was merged: this is its survivor's account, which holds its points. */
  redirectedFrom?: string;
};

@RequireScopes('loyalty:read')
@ApiTags('loyalty')
@Controller('v1/loyalty/accounts')
export class AccountsHttpController {
  constructor(@InjectModel(LOYALTY_BALANCE_MODEL) private readonly accounts: Model<Record<string, unknown>>) {}

  @Get(':customerId')
  @ApiOperation({ summary: "A customer's points balance, lifetime points and tier" })
  @ApiOkResponse({ description: '`lastEarnedAt` is null until the first order earns points; `_metadata` is the last revision applied' })
  @ApiNotFoundResponse({ description: 'No event for this customer has been projected yet' })
  async get(@Param('customerId') customerId: string): Promise<LoyaltyAccountView> {
    const found = await findFollowingMerges(this.accounts.collection, customerId);
    if (!found) throw new NotFoundException(`loyalty account ${customerId} not found`);
    const doc = found.document as unknown as LoyaltyBalance & { _metadata: ProjectionMetadata };
    // Explicit shape: a stable contract whatever else the projection stores later.
    return {
      customerId: doc.customerId,
      balance: doc.balance,
      lifetimePoints: doc.lifetimePoints,
      tier: doc.tier,
      lastEarnedAt: doc.lastEarnedAt ?? null,
      _metadata: doc._metadata,
      ...(found.redirectedFrom ? { redirectedFrom: found.redirectedFrom } : {}),
    };
  }
}
