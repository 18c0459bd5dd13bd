/**
 * The canonical model every source maps into and every target maps out of. Amounts are decimal strings, ids
 * are strings (Shopify and Zoho ids exceed 2^53), timestamps are ISO-8601 UTC.
 */
import { z } from 'zod';
import { isDecimalString } from './money.ts';
import { isStorableText } from './text.ts';

/** Every string in a canonical record must be storable (text.ts): one NUL in a title would fail each write for ever. */
function storableStrings(value: unknown, ctx: z.RefinementCtx, path: Array<string | number> = []): void {
  if (typeof value === 'string') {
    if (!isStorableText(value)) ctx.addIssue({ code: 'custom', path, message: 'holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored' });
  } else if (Array.isArray(value)) value.forEach((v, i) => storableStrings(v, ctx, [...path, i]));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) storableStrings(v, ctx, [...path, k]);
}

export const Decimal = z
  .union([z.string(), z.bigint()])
  .transform((v) => (typeof v === 'bigint' ? v.toString() : v.trim()))
  .refine(isDecimalString, { message: 'must be a decimal amount such as "12.30"' });

const LOST_PRECISION = 'id lost precision as a JS number; parse JSON with parseJsonExact';

/** A numeric id is a whole number from 0: no source numbers a record below zero. */
const numericId = z.union([
  z.bigint().nonnegative({ message: 'an id is never negative' }),
  z.number().nonnegative({ message: 'an id is never negative' }).refine(Number.isSafeInteger, { message: LOST_PRECISION }),
]);

/** Ids arrive as numbers, big-number strings or gids; they leave as strings. A JS number above 2^53 is refused. */
export const Id = z.union([z.string().min(1), numericId]).transform((v) => String(v));

/**
 * Ids of sources that number their records (WooCommerce, ShipStation V1): a whole number as a JSON number, a bigint
 * (beyond 2^53, from parseJsonExact) or digits in a string (some plugins quote them); they leave as digits.
 */
export const WholeId = z.union([numericId, z.string().trim().regex(/^\d+$/, { message: 'an id must be a whole number' })]).transform((v) => String(v));

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"');
export const IsoDateTime = z.string().datetime({ offset: true });
export const SourceSystem = z.enum(['shopify', 'woocommerce', 'shipstation']);
export type SourceSystem = z.infer<typeof SourceSystem>;

export const TaxLine = z.object({
  title: z.string(),
  /** Rate as a decimal fraction string: "0.0725" is 7.25 %. */
  rate: Decimal,
  amount: Decimal,
});
export type TaxLine = z.infer<typeof TaxLine>;

