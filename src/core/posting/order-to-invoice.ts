/**
 * Posting rule: a canonical order becomes a target-neutral invoice draft, or the reasons it cannot
 * (DESIGN.md §2.6, peers.md §3.3 and §3.7).
 *
 * - The source's own amounts are posted: unit prices as stated, line discounts as stated, tax lines unchanged.
 *   Nothing is recomputed from a rate.
 * - The order is checked before anything is posted: its parts must add up to its stated total. A difference
 *   that rounding explains (tolerance.ts) is booked as an explicit adjustment so the invoice ties out to the
 *   cent; anything larger is a conflict, stated in one sentence with the numbers, and nothing is posted.
 * - All arithmetic is exact (money.ts): amounts are read as decimals and added as bigint minor units.
 *
 * The sum the order must tie out to, in the order currency's minor units:
 *   lines          Σ quantity × unit price, each line rounded half-up to the currency (as sources and targets
 *                  round each line's amount)
 * − lineDiscounts  Σ line discounts
 * − orderDiscount  Σ order discounts not already spread over the lines (`allocatedToLines: false`)
 * + shipping       Σ (shipping price − shipping discount)
 * + fees           Σ fee amounts
 * + tax            Σ line, shipping and fee tax amounts, or the order-level tax lines when no line carries
 *                  any; rounded once to the currency. Only for tax-exclusive orders: inclusive prices hold it.
 */
import type { InvoiceDraft, InvoiceLineDraft, ShippingDraft } from '../documents.ts';
import type { Order, OrderStatus, SourceSystem, TaxLine } from '../model.ts';
import { compare, currencyExponent, type Dec, type DecimalString, formatDec, mul, parseDec, round, sum, ZERO } from '../money.ts';
import { contactFromOrder } from './contact.ts';
import { isWithinTolerance, roundingToleranceMinor, type RoundingSites } from './tolerance.ts';

export interface TotalsParts {
  /** Σ quantity × unit price, each line rounded to the currency. */
  lines: DecimalString;
  /** Σ product-line discounts (a positive amount that is subtracted). */
  lineDiscounts: DecimalString;
  /** Σ order-level discounts not spread over lines (a positive amount that is subtracted). */
  orderDiscount: DecimalString;
  /** Σ shipping price − shipping discount. */
  shipping: DecimalString;
  fees: DecimalString;
  /** Tax as the source's tax lines state it; added to the total only when `taxIncluded` is false. */
  tax: DecimalString;
  taxIncluded: boolean;
}

/** The totals check behind every posting decision, for the preview command and the audit trail. */
export interface TotalsCheck {
  currency: string;
  /** The order's total as the source states it. */
  stated: DecimalString;
  /** What the order's parts add up to. */
  computed: DecimalString;
  /** stated − computed: what a rounding adjustment adds so the invoice ties out. */
  difference: DecimalString;
  /** The largest difference booked as rounding rather than raised as a conflict (tolerance.ts). */
  tolerance: DecimalString;
  parts: TotalsParts;
}

export type PostingResult =
  | { ok: true; invoice: InvoiceDraft; totals: TotalsCheck }
  | { ok: false; issues: string[]; totals: TotalsCheck };

export interface PostingOptions {
  /**
   * What happens to a difference small enough to be rounding: `adjust` (default) books it as an explicit
   * adjustment on the invoice; `strict` raises it like any other difference, for books that take no rounding lines.
   */
  rounding?: 'adjust' | 'strict';
}

const SOURCE_NAMES: Readonly<Record<SourceSystem, string>> = {
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
  shipstation: 'ShipStation',
};

/** Statuses after which the order has been paid in full at least once (refunds become credit notes). */
const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['paid', 'partially_refunded', 'refunded']);

/** The sum of an order's parts compared with its stated total. Pure; never throws for an object of Order shape. */
export function computeTotals(order: Order): TotalsCheck {
  return analyse(order).totals;
}

/** Turns a canonical order into an invoice draft that ties out exactly, or says why it cannot. Never throws. */
export function postOrder(order: Order, options: PostingOptions = {}): PostingResult {
  try {
    return post(order, options);
  } catch (error) {
    // Every input problem is reported above as an issue; reaching this is a bug, and still nothing is posted.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      issues: [`${orderLabel(order)} was not posted because of an internal error (${reason}).`],
      totals: safeTotals(order),
    };
  }
}

