import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO31661Alpha2, IsOptional, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';

export class ListCustomersQuery {
  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 country' })
  @IsOptional() @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ enum: ['registered', 'first-time-customer', 'repeat-customer'] })
  @IsOptional() @IsIn(['registered', 'first-time-customer', 'repeat-customer'])
  stage?: string;

  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  pageSize: number = 50;
}
