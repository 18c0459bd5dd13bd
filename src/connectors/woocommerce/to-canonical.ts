/**
 * WooCommerce → canonical model. Pure functions: `/wc/v3` order or customer JSON in (a REST answer or a webhook
 * body, parsed with parseJsonExact), a validated canonical Order or Customer out. Anything that does not fit
 * throws SyncError SOURCE_PAYLOAD_INVALID naming the order.
 *
 * Amounts. WooCommerce stores every line net of tax, also when the shop enters prices with tax
 * (`prices_include_tax`); `subtotal` is before coupons, `total` after, `*_tax` beside them.
 *   - Tax-exclusive order: unit price = subtotal ÷ quantity, line discount = subtotal − total.
 *   - Tax-inclusive order: the canonical amounts are gross (the posting rule adds no tax to an inclusive
 *     order): unit price = (subtotal + subtotal_tax) ÷ quantity, discount = (subtotal + subtotal_tax) −
 *     (total + total_tax); shipping and fees (entered net) = total + the tax lines posted for them (what
 *     WooCommerce's total adds: per rate, rounded per item), else + total_tax; coupons = discount + discount_tax.
 *   The division is exact when the quotient terminates (6.00 ÷ 2 = 3.00), else carried to as many places as
 *   make quantity × unit price round back to the subtotal (10.00 ÷ 3 = 3.3333). `line_items[].price` (a float,
 *   after coupons) is never used for money. A line whose total exceeds its subtotal (hand-edited) is priced at
 *   its total with no discount.
 *   Coupons: WooCommerce spreads every coupon over the lines, so each becomes an informational Discount with
 *   `allocatedToLines: true`; should the coupons (rounded apart from the lines) add up to more than the lines'
 *   discounts, the excess (a cent per coupon at most, or a hand edit) is taken off the last coupons so the
 *   posting rule's check holds. Fees may be negative (stores use them as discounts).
 * Taxes. Each line, fee and shipping line carries one TaxLine per rate from its `taxes[]` (rate id → the
 *   order's `tax_lines` for the title and `rate_percent`). WooCommerce's `tax_lines` add each item's tax rounded
 *   to the cent (the default "round per line"), so when the rounded item taxes of a rate add up exactly to its
 *   tax line, the rounded amounts are used and the order ties out to the cent; otherwise (a store that rounds
 *   at subtotal level) the raw amounts ("0.14925") are kept and the posting rule rounds their sum once.
 *   `rate_percent` (a float, e.g. 2.6000000000000001) is read to WooCommerce's 4 stored places; stores older than
 *   that field get the rate derived from tax ÷ taxed amount, snapped to the fewest places that reproduce it.
 * Status (WooCommerce's is about fulfilment as much as payment; `date_paid_gmt` says whether money came in):
 *   pending, on-hold, checkout-draft   → open (awaiting payment; on-hold is usually a bank transfer)
 *   processing                         → paid when date_paid is set, else open (cash on delivery)
 *   completed                          → paid (WooCommerce sets date_paid on completion if it was missing)
 *     … either with refunds[] but not `refunded`  → partially_refunded
 *   refunded                           → refunded
 *   cancelled, trash                   → cancelled (cancelled: true); one that was paid keeps paid/refunded
 *                                        with cancelled: true, so a paid invoice is reported, not voided
 *   failed                             → voided (cancelled: true): the payment was declined, no money moved,
 *                                        and an open receivable would misstate the books; if the buyer pays
 *                                        later the order turns processing and is posted then
 *   anything else (plugin statuses such as "shipped") → paid when date_paid is set, else open
 * Buyer. `customer_id` 0 is a guest: customer with id null, the billing email and name. Addresses come from
 *   `billing` / `shipping`. Names and titles are HTML-entity-decoded (WooCommerce sends "Hoodie &ndash; Blue").
 * Dates: `*_gmt` fields are UTC without an offset (§9.4); they get their `Z` here.
 */
import type { z } from 'zod';
import { SyncError } from '../../core/errors.ts';
import { Customer, Order } from '../../core/model.ts';
import type { Address, OrderInput, OrderStatus, TaxLine } from '../../core/model.ts';
import { add, compare, currencyExponent, type Dec, formatDec, isZero, mul, parseDec, round, sub, sum, ZERO } from '../../core/money.ts';
import { WooCustomer, WooOrder } from './schemas.ts';
import type { WooAddress, WooItemTax, WooTaxLine } from './schemas.ts';