function post(order: Order, options: PostingOptions): PostingResult {
  const analysis = analyse(order);
  const { totals } = analysis;
  const issues = [...analysis.issues];
  const label = orderLabel(order);

  const date = utcDate(order.createdAt);
  if (date === null) issues.push(`${label} has a creation time of ${show(order.createdAt)}, which is not an ISO 8601 date and time.`);
  if (typeof order.source !== 'string' || !Object.hasOwn(SOURCE_NAMES, order.source)) {
    issues.push(`${label} comes from ${show(order.source)}, which is not a source this service knows.`);
  }

  if (analysis.comparable && analysis.differenceMinor !== 0n) {
    if (!isWithinTolerance(analysis.differenceMinor, analysis.toleranceMinor)) {
      issues.push(mismatchSentence(label, analysis, 'more than rounding'));
    } else if (options.rounding === 'strict') {
      issues.push(mismatchSentence(label, analysis, 'and rounding adjustments are turned off'));
    }
  }
  if (issues.length > 0 || date === null) return { ok: false, issues, totals };

  const fmt = (minor: bigint): DecimalString => formatMinor(minor, analysis.exponent);
  const source = sourceName(order.source);
  const number = String(order.number);

  const productLines = order.lines.map((line, i): InvoiceLineDraft => {
    const title = trimmed(line.title) ?? '';
    const sku = trimmed(line.sku);
    const rate = plainDecimal(line.unitPrice);
    const draft: InvoiceLineDraft = {
      kind: 'product',
      item: sku ? { key: `sku:${sku}`, sku, name: title, rate } : { key: `name:${title}`, name: title, rate },
      quantity: line.quantity,
      rate,
      discount: fmt(analysis.lineDiscountMinors[i] ?? 0n),
      taxes: copyTaxes(line.taxLines),
      sourceLineId: String(line.id),
    };
    // An item found by SKU keeps the name it was created with; the line still says what was sold.
    if (sku) draft.description = title;
    return draft;
  });

  const feeLines = (order.fees ?? []).map((fee, i): InvoiceLineDraft => {
    const title = trimmed(fee.title) ?? 'Fee';
    const amount = fmt(analysis.feeMinors[i] ?? 0n);
    return {
      kind: 'fee',
      item: { key: `fee:${title}`, name: title, rate: amount },
      quantity: 1,
      rate: amount,
      discount: fmt(0n),
      taxes: copyTaxes(fee.taxLines),
    };
  });

  const shipping = (order.shippingLines ?? []).map((line, i): ShippingDraft => {
    const draft: ShippingDraft = {
      title: trimmed(line.title) ?? 'Shipping',
      amount: fmt(analysis.shippingNetMinors[i] ?? 0n),
      taxes: copyTaxes(line.taxLines),
    };
    const code = trimmed(line.code);
    if (code !== undefined) draft.code = code;
    return draft;
  });

  const invoice: InvoiceDraft = {
    source: order.source,
    sourceOrderId: String(order.id),
    reference: number,
    date,
    currency: order.currency,
    taxInclusive: order.taxesIncluded === true,
    contact: contactFromOrder(order),
    lines: [...productLines, ...feeLines],
    shipping,
    discount: fmt(analysis.orderDiscountMinor),
    adjustment:
      analysis.differenceMinor === 0n
        ? null
        : { amount: fmt(analysis.differenceMinor), description: `Rounding difference to match ${source} order ${number} total` },
    taxTotal: fmt(analysis.statedTaxMinor),
    total: fmt(analysis.statedTotalMinor),
    notes: `${source} order ${number}`,
    cancelled: order.cancelled === true || order.status === 'cancelled',
    paid: PAID_STATUSES.has(order.status),
  };
  if (order.exchangeRate !== undefined) invoice.exchangeRate = plainDecimal(order.exchangeRate);
  if (analysis.orderLevelTaxes) invoice.orderTaxes = copyTaxes(analysis.orderLevelTaxes);
  return { ok: true, invoice, totals };
}

// ---------------------------------------------------------------- the arithmetic and the checks

interface Analysis {
  totals: TotalsCheck;
  issues: string[];
  exponent: number;
  /** Every amount was read in the order's currency and precision, so comparing sums means something. */
  comparable: boolean;
  linesMinor: bigint;
  discountsMinor: bigint;
  shippingMinor: bigint;
  feesMinor: bigint;
  taxMinor: bigint;
  computedMinor: bigint;
  statedTotalMinor: bigint;
  statedTaxMinor: bigint;
  differenceMinor: bigint;
  toleranceMinor: bigint;
  orderDiscountMinor: bigint;
  lineDiscountMinors: bigint[];
  shippingNetMinors: bigint[];
  feeMinors: bigint[];
  /** The order-level tax lines, when they are the tax (no line, shipping line or fee carries any). */
  orderLevelTaxes: TaxLine[] | null;
}

