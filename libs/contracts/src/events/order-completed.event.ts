import { NestedType } from '../validation/nested-type';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const ORDER_COMPLETED = 'crm.order.completed';

export class OrderLineItem {
  @IsString()
  @Length(1, 64)
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;

  /** Integer minor units (cents) so sums never drift. */
  @IsInt()
  @Min(0)
  unitPriceMinor!: number;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;
}

export class OrderCompletedData {
  @IsString()
  @Length(1, 64)
  orderId!: string;

  /** Order total in integer minor units of `currency`. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  totalMinor!: number;

  @IsISO4217CurrencyCode()
  currency!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @NestedType(() => OrderLineItem)
  items?: OrderLineItem[];
}

export type OrderCompleted = EventEnvelope<typeof ORDER_COMPLETED, OrderCompletedData>;
