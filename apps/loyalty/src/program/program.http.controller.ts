import { Controller, Get, Inject } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { remainingStock, type LoyaltyProgram } from '@crm/loyalty-domain';
import { RequireScopes } from '@crm/platform';
import { LOYALTY_ACCOUNT_MODEL } from '../read-model/loyalty-read-models';
import { RewardStockLedger } from '../redemption/reward-stock-ledger';
import { LOYALTY_PROGRAM } from './load-program';

export interface CatalogueReward {
  id: string;
  name: string;
  description: string;
  cost: number;
  minTier: string | null;
  active: boolean;
  /** null: unlimited. */
  stock: { total: number; remaining: number } | null;
}

@RequireScopes('loyalty:read')
@ApiTags('loyalty')
@Controller('v1/loyalty')
export class ProgramHttpController {
  constructor(
    @InjectModel(LOYALTY_ACCOUNT_MODEL) private readonly accounts: Model<Record<string, unknown>>,
    @Inject(LOYALTY_PROGRAM) private readonly program: LoyaltyProgram,
    private readonly stock: RewardStockLedger,
  ) {}

  @Get('program')
  @ApiOperation({ summary: 'The loyalty program: earn rules, expiry, tiers and how they are kept, refunds, rewards' })
  getProgram(): LoyaltyProgram {
    return this.program;
  }

  @Get('tiers')
  @ApiOperation({ summary: 'Number of accounts in each tier, lowest tier first' })
  @ApiOkResponse({ description: 'Every tier of the program, including empty ones; merged customers are not counted' })
  async tiers(): Promise<{ tier: string; members: number }[]> {
    return Promise.all(
      this.program.tiers.map(async (t) => ({ tier: t.id, members: await this.accounts.collection.countDocuments({ tierId: t.id, mergedInto: null }) })),
    );
  }

  @Get('rewards')
  @ApiOperation({ summary: 'The rewards catalogue: cost in points, the tier needed, and the stock left of limited rewards' })
  async rewards(): Promise<CatalogueReward[]> {
    return Promise.all(
      this.program.rewards.map(async (r) => ({
        id: r.id,
        name: r.name,
        description: r.description,
        cost: r.cost,
        minTier: r.minTier,
        active: r.active,
        stock: r.stock === null ? null : { total: r.stock, remaining: remainingStock((await this.stock.load(r.id)).state, r.stock) },
      })),
    );
  }
}