interface ReadRule {
  /** The amount must be expressible in the currency's minor units (unit prices and tax amounts need not). */
  fitsCurrency: boolean;
  /** Negative values are allowed (fees: WooCommerce stores use negative fees as discounts). */
  signed?: boolean;
}

function analyse(order: Order): Analysis {
  const issues: string[] = [];
  const label = orderLabel(order);
  let comparable = true;

  const currency = typeof order.currency === 'string' ? order.currency : show(order.currency);
  let exponent = 2;
  if (typeof order.currency === 'string' && /^[A-Z]{3}$/.test(order.currency)) {
    exponent = currencyExponent(order.currency);
  } else {
    issues.push(`${label} has currency ${show(order.currency)}, which is not an ISO 4217 code such as "USD".`);
    comparable = false;
  }
  const toMinorUnits = (value: Dec): bigint => round(value, exponent).units;
  const money = (minor: bigint): string => `${formatMinor(minor, exponent)} ${currency}`;
  const subjectOf = (where: string): string => (where ? `${label} ${where}` : label);

  const read = (value: unknown, where: string, what: string, rule: ReadRule): Dec => {
    const subject = subjectOf(where);
    const amount = toDec(value);
    if (amount === null) {
      issues.push(`${subject} has ${what} of ${show(value)}, which is not a decimal amount.`);
      comparable = false;
      return ZERO;
    }
    if (!rule.signed && amount.units < 0n) issues.push(`${subject} has ${what} below zero (${stated(value)}).`);
    if (rule.fitsCurrency && compare(round(amount, exponent), amount) !== 0) {
      issues.push(`${subject} has ${what} of ${stated(value)}, which has more decimals than ${currency} allows.`);
      comparable = false;
    }
    return amount;
  };

  const checkCurrency = (holder: unknown, phrase: string): void => {
    const tagged = isRecord(holder) ? holder['currency'] : undefined;
    if (tagged === undefined || tagged === null || tagged === order.currency) return;
    const shown = typeof tagged === 'string' ? tagged : show(tagged);
    issues.push(`${label} is in ${currency} but ${phrase} stated in ${shown}; amounts in two currencies cannot be added.`);
    comparable = false;
  };

  const sites: RoundingSites = { lineAmounts: 0, lineDiscounts: 0, shippingDiscounts: 0, taxAmounts: 0 };
  const taxAmounts: Dec[] = [];
  let lineLevelTaxLines = 0;
  /** `signed`: a negative fee (a discount some stores book as a fee) carries negative tax. */
  const readTaxes = (taxLines: unknown, where: string, signed = false): Dec[] => {
    const amounts: Dec[] = [];
    listOf(taxLines).forEach((tax, j) => {
      const taxWhere = `${where} tax line ${j + 1}${titled(isRecord(tax) ? tax['title'] : undefined)}`.trim();
      if (!isRecord(tax)) {
        issues.push(`${subjectOf(taxWhere)} is not a tax line.`);
        comparable = false;
        return;
      }
      read(tax['rate'], taxWhere, 'a rate', { fitsCurrency: false });
      amounts.push(read(tax['amount'], taxWhere, 'an amount', { fitsCurrency: false, signed }));
    });
    return amounts;
  };

  // Product lines.
  const lines = listOf(order.lines);
  if (lines.length === 0) issues.push(`${label} has no lines.`);
  let linesMinor = 0n;
  let lineDiscountsMinor = 0n;
  const lineDiscountMinors: bigint[] = [];
  lines.forEach((line, i) => {
    const where = `line ${i + 1}${titled(isRecord(line) ? line['title'] : undefined)}`;
    if (!isRecord(line)) {
      issues.push(`${subjectOf(where)} is not an order line.`);
      comparable = false;
      lineDiscountMinors.push(0n);
      return;
    }
    checkCurrency(line, `${where} is`);
    if (trimmed(line['title']) === undefined) issues.push(`${subjectOf(where)} has no title.`);
    const quantity = line['quantity'];
    const quantityOk = typeof quantity === 'number' && Number.isSafeInteger(quantity) && quantity > 0;
    if (!quantityOk) {
      issues.push(`${subjectOf(where)} has quantity ${show(quantity)}; a quantity must be a whole number above zero.`);
    }
    const unitPrice = read(line['unitPrice'], where, 'a unit price', { fitsCurrency: false });
    const extended = mul({ units: quantityOk ? BigInt(quantity) : 0n, scale: 0 }, unitPrice);
    const amountMinor = toMinorUnits(extended);
    if (compare(round(extended, exponent), extended) !== 0) sites.lineAmounts += 1;
    const discountMinor = toMinorUnits(read(line['discount'] ?? '0', where, 'a discount', { fitsCurrency: true }));
    if (discountMinor > 0n && discountMinor > amountMinor) {
      issues.push(`${subjectOf(where)} has a discount of ${money(discountMinor)}, more than its line total of ${money(amountMinor)}.`);
    }
    if (discountMinor !== 0n) sites.lineDiscounts += 1;
    linesMinor += amountMinor;
    lineDiscountsMinor += discountMinor;
    lineDiscountMinors.push(discountMinor);
    const taxes = readTaxes(line['taxLines'], where);
    lineLevelTaxLines += taxes.length;
    taxAmounts.push(...taxes);
  });

  // Shipping lines.
  let shippingMinor = 0n;
  let shippingDiscountsMinor = 0n;
  const shippingNetMinors: bigint[] = [];
  listOf(order.shippingLines).forEach((line, i) => {
    const where = `shipping line ${i + 1}${titled(isRecord(line) ? line['title'] : undefined)}`;
    if (!isRecord(line)) {
      issues.push(`${subjectOf(where)} is not a shipping line.`);
      comparable = false;
      shippingNetMinors.push(0n);
      return;
    }
    checkCurrency(line, `${where} is`);
    const priceMinor = toMinorUnits(read(line['price'], where, 'a price', { fitsCurrency: true }));
    const discountMinor = toMinorUnits(read(line['discount'] ?? '0', where, 'a discount', { fitsCurrency: true }));
    if (discountMinor > 0n && discountMinor > priceMinor) {
      issues.push(`${subjectOf(where)} has a discount of ${money(discountMinor)}, more than its price of ${money(priceMinor)}.`);
    }
    if (discountMinor !== 0n) sites.shippingDiscounts += 1;
    shippingMinor += priceMinor - discountMinor;
    shippingDiscountsMinor += discountMinor;
    shippingNetMinors.push(priceMinor - discountMinor);
    const taxes = readTaxes(line['taxLines'], where);
    lineLevelTaxLines += taxes.length;
    taxAmounts.push(...taxes);
  });

  // Fees.
  let feesMinor = 0n;
  const feeMinors: bigint[] = [];
  listOf(order.fees).forEach((fee, i) => {
    const where = `fee ${i + 1}${titled(isRecord(fee) ? fee['title'] : undefined)}`;
    if (!isRecord(fee)) {
      issues.push(`${subjectOf(where)} is not a fee line.`);
      comparable = false;
      feeMinors.push(0n);
      return;
    }
    checkCurrency(fee, `${where} is`);
    const amountMinor = toMinorUnits(read(fee['amount'], where, 'an amount', { fitsCurrency: true, signed: true }));
    feesMinor += amountMinor;
    feeMinors.push(amountMinor);
    const taxes = readTaxes(fee['taxLines'], where, amountMinor < 0n);
    lineLevelTaxLines += taxes.length;
    taxAmounts.push(...taxes);
  });

  // Order-level discounts: only the ones the source did not already spread over the lines.
  let orderDiscountMinor = 0n;
  let allocatedMinor = 0n;
  listOf(order.discounts).forEach((discount, i) => {
    const name = isRecord(discount) ? (trimmed(discount['code']) ?? trimmed(discount['title'])) : undefined;
    const where = `discount ${i + 1}${titled(name)}`;
    if (!isRecord(discount)) {
      issues.push(`${subjectOf(where)} is not a discount.`);
      comparable = false;
      return;
    }
    checkCurrency(discount, `${where} is`);
    const amountMinor = toMinorUnits(read(discount['amount'], where, 'an amount', { fitsCurrency: true }));
    if (discount['allocatedToLines'] === true) allocatedMinor += amountMinor;
    else orderDiscountMinor += amountMinor;
  });
  const carriedDiscountsMinor = lineDiscountsMinor + shippingDiscountsMinor;
  if (allocatedMinor > carriedDiscountsMinor) {
    issues.push(
      `${label} marks ${money(allocatedMinor)} of discounts as spread over its lines, but its lines and shipping carry only ${money(carriedDiscountsMinor)} of discounts.`,
    );
  }
  const beforeOrderDiscountMinor = linesMinor - lineDiscountsMinor + shippingMinor + feesMinor;
  if (orderDiscountMinor > 0n && orderDiscountMinor > beforeOrderDiscountMinor) {
    issues.push(
      `${label} has order discounts of ${money(orderDiscountMinor)}, more than its lines, shipping and fees after their own discounts (${money(beforeOrderDiscountMinor)}).`,
    );
  }

  // Tax: the source's tax lines; the order-level ones only when no line carries any.
  let orderLevelTaxes: TaxLine[] | null = null;
  const orderTaxLines = listOf(order.taxLines);
  if (lineLevelTaxLines === 0 && orderTaxLines.length > 0) {
    taxAmounts.push(...readTaxes(orderTaxLines, 'order'));
    orderLevelTaxes = orderTaxLines.filter(isRecord) as TaxLine[];
  }
  const taxMinor = toMinorUnits(sum(taxAmounts));
  const taxedAmounts = taxAmounts.filter((amount) => amount.units !== 0n).length;
  const taxIncluded = order.taxesIncluded === true;
  if (!taxIncluded) sites.taxAmounts = taxedAmounts;

  // What the source says.
  const statedTotals: Record<string, unknown> = isRecord(order.totals) ? order.totals : {};
  if (!isRecord(order.totals)) issues.push(`${label} states no totals.`);
  checkCurrency(statedTotals, 'its totals are');
  const statedTotalMinor = toMinorUnits(read(statedTotals['total'], '', 'a total', { fitsCurrency: true }));
  const statedTaxMinor = toMinorUnits(read(statedTotals['tax'], '', 'a tax total', { fitsCurrency: true }));
  for (const [field, what] of [['subtotal', 'a subtotal'], ['discount', 'a discount total'], ['shipping', 'a shipping total']] as const) {
    if (statedTotals[field] !== undefined) read(statedTotals[field], '', what, { fitsCurrency: true, signed: true });
  }

  // Currency of the invoice: the order's own, with the source's exchange rate when it states one.
  if (order.exchangeRate !== undefined) {
    const rate = read(order.exchangeRate, '', 'an exchange rate', { fitsCurrency: false, signed: true });
    if (rate.units <= 0n && toDec(order.exchangeRate) !== null) {
      issues.push(`${label} has an exchange rate of ${stated(order.exchangeRate)}, which is not above zero.`);
    } else if (order.shopCurrency === order.currency && compare(rate, { units: 1n, scale: 0 }) !== 0) {
      issues.push(`${label} is in its shop currency ${currency} but states an exchange rate of ${stated(order.exchangeRate)} instead of 1.`);
    }
  }

  const discountsMinor = lineDiscountsMinor + orderDiscountMinor;
  const computedMinor = linesMinor - discountsMinor + shippingMinor + feesMinor + (taxIncluded ? 0n : taxMinor);
  const differenceMinor = statedTotalMinor - computedMinor;
  const toleranceMinor = roundingToleranceMinor(sites);

  if (comparable) {
    const taxDifference = statedTaxMinor - taxMinor;
    const taxTolerance = roundingToleranceMinor({ lineAmounts: 0, lineDiscounts: 0, shippingDiscounts: 0, taxAmounts: taxedAmounts });
    if (!isWithinTolerance(taxDifference, taxTolerance)) {
      issues.push(
        `${label} states tax of ${money(statedTaxMinor)} but its tax lines add up to ${money(taxMinor)}: a difference of ${money(abs(taxDifference))}, more than rounding.`,
      );
    }
  }

  const fmt = (minor: bigint): DecimalString => formatMinor(minor, exponent);
  const totals: TotalsCheck = {
    currency,
    stated: fmt(statedTotalMinor),
    computed: fmt(computedMinor),
    difference: fmt(differenceMinor),
    tolerance: fmt(toleranceMinor),
    parts: {
      lines: fmt(linesMinor),
      lineDiscounts: fmt(lineDiscountsMinor),
      orderDiscount: fmt(orderDiscountMinor),
      shipping: fmt(shippingMinor),
      fees: fmt(feesMinor),
      tax: fmt(taxMinor),
      taxIncluded,
    },
  };

  return {
    totals,
    issues,
    exponent,
    comparable,
    linesMinor,
    discountsMinor,
    shippingMinor,
    feesMinor,
    taxMinor,
    computedMinor,
    statedTotalMinor,
    statedTaxMinor,
    differenceMinor,
    toleranceMinor,
    orderDiscountMinor,
    lineDiscountMinors,
    shippingNetMinors,
    feeMinors,
    orderLevelTaxes,
  };
}

