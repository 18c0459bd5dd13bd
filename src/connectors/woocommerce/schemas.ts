/**
 * Shapes we read from WooCommerce (`/wc/v3` JSON, notes §4–§8), checked at the edge. Bodies are parsed with
 * parseJsonExact, so: ids arrive as numbers; money arrives as strings ("29.35"), except `line_items[].price`
 * and `tax_lines[].rate_percent`, which WooCommerce writes as JSON numbers — parseJsonExact keeps a non-integer
 * number as its digits ("22.514620000000001"), an integer one as a number (3). Blank fields arrive as `null` or
 * `""`. Unknown keys (plugins add many) are dropped.
 */
import { z } from 'zod';
import { WholeId } from '../../core/model.ts';
import { parseDec } from '../../core/money.ts';

/** A WooCommerce id: a whole number from 0 (0 means "none": a guest's customer_id, a line's missing product). */
export const WooId = WholeId;

/** Money or a rate as text: "6.00", "0.9", "0.131774", 3 (a JSON number), or "" / null (blank → "0"). */
export const Amount = z
  .union([z.string(), z.number(), z.bigint(), z.null()])
  .transform((v) => (v === null ? '0' : String(v).trim() || '0'))
  .refine(
    (v) => {
      try {
        parseDec(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a decimal amount' },
  );

const text = z.string().nullish();
const count = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));

export const WooAddress = z.object({
  first_name: text,
  last_name: text,
  company: text,
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postcode: text,
  country: text,
  email: text,
  phone: text,
});
export type WooAddress = z.infer<typeof WooAddress>;

/** One rate's share of an item's tax: `{ id: rate id, total, subtotal }`, unrounded ("0.14925"). */
export const WooItemTax = z.object({
  id: WooId,
  total: Amount.optional(),
  subtotal: Amount.optional(),
});
export type WooItemTax = z.infer<typeof WooItemTax>;

const taxes = z.array(WooItemTax).nullish().transform((v) => v ?? []);

export const WooLineItem = z.object({
  id: WooId,
  name: text,
  product_id: WooId.nullish(),
  variation_id: WooId.nullish(),
  quantity: count,
  sku: text,
  /** Before coupons, net of tax (also in tax-inclusive stores). */
  subtotal: Amount,
  subtotal_tax: Amount.optional(),
  /** After coupons, net of tax. */
  total: Amount,
  total_tax: Amount.optional(),
  taxes,
  /** total ÷ quantity as PHP prints a float; not used for money (see to-canonical.ts). */
  price: Amount.optional(),
});
export type WooLineItem = z.infer<typeof WooLineItem>;

export const WooTaxLine = z.object({
  id: WooId,
  rate_code: text,
  /** Documented as a string, sent as an integer (§1). */
  rate_id: WooId,
  label: text,
  compound: z.boolean().nullish(),
  tax_total: Amount,
  shipping_tax_total: Amount.optional(),
  /** Newer WooCommerce only (5.7+ [mem]); a float such as 2.6000000000000001. */
  rate_percent: Amount.nullish(),
});
export type WooTaxLine = z.infer<typeof WooTaxLine>;

export const WooShippingLine = z.object({
  id: WooId,
  method_title: text,
  method_id: text,
  total: Amount,
  total_tax: Amount.optional(),
  taxes,
});
export type WooShippingLine = z.infer<typeof WooShippingLine>;

export const WooFeeLine = z.object({
  id: WooId,
  name: text,
  tax_status: text,
  /** Net of tax; may be negative (stores use negative fees as discounts). */
  total: Amount,
  total_tax: Amount.optional(),
  taxes,
});
export type WooFeeLine = z.infer<typeof WooFeeLine>;

export const WooCouponLine = z.object({
  id: WooId,
  code: text,
  /** Net of tax. */
  discount: Amount,
  discount_tax: Amount.optional(),
});
export type WooCouponLine = z.infer<typeof WooCouponLine>;

export const WooRefundSummary = z.object({
  id: WooId,
  /** Negative ("-10.00"). */
  total: Amount,
  /** Current core writes `reason`, the docs' example `refund` (§4.2). */
  reason: text,
  refund: text,
});

const list = <T extends z.ZodType>(item: T) => z.array(item).nullish().transform((v) => (v ?? []) as z.infer<T>[]);

export const WooOrder = z.object({
  id: WooId,
  parent_id: WooId.nullish(),
  number: z.union([z.string(), z.number()]).nullish(),
  status: z.string(),
  currency: z.string(),
  prices_include_tax: z.boolean().nullish(),
  date_created_gmt: text,
  date_modified_gmt: text,
  date_paid_gmt: text,
  date_completed_gmt: text,
  discount_total: Amount.optional(),
  discount_tax: Amount.optional(),
  shipping_total: Amount.optional(),
  shipping_tax: Amount.optional(),
  cart_tax: Amount.optional(),
  total: Amount,
  total_tax: Amount,
  customer_id: WooId.nullish(),
  customer_note: text,
  billing: WooAddress.nullish(),
  shipping: WooAddress.nullish(),
  line_items: list(WooLineItem),
  tax_lines: list(WooTaxLine),
  shipping_lines: list(WooShippingLine),
  fee_lines: list(WooFeeLine),
  coupon_lines: list(WooCouponLine),
  refunds: list(WooRefundSummary),
});
export type WooOrder = z.infer<typeof WooOrder>;

export const WooCustomer = z.object({
  id: WooId,
  date_created_gmt: text,
  date_modified_gmt: text,
  email: text,
  first_name: text,
  last_name: text,
  role: text,
  username: text,
  billing: WooAddress.nullish(),
  shipping: WooAddress.nullish(),
});
export type WooCustomer = z.infer<typeof WooCustomer>;

/** What a poll needs of a record: its id and when it last changed. */
export const WooChanged = z.object({
  id: WooId,
  date_created_gmt: text,
  date_modified_gmt: text,
});
export type WooChanged = z.infer<typeof WooChanged>;

export const WooWebhook = z.object({
  id: WooId,
  name: text,
  status: z.string(),
  topic: z.string(),
  delivery_url: z.string(),
});
export type WooWebhook = z.infer<typeof WooWebhook>;

/** The error body of every failure (§3): `{ code, message, data: { status } }`. */
export const WooError = z.object({
  code: z.string(),
  message: z.string().nullish(),
  data: z.union([z.looseObject({ status: z.number().optional() }), z.number(), z.null()]).optional(),
});
export type WooError = z.infer<typeof WooError>;
