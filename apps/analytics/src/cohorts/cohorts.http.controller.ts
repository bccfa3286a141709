import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { cohortRetention, type CohortMatrix, type Period } from '@crm/analytics-domain';
import { RequireScopes } from '@crm/platform';
import { COHORT_DEFAULT_DAYS, CohortQuery, resolvePeriod, todayUtc } from '../http/period.query';
import { BucketReader } from '../reading/bucket-reader';

@RequireScopes('analytics:read')
@ApiTags('cohorts')
@Controller('v1/cohorts')
export class CohortsHttpController {
  constructor(private readonly reader: BucketReader) {}

  @Get()
  @ApiOperation({ summary: 'Monthly acquisition cohorts (month of the first completed order) and the share of each active in every later month' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, or more than 1,096 days' })
  async cohorts(@Query() query: CohortQuery): Promise<Period & { segment: string | null } & CohortMatrix> {
    const period = resolvePeriod(query, todayUtc(), COHORT_DEFAULT_DAYS);
    const scope = await this.reader.scope(query.segment);
    return { ...period, segment: query.segment ?? null, ...cohortRetention(await this.reader.historiesOf(scope, 'cohorts'), period) };
  }
}
