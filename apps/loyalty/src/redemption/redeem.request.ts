import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

/** Exactly one of `rewardId` and `points`. */
export class RedeemRequest {
  @ApiPropertyOptional({ description: 'A reward of the catalogue (`GET /v1/loyalty/rewards`); its cost is spent' })
  @ValidateIf((r: RedeemRequest) => r.points === undefined)
  @IsString({ message: 'send either rewardId or points' }) @Matches(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'rewardId must be a reward id of the catalogue' })
  rewardId?: string;

  @ApiPropertyOptional({ description: 'Points to spend (e.g. on a discount the shop applies)' })
  @ValidateIf((r: RedeemRequest) => r.rewardId === undefined || r.points !== undefined)
  @IsInt({ message: 'send either rewardId or points (a whole number)' }) @Min(1) @Max(1_000_000_000)
  points?: number;

  @ApiPropertyOptional({ description: 'The request id, when not sent as the `Idempotency-Key` header' })
  @IsOptional() @IsString() @Length(1, 128)
  requestId?: string;
}

export class ReverseRedemptionRequest {
  @ApiPropertyOptional({ description: 'Why (shown in the ledger)', default: 'reversed' })
  @IsOptional() @IsString() @Length(1, 500)
  reason?: string;
}

export class AdjustPointsRequest {
  @ApiPropertyOptional({ description: 'Signed: positive adds points (a new lot that expires like an earning), negative takes them (never below the balance floor)' })
  @IsInt() @Min(-1_000_000_000) @Max(1_000_000_000)
  points!: number;

  @ApiPropertyOptional({ description: 'Shown in the ledger' })
  @IsString() @Length(1, 500)
  reason!: string;

  @ApiPropertyOptional({ description: 'The request id, when not sent as the `Idempotency-Key` header' })
  @IsOptional() @IsString() @Length(1, 128)
  requestId?: string;
}