/**
 * "Order #1001 states a total of 120.00 USD but its lines (100.00), discounts (-10.00), shipping (10.00) and
 * tax (8.25) add up to 108.25 USD: a difference of 11.75 USD, more than rounding."
 */
function mismatchSentence(label: string, a: Analysis, reason: string): string {
  const fmt = (minor: bigint): string => formatMinor(minor, a.exponent);
  const currency = a.totals.currency;
  const taxIncluded = a.totals.parts.taxIncluded;
  const parts = [`lines (${fmt(a.linesMinor)})`];
  if (a.discountsMinor !== 0n) parts.push(`discounts (${fmt(-a.discountsMinor)})`);
  if (a.shippingMinor !== 0n) parts.push(`shipping (${fmt(a.shippingMinor)})`);
  if (a.feesMinor !== 0n) parts.push(`fees (${fmt(a.feesMinor)})`);
  if (!taxIncluded && a.taxMinor !== 0n) parts.push(`tax (${fmt(a.taxMinor)})`);
  return (
    `${label} states a total of ${fmt(a.statedTotalMinor)} ${currency} but its ${joinWithAnd(parts)}` +
    `${taxIncluded ? ', taxes included,' : ''} add up to ${fmt(a.computedMinor)} ${currency}: ` +
    `a difference of ${fmt(abs(a.differenceMinor))} ${currency}, ${reason}.`
  );
}

