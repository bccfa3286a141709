import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class PredictionListQuery {
  @ApiPropertyOptional({ description: 'Only the current members of this segment', example: 'vip' })
  @IsOptional() @IsString() @Length(1, 128)
  segment?: string;

  @ApiPropertyOptional({ description: 'Order: highest predicted CLV first, or highest churn risk first', enum: ['clv', 'churn-risk'], default: 'clv' })
  @IsOptional() @IsIn(['clv', 'churn-risk'])
  sort?: 'clv' | 'churn-risk';

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  pageSize?: number;
}

export class AtRiskQuery {
  @ApiPropertyOptional({ description: 'Only the current members of this segment', example: 'vip' })
  @IsOptional() @IsString() @Length(1, 128)
  segment?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit?: number;
}
