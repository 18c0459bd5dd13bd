/**
 * How WooCommerce states an order's money, computed exactly (_kit/decimal-text.ts). The rules follow WooCommerce's order
 * code as far as the notes and the code read go; where they are a simplification the comment says so.
 *
 * - Line amounts are stored net of tax. Item taxes are kept per rate, unrounded (6 places), and shown raw in
 *   `taxes[]` ("0.45", "1.0725"); `total_tax`/`subtotal_tax` are their sums, rounded only when shown.
 * - Tax lines add each item's tax rounded to 2 places per item (`round_line_tax`), so `cart_tax` can differ by a
 *   cent from the sum of the unrounded item taxes — the real thing a client must not "fix" by recomputing.
 * - Exclusive stores: `total` = lines after coupons + fees + shipping + cart tax + shipping tax, rounded.
 * - Inclusive stores: prices are gross; an item's tax is gross × rate ÷ (100 + Σ rates) and its net is the rest
 *   (6 places). Checkout copies the cart's gross total onto the order, so `total` = gross lines + fees + shipping
 *   + their taxes, and net lines + `cart_tax` may miss it by a cent.
 * - Shipping and fees are always entered net; every site tax rate applies to every taxable line (no location
 *   matching, no tax classes); compound rates only in exclusive stores.
 * - A fixed-cart coupon is spread over the lines by what is left of each, cents to the largest remainders.
 */
import { add, allocate, cmp, fixed, isDecimal, isNegative, plain, ratio, sub, sum } from '../_kit/decimal-text.ts';
import type {
  CouponLineRecord,
  FeeLineRecord,
  ItemTax,
  LineItemRecord,
  OrderRecord,
  RefundLineRecord,
  ShippingLineRecord,
  TaxLineRecord,
  TaxRate,
} from './types.ts';

/** Bad input to a simulator method: HTTP status for the control API, WooCommerce's error code for REST. */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly code?: string,
  ) {
    super(message);
  }
}

const TAX_DP = 6;

export interface PricedLine {
  name: string;
  productId: number;
  variationId: number;
  sku: string;
  quantity: number;
  /** Unit price as the shop shows it: gross in an inclusive store, net otherwise. */
  price: string;
  taxable: boolean;
  meta: { key: string; value: unknown }[];
}

export interface ShippingInput {
  methodId: string;
  methodTitle?: string;
  instanceId?: string;
  /** Net. */
  total: string;
  taxable?: boolean;
}

export interface FeeInput {
  name: string;
  /** Net. */
  total: string;
  taxable?: boolean;
}

export interface CouponInput {
  code: string;
  /** Fixed cart discount, in the shop's price basis (gross in an inclusive store). */
  amount: string;
}

export interface OrderMoneyInput {
  lines: PricedLine[];
  shipping: ShippingInput[];
  fees: FeeInput[];
  coupons: CouponInput[];
}

export interface OrderMoney {
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  feeLines: FeeLineRecord[];
  couponLines: CouponLineRecord[];
  taxLines: TaxLineRecord[];
  discountTotal: string;
  discountTax: string;
  shippingTotal: string;
  shippingTax: string;
  cartTax: string;
  totalTax: string;
  total: string;
}

export function money(text: string, what: string, allowNegative = false): string {
  if (typeof text !== 'string' || !isDecimal(text)) throw new SimInputError(`${what} must be a decimal string, not ${JSON.stringify(text)}`);
  if (!allowNegative && isNegative(text)) throw new SimInputError(`${what} must not be negative`);
  return text.trim();
}

export function rateCode(rate: TaxRate): string {
  return [rate.country, rate.state, rate.name, String(rate.priority)].filter((p) => p !== '').join('-').toUpperCase();
}

function exclusiveTaxes(net: string, rates: readonly TaxRate[]): string[] {
  const simple = rates.map((r) => (r.compound ? '0' : ratio(net, r.rate, '100', TAX_DP)));
  const base = add(net, sum(simple));
  return rates.map((r, i) => (r.compound ? ratio(base, r.rate, '100', TAX_DP) : (simple[i] ?? '0')));
}

function inclusiveTaxes(gross: string, rates: readonly TaxRate[]): string[] {
  const all = sum(rates.map((r) => r.rate));
  return rates.map((r) => ratio(gross, r.rate, add('100', all), TAX_DP));
}

function taxList(rates: readonly TaxRate[], totals: string[], subtotals: string[]): ItemTax[] {
  return rates.map((r, i) => ({ rateId: r.id, total: totals[i] ?? '0', subtotal: subtotals[i] ?? '0' }));
}

