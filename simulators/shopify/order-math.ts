/**
 * How an order's money is stated, following the Admin schema's own field descriptions:
 * - `subtotalPriceSet`: line items after ALL discounts (line-level and order-level), before shipping; includes tax
 *   when `taxesIncluded`.
 * - `totalDiscountsSet`: line-level + order-level discounts.
 * - `totalTaxSet`: sum of every tax line (items and shipping); the amounts are the stated ones, never recomputed.
 * - `totalPriceSet`: subtotal + shipping + tax (tax only when not already included).
 * - `LineItem.totalDiscountSet` / `discountedTotalSet`: line-level discounts only; code discounts reach a line only
 *   through its `discountAllocations` (and `discountedTotalSet(withCodeDiscounts: true)`).
 * The `current*` family is the same after refunds.
 */
import { allocate, cmp, fixed, isBareDecimal, isNegative, mulDiv, sub, toMinor } from '../_kit/decimal-text.ts';
import { addM, convert, subM, sumM, timesM, ZERO } from './money2.ts';
import type {
  DiscountAllocationRecord,
  DiscountApplicationRecord,
  LineItemRecord,
  Money2,
  OrderRecord,
  OrderTotals,
  PlaceOrderInput,
  RefundInput,
  RefundLineRecord,
  RefundShippingRecord,
  ShippingLineRecord,
  TaxLineInput,
  TaxLineRecord,
  TotalKey,
} from './types.ts';

export class SimInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function requireDecimal(value: unknown, what: string, allowNegative = false): string {
  if (typeof value !== 'string' || !isBareDecimal(value)) {
    throw new SimInputError(`${what} must be a decimal string like "29.00", got ${JSON.stringify(value)}`);
  }
  if (!allowNegative && isNegative(value)) throw new SimInputError(`${what} must not be negative`);
  return value;
}

function taxLines(inputs: readonly TaxLineInput[] | undefined, rate: string, what: string): TaxLineRecord[] {
  return (inputs ?? []).map((t, i) => ({
    title: t.title,
    rate: requireDecimal(t.rate, `${what}.taxLines[${i}].rate`),
    price: convert(requireDecimal(t.amount, `${what}.taxLines[${i}].amount`), rate),
    channelLiable: t.channelLiable ?? false,
    refunded: { ...ZERO },
  }));
}

export interface BuiltLines {
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  discountApplications: DiscountApplicationRecord[];
  discountCodes: OrderRecord['discountCodes'];
}

