import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { REPLAY_MODES, type ReplayMode } from '../replay-job';

const POSITION = /^\d{1,19}$/;

export class ReplayPointDto {
  @ApiPropertyOptional({ description: 'Global log position (decimal string)', example: '12345' })
  @IsOptional() @IsString() @Matches(POSITION, { message: 'position must be a decimal position' })
  position?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 instant: resolved to the last position recorded at or before it', example: '2026-03-01T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  time?: string;
}

export class StartReplayDto {
  @ApiProperty({ description: 'Projection name (customer-profile) or model name (CustomerProfile); see GET /v1/admin/read-models' })
  @IsString() @MaxLength(100)
  readModel!: string;

  @ApiPropertyOptional({ type: ReplayPointDto, description: 'Incremental rebuild: refold the customers with events after this point, copy the rest from the live model. Default: from the beginning.' })
  @IsOptional() @ValidateNested() @Type(() => ReplayPointDto)
  from?: ReplayPointDto;

  @ApiPropertyOptional({ type: ReplayPointDto, description: 'Rebuild the model as it stood at this point (modes dry-run and snapshot only). Default: the head of the log.' })
  @IsOptional() @ValidateNested() @Type(() => ReplayPointDto)
  until?: ReplayPointDto;

  @ApiPropertyOptional({ enum: REPLAY_MODES, description: 'swap (default): rebuild and put in place; dry-run: rebuild, compare, drop; snapshot: rebuild, compare, keep' })
  @IsOptional() @IsIn(REPLAY_MODES)
  mode?: ReplayMode;
}

export class ListReplaysQuery {
  @IsOptional() @IsString() @MaxLength(100)
  readModel?: string;
}

export class TimeTravelQuery {
  @ApiPropertyOptional({ description: 'ISO 8601 instant', example: '2026-03-01T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true })
  asOf?: string;

  @ApiPropertyOptional({ description: 'Global log position (instead of asOf)' })
  @IsOptional() @IsString() @Matches(POSITION, { message: 'asOfPosition must be a decimal position' })
  asOfPosition?: string;

  @ApiPropertyOptional({ enum: ['recorded', 'event'], description: "recorded (default): what the platform had stored by then; event: events whose own time is by then (backfills included)" })
  @IsOptional() @IsIn(['recorded', 'event'])
  clock?: 'recorded' | 'event';

  @ApiPropertyOptional({ description: 'Whose history to fold, for read models not keyed by customer id (default: the document id)' })
  @IsOptional() @IsString() @MaxLength(200)
  customerId?: string;
}

export class SnapshotDocumentsQuery {
  @ApiPropertyOptional({ description: 'JSON object of equalities on (dotted) fields, e.g. {"segments":"vip"} (an array field matches any element)' })
  @IsOptional() @IsString() @MaxLength(2_000)
  filter?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000)
  limit: number = 100;
}

export class LogPageQuery {
  @ApiPropertyOptional({ description: 'Exclusive start position (default: the beginning)' })
  @IsOptional() @IsString() @Matches(POSITION, { message: 'after must be a decimal position' })
  after?: string;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000)
  limit: number = 100;
}

export class StreamPageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  fromRevision: number = 0;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000)
  limit: number = 100;
}

export class ExportQuery {
  @IsOptional() @IsString() @Matches(POSITION, { message: 'after must be a decimal position' })
  after?: string;

  @IsOptional() @IsString() @Matches(POSITION, { message: 'upTo must be a decimal position' })
  upTo?: string;
}