// ---------------------------------------------------------------- orders

export function orderFromWooCommerce(json: unknown): Order {
  const o = parseSource(WooOrder, json, 'order');
  const label = `WooCommerce order ${String(o.number ?? o.id)}`;
  const currency = o.currency.trim().toUpperCase();
  let exponent: number;
  try {
    exponent = currencyExponent(currency);
  } catch {
    throw new SyncError('SOURCE_PAYLOAD_INVALID', `${label} has currency "${o.currency}", which is not an ISO 4217 code`);
  }
  const inclusive = o.prices_include_tax === true;
  const money = (value: Dec): string => formatDec(value, exponent);
  const cents = (value: Dec): Dec => round(value, exponent);

  const rates = rateTable(o, exponent);
  const taxesOf = (entries: readonly WooItemTax[]): TaxLine[] =>
    entries.map((entry) => {
      const info = rates.get(entry.id) ?? { title: `Tax ${entry.id}`, rate: '0', rounded: false };
      const raw = parseDec(entry.total ?? '0');
      return { title: info.title, rate: info.rate, amount: money(info.rounded ? cents(raw) : raw) };
    });

  const lines = o.line_items.map((li) => {
    const quantity = li.quantity;
    let gross = parseDec(li.subtotal);
    let after = parseDec(li.total);
    if (inclusive) {
      gross = add(gross, parseDec(li.subtotal_tax ?? '0'));
      after = add(after, parseDec(li.total_tax ?? '0'));
    }
    if (compare(after, gross) > 0) gross = after;
    const unitPrice = quantity > 0 ? unitPriceOf(gross, quantity, exponent) : gross;
    const productId = positiveId(li.variation_id) ?? positiveId(li.product_id);
    const sku = t(li.sku);
    return {
      id: li.id,
      sku,
      title: decodeEntities(t(li.name)) ?? sku ?? (productId ? `Product ${productId}` : `Line ${li.id}`),
      productId,
      quantity,
      unitPrice: formatDec(unitPrice, exponent),
      discount: money(sub(gross, after)),
      taxLines: taxesOf(li.taxes),
      taxable: li.taxes.length > 0,
    };
  });

  // Shipping and fees are entered net (also in tax-inclusive stores); gross = net + the tax lines posted for
  // them, which is how WooCommerce's order total adds them (per rate, rounded per item), or `total_tax` when
  // those amounts are finer than the currency (a store rounding at subtotal level).
  const grossOf = (net: Dec, taxLines: TaxLine[], totalTax: string | undefined): Dec => {
    const posted = sum(taxLines.map((tl) => parseDec(tl.amount)));
    return add(net, compare(cents(posted), posted) === 0 ? posted : parseDec(totalTax ?? '0'));
  };

  const shippingLines = o.shipping_lines.map((sl) => {
    const net = parseDec(sl.total);
    const taxLines = taxesOf(sl.taxes);
    return {
      title: decodeEntities(t(sl.method_title)) ?? t(sl.method_id) ?? 'Shipping',
      code: t(sl.method_id),
      price: money(inclusive ? grossOf(net, taxLines, sl.total_tax) : net),
      taxLines,
    };
  });

  const fees = o.fee_lines.map((fl) => {
    const net = parseDec(fl.total);
    const taxLines = taxesOf(fl.taxes);
    return { title: decodeEntities(t(fl.name)) ?? 'Fee', amount: money(inclusive ? grossOf(net, taxLines, fl.total_tax) : net), taxLines };
  });

  const carried = sum(lines.map((l) => parseDec(l.discount)));
  const discounts = capToCarried(
    o.coupon_lines
      .map((c) => ({
        code: t(c.code),
        amount: inclusive ? add(parseDec(c.discount), parseDec(c.discount_tax ?? '0')) : parseDec(c.discount),
      }))
      .filter((c) => !isZero(c.amount)),
    carried,
  ).map((c) => ({ code: c.code, amount: money(c.amount), allocatedToLines: true }));

  const taxLines = o.tax_lines.map((tl) => {
    const info = rates.get(tl.rate_id);
    return {
      title: info?.title ?? titleOf(tl),
      rate: info?.rate ?? '0',
      amount: money(add(parseDec(tl.tax_total), parseDec(tl.shipping_tax_total ?? '0'))),
    };
  });

  const billing = o.billing ?? {};
  const input: OrderInput = {
    source: 'woocommerce',
    id: o.id,
    number: String(o.number ?? '').trim() || o.id,
    ...statusOf(o),
    currency,
    taxesIncluded: inclusive,
    createdAt: utcOf(o.date_created_gmt, `${label} date_created_gmt`),
    updatedAt: utcOf(o.date_modified_gmt ?? o.date_created_gmt, `${label} date_modified_gmt`),
    customer: buyerOf(o.customer_id, billing),
    billingAddress: addressOf(billing),
    shippingAddress: addressOf(o.shipping ?? {}),
    lines,
    shippingLines,
    fees,
    discounts,
    taxLines,
    totals: {
      discount: o.discount_total !== undefined ? money(parseDec(o.discount_total)) : undefined,
      tax: money(parseDec(o.total_tax)),
      shipping: o.shipping_total !== undefined ? money(parseDec(o.shipping_total)) : undefined,
      total: money(parseDec(o.total)),
    },
    note: t(o.customer_note),
  };
  const parsed = Order.safeParse(dropUndefined(input));
  if (parsed.success) return parsed.data;
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `${label}: ${describeIssues(parsed.error)}`);
}

