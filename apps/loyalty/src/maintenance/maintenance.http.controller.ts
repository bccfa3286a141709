import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@crm/platform';
import type { MaintenanceReport } from './maintenance-runs';
import { MaintenanceScheduler } from './maintenance.scheduler';

@ApiTags('loyalty')
@Controller('v1/loyalty')
export class MaintenanceHttpController {
  constructor(private readonly scheduler: MaintenanceScheduler) {}

  // Always as of now: a run "in the future" would expire points before their date.
  @Post('maintenance\\:run')
  @HttpCode(200)
  @RequireScopes('loyalty:manage')
  @ApiOperation({ summary: 'Run expiry, tier re-evaluation and the reward-stock sweep now (they also run on a schedule); idempotent' })
  @ApiOkResponse({ description: '`{ at, accountsExpired, pointsExpired, tierChanges, reservationsConfirmed, reservationsReleased }`' })
  run(): Promise<MaintenanceReport> {
    return this.scheduler.runNow();
  }
}
