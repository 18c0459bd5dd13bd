/**
 * The posting rule (src/core/posting/order-to-invoice.ts) against an independent oracle written from its own
 * documented formula and tolerance (tolerance.ts), over valid canonical orders in six currencies whose stated
 * total is off by nothing, by a rounding-sized amount, or by a lot:
 *   - it posts exactly when |stated − parts| is within the rounding tolerance, with the difference as an
 *     explicit adjustment, and the draft then ties out to the cent; otherwise it refuses with one sentence that
 *     names the stated total, the computed total and the difference;
 *   - an amount that arrives as a JS number (a float, or an integer that went through JSON.parse) is never
 *     posted: the rule says which amount is not a decimal;
 *   - it never throws, never changes its input, and gives the same answer twice.
 * src/core/posting/order-to-invoice.test.ts holds the rule's own properties (constructed orders, arbitrary junk);
 * this file adds the differential check and the float check. Each property prints its numRuns and outcomes.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { InvoiceDraft } from '../../src/core/documents.ts';
import { Order, type OrderInput } from '../../src/core/model.ts';
import { compare, currencyExponent, type Dec, formatDec, mul, neg, parseDec, round, sum } from '../../src/core/money.ts';
import { postOrder } from '../../src/core/posting/order-to-invoice.ts';
import { trackUnhandledRejections } from '../support/log-capture.ts';
import { floatsIn, pathsOf, tally } from './fuzz-kit.ts';

/** FUZZ_RUNS=5000 for a deeper run; the default keeps the file well under 30 s on a busy 2-core machine. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const rejections = trackUnhandledRejections();
afterAll(() => rejections.stop());

const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD', 'CHF', 'BHD'] as const;

const taxSpec = fc.array(fc.record({ units: fc.bigInt({ min: 0n, max: 200_000n }), extra: fc.integer({ min: 0, max: 1 }) }), { maxLength: 2 });
const spec = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  taxesIncluded: fc.boolean(),
  lines: fc.array(
    fc.record({ quantity: fc.integer({ min: 1, max: 20 }), price: fc.bigInt({ min: 0n, max: 10_000_000n }), extra: fc.integer({ min: 0, max: 2 }), discountShare: fc.integer({ min: 0, max: 100 }), taxes: taxSpec }),
    { minLength: 1, maxLength: 4 },
  ),
  shipping: fc.array(fc.record({ price: fc.bigInt({ min: 0n, max: 100_000n }), discountShare: fc.integer({ min: 0, max: 100 }), taxes: taxSpec }), { maxLength: 2 }),
  fees: fc.array(fc.record({ amount: fc.bigInt({ min: -10_000n, max: 100_000n }), taxes: taxSpec }), { maxLength: 2 }),
  orderDiscountShare: fc.integer({ min: 0, max: 100 }),
  listAllocated: fc.boolean(),
  orderTaxes: taxSpec,
  /** How far the stated total sits from the parts, in minor units. */
  delta: fc.oneof(fc.constant(0n), fc.bigInt({ min: -4n, max: 4n }), fc.bigInt({ min: -1_000_000n, max: 1_000_000n })),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

interface Built {
  order: Order;
  /** The oracle: the parts' sum and the rounding tolerance, in minor units, from the documented formula. */
  computedMinor: bigint;
  toleranceMinor: bigint;
  statedMinor: bigint;
}