/** Turns the test's simple input into stated line records; `nextId` hands out legacy ids. */
export function buildLines(
  input: PlaceOrderInput,
  rate: string,
  nextId: () => string,
  variantFor: (sku: string | null) => { productId: string | null; variantId: string | null },
): BuiltLines {
  if (!Array.isArray(input.lineItems) || input.lineItems.length === 0) {
    throw new SimInputError('an order needs at least one line item');
  }
  const applications: DiscountApplicationRecord[] = [];
  const codes = input.discountCodes ?? [];
  codes.forEach((c, i) => {
    requireDecimal(c.amount, `discountCodes[${i}].amount`);
    const type = c.type ?? 'fixed_amount';
    applications.push({
      index: applications.length,
      type: 'discount_code',
      code: c.code,
      title: c.code,
      description: null,
      valueType: type,
      value: type === 'percentage' ? requireDecimal(c.percentage ?? '0', `discountCodes[${i}].percentage`) : fixed(c.amount),
      allocationMethod: 'ACROSS',
      targetSelection: 'ALL',
      targetType: 'LINE_ITEM',
    });
  });

  const lineItems: LineItemRecord[] = input.lineItems.map((li, i) => {
    const what = `lineItems[${i}]`;
    if (!Number.isInteger(li.quantity) || li.quantity <= 0) throw new SimInputError(`${what}.quantity must be a positive integer`);
    if (typeof li.title !== 'string' || li.title === '') throw new SimInputError(`${what}.title is required`);
    const unitPrice = convert(requireDecimal(li.price, `${what}.price`), rate);
    const originalTotal = timesM(unitPrice, li.quantity);
    const discount = typeof li.discount === 'string' ? { amount: li.discount } : li.discount;
    const allocations: DiscountAllocationRecord[] = [];
    let lineDiscount = { ...ZERO };
    if (discount && cmp(requireDecimal(discount.amount, `${what}.discount`), '0') > 0) {
      lineDiscount = convert(discount.amount, rate);
      if (cmp(lineDiscount.shop, originalTotal.shop) > 0) throw new SimInputError(`${what}.discount exceeds the line total`);
      const index = applications.length;
      applications.push({
        index,
        type: 'manual',
        code: null,
        title: discount.title ?? 'Line discount',
        description: discount.description ?? null,
        valueType: 'fixed_amount',
        value: lineDiscount.shop,
        allocationMethod: 'EACH',
        targetSelection: 'EXPLICIT',
        targetType: 'LINE_ITEM',
      });
      allocations.push({ applicationIndex: index, amount: lineDiscount });
    }
    const sku = li.sku ?? null;
    const ids = variantFor(sku);
    return {
      id: nextId(),
      productId: ids.productId,
      variantId: ids.variantId,
      sku,
      title: li.title,
      variantTitle: li.variantTitle ?? null,
      name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
      vendor: li.vendor ?? null,
      quantity: li.quantity,
      currentQuantity: li.quantity,
      taxable: li.taxable ?? (li.taxLines ?? []).length > 0,
      requiresShipping: li.requiresShipping ?? true,
      unitPrice,
      originalTotal,
      lineDiscount,
      discountAllocations: allocations,
      taxLines: taxLines(li.taxLines, rate, what),
      refunded: { quantity: 0, subtotal: { ...ZERO }, discounts: { ...ZERO } },
    };
  });

  // Order-level codes are spread over the lines in proportion to what is left of each line, separately in each
  // currency so both sides add back to the code's amount exactly.
  const discountCodes: OrderRecord['discountCodes'] = [];
  codes.forEach((c, i) => {
    const amount = convert(c.amount, rate);
    const bases = lineItems.map((li) => subM(li.originalTotal, sumM(li.discountAllocations.map((a) => a.amount))));
    const available = sumM(bases);
    if (cmp(amount.shop, available.shop) > 0) throw new SimInputError(`discountCodes[${i}] exceeds what the lines are worth`);
    const shopParts = allocate(amount.shop, bases.map((b) => b.shop));
    const presentmentParts = allocate(amount.presentment, bases.map((b) => b.presentment));
    lineItems.forEach((li, j) => {
      const part = { shop: shopParts[j] ?? '0.00', presentment: presentmentParts[j] ?? '0.00' };
      if (cmp(part.shop, '0') > 0 || cmp(part.presentment, '0') > 0) li.discountAllocations.push({ applicationIndex: i, amount: part });
    });
    discountCodes.push({ code: c.code, amount, type: c.type ?? 'fixed_amount' });
  });

  const shippingLines: ShippingLineRecord[] = (input.shippingLines ?? []).map((s, i) => {
    const price = convert(requireDecimal(s.price, `shippingLines[${i}].price`), rate);
    return {
      id: nextId(),
      title: s.title,
      code: s.code ?? s.title,
      source: 'shopify',
      price,
      discountedPrice: price,
      taxLines: taxLines(s.taxLines, rate, `shippingLines[${i}]`),
      refunded: { ...ZERO },
    };
  });

  return { lineItems, shippingLines, discountApplications: applications, discountCodes };
}

export function allocationsTotal(li: LineItemRecord): Money2 {
  return sumM(li.discountAllocations.map((a) => a.amount));
}

/** Line after every discount (line-level and order-level). */
export function lineNet(li: LineItemRecord): Money2 {
  return subM(li.originalTotal, allocationsTotal(li));
}

