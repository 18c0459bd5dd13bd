/**
 * Sales tax on invoices and credit memos (api notes §3.3 Tax, §11.5 [src S19]).
 * - US: lines carry the pseudo codes TAX / NON; `TxnTaxDetail.TxnTaxCodeRef` picks the rate. Without Automated
 *   Sales Tax a supplied `TotalTax` is posted as given (`usSuppliedTotalTax: 'use'` [mem]); with AST (production
 *   only; sandboxes cannot have it [src]) a supplied rate or total is ignored [src] and the company rate applies.
 * - Non-US: every line names a real TaxCode; `GlobalTaxCalculation` says whether line amounts exclude or include the
 *   tax. With TaxInclusive the line amounts stay as sent (gross) and the included tax is reported [mem].
 * Each rate's tax is rounded once over its base, half away from zero [mem].
 */
import type { StoredEntity } from './company.ts';
import { fault, type Scope } from './context.ts';
import { Dec, sum } from './decimal.ts';
import { readDec } from './fields.ts';
import { obj, arr, refValue, type Json, type JsonObject } from './json.ts';
import { namedRef, resolveRef } from './refs.ts';

export interface TaxableLine {
  amount: Dec;
  /** TAX / NON (US) or a TaxCode Id (elsewhere); undefined when not applicable. */
  codeId: string | undefined;
  shipping: boolean;
}

export interface TaxInput {
  lines: TaxableLine[];
  /** Total of discount lines (positive). */
  discount: Dec;
  supplied: JsonObject | undefined;
  applyTaxAfterDiscount: boolean;
  globalTaxCalculation: 'TaxInclusive' | 'TaxExcluded' | 'NotApplicable' | undefined;
  decimals: number;
}

export interface TaxResult {
  tax: Dec;
  /** Tax already inside the line amounts (TaxInclusive): reported, not added to the total. */
  included: boolean;
  detail: JsonObject;
}

interface Rate {
  id: string;
  name: string;
  percent: Dec;
}

function ratesOf(scope: Scope, code: StoredEntity): Rate[] {
  const details = arr(obj(code.data['SalesTaxRateList'])?.['TaxRateDetail']) ?? [];
  const out: Rate[] = [];
  for (const d of details) {
    const id = refValue(obj(d)?.['TaxRateRef']);
    const rate = id === undefined ? undefined : scope.company.get('TaxRate', id);
    const percent = Dec.parse(rate?.data['RateValue']);
    if (rate && percent) out.push({ id: rate.id, name: String(rate.data['Name'] ?? rate.id), percent });
  }
  return out;
}

function taxLine(rate: Rate, base: Dec, amount: Dec, decimals: number): JsonObject {
  return {
    Amount: amount.toJson(),
    DetailType: 'TaxLineDetail',
    TaxLineDetail: { TaxRateRef: { value: rate.id, name: rate.name }, PercentBased: true, TaxPercent: rate.percent.toJson(), NetAmountTaxable: base.round(decimals).toJson() },
  };
}

/** Makes the TaxLine amounts add up to `total` by putting the difference on the last line. */
function adjustTo(lines: JsonObject[], total: Dec): void {
  const last = lines[lines.length - 1];
  if (!last) return;
  const current = sum(lines.map((l) => Dec.parse(l['Amount'] as Json) ?? Dec.ZERO));
  last['Amount'] = (Dec.parse(last['Amount'] as Json) ?? Dec.ZERO).add(total.sub(current)).toJson();
}

export function computeTax(scope: Scope, input: TaxInput): TaxResult {
  return scope.company.options.country === 'US' ? usTax(scope, input) : nonUsTax(scope, input);
}

