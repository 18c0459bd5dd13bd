/**
 * ShipStation V1 → canonical model. Pure functions: JSON as ShipStation sends it (parsed with parseJsonExact)
 * in, a validated canonical Order, Customer or Shipment out. Anything that does not fit throws SyncError
 * SOURCE_PAYLOAD_INVALID naming the record.
 *
 * Currency. V1 amounts carry no currency (notes §2) and ShipStation accounts are overwhelmingly US: amounts are
 * read as USD unless the caller passes the account's currency (connection config `currency`).
 *
 * Times. Every datetime is Pacific wall time without an offset (notes §2) and becomes a UTC instant through
 * pacific-time.ts (the repeated autumn hour read as the earlier instant). Dates (`shipDate`) stay dates.
 *
 * Orders.
 * - Lines: items without `adjustment`. Items with `adjustment: true` are not products (notes §2: non-physical
 *   lines "such as discounts", `unitPrice: -20.55`): a negative one is an order-level Discount
 *   (`allocatedToLines: false`, amount = −quantity × unitPrice), a positive one a fee. Items of quantity 0 add
 *   nothing and are left out.
 * - Tax. The order's `taxAmount` is the stated tax. When every product item states a `taxAmount`, the
 *   adjustments carry none, and the items add up to the order's tax, it is posted per line (more exact when
 *   items are taxed differently); otherwise as one order-level tax line. ShipStation gives amounts, never rates,
 *   and targets need a rate, so each tax line's rate is the SHORTEST decimal (whole percent first, up to six
 *   places) that reproduces the stated amount from its base to the cent: 1.60 on 20.00 → 0.08, not 0.080000.
 *   The amounts posted are ShipStation's; the rate only names the tax.
 * - Shipping: the order's `shippingAmount`, one shipping line titled by `requestedShippingService` (the
 *   buyer's choice) with `serviceCode` as its code; the items' `shippingAmount` is used only when the order
 *   states none (null), never added to it.
 * - Totals: `orderTotal` is the stated total (read-only, ShipStation's own sum); `amountPaid` is what was
 *   collected and stands in only when `orderTotal` is missing. The posting rule checks the parts tie out.
 * - Status: awaiting_payment → open; cancelled → cancelled; awaiting_shipment, pending_fulfillment, on_hold,
 *   shipped, rejected_fulfillment → paid (ShipStation only moves an order out of awaiting_payment once it is
 *   paid). shipped and cancelled are terminal in ShipStation (notes §7); an unknown status reads as open.
 * - Customer: implicit in ShipStation (no create endpoint, notes §3); `id` = customerId when present, email =
 *   customerEmail, else customerUsername when it is an email; company and phone from billTo. No id and no
 *   email: a guest (null), named by the billing address.
 * - Dates: createdAt = orderDate (when the buyer ordered), else createDate; updatedAt = modifyDate.
 *
 * Shipments. A label: cost = shipmentCost + insuranceCost, `voided` from `voided` (or a voidDate). A
 * fulfillment (mark-as-shipped, fill providers): cost = fulfillmentFee (0 for an order marked shipped by
 * hand: nothing to book), carrier = its free-text carrierCode.
 */
import type { z } from 'zod';
import { SyncError } from '../../core/errors.ts';
import { Customer, Order, Shipment } from '../../core/model.ts';
import type { Address, OrderInput, OrderStatus, TaxLine } from '../../core/model.ts';
import { add, compare, currencyExponent, formatDec, mul, neg, parseDec, round, sum, ZERO } from '../../core/money.ts';
import type { Dec, DecimalString } from '../../core/money.ts';
import { manifest } from './connector.ts';
import { fromPacific, PacificTimeError, parsePacific } from './pacific-time.ts';
import type { CatalogProduct, CatalogShippingMethod } from '../../sync/ports.ts';
import { V1Carrier, V1Customer, V1Fulfillment, V1Order, V1Product, V1Service, V1Shipment } from './schemas.ts';
import type { V1Address, V1OrderItem } from './schemas.ts';
import { fulfillmentShipmentId } from './source-ids.ts';

