/** `/invoices` (api notes §3.3): create, list with filters, get, update, delete and status changes. */
import { Dec } from '../../_kit/dec.ts';
import { applyTotals, currencyOf, customerOf, discountTypeOf, lineItemsOf, parseLines } from '../documents.ts';
import { created, fail, ok } from '../envelope.ts';
import { address, bool, customFields, date, decimal, discount, has, id, int, text } from '../fields.ts';
import { balanceOf, renderInvoice, renderInvoiceSummary, statusOf } from '../invoice-view.ts';
import { paginate, sortRows, textFilter } from '../pagination.ts';
import type { Invoice, Organization } from '../state.ts';
import { addDays, isoDate } from '../time-format.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';
import { detachInvoiceCredits } from './customer-payments.ts';
import { upsertBy } from '../upsert.ts';
import { forgetComments, recordHistory } from './invoice-comments.ts';

/** The currency code and amount a history line names, e.g. `USD 19.99`. */
function amountText(org: Organization, inv: Invoice): string {
  return `${org.currencies.get(inv.currency_id)?.currency_code ?? org.currency_code} ${inv.totals.total.toString()}`;
}

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  throw fail.invalid(name);
}

function find(org: Organization, invoiceId: string | undefined): Invoice {
  const inv = org.invoices.get(invoiceId ?? '');
  if (!inv) throw fail.notFound('Invoice');
  return inv;
}