export const Address = z.object({
  name: z.string().optional(),
  company: z.string().optional(),
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  phone: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const Customer = z.object({
  source: SourceSystem,
  id: Id.nullable(),
  email: z.string().email().nullable(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: z.string().optional(),
  phone: z.string().optional(),
  billingAddress: Address.optional(),
  shippingAddress: Address.optional(),
  updatedAt: IsoDateTime.optional(),
}).superRefine((value, ctx) => storableStrings(value, ctx));
export type Customer = z.infer<typeof Customer>;

export const OrderLine = z.object({
  id: Id,
  sku: z.string().optional(),
  title: z.string().min(1),
  productId: Id.optional(),
  quantity: z.number().int().positive(),
  /** Unit price as the source states it (tax-inclusive when the order's taxesIncluded is true). */
  unitPrice: Decimal,
  /** Total discount on this line (all units), already allocated by the source. */
  discount: Decimal.default('0'),
  taxLines: z.array(TaxLine).default([]),
  taxable: z.boolean().default(true),
  /** Set when the source tags each amount with its currency (Shopify MoneyBag): must equal the order's currency. */
  currency: CurrencyCode.optional(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const ShippingLine = z.object({
  title: z.string(),
  code: z.string().optional(),
  price: Decimal,
  discount: Decimal.default('0'),
  taxLines: z.array(TaxLine).default([]),
  /** Set when the source tags each amount with its currency (Shopify MoneyBag): must equal the order's currency. */
  currency: CurrencyCode.optional(),
});
export type ShippingLine = z.infer<typeof ShippingLine>;

/** A charge that is neither a product nor shipping (WooCommerce fee lines, handling). */
export const FeeLine = z.object({
  title: z.string(),
  amount: Decimal,
  taxLines: z.array(TaxLine).default([]),
  /** Set when the source tags each amount with its currency (Shopify MoneyBag): must equal the order's currency. */
  currency: CurrencyCode.optional(),
});
export type FeeLine = z.infer<typeof FeeLine>;

export const Discount = z.object({
  code: z.string().optional(),
  title: z.string().optional(),
  amount: Decimal,
  /** True when the source already spread it over the lines' `discount`; false for an order-level amount. */
  allocatedToLines: z.boolean(),
  /** Set when the source tags each amount with its currency (Shopify MoneyBag): must equal the order's currency. */
  currency: CurrencyCode.optional(),
});
export type Discount = z.infer<typeof Discount>;

export const OrderStatus = z.enum(['open', 'paid', 'partially_paid', 'refunded', 'partially_refunded', 'cancelled', 'voided']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const Order = z.object({
  source: SourceSystem,
  id: Id,
  /** What a person calls the order ("#1001"); used as the target's reference. */
  number: z.string().min(1),
  status: OrderStatus,
  cancelled: z.boolean().default(false),
  currency: CurrencyCode,
  /** The shop's own currency when the buyer paid in another one. */
  shopCurrency: CurrencyCode.optional(),
  /** Units of shopCurrency per unit of currency, when the source states it. */
  exchangeRate: Decimal.optional(),
  taxesIncluded: z.boolean(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  customer: Customer.nullable(),
  billingAddress: Address.optional(),
  shippingAddress: Address.optional(),
  lines: z.array(OrderLine).min(1),
  shippingLines: z.array(ShippingLine).default([]),
  fees: z.array(FeeLine).default([]),
  discounts: z.array(Discount).default([]),
  /** Order-level tax totals as the source states them. */
  taxLines: z.array(TaxLine).default([]),
  /** Totals as the source states them; the posting rule checks they tie out. */
  totals: z.object({
    subtotal: Decimal.optional(),
    discount: Decimal.optional(),
    tax: Decimal,
    shipping: Decimal.optional(),
    total: Decimal,
    /** Set when the source tags each amount with its currency (Shopify MoneyBag): must equal the order's currency. */
    currency: CurrencyCode.optional(),
  }),
  note: z.string().optional(),
}).superRefine((value, ctx) => storableStrings(value, ctx));
export type Order = z.infer<typeof Order>;
export type OrderInput = z.input<typeof Order>;

export const Product = z.object({
  source: SourceSystem,
  id: Id,
  sku: z.string().optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  price: Decimal.optional(),
  updatedAt: IsoDateTime.optional(),
}).superRefine((value, ctx) => storableStrings(value, ctx));
export type Product = z.infer<typeof Product>;

export const Refund = z.object({
  source: SourceSystem,
  id: Id,
  orderId: Id,
  orderNumber: z.string(),
  currency: CurrencyCode,
  createdAt: IsoDateTime,
  lines: z.array(z.object({ lineId: Id, sku: z.string().optional(), title: z.string(), quantity: z.number().int().positive(), amount: Decimal, tax: Decimal.default('0') })),
  shipping: Decimal.default('0'),
  total: Decimal,
  note: z.string().optional(),
}).superRefine((value, ctx) => storableStrings(value, ctx));
export type Refund = z.infer<typeof Refund>;

export const Shipment = z.object({
  source: SourceSystem,
  id: Id,
  orderId: Id,
  orderNumber: z.string(),
  carrier: z.string(),
  service: z.string().optional(),
  trackingNumber: z.string().optional(),
  shipDate: z.string(),
  cost: Decimal,
  currency: CurrencyCode,
  voided: z.boolean().default(false),
}).superRefine((value, ctx) => storableStrings(value, ctx));
export type Shipment = z.infer<typeof Shipment>;
