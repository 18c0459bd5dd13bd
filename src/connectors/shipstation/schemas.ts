/**
 * The shapes of ShipStation V1 answers (notes §2–§4, §8), as far as we read them. Bodies are parsed with
 * parseJsonExact first, so integers arrive as numbers (bigint above 2^53) and every non-integer amount as its
 * own digits; money stays a decimal string from here on. Fields are lenient about null and absence (real
 * payloads carry every key with nulls, old doc examples drop them), strict about what we compute with.
 */
import { z } from 'zod';
import { WholeId } from '../../core/model.ts';
import { formatDec, isDecimalString, parseDec } from '../../core/money.ts';

const Text = z.string().nullish();

/** A JSON number, numeric text or bigint as a canonical decimal string ("12.5", "-20.55", "0"). */
export const Money = z.union([z.number(), z.string(), z.bigint()]).transform((value, ctx) => {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    // parseJsonExact never yields a non-integer number; a float here would already have lost digits.
    ctx.addIssue({ code: 'custom', message: 'an amount arrived as a float; parse the body with parseJsonExact' });
    return z.NEVER;
  }
  const text = typeof value === 'bigint' ? value.toString() : value.trim();
  if (!isDecimalString(text) && !/^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not an amount` });
    return z.NEVER;
  }
  try {
    return formatDec(parseDec(text));
  } catch {
    // "1e400": an exponent parseDec will not expand. Reported as a shape issue (SOURCE_PAYLOAD_INVALID), not a MoneyError.
    ctx.addIssue({ code: 'custom', message: `"${text}" is out of range for an amount` });
    return z.NEVER;
  }
});

/** V1 ids are integers (notes §1); kept as strings. */
export const IntId = WholeId;

/** `orderNumber` is a string, but some stores send digits that a serialiser may have turned into a number. */
const LooseText = z.union([z.string(), z.number(), z.bigint()]).transform((v) => String(v));

export const V1Address = z.object({
  name: Text,
  company: Text,
  street1: Text,
  street2: Text,
  street3: Text,
  city: Text,
  state: Text,
  postalCode: Text,
  country: Text,
  phone: Text,
});
export type V1Address = z.infer<typeof V1Address>;

export const V1OrderItem = z.object({
  orderItemId: IntId.nullish(),
  lineItemKey: Text,
  sku: Text,
  name: Text,
  quantity: z.number().int(),
  unitPrice: Money.nullish(),
  taxAmount: Money.nullish(),
  shippingAmount: Money.nullish(),
  productId: IntId.nullish(),
  /** True for non-physical lines such as discounts (`unitPrice: -20.55`, notes §2). */
  adjustment: z.boolean().nullish(),
});
export type V1OrderItem = z.infer<typeof V1OrderItem>;

export const V1Order = z.object({
  orderId: IntId,
  orderNumber: LooseText,
  orderKey: Text,
  orderDate: Text,
  createDate: z.string(),
  modifyDate: z.string(),
  paymentDate: Text,
  orderStatus: z.string(),
  customerId: IntId.nullish(),
  customerUsername: Text,
  customerEmail: Text,
  billTo: V1Address.nullish(),
  shipTo: V1Address.nullish(),
  items: z.array(V1OrderItem).nullish(),
  orderTotal: Money.nullish(),
  amountPaid: Money.nullish(),
  taxAmount: Money.nullish(),
  shippingAmount: Money.nullish(),
  customerNotes: Text,
  requestedShippingService: Text,
  carrierCode: Text,
  serviceCode: Text,
});
export type V1Order = z.infer<typeof V1Order>;

export const V1Shipment = z.object({
  shipmentId: IntId,
  orderId: IntId,
  orderNumber: LooseText.nullish(),
  createDate: z.string(),
  /** Date only, `YYYY-MM-DD` (notes §3). */
  shipDate: Text,
  shipmentCost: Money.nullish(),
  insuranceCost: Money.nullish(),
  trackingNumber: Text,
  isReturnLabel: z.boolean().nullish(),
  carrierCode: Text,
  serviceCode: Text,
  voided: z.boolean().nullish(),
  voidDate: Text,
});
export type V1Shipment = z.infer<typeof V1Shipment>;

export const V1Fulfillment = z.object({
  fulfillmentId: IntId,
  orderId: IntId,
  orderNumber: LooseText.nullish(),
  trackingNumber: Text,
  createDate: z.string(),
  /** A datetime here, often midnight (`2016-06-07T00:00:00.0000000`, notes §2). */
  shipDate: Text,
  voidDate: Text,
  carrierCode: Text,
  sellerFillProviderName: Text,
  fulfillmentServiceCode: Text,
  fulfillmentProviderCode: Text,
  fulfillmentFee: Money.nullish(),
  voided: z.boolean().nullish(),
});
export type V1Fulfillment = z.infer<typeof V1Fulfillment>;

export const V1Customer = z.object({
  customerId: IntId,
  createDate: Text,
  modifyDate: Text,
  name: Text,
  company: Text,
  street1: Text,
  street2: Text,
  city: Text,
  state: Text,
  postalCode: Text,
  countryCode: Text,
  phone: Text,
  email: Text,
});
export type V1Customer = z.infer<typeof V1Customer>;

/**
 * `GET /products` items (V1 apiary spec: the Product model). Only what the catalog keeps is read; `price` is the
 * unit price, an exact decimal from here on.
 */
export const V1Product = z.object({
  productId: IntId,
  sku: LooseText.nullish(),
  name: Text,
  price: Money.nullish(),
  active: z.boolean().nullish(),
});
export type V1Product = z.infer<typeof V1Product>;

/** `GET /carriers` items (a bare array): the Carrier model; `code` names the carrier in every other call. */
export const V1Carrier = z.object({
  code: z.string().min(1),
  name: Text,
  nickname: Text,
  shippingProviderId: IntId.nullish(),
});
export type V1Carrier = z.infer<typeof V1Carrier>;

/** `GET /carriers/listservices?carrierCode=` items (a bare array): `code` is what an order's `serviceCode` holds. */
export const V1Service = z.object({
  carrierCode: Text,
  code: z.string().min(1),
  name: Text,
  domestic: z.boolean().nullish(),
  international: z.boolean().nullish(),
});
export type V1Service = z.infer<typeof V1Service>;

/** What a poll needs of an order: its id and when it last changed. */
export const ChangedOrder = z.object({ orderId: IntId, modifyDate: z.string() });
export const ChangedShipment = z.object({ shipmentId: IntId, orderId: IntId, createDate: z.string(), voidDate: Text });
export const ChangedFulfillment = z.object({ fulfillmentId: IntId, createDate: z.string(), voidDate: Text });

/** The paging half of `{ <list>: [...], total, page, pages }` (notes §2). `pages` is 0 in doc examples: callers recompute it. */
export const PageMeta = z.object({
  total: z.number().int().nonnegative().nullish(),
  page: z.number().int().nullish(),
  pages: z.number().int().nullish(),
});
export type PageMeta = z.infer<typeof PageMeta>;

/** `GET /webhooks` items (PascalCase, notes §4). The list is wrapped in `{webhooks}` or, in one doc, bare. */
export const V1Webhook = z.object({
  WebHookID: IntId,
  HookType: z.string(),
  Url: z.string().nullish(),
  StoreID: IntId.nullish(),
  Active: z.boolean().nullish(),
  Name: Text,
});
export type V1Webhook = z.infer<typeof V1Webhook>;

export const V1WebhookList = z.union([z.object({ webhooks: z.array(z.unknown()).nullish() }), z.array(z.unknown())]);

/** Error bodies: V1 `{"message"}` (ASP.NET may say `Message`, and `ExceptionMessage`), V2 `{errors: [{message}]}`. */
export const ErrorBody = z.object({
  message: z.string().nullish(),
  Message: z.string().nullish(),
  ExceptionMessage: z.string().nullish(),
  errors: z.array(z.object({ message: z.string().nullish(), error_code: z.string().nullish() })).nullish(),
});
