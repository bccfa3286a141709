import { Controller, Get, Query } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Model } from 'mongoose';
import { summariseDays, summarisePeriod, type CustomerDay, type DailyActivity, type PeriodTotals } from '@crm/analytics-domain';
import { RequireScopes } from '@crm/platform';
import { CUSTOMER_DAY_MODEL } from './customer-day.projection';
import { KpiPeriodQuery, resolvePeriod, type Period } from './kpi-period.query';

/** The stored customer-day without `_id` and `_metadata`, which the roll-ups do not read. */
const CUSTOMER_DAY_FIELDS = { _id: 0, day: 1, customerId: 1, orders: 1, revenueMinorByCurrency: 1, registrations: 1, events: 1 } as const;

@RequireScopes('analytics:read')
@ApiTags('kpis')
@Controller('v1/kpis')
export class KpisHttpController {
  constructor(@InjectModel(CUSTOMER_DAY_MODEL) private readonly customerDays: Model<Record<string, unknown>>) {}

  @Get('daily')
  @ApiOperation({ summary: 'Orders, revenue per currency, new and active customers for each UTC day of a period' })
  @ApiOkResponse({ description: 'Days with activity, ascending; days without any event are absent' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, or a period longer than 366 days' })
  async daily(@Query() query: KpiPeriodQuery): Promise<Period & { days: DailyActivity[] }> {
    const period = resolvePeriod(query);
    return { ...period, days: summariseDays(await this.customerDaysIn(period)) };
  }

  @Get('summary')
  @ApiOperation({ summary: 'Totals over a period; active customers are distinct customers, not a sum of daily figures' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, or a period longer than 366 days' })
  async summary(@Query() query: KpiPeriodQuery): Promise<Period & PeriodTotals> {
    const period = resolvePeriod(query);
    return { ...period, ...summarisePeriod(await this.customerDaysIn(period)) };
  }

  /** Day keys are `YYYY-MM-DD` strings, so a string range selects whole days in order. */
  private async customerDaysIn({ from, to }: Period): Promise<CustomerDay[]> {
    const rows = await this.customerDays.collection
      .find({ day: { $gte: from, $lte: to } }, { projection: CUSTOMER_DAY_FIELDS })
      .toArray();
    return rows as unknown as CustomerDay[];
  }
}