export interface MappingOptions {
  /** The account's currency. @defaultValue "USD" */
  currency?: string;
}

const TAX_TITLE = 'Tax';

// ---------------------------------------------------------------- orders

export function orderFromShipStation(json: unknown, options: MappingOptions = {}): Order {
  const o = parseSource(V1Order, json, 'order');
  const currency = (options.currency ?? manifest.defaultCurrency).toUpperCase();
  const label = `ShipStation order ${o.orderNumber || o.orderId} (id ${o.orderId})`;
  const dec = (value: string | null | undefined): Dec => parseDec(value ?? '0');

  const items = (o.items ?? []).filter((item) => item.quantity !== 0);
  const products = items.filter((item) => item.adjustment !== true);
  const adjustments = items.filter((item) => item.adjustment === true);
  const extended = (item: V1OrderItem): Dec => mul({ units: BigInt(item.quantity), scale: 0 }, dec(item.unitPrice));

  const discounts: NonNullable<OrderInput['discounts']> = [];
  const fees: NonNullable<OrderInput['fees']> = [];
  for (const item of adjustments) {
    const amount = extended(item);
    const title = text(item.name) ?? text(item.sku) ?? 'Adjustment';
    if (amount.units < 0n) {
      discounts.push({ title, ...(text(item.sku) ? { code: text(item.sku) } : {}), amount: formatDec(neg(amount)), allocatedToLines: false });
    } else if (amount.units > 0n) {
      fees.push({ title, amount: formatDec(amount) });
    }
  }

  // Tax: per line when the items account for all of it, else once for the order.
  const itemTax = sum(items.map((item) => dec(item.taxAmount)));
  const statedTax = o.taxAmount !== null && o.taxAmount !== undefined ? dec(o.taxAmount) : itemTax;
  const perLine =
    !isZeroDec(statedTax) &&
    products.every((item) => item.taxAmount !== null && item.taxAmount !== undefined) &&
    adjustments.every((item) => isZeroDec(dec(item.taxAmount))) &&
    compare(itemTax, statedTax) === 0;

  const lines: OrderInput['lines'] = products.map((item, index) => {
    const title = text(item.name) ?? text(item.sku) ?? `Item ${index + 1}`;
    const taxAmount = dec(item.taxAmount);
    const taxLines: TaxLine[] = perLine && !isZeroDec(taxAmount) ? [{ title: TAX_TITLE, rate: taxRateFor(extended(item), taxAmount, currency), amount: formatDec(taxAmount) }] : [];
    return {
      id: item.orderItemId ?? text(item.lineItemKey) ?? String(index + 1),
      ...(text(item.sku) ? { sku: text(item.sku) } : {}),
      title,
      ...(item.productId ? { productId: item.productId } : {}),
      quantity: item.quantity,
      unitPrice: formatDec(dec(item.unitPrice)),
      taxLines,
      ...(perLine && isZeroDec(taxAmount) ? { taxable: false } : {}),
    };
  });
  if (lines.length === 0) {
    throw new SyncError('SOURCE_PAYLOAD_INVALID', `${label} has no product items, so there is nothing to invoice`);
  }

  const subtotal = sum(products.map(extended));
  const discountTotal = sum(discounts.map((d) => parseDec(String(d.amount))));
  const feeTotal = sum(fees.map((f) => parseDec(String(f.amount))));
  const orderTaxLines: TaxLine[] =
    !perLine && !isZeroDec(statedTax)
      ? [{ title: TAX_TITLE, rate: taxRateFor(add(add(subtotal, neg(discountTotal)), feeTotal), statedTax, currency), amount: formatDec(statedTax) }]
      : [];

  const itemShipping = items.filter((item) => item.shippingAmount !== null && item.shippingAmount !== undefined);
  const shipping = o.shippingAmount !== null && o.shippingAmount !== undefined ? dec(o.shippingAmount) : sum(itemShipping.map((item) => dec(item.shippingAmount)));
  const shippingLines: NonNullable<OrderInput['shippingLines']> = isZeroDec(shipping)
    ? []
    : [{ title: text(o.requestedShippingService) ?? 'Shipping', ...(text(o.serviceCode) ? { code: text(o.serviceCode) } : {}), price: formatDec(shipping) }];

  const total = o.orderTotal ?? o.amountPaid;
  if (total === null || total === undefined) throw new SyncError('SOURCE_PAYLOAD_INVALID', `${label} states no orderTotal`);

  const status = statusOf(o.orderStatus);
  const billingAddress = address(o.billTo);
  const shippingAddress = address(o.shipTo);
  const email = emailOf(o.customerEmail) ?? emailOf(o.customerUsername);
  const customer =
    o.customerId || email
      ? {
          source: 'shipstation' as const,
          id: o.customerId ?? null,
          email: email ?? null,
          ...(text(o.billTo?.company) ? { company: text(o.billTo?.company) } : {}),
          ...(text(o.billTo?.phone) ? { phone: text(o.billTo?.phone) } : {}),
          ...(billingAddress ? { billingAddress } : {}),
          ...(shippingAddress ? { shippingAddress } : {}),
        }
      : null;

  const input: OrderInput = {
    source: 'shipstation',
    id: o.orderId,
    number: text(o.orderNumber) ?? o.orderId,
    status,
    cancelled: status === 'cancelled',
    currency,
    taxesIncluded: false,
    createdAt: utc(o.orderDate ?? o.createDate, `${label} orderDate`),
    updatedAt: utc(o.modifyDate, `${label} modifyDate`),
    customer,
    ...(billingAddress ? { billingAddress } : {}),
    ...(shippingAddress ? { shippingAddress } : {}),
    lines,
    shippingLines,
    fees,
    discounts,
    taxLines: orderTaxLines,
    totals: {
      subtotal: formatDec(subtotal),
      ...(discounts.length > 0 ? { discount: formatDec(discountTotal) } : {}),
      tax: formatDec(statedTax),
      shipping: formatDec(shipping),
      total,
    },
    ...(text(o.customerNotes) ? { note: text(o.customerNotes) } : {}),
  };
  return validated(Order, input, label);
}

