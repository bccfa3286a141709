import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, registerDecorator, type ValidationArguments } from 'class-validator';

export const DEFAULT_PERIOD_DAYS = 30;
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

/** A real calendar day written `YYYY-MM-DD` (rejects `2026-02-30`, which `Date` would roll over). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Days in the period, both ends included. */
export const periodLength = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00.000Z`) - Date.parse(`${from}T00:00:00.000Z`)) / DAY_MS) + 1;

export const todayUtc = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

export interface Period {
  readonly from: string;
  readonly to: string;
}

/** Fills in the defaults: `to` is today (UTC), `from` the start of the 30 days ending at `to`. */
export function resolvePeriod(query: { from?: string; to?: string }, today: string = todayUtc()): Period {
  const to = query.to ?? today;
  return { from: query.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1)), to };
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
 * defaulted `from` is always 30 days before `to`. So the rule sits on `from`, and is skipped when
 * either end is malformed (that is reported by the format rule).
 */
function IsWithinPeriodLimits(): PropertyDecorator {
  const problem = (query: KpiPeriodQuery): string | null => {
    if (!isCalendarDay(query.from) || (query.to !== undefined && !isCalendarDay(query.to))) return null;
    const { from, to } = resolvePeriod(query);
    if (from > to) return `from must be on or before to (${to})`;
    if (periodLength(from, to) > MAX_PERIOD_DAYS) return `the period from ${from} to ${to} must not exceed ${MAX_PERIOD_DAYS} days`;
    return null;
  };
  return (target, propertyName) =>
    registerDecorator({
      name: 'isWithinPeriodLimits',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args?: ValidationArguments) => problem(args?.object as KpiPeriodQuery) === null,
        defaultMessage: (args?: ValidationArguments) => problem(args?.object as KpiPeriodQuery) ?? 'invalid period',
      },
    });
}

/** A period of whole UTC days, both ends included; at most 366 days. */
export class KpiPeriodQuery {
  @ApiPropertyOptional({ description: 'First day (UTC), YYYY-MM-DD; defaults to 29 days before `to`', example: '2026-01-01' })
  @IsOptional() @IsCalendarDay() @IsWithinPeriodLimits()
  from?: string;

  @ApiPropertyOptional({ description: 'Last day (UTC), YYYY-MM-DD, included; defaults to today', example: '2026-01-31' })
  @IsOptional() @IsCalendarDay()
  to?: string;
}