function usTax(scope: Scope, input: TaxInput): TaxResult {
  const cfg = scope.ctx.config();
  const { decimals } = input;
  const items = sum(input.lines.filter((l) => !l.shipping).map((l) => l.amount));
  const taxableItems = sum(input.lines.filter((l) => !l.shipping && l.codeId === 'TAX').map((l) => l.amount));
  const taxableShipping = sum(input.lines.filter((l) => l.shipping && l.codeId === 'TAX').map((l) => l.amount));
  const discountShare = input.applyTaxAfterDiscount && !items.isZero() ? input.discount.mul(taxableItems).div(items, decimals) : Dec.ZERO;
  const base = taxableItems.sub(discountShare).add(taxableShipping);

  const supplied = input.supplied;
  const suppliedTotal = readDec(scope, supplied?.['TotalTax'], 'TotalTax')?.round(decimals);
  if (scope.company.options.automatedSalesTax) {
    const percent = Dec.parseText(scope.company.options.astRatePercent) ?? Dec.ZERO;
    const tax = base.mul(percent).div(Dec.HUNDRED, decimals);
    return { tax, included: false, detail: { TotalTax: tax.toJson(), TaxLine: [] } };
  }

  const code = resolveRef(scope, 'TaxCode', supplied?.['TxnTaxCodeRef'], 'TxnTaxCodeRef', false);
  if (code && (code.id === 'TAX' || code.id === 'NON')) throw fault(scope, 'notFound', {}, 'TxnTaxCodeRef');
  const rates = code ? ratesOf(scope, code) : [];
  const lines = rates.map((r) => taxLine(r, base, base.mul(r.percent).div(Dec.HUNDRED, decimals), decimals));
  let tax = sum(lines.map((l) => Dec.parse(l['Amount'] as Json) ?? Dec.ZERO));
  if (suppliedTotal && cfg.usSuppliedTotalTax === 'use') {
    tax = suppliedTotal;
    adjustTo(lines, tax);
  }
  const detail: JsonObject = { TotalTax: tax.toJson(), TaxLine: lines };
  if (code) detail['TxnTaxCodeRef'] = namedRef(supplied?.['TxnTaxCodeRef'], code);
  return { tax, included: false, detail };
}

function nonUsTax(scope: Scope, input: TaxInput): TaxResult {
  const cfg = scope.ctx.config();
  const { decimals } = input;
  const mode = input.globalTaxCalculation ?? 'TaxExcluded';
  if (mode === 'NotApplicable') return { tax: Dec.ZERO, included: false, detail: { TotalTax: Dec.ZERO.toJson(), TaxLine: [] } };

  // Per code: its lines' total, less its share of the discount (shares of the non-shipping lines, remainder on the last).
  const byCode = new Map<string, { items: Dec; shipping: Dec }>();
  for (const l of input.lines) {
    if (l.codeId === undefined) continue;
    const g = byCode.get(l.codeId) ?? { items: Dec.ZERO, shipping: Dec.ZERO };
    if (l.shipping) g.shipping = g.shipping.add(l.amount);
    else g.items = g.items.add(l.amount);
    byCode.set(l.codeId, g);
  }
  const items = sum([...byCode.values()].map((g) => g.items));
  let discountLeft = input.discount;
  const codes = [...byCode.entries()];
  const perRate = new Map<string, { rate: Rate; base: Dec; tax: Dec }>();
  codes.forEach(([codeId, g], i) => {
    let share = Dec.ZERO;
    if (!items.isZero()) share = i === codes.length - 1 ? discountLeft : input.discount.mul(g.items).div(items, decimals);
    discountLeft = discountLeft.sub(share);
    const base = g.items.sub(share).add(g.shipping);
    const code = scope.company.get('TaxCode', codeId)!;
    for (const rate of ratesOf(scope, code)) {
      const tax = mode === 'TaxInclusive' ? base.mul(rate.percent).div(Dec.HUNDRED.add(rate.percent), decimals) : base.mul(rate.percent).div(Dec.HUNDRED, decimals);
      const net = mode === 'TaxInclusive' ? base.sub(tax) : base;
      const acc = perRate.get(rate.id) ?? { rate, base: Dec.ZERO, tax: Dec.ZERO };
      acc.base = acc.base.add(net);
      acc.tax = acc.tax.add(tax);
      perRate.set(rate.id, acc);
    }
  });
  const lines = [...perRate.values()].map((r) => taxLine(r.rate, r.base, r.tax, decimals));
  let tax = sum([...perRate.values()].map((r) => r.tax));
  const suppliedTotal = readDec(scope, input.supplied?.['TotalTax'], 'TotalTax')?.round(decimals);
  if (suppliedTotal && cfg.nonUsSuppliedTotalTax === 'use') {
    tax = suppliedTotal;
    adjustTo(lines, tax);
  }
  return { tax, included: mode === 'TaxInclusive', detail: { TotalTax: tax.toJson(), TaxLine: lines } };
}