/** ShipStation's orderStatus (notes §2) → canonical status. */
export function statusOf(orderStatus: string): OrderStatus {
  switch (orderStatus.trim().toLowerCase()) {
    case 'cancelled':
      return 'cancelled';
    case 'awaiting_shipment':
    case 'pending_fulfillment':
    case 'on_hold':
    case 'shipped':
    case 'rejected_fulfillment':
      return 'paid';
    default:
      // awaiting_payment, and any status ShipStation adds later: nothing says it was paid.
      return 'open';
  }
}

/**
 * The shortest rate (decimal fraction, 2 to 6 places) whose product with `base`, rounded to the currency,
 * is `tax`; six places when none is that short. "0" when there is no base or no tax.
 * @example taxRateFor(20.00, 1.60, 'USD') // "0.08"
 */
export function taxRateFor(base: Dec, tax: Dec, currency: string): DecimalString {
  if (base.units <= 0n || tax.units === 0n) return '0';
  const exponent = currencyExponent(currency);
  const target = round(tax, exponent);
  for (let places = 2; places <= 6; places += 1) {
    const rate = divide(tax, base, places);
    if (compare(round(mul(base, rate), exponent), target) === 0) return formatDec(rate);
  }
  return formatDec(divide(tax, base, 6));
}

/** a ÷ b to `places` decimals, half away from zero, in bigint. */
function divide(a: Dec, b: Dec, places: number): Dec {
  const numerator = a.units * 10n ** BigInt(places + b.scale);
  const denominator = b.units * 10n ** BigInt(a.scale);
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let quotient = n / d;
  if ((n % d) * 2n >= d) quotient += 1n;
  return { units: negative ? -quotient : quotient, scale: places };
}

