import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, registerDecorator, type ValidationArguments } from 'class-validator';
import { addDays, GRANULARITIES, periodLength, type Granularity, type Period } from '@crm/analytics-domain';

export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;

/** A real calendar day written `YYYY-MM-DD` (rejects `2026-02-30`, which `Date` would roll over). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const todayUtc = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** Fills in the defaults: `to` is today (UTC), `from` the start of the `days` days ending at `to`. */
export function resolvePeriod(query: { from?: string; to?: string }, today: string = todayUtc(), days = DEFAULT_PERIOD_DAYS): Period {
  const to = query.to ?? today;
  return { from: query.from ?? addDays(to, -(days - 1)), to };
}

function IsCalendarDay(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDay',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate: isCalendarDay, defaultMessage: (args?: ValidationArguments) => `${args?.property} must be a calendar day as YYYY-MM-DD` },
    });
}

/**
 * Checks the period as resolved (with defaults). Only an explicit `from` can make it invalid: a
 * defaulted `from` is always inside the limit. So the rule sits on `from`, and is skipped when
 * either end is malformed (that is reported by the format rule).
 */
function IsWithinPeriodLimits(defaultDays: number, maxDays: number): PropertyDecorator {
  const problem = (query: { from?: string; to?: string }): string | null => {
    if (!isCalendarDay(query.from) || (query.to !== undefined && !isCalendarDay(query.to))) return null;
    const period = resolvePeriod(query, todayUtc(), defaultDays);
    if (period.from > period.to) return `from must be on or before to (${period.to})`;
    if (periodLength(period) > maxDays) return `the period from ${period.from} to ${period.to} must not exceed ${maxDays} days`;
    return null;
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'isWithinPeriodLimits',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => problem(args?.object as { from?: string; to?: string }) === null,
        defaultMessage: (args?: ValidationArguments) => problem(args?.object as { from?: string; to?: string }) ?? 'invalid period',
      },
    });
}

/** A period of whole UTC days, both ends included; at most 366 days. */
export class KpiPeriodQuery {
  @ApiPropertyOptional({ description: 'First day (UTC), YYYY-MM-DD; defaults to 29 days before `to`', example: '2026-01-01' })
  @IsOptional() @IsCalendarDay() @IsWithinPeriodLimits(DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS)
  from?: string;

  @ApiPropertyOptional({ description: 'Last day (UTC), YYYY-MM-DD, included; defaults to today', example: '2026-01-31' })
  @IsOptional() @IsCalendarDay()
  to?: string;
}

/** A period, optionally one segment's members, and the buckets of the time series. */
export class KpiQuery extends KpiPeriodQuery {
  @ApiPropertyOptional({ description: 'Only the current members of this segment (id as in the segmentation service)', example: 'vip' })
  @IsOptional() @IsString() @Length(1, 128)
  segment?: string;

  @ApiPropertyOptional({ description: 'Buckets of the series: UTC days, ISO weeks (from Monday) or calendar months', enum: GRANULARITIES, default: 'day' })
  @IsOptional() @IsIn(GRANULARITIES)
  granularity?: Granularity;
}

export const COHORT_DEFAULT_DAYS = 365;
export const COHORT_MAX_DAYS = 1_096;

/** Acquisition months from `from`'s month to `to`'s; at most three years; a segment optionally. */
export class CohortQuery {
  @ApiPropertyOptional({ description: 'A day of the first cohort month (UTC), YYYY-MM-DD; defaults to 364 days before `to`', example: '2025-06-01' })
  @IsOptional() @IsCalendarDay() @IsWithinPeriodLimits(COHORT_DEFAULT_DAYS, COHORT_MAX_DAYS)
  from?: string;

  @ApiPropertyOptional({ description: 'Last day looked at (UTC), YYYY-MM-DD; defaults to today', example: '2026-05-31' })
  @IsOptional() @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({ description: 'Only the current members of this segment', example: 'vip' })
  @IsOptional() @IsString() @Length(1, 128)
  segment?: string;
}
