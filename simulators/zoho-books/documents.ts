/**
 * What invoices and credit notes share: line items resolved against items and taxes, the document
 * currency and exchange rate, and totals from `invoice-math.ts`.
 */
import type { ZohoSimConfig } from './config.ts';
import { Dec } from '../_kit/dec.ts';
import { fail } from './envelope.ts';
import { decimal, discount, has, id, int, list, text } from './fields.ts';
import { computeTotals } from './invoice-math.ts';
import type { JsonObject } from './request-body.ts';
import type { Contact, Currency, Discount, DocumentLine, DocumentTotals, Organization } from './state.ts';

export function customerOf(org: Organization, body: JsonObject): Contact {
  const customerId = id(body, 'customer_id');
  if (!customerId) throw fail.invalid('customer_id');
  const contact = org.contacts.get(customerId);
  if (!contact) throw fail.reference('Contact');
  if (contact.contact_type !== 'customer') throw fail.invalid('customer_id');
  return contact;
}

/** Currency from `currency_id` or the customer's; the rate is 1 for the base currency (Zoho ignores it there). */
export function currencyOf(
  org: Organization,
  body: JsonObject,
  fallbackCurrencyId: string,
  fallbackRate?: Dec,
): { currency: Currency; exchange_rate: Dec } {
  const currencyId = id(body, 'currency_id') || fallbackCurrencyId;
  const currency = org.currencies.get(currencyId);
  if (!currency) throw fail.reference('Currency');
  if (currency.is_base_currency) return { currency, exchange_rate: Dec.ONE };
  if (!has(body, 'exchange_rate')) return { currency, exchange_rate: fallbackRate ?? currency.exchange_rate };
  const rate = decimal(body, 'exchange_rate');
  if (rate.cmp(Dec.ZERO) <= 0) throw fail.invalid('exchange_rate');
  return { currency, exchange_rate: rate };
}

/**
 * Line items from the body. A line names an `item_id` (its name, description, rate and tax become
 * defaults) or at least a `name` [mem]. On update, a `line_item_id` keeps the line's identity.
 */
export function parseLines(org: Organization, raw: JsonObject[] | undefined, existing: DocumentLine[] = []): DocumentLine[] {
  if (!raw || raw.length === 0) throw fail.invalid('line_items');
  return raw.map((line, i) => {
    const itemId = id(line, 'item_id');
    const item = itemId ? org.items.get(itemId) : undefined;
    if (itemId && !item) throw fail.reference('Item');
    const name = text(line, 'name', item?.name ?? '');
    if (!name) throw fail.invalid('name');
    const rate = has(line, 'rate') ? decimal(line, 'rate') : (item?.rate ?? Dec.ZERO);
    if (rate.isNegative()) throw fail.invalid('rate');
    const quantity = decimal(line, 'quantity', Dec.ONE);
    if (quantity.isNegative()) throw fail.invalid('quantity');
    const taxId = id(line, 'tax_id') || (has(line, 'tax_id') ? '' : (item?.tax_id ?? ''));
    if (taxId && !org.taxes.has(taxId)) throw fail.reference('Tax');
    const lineId = id(line, 'line_item_id');
    const kept = lineId ? existing.find((l) => l.line_item_id === lineId) : undefined;
    if (lineId && !kept) throw fail.invalid('line_item_id');
    return {
      line_item_id: kept?.line_item_id ?? '',
      item_id: itemId,
      name,
      description: text(line, 'description', item?.description ?? ''),
      item_order: int(line, 'item_order', i + 1),
      rate,
      quantity,
      unit: text(line, 'unit', item?.unit ?? ''),
      discount: discount(line, 'discount'),
      tax_id: taxId,
      header_name: text(line, 'header_name'),
      product_type: text(line, 'product_type', item?.product_type ?? 'goods'),
      account_id: id(line, 'account_id') || (item?.account_id ?? ''),
      discount_amount: Dec.ZERO,
      item_total: Dec.ZERO,
      bcy_rate: Dec.ZERO,
    };
  });
}

export interface TotalsInput {
  lines: DocumentLine[];
  currency: Currency;
  exchangeRate: Dec;
  isInclusiveTax: boolean;
  discount: Discount | undefined;
  discountType: 'entity_level' | 'item_level';
  isDiscountBeforeTax: boolean;
  shipping: Dec;
  adjustment: Dec;
}

/** Computes totals and writes the per-line computed fields (`item_total`, `discount_amount`, `bcy_rate`). */
export function applyTotals(org: Organization, cfg: ZohoSimConfig, input: TotalsInput): DocumentTotals {
  const base = org.currencies.get(org.base_currency_id)!;
  const result = computeTotals({
    lines: input.lines.map((l) => {
      const tax = l.tax_id ? org.taxes.get(l.tax_id) : undefined;
      return {
        rate: l.rate,
        quantity: l.quantity,
        discount: l.discount,
        ...(tax ? { tax: { tax_id: tax.tax_id, tax_name: tax.tax_name, percentage: tax.tax_percentage } } : {}),
      };
    }),
    precision: input.currency.price_precision,
    isInclusiveTax: input.isInclusiveTax,
    discount: input.discount,
    isDiscountBeforeTax: input.isDiscountBeforeTax,
    discountType: input.discountType,
    shipping: input.shipping,
    adjustment: input.adjustment,
    subTotalMode: cfg.inclusiveSubTotal,
  });
  input.lines.forEach((line, i) => {
    line.discount_amount = result.lines[i]!.discount_amount;
    line.item_total = result.lines[i]!.item_total;
    line.bcy_rate = line.rate.mul(input.exchangeRate).round(base.price_precision);
  });
  return { sub_total: result.sub_total, discount_total: result.discount_total, tax_total: result.tax_total, taxes: result.taxes, total: result.total };
}

/** Item-level when any line carries its own discount, unless the body says otherwise. */
export function discountTypeOf(body: JsonObject, lines: DocumentLine[], fallback?: 'entity_level' | 'item_level'): 'entity_level' | 'item_level' {
  const raw = text(body, 'discount_type');
  if (raw === 'entity_level' || raw === 'item_level') return raw;
  if (raw) throw fail.invalid('discount_type');
  if (fallback) return fallback;
  return lines.some((l) => l.discount) ? 'item_level' : 'entity_level';
}

export function renderLine(org: Organization, line: DocumentLine): Record<string, unknown> {
  const tax = line.tax_id ? org.taxes.get(line.tax_id) : undefined;
  return {
    line_item_id: line.line_item_id,
    item_id: line.item_id,
    name: line.name,
    description: line.description,
    item_order: line.item_order,
    bcy_rate: line.bcy_rate,
    rate: line.rate,
    quantity: line.quantity,
    unit: line.unit,
    discount_amount: line.discount_amount,
    discount: line.discount ? ('percent' in line.discount ? `${line.discount.percent.toString()}%` : line.discount.amount) : 0,
    tax_id: line.tax_id,
    tax_name: tax?.tax_name ?? '',
    tax_type: tax?.tax_type ?? '',
    tax_percentage: tax?.tax_percentage ?? 0,
    item_total: line.item_total,
    header_name: line.header_name,
    product_type: line.product_type,
  };
}

export function lineItemsOf(body: JsonObject): JsonObject[] | undefined {
  return list(body, 'line_items');
}