// ---------------------------------------------------------------- small helpers

function safeTotals(order: Order): TotalsCheck {
  try {
    return computeTotals(order);
  } catch {
    const zero = '0';
    const currency = isRecord(order) && typeof order.currency === 'string' ? order.currency : '';
    const parts = { lines: zero, lineDiscounts: zero, orderDiscount: zero, shipping: zero, fees: zero, tax: zero, taxIncluded: false };
    return { currency, stated: zero, computed: zero, difference: zero, tolerance: zero, parts };
  }
}

function orderLabel(order: Order): string {
  const record: Record<string, unknown> = isRecord(order) ? order : {};
  const number = trimmed(record['number']);
  if (number) return `Order ${number}`;
  const id = record['id'];
  return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? `Order with id ${String(id)}` : 'The order';
}

function sourceName(source: SourceSystem): string {
  return SOURCE_NAMES[source] ?? String(source);
}

/** The order's creation date as a calendar date in UTC (yyyy-mm-dd), or null. */
function utcDate(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\s*\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.slice(0, 10) : null;
}

function formatMinor(minor: bigint, exponent: number): DecimalString {
  return formatDec({ units: minor, scale: exponent }, exponent);
}

function toDec(value: unknown): Dec | null {
  if (typeof value !== 'string' && typeof value !== 'bigint') return null;
  try {
    return parseDec(value);
  } catch {
    return null;
  }
}

function copyTaxes(taxLines: readonly TaxLine[] | undefined): TaxLine[] {
  return (taxLines ?? []).map((tax) => ({ title: tax.title, rate: tax.rate, amount: tax.amount }));
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimmed(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/** " (Mug)" for a titled part, "" for an untitled one. */
function titled(title: unknown): string {
  const text = trimmed(title);
  return text ? ` (${text})` : '';
}

/** A value as it appears in a sentence: strings quoted, everything else by its type. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return String(value);
  return `a ${Array.isArray(value) ? 'list' : typeof value}`;
}

/** A decimal as plain text: as the source wrote it when it is plain already ("12.50"), else normalised ("1e-2" → "0.01"). */
function plainDecimal(value: unknown): DecimalString {
  const text = stated(value);
  if (/^[+-]?\d+(?:\.\d+)?$/.test(text)) return text;
  const amount = toDec(value);
  return amount ? formatDec(amount) : text;
}

/** An amount as the source wrote it. */
function stated(value: unknown): string {
  return typeof value === 'string' ? value.trim() : show(value);
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function joinWithAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