function allTaxLines(order: Pick<OrderRecord, 'lineItems' | 'shippingLines'>): TaxLineRecord[] {
  return [...order.lineItems.flatMap((li) => li.taxLines), ...order.shippingLines.flatMap((s) => s.taxLines)];
}

function withTotal(parts: Omit<OrderTotals, 'total'>, taxesIncluded: boolean): OrderTotals {
  const total = addM(addM(parts.subtotal, parts.shipping), taxesIncluded ? ZERO : parts.tax);
  return { ...parts, total };
}

export function computeOriginal(order: Pick<OrderRecord, 'lineItems' | 'shippingLines' | 'taxesIncluded'>): OrderTotals {
  const lineItems = sumM(order.lineItems.map((li) => li.originalTotal));
  const discounts = sumM(order.lineItems.map(allocationsTotal));
  return withTotal(
    {
      lineItems,
      discounts,
      subtotal: subM(lineItems, discounts),
      shipping: sumM(order.shippingLines.map((s) => s.discountedPrice)),
      tax: sumM(allTaxLines(order).map((t) => t.price)),
    },
    order.taxesIncluded,
  );
}

export function computeCurrent(order: Pick<OrderRecord, 'lineItems' | 'shippingLines' | 'taxesIncluded'>): OrderTotals {
  const subtotal = sumM(order.lineItems.map((li) => subM(lineNet(li), li.refunded.subtotal)));
  const discounts = sumM(order.lineItems.map((li) => subM(allocationsTotal(li), li.refunded.discounts)));
  return withTotal(
    {
      lineItems: addM(subtotal, discounts),
      discounts,
      subtotal,
      shipping: sumM(order.shippingLines.map((s) => subM(s.discountedPrice, s.refunded))),
      tax: sumM(allTaxLines(order).map((t) => subM(t.price, t.refunded))),
    },
    order.taxesIncluded,
  );
}

/** Recomputes the stated totals and lays any test overrides on top. */
export function restate(order: OrderRecord): void {
  order.original = { ...computeOriginal(order), ...order.overrides.original };
  order.current = { ...computeCurrent(order), ...order.overrides.current };
}

/** Order-level tax lines: one per (title, rate), summed, as `Order.taxLines` describes. */
export function aggregateTaxLines(order: OrderRecord, current: boolean): { title: string; rate: string; price: Money2; channelLiable: boolean }[] {
  const byKey = new Map<string, { title: string; rate: string; price: Money2; channelLiable: boolean }>();
  for (const t of allTaxLines(order)) {
    const key = `${t.title}\u0000${fixed(t.rate, 8)}`;
    const price = current ? subM(t.price, t.refunded) : t.price;
    const seen = byKey.get(key);
    if (seen) seen.price = addM(seen.price, price);
    else byKey.set(key, { title: t.title, rate: t.rate, price, channelLiable: t.channelLiable });
  }
  return [...byKey.values()];
}

export const TOTAL_KEYS: readonly TotalKey[] = ['lineItems', 'subtotal', 'discounts', 'shipping', 'tax', 'total'];

// ---- refunds --------------------------------------------------------------------------------------------

/** Share of `total` for `q` of `qty` units; the last units take the exact remainder so nothing drifts. */
function share(total: Money2, already: Money2, q: number, refundedBefore: number, qty: number): Money2 {
  if (refundedBefore + q === qty) return subM(total, already);
  return {
    shop: mulDiv(total.shop, BigInt(q), BigInt(qty)),
    presentment: mulDiv(total.presentment, BigInt(q), BigInt(qty)),
  };
}

export interface RefundComputation {
  lineItems: RefundLineRecord[];
  shippingLines: RefundShippingRecord[];
  total: Money2;
  shippingTotal: Money2;
}

