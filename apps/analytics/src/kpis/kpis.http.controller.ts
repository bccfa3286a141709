import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  kpiDefinition,
  kpiReports,
  KPI_NAMES,
  KPIS,
  summariseDays,
  summarisePeriod,
  type DailyActivity,
  type Granularity,
  type KpiDefinition,
  type KpiReport,
  type KpiSource,
  type Period,
  type PeriodTotals,
} from '@crm/analytics-domain';
import { RequireScopes } from '@crm/platform';
import { KpiPeriodQuery, KpiQuery, resolvePeriod } from '../http/period.query';
import { BucketReader } from '../reading/bucket-reader';

export interface KpiContext extends Period {
  readonly segment: string | null;
  readonly granularity: Granularity;
}

@RequireScopes('analytics:read')
@ApiTags('kpis')
@Controller('v1/kpis')
export class KpisHttpController {
  constructor(private readonly reader: BucketReader) {}

  @Get('daily')
  @ApiOperation({ summary: 'Orders, revenue per currency, new and active customers for each UTC day of a period' })
  @ApiOkResponse({ description: 'Days with activity, ascending; days without any event are absent' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, or a period longer than 366 days' })
  async daily(@Query() query: KpiPeriodQuery): Promise<Period & { days: DailyActivity[] }> {
    const period = resolvePeriod(query);
    const scope = await this.reader.scope();
    return { ...period, days: summariseDays(await this.reader.customerDaysIn(period, scope)) };
  }

  @Get('summary')
  @ApiOperation({ summary: 'Totals over a period; active customers are distinct customers (merged ids count once), not a sum of daily figures' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, or a period longer than 366 days' })
  async summary(@Query() query: KpiPeriodQuery): Promise<Period & PeriodTotals> {
    const period = resolvePeriod(query);
    const scope = await this.reader.scope();
    return { ...period, ...summarisePeriod(await this.reader.customerDaysIn(period, scope), period, scope.canonical) };
  }

  @Get()
  @ApiOperation({ summary: 'Every KPI over the period (optionally one segment), each with its series at the granularity' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, a period longer than 366 days, an unknown granularity' })
  async all(@Query() query: KpiQuery): Promise<KpiContext & { kpis: KpiReport[] }> {
    const context = contextOf(query);
    return { ...context, kpis: await this.reports(KPIS, context) };
  }

  @Get(':kpi')
  @ApiOperation({ summary: 'One KPI over the period (optionally one segment), with its series at the granularity and the figures it is made of' })
  @ApiParam({ name: 'kpi', enum: KPI_NAMES })
  @ApiNotFoundResponse({ description: 'No KPI of that name' })
  @ApiBadRequestResponse({ description: 'Malformed day, `from` after `to`, a period longer than 366 days, an unknown granularity' })
  async one(@Param('kpi') name: string, @Query() query: KpiQuery): Promise<KpiContext & KpiReport> {
    const definition = kpiDefinition(name);
    if (!definition) throw new NotFoundException(`no KPI named ${name}; known: ${KPI_NAMES.join(', ')}`);
    const context = contextOf(query);
    const [report] = await this.reports([definition], context);
    return { ...context, ...report };
  }

  /** Reads each needed source once for all the KPIs asked for. */
  private async reports(definitions: readonly KpiDefinition[], context: KpiContext): Promise<KpiReport[]> {
    const sources = new Set<KpiSource>(definitions.flatMap((d) => d.sources));
    const withPrevious = definitions.some((d) => d.needsPreviousPeriod);
    const scope = await this.reader.scope(context.segment ?? undefined);
    // Only the customer-day fields the asked-for KPIs read: a single KPI reads narrow rows.
    const readers = definitions.filter((d) => d.sources.includes('customerDays'));
    const fields = readers.every((d) => d.customerDayFields) ? [...new Set(readers.flatMap((d) => d.customerDayFields ?? []))] : undefined;
    const inputs = await this.reader.kpiInputs(sources, context, withPrevious, scope, fields);
    return kpiReports(definitions, inputs, context, context.granularity);
  }
}

const contextOf = (query: KpiQuery): KpiContext => ({ ...resolvePeriod(query), segment: query.segment ?? null, granularity: query.granularity ?? 'day' });