function nextNumber(input: OrgInput): string {
  const { org, cfg } = input;
  const taken = new Set([...org.invoices.values()].map((i) => i.invoice_number));
  for (;;) {
    org.counters.invoice += 1;
    const candidate = `${cfg.invoicePrefix}${String(org.counters.invoice).padStart(cfg.invoiceDigits, '0')}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `invoice_number` is honoured only with `ignore_auto_number_generation=true` and must be unique (§3.3). */
function invoiceNumber(input: OrgInput, current: Invoice | undefined): string {
  const { body, query, org, cfg } = input;
  const manual = flag(query, 'ignore_auto_number_generation');
  if (!manual) {
    if (has(body, 'invoice_number') && cfg.manualInvoiceNumberWithoutFlag === 'reject' && text(body, 'invoice_number') !== current?.invoice_number) {
      throw fail.invalid('invoice_number');
    }
    return current?.invoice_number ?? nextNumber(input);
  }
  const wanted = has(body, 'invoice_number') ? text(body, 'invoice_number').trim() : (current?.invoice_number ?? '');
  if (!wanted || wanted.length > 100) throw fail.invalid('invoice_number');
  for (const other of org.invoices.values()) {
    if (other.invoice_number === wanted && other.invoice_id !== current?.invoice_id) {
      throw fail.duplicate(`Invoice number ${wanted} already exists. Please enter a different number.`);
    }
  }
  return wanted;
}

/** Builds the invoice from the body, over `current` on update (absent fields keep their values). */
function build(input: OrgInput, current: Invoice | undefined): Invoice {
  const { org, body, cfg, now } = input;
  const customer = has(body, 'customer_id') || !current ? customerOf(org, body) : org.contacts.get(current.customer_id)!;
  const rawLines = lineItemsOf(body);
  const lines = rawLines || !current ? parseLines(org, rawLines, current?.line_items) : current.line_items;
  for (const line of lines) if (!line.line_item_id) line.line_item_id = input.ctx.store.ids.recordId();
  const { currency, exchange_rate } = currencyOf(org, body, current?.currency_id ?? customer.currency_id, current?.exchange_rate);
  const invDate = date(body, 'date', current?.date ?? isoDate(now));
  const terms = int(body, 'payment_terms', current?.payment_terms ?? customer.payment_terms);
  const disc = has(body, 'discount') ? discount(body, 'discount') : current?.discount;
  const discountType = discountTypeOf(body, lines, has(body, 'discount_type') ? undefined : current?.discount_type);
  const isInclusive = bool(body, 'is_inclusive_tax', current?.is_inclusive_tax ?? false);
  const isBeforeTax = bool(body, 'is_discount_before_tax', current?.is_discount_before_tax ?? true);
  const shipping = decimal(body, 'shipping_charge', current?.shipping_charge ?? Dec.ZERO);
  if (shipping.isNegative()) throw fail.invalid('shipping_charge');
  const adjustment = decimal(body, 'adjustment', current?.adjustment ?? Dec.ZERO);
  const totals = applyTotals(org, cfg, {
    lines,
    currency,
    exchangeRate: exchange_rate,
    isInclusiveTax: isInclusive,
    discount: disc,
    discountType,
    isDiscountBeforeTax: isBeforeTax,
    shipping,
    adjustment,
  });
  const reference = text(body, 'reference_number', current?.reference_number ?? '');
  if (reference.length > 100) throw fail.invalid('reference_number');
  return {
    invoice_id: current?.invoice_id ?? input.ctx.store.ids.recordId(),
    invoice_number: invoiceNumber(input, current),
    date: invDate,
    due_date: date(body, 'due_date', has(body, 'date') || has(body, 'payment_terms') || !current ? addDays(invDate, terms) : current.due_date),
    payment_terms: terms,
    payment_terms_label: text(body, 'payment_terms_label', current?.payment_terms_label ?? (terms === 0 ? 'Due on Receipt' : `Net ${terms}`)),
    state: current?.state ?? (flag(input.query, 'send') ? 'sent' : 'draft'),
    reference_number: reference,
    customer_id: customer.contact_id,
    currency_id: currency.currency_id,
    exchange_rate,
    discount: disc,
    is_discount_before_tax: isBeforeTax,
    discount_type: discountType,
    is_inclusive_tax: isInclusive,
    line_items: lines,
    shipping_charge: shipping.round(currency.price_precision),
    adjustment: adjustment.round(currency.price_precision),
    adjustment_description: text(body, 'adjustment_description', current?.adjustment_description ?? 'Adjustment'),
    totals,
    payment_made: current?.payment_made ?? Dec.ZERO.round(currency.price_precision),
    credits_applied: current?.credits_applied ?? Dec.ZERO.round(currency.price_precision),
    notes: text(body, 'notes', current?.notes ?? ''),
    terms: text(body, 'terms', current?.terms ?? ''),
    salesperson_name: text(body, 'salesperson_name', current?.salesperson_name ?? ''),
    custom_fields: customFields(body) ?? current?.custom_fields ?? [],
    billing_address: address(body, 'billing_address') ?? current?.billing_address ?? customer.billing_address,
    shipping_address: address(body, 'shipping_address') ?? current?.shipping_address ?? customer.shipping_address,
    allow_partial_payments: bool(body, 'allow_partial_payments', current?.allow_partial_payments ?? true),
    is_emailed: current?.is_emailed ?? flag(input.query, 'send'),
    last_payment_date: current?.last_payment_date ?? '',
    created: current?.created ?? now,
    modified: now,
  };
}

const STATUS_FILTERS = new Set(['sent', 'draft', 'overdue', 'paid', 'void', 'unpaid', 'partially_paid', 'viewed']);
const FILTER_BY: Record<string, string> = {
  'Status.All': '',
  'Status.Sent': 'sent',
  'Status.Draft': 'draft',
  'Status.OverDue': 'overdue',
  'Status.Paid': 'paid',
  'Status.Void': 'void',
  'Status.Unpaid': 'unpaid',
  'Status.PartiallyPaid': 'partially_paid',
  'Status.Viewed': 'viewed',
};

function statusMatches(inv: Invoice, wanted: string, now: number): boolean {
  const status = statusOf(inv, now);
  if (wanted === 'unpaid') return status === 'sent' || status === 'overdue' || status === 'partially_paid';
  if (wanted === 'viewed') return false; // clients never view simulated invoices
  return status === wanted;
}

function list(input: OrgInput) {
  const { org, query, now } = input;
  let rows = [...org.invoices.values()];
  const status = query.get('status');
  if (status !== null && !STATUS_FILTERS.has(status)) throw fail.invalid('status');
  const filterBy = query.get('filter_by');
  if (filterBy !== null && !(filterBy in FILTER_BY)) throw fail.invalid('filter_by');
  const wantedStatus = status ?? (filterBy ? FILTER_BY[filterBy] : '');
  if (wantedStatus) rows = rows.filter((inv) => statusMatches(inv, wantedStatus, now));
  const byNumber = textFilter(query, 'invoice_number');
  if (byNumber) rows = rows.filter((inv) => byNumber(inv.invoice_number));
  const byReference = textFilter(query, 'reference_number');
  if (byReference) rows = rows.filter((inv) => byReference(inv.reference_number));
  const byCustomerName = textFilter(query, 'customer_name');
  if (byCustomerName) rows = rows.filter((inv) => byCustomerName(org.contacts.get(inv.customer_id)?.contact_name));
  const customerId = query.get('customer_id');
  if (customerId !== null) rows = rows.filter((inv) => inv.customer_id === customerId);
  const itemId = query.get('item_id');
  if (itemId !== null) rows = rows.filter((inv) => inv.line_items.some((l) => l.item_id === itemId));
  for (const [param, test] of [
    ['date', (d: string, v: string) => d === v],
    ['date_start', (d: string, v: string) => d >= v],
    ['date_end', (d: string, v: string) => d <= v],
    ['date_before', (d: string, v: string) => d < v],
    ['date_after', (d: string, v: string) => d > v],
  ] as const) {
    const v = query.get(param);
    if (v !== null) rows = rows.filter((inv) => test(inv.date, v));
  }
  const search = query.get('search_text');
  if (search !== null) {
    const s = search.toLowerCase();
    rows = rows.filter((inv) =>
      [inv.invoice_number, inv.reference_number, org.contacts.get(inv.customer_id)?.contact_name ?? ''].some((v) => v.toLowerCase().includes(s)),
    );
  }
  const sorted = sortRows(
    rows as unknown as Record<string, unknown>[],
    query,
    ['customer_name', 'invoice_number', 'date', 'due_date', 'total', 'balance', 'created_time'],
    { column: 'created_time', order: 'D' },
    (row, column) => {
      const inv = row as unknown as Invoice;
      if (column === 'customer_name') return org.contacts.get(inv.customer_id)?.contact_name ?? '';
      if (column === 'total') return Number(inv.totals.total.toString());
      if (column === 'balance') return Number(balanceOf(inv).toString());
      if (column === 'created_time') return inv.created;
      return String(inv[column as 'invoice_number' | 'date' | 'due_date']);
    },
  );
  const responseOption = query.get('response_option') ?? '0';
  if (!/^[0-4]$/.test(responseOption)) throw fail.invalid('response_option');
  const page = paginate(sorted.rows as unknown as Invoice[], query, {
    report_name: 'Invoices',
    applied_filter: filterBy ?? 'Status.All',
    sort_column: sorted.sort_column,
    sort_order: sorted.sort_order,
  });
  // response_option 1-3 add a count; 2 and 3 leave the records out (api notes §2.5).
  const withCount = responseOption !== '0' && responseOption !== '4';
  const withRecords = responseOption === '0' || responseOption === '1' || responseOption === '4';
  return ok('success', {
    invoices: withRecords ? page.rows.map((inv) => renderInvoiceSummary(org, inv, now)) : [],
    page_context: { ...page.page_context, ...(withCount ? { total: rows.length } : {}) },
  });
}

function create(input: OrgInput) {
  const inv = build(input, undefined);
  input.org.invoices.set(inv.invoice_id, inv);
  recordHistory(input, inv.invoice_id, `Invoice created for ${amountText(input.org, inv)}.`, 'Added');
  return created('The invoice has been created.', { invoice: renderInvoice(input.org, inv, input.now) });
}

function update(input: OrgInput) {
  const current = find(input.org, input.params.invoice_id);
  if (current.state === 'void') throw fail.rule('Void invoices cannot be edited.');
  const paid = current.payment_made.add(current.credits_applied);
  if (!paid.isZero() && has(input.body, 'customer_id') && id(input.body, 'customer_id') !== current.customer_id) {
    throw fail.rule('The customer cannot be changed for an invoice that has payments or credits applied.');
  }
  const next = build(input, current);
  if (next.totals.total.cmp(paid) < 0) throw fail.rule('The invoice total cannot be less than the payments and credits applied to it.');
  input.org.invoices.set(next.invoice_id, next);
  recordHistory(input, next.invoice_id, `Invoice updated; total ${amountText(input.org, next)}.`, 'Updated');
  return ok('Invoice information has been updated.', { invoice: renderInvoice(input.org, next, input.now) });
}

function remove(input: OrgInput) {
  const inv = find(input.org, input.params.invoice_id);
  // "Invoices which have payment or credits note applied cannot be deleted." (invoices.yml)
  if (!inv.payment_made.add(inv.credits_applied).isZero()) {
    throw fail.rule('Invoices which have payments or credit notes applied cannot be deleted.');
  }
  input.org.invoices.delete(inv.invoice_id);
  forgetComments(input.org, inv.invoice_id);
  return ok('The invoice has been deleted.');
}

function markSent(input: OrgInput) {
  const inv = find(input.org, input.params.invoice_id);
  if (inv.state === 'void') throw fail.rule('Void invoices cannot be marked as sent.');
  inv.state = 'sent';
  inv.modified = input.now;
  recordHistory(input, inv.invoice_id, 'Invoice marked as sent.', 'Updated');
  return ok('Invoice status has been changed to Sent.');
}

function markVoid(input: OrgInput) {
  const inv = find(input.org, input.params.invoice_id);
  if (!inv.payment_made.add(inv.credits_applied).isZero()) {
    if (input.cfg.voidWithPayments === 'refuse') {
      throw fail.rule('Invoices which have payments or credit notes applied cannot be voided.');
    }
    // The OAS: "Upon voiding, the payments and credits … will be unassociated and will be under customer credits."
    detachInvoiceCredits(input.org, inv, input.now);
  }
  inv.state = 'void';
  inv.modified = input.now;
  recordHistory(input, inv.invoice_id, 'Invoice status changed to Void.', 'Updated');
  return ok('Invoice status has been changed to Void.');
}

function markDraft(input: OrgInput) {
  const inv = find(input.org, input.params.invoice_id);
  // "Mark a voided invoice as draft." (invoices.yml)
  if (inv.state !== 'void') throw fail.rule('Only void invoices can be marked as draft.');
  inv.state = 'draft';
  inv.modified = input.now;
  recordHistory(input, inv.invoice_id, 'Invoice status changed from Void to Draft.', 'Updated');
  return ok('Status of invoice changed from void to draft');
}

function get(input: OrgInput) {
  const inv = find(input.org, input.params.invoice_id);
  return ok('success', { invoice: renderInvoice(input.org, inv, input.now) });
}

export const invoiceRoutes: RouteDef[] = [
  orgRoute('GET', '/invoices', ['invoices', 'READ'], list),
  orgRoute('POST', '/invoices', ['invoices', 'CREATE'], create),
  orgRoute('GET', '/invoices/:invoice_id', ['invoices', 'READ'], get),
  orgRoute('PUT', '/invoices/:invoice_id', ['invoices', 'UPDATE'], update),
  orgRoute('PUT', '/invoices', ['invoices', 'UPDATE'], (input) =>
    upsertBy(input, input.org.invoices.values(), 'Invoice', (inv) => update({ ...input, params: { invoice_id: inv.invoice_id } }), () => create(input)),
  ),
  orgRoute('DELETE', '/invoices/:invoice_id', ['invoices', 'DELETE'], remove),
  // The OAS files put the status changes under the CREATE scope.
  orgRoute('POST', '/invoices/:invoice_id/status/sent', ['invoices', 'CREATE'], markSent),
  orgRoute('POST', '/invoices/:invoice_id/status/void', ['invoices', 'CREATE'], markVoid),
  orgRoute('POST', '/invoices/:invoice_id/status/draft', ['invoices', 'CREATE'], markDraft),
];

