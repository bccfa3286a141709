import { IsIn, IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';
import { IsStringRecord } from '../validation/string-record';

export const TOUCHPOINT_RECORDED = 'crm.touchpoint.recorded';

export const TOUCHPOINT_CHANNELS = ['web', 'app', 'email', 'phone', 'store', 'social'] as const;
export type TouchpointChannel = (typeof TOUCHPOINT_CHANNELS)[number];
export const TOUCHPOINT_ACTIONS = [
  'page_viewed',
  'product_viewed',
  'search_performed',
  'cart_updated',
  'form_submitted',
  'email_delivered',
  'email_opened',
  'email_clicked',
  'campaign_responded',
  'app_opened',
  'push_opened',
  'call_completed',
  'store_visited',
  'social_engaged',
] as const;
export type TouchpointAction = (typeof TOUCHPOINT_ACTIONS)[number];

/** One interaction with the customer on a channel (a view, an open, a click, a visit). */
export class TouchpointRecordedData {
  @IsIn(TOUCHPOINT_CHANNELS)
  channel!: TouchpointChannel;

  @IsIn(TOUCHPOINT_ACTIONS)
  action!: TouchpointAction;

  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  url?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  campaignId?: string;

  /** A few extra attributes (e.g. `{ "utm_source": "newsletter" }`): at most 20, short strings. */
  @IsOptional()
  @IsStringRecord({ maxEntries: 20, maxKeyLength: 64, maxValueLength: 256 })
  metadata?: Record<string, string>;
}

export type TouchpointRecorded = EventEnvelope<typeof TOUCHPOINT_RECORDED, TouchpointRecordedData>;
