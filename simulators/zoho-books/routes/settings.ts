/** `/settings/currencies` and `/settings/taxes` (api notes §3.7); scope family `settings`. */
import { Dec } from '../../_kit/dec.ts';
import { created, fail, ok } from '../envelope.ts';
import { decimal, has, requiredText, text } from '../fields.ts';
import { paginate } from '../pagination.ts';
import type { Currency, Organization, Tax } from '../state.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

export function renderCurrency(c: Currency): Record<string, unknown> {
  return {
    currency_id: c.currency_id,
    currency_code: c.currency_code,
    currency_name: c.currency_name,
    currency_symbol: c.currency_symbol,
    price_precision: c.price_precision,
    currency_format: c.currency_format,
    is_base_currency: c.is_base_currency,
    exchange_rate: c.exchange_rate,
    effective_date: c.effective_date,
  };
}

export function renderTax(t: Tax): Record<string, unknown> {
  return {
    tax_id: t.tax_id,
    tax_name: t.tax_name,
    tax_percentage: t.tax_percentage,
    tax_type: t.tax_type,
    is_value_added: false,
    is_default_tax: t.is_default_tax,
    is_editable: t.is_editable,
  };
}

function listCurrencies(input: OrgInput) {
  const filterBy = input.query.get('filter_by');
  if (filterBy !== null && filterBy !== 'Currencies.ExcludeBaseCurrency') throw fail.invalid('filter_by');
  const rows = [...input.org.currencies.values()].filter((c) => !(filterBy && c.is_base_currency));
  const page = paginate(rows, input.query, { report_name: 'Currencies', sort_column: 'currency_code', sort_order: 'A' });
  return ok('success', { currencies: page.rows.map(renderCurrency), page_context: page.page_context });
}

function getCurrency(input: OrgInput) {
  const currency = input.org.currencies.get(input.params.currency_id ?? '');
  if (!currency) throw fail.notFound('Currency');
  const { exchange_rate: _rate, effective_date: _date, ...rest } = renderCurrency(currency);
  return ok('success', { currency: rest });
}

function findTax(org: Organization, taxId: string | undefined): Tax {
  const tax = org.taxes.get(taxId ?? '');
  if (!tax) throw fail.notFound('Tax');
  return tax;
}

function createTax(input: OrgInput) {
  const { org, body, ctx } = input;
  const name = requiredText(body, 'tax_name');
  if (!has(body, 'tax_percentage')) throw fail.invalid('tax_percentage');
  const percentage = decimal(body, 'tax_percentage');
  if (percentage.isNegative() || percentage.cmp(Dec.HUNDRED) > 0) throw fail.invalid('tax_percentage');
  for (const other of org.taxes.values()) {
    if (other.tax_name.toLowerCase() === name.toLowerCase()) throw fail.duplicate(`The tax "${name}" already exists.`);
  }
  const type = text(body, 'tax_type', 'tax');
  if (type !== 'tax' && type !== 'compound_tax') throw fail.invalid('tax_type');
  const tax: Tax = { tax_id: ctx.store.ids.recordId(), tax_name: name, tax_percentage: percentage, tax_type: type, is_default_tax: false, is_editable: true };
  org.taxes.set(tax.tax_id, tax);
  return created('The tax has been added.', { tax: renderTax(tax) });
}

function listTaxes(input: OrgInput) {
  const rows = [...input.org.taxes.values()];
  const page = paginate(rows, input.query, { report_name: 'Taxes', sort_column: 'tax_name', sort_order: 'A' });
  return ok('success', { taxes: page.rows.map(renderTax), page_context: page.page_context });
}

export const settingsRoutes: RouteDef[] = [
  orgRoute('GET', '/settings/currencies', ['settings', 'READ'], listCurrencies),
  orgRoute('GET', '/settings/currencies/:currency_id', ['settings', 'READ'], getCurrency),
  orgRoute('GET', '/settings/taxes', ['settings', 'READ'], listTaxes),
  orgRoute('POST', '/settings/taxes', ['settings', 'CREATE'], createTax),
  orgRoute('GET', '/settings/taxes/:tax_id', ['settings', 'READ'], (input) => ok('success', { tax: renderTax(findTax(input.org, input.params.tax_id)) })),
];
