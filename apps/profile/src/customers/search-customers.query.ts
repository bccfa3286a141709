import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO31661Alpha2, IsISO4217CurrencyCode, IsISO8601, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { LIFECYCLE_STAGES, type LifecycleStage } from '@crm/contracts';

const hasRevenueRange = (q: SearchCustomersQuery): boolean => q.minRevenueMinor !== undefined || q.maxRevenueMinor !== undefined;

/** Filters combine with AND; each is served by an index that also gives the order (most recently seen first). */
export class SearchCustomersQuery {
  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES })
  @IsOptional() @IsIn(LIFECYCLE_STAGES)
  stage?: LifecycleStage;

  @ApiPropertyOptional({ description: 'A segment id the customer is in now' })
  @IsOptional() @IsString() @Length(1, 64)
  segment?: string;

  @ApiPropertyOptional({ description: 'Loyalty tier' })
  @IsOptional() @IsString() @Length(1, 64)
  tier?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country' })
  @IsOptional() @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ description: 'Last seen at or after (ISO 8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  lastSeenFrom?: string;

  @ApiPropertyOptional({ description: 'Last seen before (ISO 8601, exclusive)' })
  @IsOptional() @IsISO8601({ strict: true })
  lastSeenTo?: string;

  @ApiPropertyOptional({ description: 'Currency of the revenue range (required with it); revenue is net of refunds' })
  @ValidateIf((q: SearchCustomersQuery) => hasRevenueRange(q) || q.currency !== undefined)
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 code (required with a revenue range)' })
  currency?: string;

  @ApiPropertyOptional({ description: 'Net revenue in `currency` at least this (integer minor units)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  minRevenueMinor?: number;

  @ApiPropertyOptional({ description: 'Net revenue in `currency` at most this (integer minor units)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  maxRevenueMinor?: number;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  pageSize: number = 50;
}

/** The MongoDB filter of a search: merged customers are left out (they show as their survivor). */
export function searchFilter(q: SearchCustomersQuery): Record<string, unknown> {
  const filter: Record<string, unknown> = { mergedInto: { $exists: false } };
  if (q.stage) filter['lifecycleStage'] = q.stage;
  if (q.segment) filter['segments.segmentId'] = q.segment;
  if (q.tier) filter['loyalty.tier'] = q.tier;
  if (q.country) filter['country'] = q.country;
  if (q.lastSeenFrom || q.lastSeenTo) {
    // stored times are ISO 8601 in UTC (toISOString), which compare as strings
    filter['lastSeenAt'] = {
      ...(q.lastSeenFrom ? { $gte: new Date(q.lastSeenFrom).toISOString() } : {}),
      ...(q.lastSeenTo ? { $lt: new Date(q.lastSeenTo).toISOString() } : {}),
    };
  }
  if (q.currency && (q.minRevenueMinor !== undefined || q.maxRevenueMinor !== undefined)) {
    const net = { ...(q.minRevenueMinor !== undefined ? { $gte: q.minRevenueMinor } : {}), ...(q.maxRevenueMinor !== undefined ? { $lte: q.maxRevenueMinor } : {}) };
    filter['revenue'] = { $elemMatch: { currency: q.currency, netMinor: net } };
  }
  return filter;
}