/** Applies a refund to the order's lines (mutating their `refunded` parts) and returns what was refunded. */
export function applyRefund(order: OrderRecord, input: RefundInput, nextId: () => string): RefundComputation {
  const lines: RefundLineRecord[] = [];
  for (const [i, r] of (input.lineItems ?? []).entries()) {
    const li = order.lineItems.find((l) => l.id === r.lineItemId || `gid://shopify/LineItem/${l.id}` === r.lineItemId);
    if (!li) throw new SimInputError(`refund lineItems[${i}]: no line item ${r.lineItemId} on this order`);
    if (!Number.isInteger(r.quantity) || r.quantity <= 0 || r.quantity > li.currentQuantity) {
      throw new SimInputError(`refund lineItems[${i}]: quantity must be 1..${li.currentQuantity}`);
    }
    const before = li.refunded.quantity;
    const subtotal = share(lineNet(li), li.refunded.subtotal, r.quantity, before, li.quantity);
    const discounts = share(allocationsTotal(li), li.refunded.discounts, r.quantity, before, li.quantity);
    const taxes = li.taxLines.map((t) => {
      const part = share(t.price, t.refunded, r.quantity, before, li.quantity);
      t.refunded = addM(t.refunded, part);
      return part;
    });
    li.refunded = { quantity: before + r.quantity, subtotal: addM(li.refunded.subtotal, subtotal), discounts: addM(li.refunded.discounts, discounts) };
    li.currentQuantity -= r.quantity;
    const net = lineNet(li);
    lines.push({
      id: nextId(),
      lineItemId: li.id,
      quantity: r.quantity,
      restockType: r.restockType ?? 'NO_RESTOCK',
      price: { shop: mulDiv(net.shop, 1n, BigInt(li.quantity)), presentment: mulDiv(net.presentment, 1n, BigInt(li.quantity)) },
      subtotal,
      totalTax: sumM(taxes),
    });
  }

  const shipping: RefundShippingRecord[] = [];
  if (input.shipping?.full) {
    for (const s of order.shippingLines) {
      const subtotal = subM(s.discountedPrice, s.refunded);
      if (cmp(subtotal.shop, '0') <= 0) continue;
      const tax = sumM(s.taxLines.map((t) => {
        const part = subM(t.price, t.refunded);
        t.refunded = t.price;
        return part;
      }));
      s.refunded = s.discountedPrice;
      shipping.push({ id: nextId(), shippingLineId: s.id, subtotal, tax });
    }
  } else if (input.shipping?.amount !== undefined) {
    const amount = requireDecimal(input.shipping.amount, 'shipping.amount');
    const s = order.shippingLines.find((line) => cmp(sub(line.discountedPrice.shop, line.refunded.shop), amount) >= 0);
    if (!s) throw new SimInputError('shipping.amount is more than any shipping line has left to refund');
    const rate = order.presentmentRate;
    const subtotal = convert(amount, rate);
    const num = toMinor(amount);
    const den = toMinor(s.discountedPrice.shop);
    const tax = sumM(s.taxLines.map((t) => {
      const part = den === 0n ? { ...ZERO } : { shop: mulDiv(t.price.shop, num, den), presentment: mulDiv(t.price.presentment, num, den) };
      t.refunded = addM(t.refunded, part);
      return part;
    }));
    s.refunded = addM(s.refunded, subtotal);
    shipping.push({ id: nextId(), shippingLineId: s.id, subtotal, tax });
  }

  if (lines.length === 0 && shipping.length === 0) throw new SimInputError('a refund needs line items or shipping');
  const shippingTotal = sumM(shipping.map((s) => s.subtotal));
  const tax = order.taxesIncluded ? ZERO : sumM([...lines.map((l) => l.totalTax), ...shipping.map((s) => s.tax)]);
  const total = addM(addM(sumM(lines.map((l) => l.subtotal)), shippingTotal), tax);
  return { lineItems: lines, shippingLines: shipping, total, shippingTotal };
}