/** The canonical status and cancellation of an order (see the table at the top). */
export function statusOf(o: Pick<WooOrder, 'status' | 'date_paid_gmt' | 'refunds' | 'total'>): { status: OrderStatus; cancelled: boolean } {
  const status = o.status.trim().toLowerCase().replace(/^wc-/, '');
  const paidAt = t(o.date_paid_gmt);
  const refunded = sum(o.refunds.map((r) => absDec(parseDec(r.total))));
  const fullyRefunded = !isZero(refunded) && compare(refunded, parseDec(o.total)) >= 0;
  const afterPayment = (): OrderStatus => (fullyRefunded ? 'refunded' : isZero(refunded) ? 'paid' : 'partially_refunded');
  switch (status) {
    case 'pending':
    case 'on-hold':
    case 'checkout-draft':
      return { status: 'open', cancelled: false };
    case 'completed':
      return { status: afterPayment(), cancelled: false };
    case 'refunded':
      return { status: 'refunded', cancelled: false };
    case 'cancelled':
    case 'trash':
      return { status: paidAt ? afterPayment() : 'cancelled', cancelled: true };
    case 'failed':
      return { status: 'voided', cancelled: true };
    default:
      return { status: paidAt ? afterPayment() : 'open', cancelled: false };
  }
}

interface RateInfo {
  title: string;
  /** Decimal fraction: "0.075". */
  rate: string;
  /** Use item taxes rounded to the currency (they add up to the tax line exactly). */
  rounded: boolean;
}

/** Per rate id: title, rate and whether item taxes are posted rounded (see the header). */
function rateTable(o: WooOrder, exponent: number): Map<string, RateInfo> {
  interface Use {
    base: Dec;
    tax: Dec;
    cartRounded: Dec;
    shippingRounded: Dec;
    items: number;
  }
  const uses = new Map<string, Use>();
  const note = (entries: readonly WooItemTax[], base: string, kind: 'cart' | 'shipping'): void => {
    for (const entry of entries) {
      const raw = parseDec(entry.total ?? '0');
      const use = uses.get(entry.id) ?? { base: ZERO, tax: ZERO, cartRounded: ZERO, shippingRounded: ZERO, items: 0 };
      use.items += 1;
      use.base = add(use.base, parseDec(base));
      use.tax = add(use.tax, raw);
      if (kind === 'cart') use.cartRounded = add(use.cartRounded, round(raw, exponent));
      else use.shippingRounded = add(use.shippingRounded, round(raw, exponent));
      uses.set(entry.id, use);
    }
  };
  for (const li of o.line_items) note(li.taxes, li.total, 'cart');
  for (const fl of o.fee_lines) note(fl.taxes, fl.total, 'cart');
  for (const sl of o.shipping_lines) note(sl.taxes, sl.total, 'shipping');

  const table = new Map<string, RateInfo>();
  const ids = new Set([...uses.keys(), ...o.tax_lines.map((tl) => tl.rate_id)]);
  for (const id of ids) {
    const line = o.tax_lines.find((tl) => tl.rate_id === id);
    const use = uses.get(id);
    const rounded =
      line !== undefined &&
      use !== undefined &&
      compare(use.cartRounded, parseDec(line.tax_total)) === 0 &&
      compare(use.shippingRounded, parseDec(line.shipping_tax_total ?? '0')) === 0;
    table.set(id, {
      title: line ? titleOf(line) : `Tax ${id}`,
      rate: rateOf(line?.rate_percent, use, exponent, o.prices_include_tax === true),
      rounded,
    });
  }
  return table;
}