/** A valid canonical order from `s`, with the oracle's figures. Discounts stay within what they discount. */
function build(s: Spec): Built {
  const exp = currencyExponent(s.currency);
  const money = (minor: bigint) => formatDec({ units: minor, scale: exp }, exp);
  const taxes = (list: Spec['orderTaxes']) => list.map((t, i) => ({ title: `Tax ${i + 1}`, rate: '0.2', amount: formatDec({ units: t.units, scale: exp + t.extra }) }));
  const roundMinor = (d: Dec) => round(d, exp).units;
  let sites = 0;
  let lineTaxCount = 0;
  const taxAmounts: Dec[] = [];
  let goodsMinor = 0n;
  let carriedDiscounts = 0n;

  const lines = s.lines.map((l, i) => {
    const unitPrice = formatDec({ units: l.price, scale: exp + l.extra });
    const extended = mul({ units: BigInt(l.quantity), scale: 0 }, parseDec(unitPrice));
    const amount = roundMinor(extended);
    if (compare(round(extended, exp), extended) !== 0) sites += 1;
    const discount = (amount * BigInt(l.discountShare)) / 100n;
    if (discount !== 0n) sites += 1;
    goodsMinor += amount - discount;
    carriedDiscounts += discount;
    lineTaxCount += l.taxes.length;
    taxAmounts.push(...taxes(l.taxes).map((t) => parseDec(t.amount)));
    return { id: String(i + 1), title: `Product ${i + 1}`, quantity: l.quantity, unitPrice, discount: money(discount), taxLines: taxes(l.taxes) };
  });
  const shippingLines = s.shipping.map((sh, i) => {
    const discount = (sh.price * BigInt(sh.discountShare)) / 100n;
    if (discount !== 0n) sites += 1;
    goodsMinor += sh.price - discount;
    carriedDiscounts += discount;
    lineTaxCount += sh.taxes.length;
    taxAmounts.push(...taxes(sh.taxes).map((t) => parseDec(t.amount)));
    return { title: `Method ${i + 1}`, price: money(sh.price), discount: money(discount), taxLines: taxes(sh.taxes) };
  });
  const fees = s.fees.map((f, i) => {
    goodsMinor += f.amount;
    lineTaxCount += f.taxes.length;
    taxAmounts.push(...taxes(f.taxes).map((t) => parseDec(t.amount)));
    return { title: `Fee ${i + 1}`, amount: money(f.amount), taxLines: taxes(f.taxes) };
  });
  // Order-level tax lines count only when no line, shipping line or fee carries one.
  const orderTaxLines = taxes(s.orderTaxes);
  const usedTaxes = lineTaxCount === 0 ? orderTaxLines.map((t) => parseDec(t.amount)) : taxAmounts;
  const taxMinor = roundMinor(sum(usedTaxes));
  if (!s.taxesIncluded) sites += usedTaxes.filter((d) => d.units !== 0n).length;

  const orderDiscount = goodsMinor > 0n ? (goodsMinor * BigInt(s.orderDiscountShare)) / 100n : 0n;
  const discounts = [
    ...(orderDiscount > 0n ? [{ code: 'ORDER', amount: money(orderDiscount), allocatedToLines: false }] : []),
    ...(s.listAllocated && carriedDiscounts > 0n ? [{ code: 'LINES', amount: money(carriedDiscounts), allocatedToLines: true }] : []),
  ];
  const computedMinor = goodsMinor - orderDiscount + (s.taxesIncluded ? 0n : taxMinor);
  const statedMinor = computedMinor + s.delta;

  const input: OrderInput = {
    source: 'woocommerce',
    id: '1042',
    number: '#1042',
    status: 'paid',
    currency: s.currency,
    taxesIncluded: s.taxesIncluded,
    createdAt: '2026-04-01T10:00:00Z',
    updatedAt: '2026-04-01T10:05:00Z',
    customer: null,
    lines,
    shippingLines,
    fees,
    discounts,
    taxLines: orderTaxLines,
    totals: { tax: money(taxMinor), total: money(statedMinor) },
  };
  return { order: Order.parse(input), computedMinor, toleranceMinor: BigInt(Math.max(1, sites)), statedMinor };
}

/** The draft's own total from its lines, shipping, carried taxes, discount and adjustment. */
function draftTotal(invoice: InvoiceDraft): string {
  const exp = currencyExponent(invoice.currency);
  const parts: Dec[] = [];
  for (const line of invoice.lines) parts.push(round(mul({ units: BigInt(line.quantity), scale: 0 }, parseDec(line.rate)), exp), neg(parseDec(line.discount)));
  for (const shipping of invoice.shipping) parts.push(parseDec(shipping.amount));
  if (!invoice.taxInclusive) parts.push(round(sum([...invoice.lines.flatMap((l) => l.taxes), ...invoice.shipping.flatMap((s) => s.taxes), ...(invoice.orderTaxes ?? [])].map((t) => parseDec(t.amount))), exp));
  parts.push(neg(parseDec(invoice.discount)));
  if (invoice.adjustment) parts.push(parseDec(invoice.adjustment.amount));
  return formatDec(sum(parts), exp);
}

const abs = (v: bigint) => (v < 0n ? -v : v);

