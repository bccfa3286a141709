import { IsIn, IsInt, IsISO4217CurrencyCode, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';
import { JsonSchemaExtra } from '../schema/json-schema-extra';
import type { EventEnvelope } from '../envelope/event-envelope';

export const OPPORTUNITY_STAGE_CHANGED = 'crm.opportunity.stage-changed';

export const OPPORTUNITY_STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];

const hasValue = (o: OpportunityStageChangedData): boolean => o.valueMinor !== undefined || o.currency !== undefined;

/** A sales opportunity moved to another stage; `valueMinor` and `currency` come together or not at all. */
@JsonSchemaExtra({ dependencies: { valueMinor: ['currency'], currency: ['valueMinor'] } })
export class OpportunityStageChangedData {
  @IsString()
  @Length(1, 64)
  opportunityId!: string;

  @IsOptional()
  @IsIn(OPPORTUNITY_STAGES)
  from?: OpportunityStage;

  @IsIn(OPPORTUNITY_STAGES)
  to!: OpportunityStage;

  /** Expected deal value in integer minor units of `currency`. */
  @ValidateIf(hasValue)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  valueMinor?: number;

  @ValidateIf(hasValue)
  @IsISO4217CurrencyCode()
  currency?: string;
}

export type OpportunityStageChanged = EventEnvelope<typeof OPPORTUNITY_STAGE_CHANGED, OpportunityStageChangedData>;