function titleOf(line: WooTaxLine): string {
  return decodeEntities(t(line.label)) ?? t(line.rate_code) ?? `Tax ${line.rate_id}`;
}

/**
 * `rate_percent` ÷ 100, read to the 4 places WooCommerce stores (the float 2.6000000000000001 is 2.6 %);
 * without it, tax ÷ taxed amount at the fewest places (2 to 6) that give back the tax WooCommerce stated, to the
 * precision it stated it in: half a unit of the tax's last place per item taxed, plus, in a tax-inclusive order
 * (whose net amounts are shown rounded to the cent), the rate times half a cent per item.
 */
export function rateOf(
  percent: string | null | undefined,
  use: { base: Dec; tax: Dec; items?: number } | undefined,
  exponent: number,
  baseRounded = false,
): string {
  if (percent !== null && percent !== undefined && percent !== '') {
    const p = round(parseDec(percent), 4);
    return formatDec({ units: p.units, scale: p.scale + 2 });
  }
  if (!use || isZero(use.base)) return '0';
  const items = BigInt(Math.max(1, use.items ?? 1));
  const taxScale = Math.max(use.tax.scale, exponent);
  const taxSlack: Dec = { units: 5n * items, scale: taxScale + 1 };
  const baseHalfUnit: Dec = { units: 5n * items, scale: Math.max(use.base.scale, exponent) + 1 };
  let rate: Dec = ZERO;
  for (let places = 2; places <= 6; places += 1) {
    rate = divide(use.tax, use.base, places);
    const tolerance = baseRounded ? add(taxSlack, mul(rate, baseHalfUnit)) : taxSlack;
    if (compare(absDec(sub(mul(rate, use.base), use.tax)), tolerance) <= 0) break;
  }
  return formatDec(rate);
}

/**
 * amount ÷ quantity: exact when it terminates within 12 more places, else rounded to the fewest places (4 to 12)
 * at which quantity × unit price rounds back to the amount in the currency.
 */
export function unitPriceOf(amount: Dec, quantity: number, exponent: number): Dec {
  const q = BigInt(quantity);
  if (q === 1n) return amount;
  for (let k = 0; k <= 12; k += 1) {
    const scaled = amount.units * 10n ** BigInt(k);
    if (scaled % q === 0n) return { units: scaled / q, scale: amount.scale + k };
  }
  const target = round(amount, exponent);
  let unit: Dec = amount;
  for (let places = 4; places <= 12; places += 1) {
    unit = divide(amount, { units: q, scale: 0 }, Math.max(places, amount.scale));
    if (compare(round(mul(unit, { units: q, scale: 0 }), exponent), target) === 0) return unit;
  }
  return unit;
}

/** a ÷ b rounded half-up to `scale` places, exactly (bigint). b must not be zero. */
function divide(a: Dec, b: Dec, scale: number): Dec {
  const guard = scale + 2;
  const numerator = a.units * 10n ** BigInt(guard + b.scale);
  const denominator = b.units * 10n ** BigInt(a.scale);
  return round({ units: numerator / denominator, scale: guard }, scale);
}

function capToCarried<T extends { amount: Dec }>(coupons: T[], carried: Dec): T[] {
  let excess = sub(sum(coupons.map((c) => c.amount)), carried);
  if (compare(excess, ZERO) <= 0) return coupons;
  const out = [...coupons];
  for (let i = out.length - 1; i >= 0 && compare(excess, ZERO) > 0; i -= 1) {
    const coupon = out[i];
    if (!coupon) continue;
    const take = compare(coupon.amount, excess) < 0 ? coupon.amount : excess;
    out[i] = { ...coupon, amount: sub(coupon.amount, take) };
    excess = sub(excess, take);
  }
  return out.filter((c) => !isZero(c.amount));
}

