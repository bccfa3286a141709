import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class TimelinePageQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page: entries older than its last one' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'before must be a cursor returned as nextCursor' })
  before?: string;

  @ApiPropertyOptional({ description: 'Only entries of this channel (`web`, `email`, …)' })
  @IsOptional() @IsString() @Length(1, 32)
  channel?: string;
}

/** Where a page ends: the last entry's time and log sequence (entries are ordered by both, newest first). */
export interface TimelineCursor {
  readonly time: string;
  readonly seq: string;
}

export const encodeCursor = (c: TimelineCursor): string => Buffer.from(JSON.stringify([c.time, c.seq])).toString('base64url');

export function decodeCursor(raw: string): TimelineCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string')) return { time: parsed[0], seq: parsed[1] };
  } catch {
    // falls through: not a cursor of ours
  }
  return null;
}