export function computeOrder(input: OrderMoneyInput, site: { pricesIncludeTax: boolean; taxRates: readonly TaxRate[] }, nextId: () => number): OrderMoney {
  const rates = [...site.taxRates].sort((a, b) => Number(a.compound) - Number(b.compound) || a.priority - b.priority);
  if (site.pricesIncludeTax && rates.some((r) => r.compound)) throw new SimInputError('compound tax rates are only modelled for tax-exclusive stores');
  if (input.lines.length === 0) throw new SimInputError('an order needs at least one line item');

  // Subtotals in the price basis, then the coupons spread over what is left of each line.
  input.lines.forEach((l, i) => {
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) throw new SimInputError(`line ${i + 1}: quantity must be a positive integer`);
    money(l.price, `line ${i + 1} price`);
  });
  const basisSubExact = input.lines.map((l) => mulQty(l.price, l.quantity));
  const remaining = [...basisSubExact];
  const couponShares = input.coupons.map((c, ci) => {
    const amount = money(c.amount, `coupon ${c.code || ci + 1} amount`);
    const left = sum(remaining);
    const capped = cmp(amount, left) > 0 ? left : amount;
    const shares = allocate(capped, remaining);
    shares.forEach((s, i) => (remaining[i] = sub(remaining[i] ?? '0', s)));
    return shares;
  });

  const lineItems: LineItemRecord[] = input.lines.map((l, i) => {
    const gross = basisSubExact[i] ?? '0';
    const after = remaining[i] ?? '0';
    const lineRates = l.taxable ? rates : [];
    let subtotal: string;
    let total: string;
    let subTaxes: string[];
    let totTaxes: string[];
    if (site.pricesIncludeTax) {
      subTaxes = inclusiveTaxes(gross, lineRates);
      totTaxes = inclusiveTaxes(after, lineRates);
      subtotal = sub(gross, sum(subTaxes));
      total = sub(after, sum(totTaxes));
    } else {
      subtotal = gross;
      total = after;
      subTaxes = exclusiveTaxes(gross, lineRates);
      totTaxes = exclusiveTaxes(after, lineRates);
    }
    return {
      id: nextId(),
      name: l.name,
      productId: l.productId,
      variationId: l.variationId,
      quantity: l.quantity,
      taxClass: '',
      subtotal,
      subtotalTax: sum(subTaxes),
      total,
      totalTax: sum(totTaxes),
      taxes: taxList(lineRates, totTaxes, subTaxes),
      sku: l.sku,
      meta: l.meta.map((m) => ({ id: nextId(), key: m.key, value: m.value })),
    };
  });

  const shippingLines: ShippingLineRecord[] = input.shipping.map((s, i) => {
    const total = money(s.total, `shipping line ${i + 1} total`);
    const shipRates = s.taxable === false ? [] : rates.filter((r) => r.shipping);
    const taxes = exclusiveTaxes(total, shipRates);
    return {
      id: nextId(),
      methodTitle: s.methodTitle ?? s.methodId,
      methodId: s.methodId,
      instanceId: s.instanceId ?? '',
      total,
      totalTax: sum(taxes),
      taxes: taxList(shipRates, taxes, taxes),
      meta: [],
    };
  });

  const feeLines: FeeLineRecord[] = input.fees.map((f, i) => {
    const total = money(f.total, `fee ${i + 1} total`, true);
    const feeRates = f.taxable === false ? [] : rates;
    const taxes = exclusiveTaxes(total, feeRates);
    return {
      id: nextId(),
      name: f.name,
      taxClass: '',
      taxStatus: f.taxable === false ? 'none' : 'taxable',
      total,
      totalTax: sum(taxes),
      taxes: taxList(feeRates, taxes, taxes),
      meta: [],
    };
  });

  const couponLines: CouponLineRecord[] = input.coupons.map((c, ci) => {
    const shares = couponShares[ci] ?? [];
    let discount = '0';
    let discountTax = '0';
    shares.forEach((share, i) => {
      const lineRates = input.lines[i]?.taxable ? rates : [];
      if (site.pricesIncludeTax) {
        const tax = sum(inclusiveTaxes(share, lineRates));
        discountTax = add(discountTax, tax);
        discount = add(discount, sub(share, tax));
      } else {
        discount = add(discount, share);
        discountTax = add(discountTax, sum(exclusiveTaxes(share, lineRates)));
      }
    });
    return { id: nextId(), code: c.code, discount: fixed(discount), discountTax: fixed(discountTax), discountType: 'fixed_cart', nominalAmount: c.amount, meta: [] };
  });

  // Tax lines: each item's tax rounded to 2 places, then added per rate.
  const used = rates.filter((r) => [...lineItems, ...feeLines, ...shippingLines].some((item) => item.taxes.some((t) => t.rateId === r.id)));
  const taxLines: TaxLineRecord[] = used.map((r) => {
    const cart = [...lineItems, ...feeLines].map((item) => fixed(item.taxes.find((t) => t.rateId === r.id)?.total ?? '0'));
    const ship = shippingLines.map((item) => fixed(item.taxes.find((t) => t.rateId === r.id)?.total ?? '0'));
    return {
      id: nextId(),
      rateId: r.id,
      rateCode: rateCode(r),
      label: r.name,
      compound: r.compound,
      taxTotal: fixed(sum(cart)),
      shippingTaxTotal: fixed(sum(ship)),
      ratePercent: r.rate,
      meta: [],
    };
  });

  const cartTax = fixed(sum(taxLines.map((t) => t.taxTotal)));
  const shippingTax = fixed(sum(taxLines.map((t) => t.shippingTaxTotal)));
  const shippingTotal = fixed(sum(shippingLines.map((s) => s.total)));
  const fees = sum(feeLines.map((f) => f.total));
  const linesNet = sum(lineItems.map((l) => l.total));
  const total = site.pricesIncludeTax
    ? fixed(sum([sum(remaining), fees, shippingTotal, fixed(sum(taxLines.map((t) => feeTaxOf(feeLines, t.rateId)))), shippingTax]))
    : fixed(sum([linesNet, fees, shippingTotal, cartTax, shippingTax]));

  return {
    lineItems,
    shippingLines,
    feeLines,
    couponLines,
    taxLines,
    discountTotal: fixed(sub(sum(lineItems.map((l) => l.subtotal)), linesNet)),
    discountTax: fixed(sub(sum(lineItems.map((l) => l.subtotalTax)), sum(lineItems.map((l) => l.totalTax)))),
    shippingTotal,
    shippingTax,
    cartTax,
    totalTax: fixed(add(cartTax, shippingTax)),
    total,
  };
}

