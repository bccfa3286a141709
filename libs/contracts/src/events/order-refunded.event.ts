import { NestedType } from '../validation/nested-type';
import { ArrayMaxSize, IsArray, IsInt, IsISO4217CurrencyCode, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';
import { OrderLineItem } from './order-completed.event';

export const ORDER_REFUNDED = 'crm.order.refunded';

/** Money went back to the customer for (part of) an order; `amountMinor` is positive. */
export class OrderRefundedData {
  @IsString()
  @Length(1, 64)
  orderId!: string;

  /** Refunded amount in integer minor units of `currency`. */
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amountMinor!: number;

  @IsISO4217CurrencyCode()
  currency!: string;

  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  /** The lines refunded, when not the whole order. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @NestedType(() => OrderLineItem)
  items?: OrderLineItem[];
}

export type OrderRefunded = EventEnvelope<typeof ORDER_REFUNDED, OrderRefundedData>;