function buyerOf(customerId: string | null | undefined, billing: WooAddress): z.input<typeof Customer> | null {
  const id = positiveId(customerId) ?? null;
  const email = validEmail(billing.email);
  const firstName = t(billing.first_name);
  const lastName = t(billing.last_name);
  if (id === null && email === null && !firstName && !lastName) return null;
  return {
    source: 'woocommerce',
    id,
    email,
    firstName,
    lastName,
    company: t(billing.company),
    phone: t(billing.phone),
  };
}

// ---------------------------------------------------------------- customers

export function customerFromWooCommerce(json: unknown): Customer {
  const c = parseSource(WooCustomer, json, 'customer');
  const billing = c.billing ?? {};
  const input: z.input<typeof Customer> = {
    source: 'woocommerce',
    id: c.id,
    email: validEmail(c.email) ?? validEmail(billing.email),
    firstName: t(c.first_name) ?? t(billing.first_name),
    lastName: t(c.last_name) ?? t(billing.last_name),
    company: t(billing.company),
    phone: t(billing.phone),
    billingAddress: addressOf(billing),
    shippingAddress: addressOf(c.shipping ?? {}),
    updatedAt: t(c.date_modified_gmt) ?? t(c.date_created_gmt) ? utcOf(c.date_modified_gmt ?? c.date_created_gmt, `WooCommerce customer ${c.id} date_modified_gmt`) : undefined,
  };
  const parsed = Customer.safeParse(dropUndefined(input));
  if (parsed.success) return parsed.data;
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `WooCommerce customer ${c.id}: ${describeIssues(parsed.error)}`);
}

// ---------------------------------------------------------------- shared rules

export function addressOf(a: WooAddress): Address | undefined {
  const name = [t(a.first_name), t(a.last_name)].filter((p) => p !== undefined).join(' ');
  const out: Address = {};
  const set = (key: keyof Address, value: string | undefined): void => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('name', decodeEntities(name));
  set('company', decodeEntities(t(a.company)));
  set('line1', t(a.address_1));
  set('line2', t(a.address_2));
  set('city', t(a.city));
  set('region', t(a.state));
  set('postalCode', t(a.postcode));
  set('country', t(a.country));
  set('phone', t(a.phone));
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `2017-03-22T19:28:08` (a `_gmt` field: UTC without offset) → `2017-03-22T19:28:08Z`. A value that already
 * carries an offset is converted. Throws when missing or not a date.
 */
export function utcOf(value: string | null | undefined, what: string): string {
  const text = t(value);
  if (!text) throw new SyncError('SOURCE_PAYLOAD_INVALID', `${what} is missing`);
  const withZone = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text.replace(' ', 'T')}Z`;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms)) throw new SyncError('SOURCE_PAYLOAD_INVALID', `${what} "${text}" is not a date`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', hellip: '…', times: '×',
  trade: '™', reg: '®', copy: '©', euro: '€', pound: '£', yen: '¥', cent: '¢', deg: '°', laquo: '«', raquo: '»',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', sbquo: '‚', bdquo: '„', middot: '·', bull: '•', frac12: '½',
};

/** HTML entities as WordPress writes them into names (`&ndash;`, `&#8482;`, `&#x2019;`); unknown ones stay. */
export function decodeEntities(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const decoded = value.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,7});/gi, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
  return decoded.trim() === '' ? undefined : decoded.trim();
}

function positiveId(value: string | null | undefined): string | undefined {
  return value !== null && value !== undefined && /^\d+$/.test(value) && BigInt(value) > 0n ? value : undefined;
}

function absDec(value: Dec): Dec {
  return value.units < 0n ? { units: -value.units, scale: value.scale } : value;
}

/** Trimmed text; empty and null become undefined. */
function t(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function validEmail(value: string | null | undefined): string | null {
  const v = t(value);
  return v !== undefined && Customer.shape.email.safeParse(v).success ? v : null;
}

function parseSource<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const name = record['number'] ?? record['id'];
  const shown = typeof name === 'string' || typeof name === 'number' || typeof name === 'bigint' ? ` ${String(name)}` : '';
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `WooCommerce ${what}${shown}: ${describeIssues(parsed.error)}`);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`)
    .join('; ');
}

/** Removes undefined-valued keys (deeply), so the output has no `key: undefined` noise. */
function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
  return out as T;
}
