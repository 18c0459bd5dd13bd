/**
 * Totals of an invoice or credit note from its lines, in exact decimals (api notes §3.3, §3.8):
 *
 *   item_total  = round(rate × quantity − line discount)           per line, to the currency's precision
 *   S           = Σ item_total
 *   D           = entity discount: p% of S (before tax) or of S + tax (after tax), or a fixed amount
 *   tax (per tax) = Σ item_total × (S − D)/S × p/100               exclusive rates (discount before tax)
 *                 = Σ item_total × (S − D)/S × p/(100 + p)         inclusive rates
 *   tax_total   = Σ per-tax amounts, each rounded once
 *   total       = sub_total − D + tax_total + shipping_charge + adjustment
 *
 * With inclusive rates `sub_total` is S − tax_total (net of tax), so `total` still equals what the customer
 * was quoted. Rounding each tax once (not per line) and half away from zero is [mem]: Zoho does not document
 * its order of rounding, which is why `inclusiveSubTotal` is configurable and the README lists it.
 */
import { Dec, sum } from '../_kit/dec.ts';
import { fail } from './envelope.ts';
import type { Discount, DocumentTotals } from './state.ts';

export interface MathLine {
  rate: Dec;
  quantity: Dec;
  discount: Discount | undefined;
  tax?: { tax_id: string; tax_name: string; percentage: Dec };
}

export interface MathInput {
  lines: MathLine[];
  precision: number;
  isInclusiveTax: boolean;
  discount: Discount | undefined;
  isDiscountBeforeTax: boolean;
  discountType: 'entity_level' | 'item_level';
  shipping: Dec;
  adjustment: Dec;
  subTotalMode: 'exclusive' | 'inclusive';
}

export interface MathResult extends DocumentTotals {
  lines: { discount_amount: Dec; item_total: Dec }[];
}

function discountOf(d: Discount, base: Dec, precision: number): Dec {
  return 'percent' in d ? base.mul(d.percent).div(Dec.HUNDRED, precision) : d.amount.round(precision);
}

export function computeTotals(input: MathInput): MathResult {
  const p = input.precision;
  const lines = input.lines.map((line, i) => {
    const gross = line.rate.mul(line.quantity);
    const lineDiscount = line.discount && input.discountType === 'item_level' ? discountOf(line.discount, gross, p) : Dec.ZERO.round(p);
    if (lineDiscount.cmp(gross.round(p)) > 0) throw fail.invalid(`line_items[${i}].discount`);
    return { discount_amount: lineDiscount, item_total: gross.sub(lineDiscount).round(p) };
  });
  const S = sum(lines.map((l) => l.item_total)).round(p);
  const entity = input.discountType === 'entity_level' ? input.discount : undefined;

  // Discount before tax shrinks every line's taxable base by the same factor (S − D) / S.
  const beforeTaxD = entity && input.isDiscountBeforeTax ? discountOf(entity, S, p) : Dec.ZERO.round(p);
  if (beforeTaxD.cmp(S) > 0) throw fail.invalid('discount');

  const groups = new Map<string, { tax_id: string; tax_name: string; percentage: Dec; base: Dec }>();
  input.lines.forEach((line, i) => {
    if (!line.tax || line.tax.percentage.isZero()) return;
    const g = groups.get(line.tax.tax_id) ?? { ...line.tax, base: Dec.ZERO };
    g.base = g.base.add(lines[i]!.item_total);
    groups.set(line.tax.tax_id, g);
  });
  const taxes = [...groups.values()].map((g) => {
    let numerator = g.base.mul(g.percentage);
    let denominator = input.isInclusiveTax ? Dec.HUNDRED.add(g.percentage) : Dec.HUNDRED;
    if (!beforeTaxD.isZero()) {
      numerator = numerator.mul(S.sub(beforeTaxD));
      denominator = denominator.mul(S);
    }
    return { tax_id: g.tax_id, tax_name: g.tax_name, tax_amount: numerator.div(denominator, p) };
  });
  const T = sum(taxes.map((t) => t.tax_amount)).round(p);

  const afterTaxD = entity && !input.isDiscountBeforeTax
    ? discountOf(entity, input.isInclusiveTax ? S : S.add(T), p)
    : Dec.ZERO.round(p);
  const D = beforeTaxD.add(afterTaxD);

  const subTotal = input.isInclusiveTax && input.subTotalMode === 'exclusive' ? S.sub(T) : S;
  const taxAdded = input.isInclusiveTax ? (input.subTotalMode === 'exclusive' ? T : Dec.ZERO) : T;
  const total = subTotal.sub(D).add(taxAdded).add(input.shipping.round(p)).add(input.adjustment.round(p)).round(p);
  return { lines, sub_total: subTotal.round(p), discount_total: D.round(p), tax_total: T, taxes, total };
}