function feeTaxOf(fees: readonly FeeLineRecord[], rateId: number): string {
  return sum(fees.map((f) => fixed(f.taxes.find((t) => t.rateId === rateId)?.total ?? '0')));
}

/** price × quantity, exact (prices may carry more than 2 places). */
function mulQty(price: string, quantity: number): string {
  return plain(ratio(price, String(quantity), '1', 6));
}

/** What has been refunded so far and what is left to refund (`get_remaining_refund_amount`). */
export function remainingRefund(order: OrderRecord, refundedAmounts: readonly string[]): string {
  return fixed(sub(order.total, sum(refundedAmounts)));
}

export interface RefundLineInput {
  /** The order line item id. */
  id: number;
  quantity?: number;
  /** Net amount to refund for the line; default its total × quantity ÷ ordered quantity. */
  refundTotal?: string;
  /** Tax to refund per rate; default each rate's tax × quantity ÷ ordered quantity. */
  refundTax?: { id: number; refundTotal: string }[];
}

export function refundLines(order: OrderRecord, inputs: readonly RefundLineInput[], nextId: () => number): RefundLineRecord[] {
  return inputs.map((input) => {
    const item = order.lineItems.find((l) => l.id === input.id);
    if (!item) throw new SimInputError(`line item ${input.id} is not on order ${order.id}`);
    const q = input.quantity ?? 0;
    if (!Number.isInteger(q) || q < 0 || q > item.quantity) throw new SimInputError(`refund quantity for line ${item.id} must be 0..${item.quantity}`);
    const share = (value: string) => ratio(value, String(q === 0 ? item.quantity : q), String(item.quantity), 2);
    const refundTotal = input.refundTotal !== undefined ? money(input.refundTotal, 'refund_total') : share(item.total);
    const taxes = item.taxes.map((t) => {
      const given = input.refundTax?.find((r) => r.id === t.rateId);
      const amount = given ? money(given.refundTotal, 'refund_tax') : share(t.total);
      return { rateId: t.rateId, total: negate(amount), subtotal: negate(amount) };
    });
    const subtotal = q === 0 ? refundTotal : share(item.subtotal);
    return {
      id: nextId(),
      refundedItemId: item.id,
      name: item.name,
      productId: item.productId,
      variationId: item.variationId,
      quantity: -q,
      taxClass: item.taxClass,
      subtotal: negate(subtotal),
      subtotalTax: negate(sum(taxes.map((t) => negate(t.total)))),
      total: negate(refundTotal),
      totalTax: negate(sum(taxes.map((t) => negate(t.total)))),
      taxes,
      sku: item.sku,
      refundTotal,
    };
  });
}

function negate(value: string): string {
  return cmp(value, '0') === 0 ? '0' : value.startsWith('-') ? value.slice(1) : `-${value}`;
}

/** The amount a set of refund lines adds up to: net + tax. */
export function refundLinesAmount(lines: readonly RefundLineRecord[]): string {
  return fixed(sum(lines.map((l) => add(l.refundTotal, negate(l.totalTax)))));
}
