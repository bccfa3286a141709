import { IsIn, IsInt, IsString, Length, ValidateBy, ValidateIf, type ValidationArguments } from 'class-validator';
import { JsonSchemaExtra } from '../schema/json-schema-extra';
import type { EventEnvelope } from '../envelope/event-envelope';

export const SURVEY_ANSWERED = 'crm.survey.answered';

export const SURVEY_KINDS = ['nps', 'csat', 'free_text'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/** Score range per survey kind: NPS 0–10, CSAT 1–5; a free-text answer has no score. */
export const SURVEY_SCORE_RANGES: Readonly<Record<SurveyKind, readonly [number, number] | null>> = {
  nps: [0, 10],
  csat: [1, 5],
  free_text: null,
};

export const IS_SCORE_FOR_KIND = 'isScoreForKind';

const scoreRange = (args: ValidationArguments) => SURVEY_SCORE_RANGES[(args.object as SurveyAnsweredData).kind] ?? null;

/** The score fits the range of the answer's `kind`. */
function IsScoreForKind(): PropertyDecorator {
  return ValidateBy({
    name: IS_SCORE_FOR_KIND,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const range = args ? scoreRange(args) : null;
        return typeof value === 'number' && range !== null && value >= range[0] && value <= range[1];
      },
      defaultMessage: (args?: ValidationArguments) => {
        const kind = (args?.object as SurveyAnsweredData | undefined)?.kind;
        const range = args ? scoreRange(args) : null;
        return range ? `score must be between ${range[0]} and ${range[1]} for a ${kind} answer` : `score is only allowed for nps and csat answers`;
      },
    },
  });
}

const kindIs = (kind: SurveyKind) => ({ properties: { kind: { const: kind } }, required: ['kind'] });

/** A customer answered a survey: an NPS (0–10) or CSAT (1–5) score, or free text. */
@JsonSchemaExtra({
  allOf: [
    { if: kindIs('nps'), then: { required: ['score'], properties: { score: { minimum: 0, maximum: 10 } } } },
    { if: kindIs('csat'), then: { required: ['score'], properties: { score: { minimum: 1, maximum: 5 } } } },
    { if: kindIs('free_text'), then: { required: ['comment'], not: { required: ['score'] } } },
  ],
})
export class SurveyAnsweredData {
  @IsString()
  @Length(1, 64)
  surveyId!: string;

  @IsIn(SURVEY_KINDS)
  kind!: SurveyKind;

  /** Required for `nps` (0–10) and `csat` (1–5); must be absent for `free_text`. */
  @ValidateIf((o: SurveyAnsweredData) => o.kind !== 'free_text' || o.score !== undefined)
  @IsInt()
  @IsScoreForKind()
  score?: number;

  /** Required for `free_text`, optional otherwise. */
  @ValidateIf((o: SurveyAnsweredData) => o.kind === 'free_text' || o.comment !== undefined)
  @IsString()
  @Length(1, 2000)
  comment?: string;
}

export type SurveyAnswered = EventEnvelope<typeof SURVEY_ANSWERED, SurveyAnsweredData>;