// ---------------------------------------------------------------- customers

/** A `GET /customers/{id}` record (notes §3) → canonical Customer. */
export function customerFromShipStation(json: unknown): Customer {
  const c = parseSource(V1Customer, json, 'customer');
  const label = `ShipStation customer ${c.customerId}`;
  const billingAddress = cleanAddress({
    name: text(c.name),
    company: text(c.company),
    line1: text(c.street1),
    line2: text(c.street2),
    city: text(c.city),
    region: text(c.state),
    postalCode: text(c.postalCode),
    country: text(c.countryCode),
    phone: text(c.phone),
  });
  return validated(
    Customer,
    {
      source: 'shipstation',
      id: c.customerId,
      email: emailOf(c.email) ?? null,
      ...(text(c.company) ? { company: text(c.company) } : {}),
      ...(text(c.phone) ? { phone: text(c.phone) } : {}),
      ...(billingAddress ? { billingAddress } : {}),
      ...(c.modifyDate ? { updatedAt: utc(c.modifyDate, `${label} modifyDate`) } : {}),
    },
    label,
  );
}

// ---------------------------------------------------------------- shipments

/** A label shipment from `GET /shipments` or a SHIP_NOTIFY list (notes §3, §8) → canonical Shipment. */
export function shipmentFromShipStation(json: unknown, options: MappingOptions = {}): Shipment {
  const s = parseSource(V1Shipment, json, 'shipment');
  const label = `ShipStation shipment ${s.shipmentId}`;
  const cost = add(parseDec(s.shipmentCost ?? '0'), parseDec(s.insuranceCost ?? '0'));
  return validated(
    Shipment,
    {
      source: 'shipstation',
      id: s.shipmentId,
      orderId: s.orderId,
      orderNumber: text(s.orderNumber) ?? s.orderId,
      carrier: text(s.carrierCode) ?? 'unknown',
      ...(text(s.serviceCode) ? { service: text(s.serviceCode) } : {}),
      ...(text(s.trackingNumber) ? { trackingNumber: text(s.trackingNumber) } : {}),
      shipDate: dateOf(s.shipDate, s.createDate, label),
      cost: formatDec(cost),
      currency: (options.currency ?? manifest.defaultCurrency).toUpperCase(),
      voided: s.voided === true || Boolean(text(s.voidDate)),
    },
    label,
  );
}

/** A fulfillment from `GET /fulfillments` or a FULFILLMENT_SHIPPED list (notes §3) → canonical Shipment. */
export function shipmentFromFulfillment(json: unknown, options: MappingOptions = {}): Shipment {
  const f = parseSource(V1Fulfillment, json, 'fulfillment');
  const label = `ShipStation fulfillment ${f.fulfillmentId}`;
  return validated(
    Shipment,
    {
      source: 'shipstation',
      id: fulfillmentShipmentId(f.fulfillmentId),
      orderId: f.orderId,
      orderNumber: text(f.orderNumber) ?? f.orderId,
      carrier: text(f.carrierCode) ?? text(f.fulfillmentProviderCode) ?? text(f.sellerFillProviderName) ?? 'unknown',
      ...(text(f.fulfillmentServiceCode) ? { service: text(f.fulfillmentServiceCode) } : {}),
      ...(text(f.trackingNumber) ? { trackingNumber: text(f.trackingNumber) } : {}),
      shipDate: dateOf(f.shipDate, f.createDate, label),
      cost: formatDec(parseDec(f.fulfillmentFee ?? '0')),
      currency: (options.currency ?? manifest.defaultCurrency).toUpperCase(),
      voided: f.voided === true || Boolean(text(f.voidDate)),
    },
    label,
  );
}

// ---------------------------------------------------------------- shared rules

