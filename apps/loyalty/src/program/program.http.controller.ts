import { Controller, Get } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { DEFAULT_PROGRAM, type LoyaltyProgram } from '@crm/loyalty-domain';
import { RequireScopes } from '@crm/platform';
import { LOYALTY_BALANCE_MODEL } from '../accounts/loyalty-balance.projection';

@RequireScopes('loyalty:read')
@ApiTags('loyalty')
@Controller('v1/loyalty')
export class ProgramHttpController {
  constructor(@InjectModel(LOYALTY_BALANCE_MODEL) private readonly accounts: Model<Record<string, unknown>>) {}

  @Get('program')
  @ApiOperation({ summary: 'The loyalty program: points earned per currency unit and the tiers by lifetime points' })
  program(): LoyaltyProgram {
    return DEFAULT_PROGRAM;
  }

  @Get('tiers')
  @ApiOperation({ summary: 'Number of accounts in each tier, lowest tier first' })
  @ApiOkResponse({ description: 'Every tier of the program, including empty ones' })
  async tiers(): Promise<{ tier: string; members: number }[]> {
    return Promise.all(
      DEFAULT_PROGRAM.tiers.map(async (t) => ({ tier: t.id, members: await this.accounts.collection.countDocuments({ tier: t.id, mergedInto: { $exists: false } }) })),
    );
  }
}
