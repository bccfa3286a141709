import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class ListSegmentMembersQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1, description: 'Page number (ignored with `after`)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  pageSize: number = 50;

  @ApiPropertyOptional({ description: 'The `nextAfter` of the previous page: members after this customer id (stable while members change)' })
  @IsOptional() @IsString() @Length(1, 128)
  after?: string;
}

export class SegmentHistoryQuery {
  @ApiPropertyOptional({ description: 'From this time (ISO 8601)', example: '2026-01-01T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Up to this time (ISO 8601)' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;
}
