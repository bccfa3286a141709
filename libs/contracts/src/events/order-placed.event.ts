import { NestedType } from '../validation/nested-type';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsISO4217CurrencyCode, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';
import { OrderLineItem } from './order-completed.event';

export const ORDER_PLACED = 'crm.order.placed';

/** An order was placed (not yet paid or fulfilled; `crm.order.completed` follows). */
export class OrderPlacedData {
  @IsString()
  @Length(1, 64)
  orderId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @NestedType(() => OrderLineItem)
  items!: OrderLineItem[];

  /** Order total in integer minor units of `currency`. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  totalMinor!: number;

  @IsISO4217CurrencyCode()
  currency!: string;
}

export type OrderPlaced = EventEnvelope<typeof ORDER_PLACED, OrderPlacedData>;