/** A Pacific timestamp as ISO UTC; SOURCE_PAYLOAD_INVALID naming the field when it is not one. */
export function utc(value: string, what: string): string {
  try {
    return new Date(fromPacific(value)).toISOString();
  } catch (error) {
    if (error instanceof PacificTimeError) throw new SyncError('SOURCE_PAYLOAD_INVALID', `${what}: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------- catalog

/**
 * A V1 product as a catalog entry: id, SKU, name (the SKU, else `Product <id>`, when ShipStation has none), unit
 * price as an exact decimal, active (absent → true, as the list without showInactive holds only active ones).
 */
export function catalogProductFromShipStation(json: unknown): CatalogProduct {
  const p = parseSource(V1Product, json, 'product');
  const sku = text(p.sku ?? undefined) ?? null;
  return { sourceId: p.productId, sku, name: text(p.name) ?? sku ?? `Product ${p.productId}`, price: p.price ?? null, active: p.active !== false };
}

/** The `code` of a `GET /carriers` record: what `listservices` takes. */
export function carrierCodeOf(json: unknown): string {
  return parseSource(V1Carrier, json, 'carrier').code;
}

/**
 * A carrier's services as shipping methods. `serviceCode` is the service's `code`, the value an order's
 * `serviceCode` holds, so it is the key the user maps (`shippingByMethod`). Names fall back to the codes.
 */
export function shippingMethodsFromShipStation(carrierJson: unknown, servicesJson: readonly unknown[]): CatalogShippingMethod[] {
  const carrier = parseSource(V1Carrier, carrierJson, 'carrier');
  const name = text(carrier.name);
  const nickname = text(carrier.nickname);
  // "FedEx (SS)" when the merchant nicknamed the account: two accounts of one carrier stay apart on screen.
  const carrierName = name && nickname && nickname !== name ? `${name} (${nickname})` : (name ?? nickname ?? carrier.code);
  return servicesJson.map((json) => {
    const s = parseSource(V1Service, json, 'service');
    return {
      carrierCode: carrier.code,
      carrierName,
      serviceCode: s.code,
      name: text(s.name) ?? s.code,
      domestic: s.domestic ?? null,
      international: s.international ?? null,
    };
  });
}

/** `YYYY-MM-DD` from a date (`2024-09-17`) or a Pacific datetime (its wall date), else the fallback's date. */
function dateOf(value: string | null | undefined, fallback: string, what: string): string {
  const candidate = text(value) ?? fallback;
  try {
    const w = parsePacific(candidate);
    return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  } catch (error) {
    if (error instanceof PacificTimeError) throw new SyncError('SOURCE_PAYLOAD_INVALID', `${what} shipDate: ${error.message}`);
    throw error;
  }
}

function address(a: V1Address | null | undefined): Address | undefined {
  if (!a) return undefined;
  const line2 = [text(a.street2), text(a.street3)].filter((part): part is string => part !== undefined).join(', ');
  return cleanAddress({
    name: text(a.name),
    company: text(a.company),
    line1: text(a.street1),
    line2: line2 === '' ? undefined : line2,
    city: text(a.city),
    region: text(a.state),
    postalCode: text(a.postalCode),
    country: text(a.country),
    phone: text(a.phone),
  });
}

function cleanAddress(fields: Record<keyof Address, string | undefined>): Address | undefined {
  const entries = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as Address);
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function emailOf(value: string | null | undefined): string | undefined {
  const candidate = text(value);
  return candidate !== undefined && EMAIL_RE.test(candidate) && Customer.shape.email.safeParse(candidate).success ? candidate : undefined;
}

function text(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isZeroDec(value: Dec): boolean {
  return compare(value, ZERO) === 0;
}

function parseSource<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const id = isRecord(json) ? (json[`${what}Id`] ?? '') : '';
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `ShipStation ${what} ${String(id)}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is not as expected'}`.replace(/\s+/g, ' '));
}

function validated<S extends z.ZodType>(schema: S, input: z.input<S>, label: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `${label} does not fit the canonical model at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