describe('postOrder against an independent oracle (property)', () => {
  it('posts exactly when the difference is within rounding tolerance, else refuses with one sentence; never throws', () => {
    const outcomes = tally();
    fc.assert(
      fc.property(spec, (s) => {
        const built = build(s);
        fc.pre(built.statedMinor >= 0n);
        const { order, computedMinor, toleranceMinor, statedMinor } = built;
        const exp = currencyExponent(order.currency);
        const fmt = (minor: bigint) => formatDec({ units: minor, scale: exp }, exp);
        const before = structuredClone(order);
        const result = postOrder(order);
        expect(order).toStrictEqual(before);
        expect(postOrder(order)).toStrictEqual(result);
        expect(floatsIn(result)).toEqual([]);
        expect(result.totals).toMatchObject({ stated: fmt(statedMinor), computed: fmt(computedMinor), difference: fmt(statedMinor - computedMinor), tolerance: fmt(toleranceMinor) });

        const difference = statedMinor - computedMinor;
        if (abs(difference) <= toleranceMinor) {
          expect(result.ok, JSON.stringify(!result.ok && result.issues)).toBe(true);
          if (!result.ok) return;
          expect(result.invoice.total).toBe(fmt(statedMinor));
          expect(result.invoice.adjustment?.amount ?? null).toBe(difference === 0n ? null : fmt(difference));
          expect(draftTotal(result.invoice)).toBe(fmt(statedMinor));
          outcomes.add(difference === 0n ? 'posted exactly' : 'posted with a rounding line');
        } else {
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.issues).toHaveLength(1);
          const [sentence] = result.issues;
          expect(sentence).toMatch(/^Order #1042 states a total of .+, more than rounding\.$/);
          expect(sentence).toContain(`a total of ${fmt(statedMinor)} ${order.currency}`);
          expect(sentence).toContain(`add up to ${fmt(computedMinor)} ${order.currency}`);
          expect(sentence).toContain(`a difference of ${fmt(abs(difference))} ${order.currency}`);
          outcomes.add('refused: totals do not tie out');
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(rejections.reasons).toEqual([]);
    console.log(`postOrder vs oracle (${CURRENCIES.join(', ')}): numRuns ${NUM_RUNS} → ${outcomes}`);
  });

  const AMOUNT_KEYS = new Set(['unitPrice', 'discount', 'amount', 'rate', 'price', 'total', 'tax']);

  it('an amount that arrives as a JS number is never posted: the rule names it (or ignores a line it does not read)', () => {
    const outcomes = tally();
    fc.assert(
      fc.property(spec, fc.nat(), fc.constantFrom('as float', 'as integer'), (s, pick, how) => {
        const { order, statedMinor } = build({ ...s, delta: 0n });
        fc.pre(statedMinor >= 0n);
        const paths = pathsOf(order).filter((p) => AMOUNT_KEYS.has(String(p[p.length - 1])) && p[0] !== 'customer');
        const path = paths[pick % paths.length] ?? [];
        const holder = path.slice(0, -1).reduce<Record<string | number, unknown>>((v, k) => v[k] as Record<string | number, unknown>, order as unknown as Record<string, unknown>);
        const key = path[path.length - 1] as string;
        const text = String(holder[key]);
        // What JSON.parse would have made of the text: a float such as 19.99, or an integer such as 20.
        holder[key] = how === 'as float' ? Number(text) + 0.1 : Math.trunc(Number(text));
        const result = postOrder(order);
        expect(floatsIn(result), 'a float reached the posting result').toEqual([]);
        // Order-level tax lines are read only when no line carries tax: there the number is ignored, not posted.
        const ignored = path[0] === 'taxLines' && [...order.lines, ...order.shippingLines, ...order.fees].some((l) => l.taxLines.length > 0);
        if (ignored) {
          expect(result.ok).toBe(true);
          outcomes.add(`order-level ${key} ${how}: ignored (lines carry the tax)`);
          return;
        }
        expect(result.ok, `${path.join('.')} = ${String(holder[key])} was posted`).toBe(false);
        if (result.ok) return;
        expect(result.issues.some((i) => /which is not a decimal amount\.$/.test(i) && i.includes(String(holder[key])))).toBe(true);
        outcomes.add(`${key} ${how}: refused`);
      }),
      { numRuns: NUM_RUNS },
    );
    expect(rejections.reasons).toEqual([]);
    console.log(`postOrder with one amount as a JS number: numRuns ${NUM_RUNS} → ${outcomes}`);
  });
});
