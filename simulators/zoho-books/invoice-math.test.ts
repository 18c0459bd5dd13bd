import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from '../_kit/dec.ts';
import { computeTotals, type MathInput, type MathLine } from './invoice-math.ts';

const base: Omit<MathInput, 'lines'> = {
  precision: 2,
  isInclusiveTax: false,
  discount: undefined,
  isDiscountBeforeTax: true,
  discountType: 'entity_level',
  shipping: Dec.ZERO,
  adjustment: Dec.ZERO,
  subTotalMode: 'exclusive',
};

const cents = fc.integer({ min: 0, max: 1_000_000 }).map((c) => Dec.of(c, 2));
const quantity = fc.integer({ min: 1, max: 50 }).map((q) => Dec.of(q));
const tax = fc.constantFrom(
  undefined,
  { tax_id: 't1', tax_name: 'T1', percentage: Dec.parse('8.25')! },
  { tax_id: 't2', tax_name: 'T2', percentage: Dec.of(20) },
);
const line: fc.Arbitrary<MathLine> = fc.record({ rate: cents, quantity, tax }).map(({ rate, quantity: q, tax: t }) => ({
  rate,
  quantity: q,
  discount: undefined,
  ...(t ? { tax: t } : {}),
}));

describe('invoice totals', () => {
  it('exclusive rates: total = sub_total + tax_total + shipping + adjustment, sub_total = Σ rate × quantity', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), cents, fc.integer({ min: -500, max: 500 }), (lines, shipping, adj) => {
        const r = computeTotals({ ...base, lines, shipping, adjustment: Dec.of(adj, 2) });
        expect(r.sub_total.eq(sum(lines.map((l) => l.rate.mul(l.quantity))))).toBe(true);
        expect(r.total.eq(r.sub_total.add(r.tax_total).add(shipping).add(Dec.of(adj, 2)))).toBe(true);
        expect(r.tax_total.eq(sum(r.taxes.map((t) => t.tax_amount)))).toBe(true);
      }),
    );
  });

  it('inclusive rates: the total is what the lines add up to, split into net and tax', () => {
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        const r = computeTotals({ ...base, lines, isInclusiveTax: true });
        const gross = sum(lines.map((l) => l.rate.mul(l.quantity)));
        expect(r.total.eq(gross)).toBe(true);
        expect(r.sub_total.add(r.tax_total).eq(gross)).toBe(true);
      }),
    );
  });

  it('reports sub_total as entered when inclusiveSubTotal is "inclusive"', () => {
    const lines = [{ rate: Dec.of(10), quantity: Dec.ONE, discount: undefined, tax: { tax_id: 't', tax_name: 'T', percentage: Dec.of(25) } }];
    const r = computeTotals({ ...base, lines, isInclusiveTax: true, subTotalMode: 'inclusive' });
    expect([r.sub_total.toString(), r.tax_total.toString(), r.total.toString()]).toEqual(['10.00', '2.00', '10.00']);
  });

  it('rounds each tax once over its lines, not line by line', () => {
    // Three lines of 0.05 at 10%: per line 0.005 → 0.01 each (0.03); once over 0.15 → 0.015 → 0.02.
    const t = { tax_id: 't', tax_name: 'T', percentage: Dec.of(10) };
    const lines = [1, 2, 3].map(() => ({ rate: Dec.parse('0.05')!, quantity: Dec.ONE, discount: undefined, tax: t }));
    expect(computeTotals({ ...base, lines }).tax_total.toString()).toBe('0.02');
  });

  it('refuses a line discount larger than the line', () => {
    const lines = [{ rate: Dec.of(5), quantity: Dec.ONE, discount: { amount: Dec.of(6) } }];
    expect(() => computeTotals({ ...base, lines, discountType: 'item_level' })).toThrow();
  });
});
