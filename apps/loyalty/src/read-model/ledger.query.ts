import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class LedgerQuery {
  @ApiPropertyOptional({ default: 1 })
  @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @Type(() => Number) @IsInt() @Min(1) @Max(200)
  pageSize: number = 50;
}
