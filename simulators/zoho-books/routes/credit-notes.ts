/**
 * `/creditnotes` (api notes §3.5): create (numbered CN-00001 unless `ignore_auto_number_generation`), list,
 * get, status changes, and applying credit to invoices via `POST /creditnotes/{id}/invoices`.
 */
import { Dec, sum } from '../../_kit/dec.ts';
import { applyTotals, currencyOf, customerOf, discountTypeOf, lineItemsOf, parseLines, renderLine } from '../documents.ts';
import { created, fail, ok } from '../envelope.ts';
import { bool, customFields, date, decimal, has, id, list, text } from '../fields.ts';
import { balanceOf } from '../invoice-view.ts';
import { paginate, sortRows, textFilter } from '../pagination.ts';
import type { CreditNote, Organization } from '../state.ts';
import { zohoTimestamp } from '../time-format.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

function find(org: Organization, creditnoteId: string | undefined): CreditNote {
  const note = org.creditnotes.get(creditnoteId ?? '');
  if (!note) throw fail.notFound('Credit Note');
  return note;
}

export function creditBalance(note: CreditNote): Dec {
  if (note.state === 'void') return Dec.ZERO;
  return note.totals.total.sub(sum(note.applied.map((a) => a.amount)));
}

function statusOf(note: CreditNote): 'draft' | 'open' | 'closed' | 'void' {
  if (note.state !== 'open') return note.state;
  return creditBalance(note).isZero() ? 'closed' : 'open';
}

export function renderCreditNote(org: Organization, note: CreditNote): Record<string, unknown> {
  const currency = org.currencies.get(note.currency_id);
  const customer = org.contacts.get(note.customer_id);
  return {
    creditnote_id: note.creditnote_id,
    creditnote_number: note.creditnote_number,
    date: note.date,
    status: statusOf(note),
    customer_id: note.customer_id,
    customer_name: customer?.contact_name ?? '',
    reference_number: note.reference_number,
    email: customer?.contact_persons.find((c) => c.is_primary_contact)?.email ?? '',
    total: note.totals.total,
    balance: creditBalance(note),
    line_items: note.line_items.map((l) => {
      const { line_item_id, item_id, name, description, item_order, rate, quantity, unit, discount, tax_id, product_type } = renderLine(org, l);
      return { line_item_id, item_id, account_id: l.account_id, name, description, item_order, rate, quantity, unit, discount, tax_id, product_type };
    }),
    invoices: note.applied.map((a) => ({ invoice_id: a.invoice_id, invoice_number: org.invoices.get(a.invoice_id)?.invoice_number ?? '', amount: a.amount })),
    taxes: note.totals.taxes.map((t) => ({ tax_id: t.tax_id, tax_name: t.tax_name, tax_amount: t.tax_amount })),
    currency_code: currency?.currency_code ?? org.currency_code,
    currency_symbol: currency?.currency_symbol ?? '',
    custom_fields: note.custom_fields.map((f) => ({ index: f.index ?? 0, value: f.value, label: f.label ?? '' })),
    notes: note.notes,
    terms: note.terms,
    created_time: zohoTimestamp(note.created),
    updated_time: zohoTimestamp(note.modified),
  };
}

function renderRow(org: Organization, note: CreditNote): Record<string, unknown> {
  return {
    creditnote_id: note.creditnote_id,
    creditnote_number: note.creditnote_number,
    status: statusOf(note),
    reference_number: note.reference_number,
    date: note.date,
    total: note.totals.total,
    balance: creditBalance(note),
    customer_id: note.customer_id,
    customer_name: org.contacts.get(note.customer_id)?.contact_name ?? '',
    currency_id: note.currency_id,
    currency_code: org.currencies.get(note.currency_id)?.currency_code ?? org.currency_code,
    created_time: zohoTimestamp(note.created),
    last_modified_time: zohoTimestamp(note.modified),
    is_emailed: false,
  };
}

function number(input: OrgInput): string {
  const { org, cfg, body, query } = input;
  const taken = new Set([...org.creditnotes.values()].map((n) => n.creditnote_number));
  if (query.get('ignore_auto_number_generation') === 'true') {
    const wanted = text(body, 'creditnote_number').trim();
    if (!wanted) throw fail.invalid('creditnote_number');
    if (taken.has(wanted)) throw fail.duplicate(`Credit Note number ${wanted} already exists.`);
    return wanted;
  }
  for (;;) {
    org.counters.creditnote += 1;
    const candidate = `${cfg.creditNotePrefix}${String(org.counters.creditnote).padStart(cfg.creditNoteDigits, '0')}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function create(input: OrgInput) {
  const { org, body, cfg, now, query, ctx } = input;
  const customer = customerOf(org, body);
  if (!has(body, 'date')) throw fail.invalid('date');
  const noteDate = date(body, 'date', '');
  const lines = parseLines(org, lineItemsOf(body));
  for (const line of lines) line.line_item_id = ctx.store.ids.recordId();
  const invoiceId = query.get('invoice_id');
  if (invoiceId) {
    const inv = org.invoices.get(invoiceId);
    if (!inv) throw fail.reference('Invoice');
    if (inv.customer_id !== customer.contact_id) throw fail.invalid('invoice_id');
  }
  const { currency, exchange_rate } = currencyOf(org, body, customer.currency_id);
  const totals = applyTotals(org, cfg, {
    lines,
    currency,
    exchangeRate: exchange_rate,
    isInclusiveTax: bool(body, 'is_inclusive_tax', false),
    discount: undefined,
    discountType: discountTypeOf(body, lines),
    isDiscountBeforeTax: true,
    shipping: Dec.ZERO,
    adjustment: decimal(body, 'adjustment', Dec.ZERO),
  });
  const note: CreditNote = {
    creditnote_id: ctx.store.ids.recordId(),
    creditnote_number: number(input),
    date: noteDate,
    state: bool(body, 'is_draft', false) ? 'draft' : 'open',
    customer_id: customer.contact_id,
    currency_id: currency.currency_id,
    exchange_rate,
    reference_number: text(body, 'reference_number'),
    is_inclusive_tax: bool(body, 'is_inclusive_tax', false),
    line_items: lines,
    totals,
    applied: [],
    notes: text(body, 'notes'),
    terms: text(body, 'terms'),
    custom_fields: customFields(body) ?? [],
    created: now,
    modified: now,
  };
  org.creditnotes.set(note.creditnote_id, note);
  return created('The credit note has been created.', { creditnote: renderCreditNote(org, note) });
}

function applyToInvoices(input: OrgInput) {
  const { org, body, now, ctx } = input;
  const note = find(org, input.params.creditnote_id);
  if (statusOf(note) !== 'open') throw fail.rule('Credits can be applied only from an open credit note.');
  const entries = list(body, 'invoices');
  if (!entries || entries.length === 0) throw fail.invalid('invoices');
  const precision = org.currencies.get(note.currency_id)?.price_precision ?? 2;
  const applications = entries.map((entry) => {
    const inv = org.invoices.get(id(entry, 'invoice_id'));
    if (!inv) throw fail.reference('Invoice');
    if (inv.customer_id !== note.customer_id) throw fail.rule(`Invoice ${inv.invoice_number} does not belong to this customer.`);
    if (inv.state !== 'sent') throw fail.rule(`Credits cannot be applied to invoice ${inv.invoice_number} in its status.`);
    const amount = decimal(entry, 'amount_applied').round(precision);
    if (amount.cmp(Dec.ZERO) <= 0) throw fail.invalid('amount_applied');
    if (amount.cmp(balanceOf(inv)) > 0) throw fail.rule(`The amount applied to invoice ${inv.invoice_number} is more than its balance due.`);
    return { inv, amount };
  });
  if (sum(applications.map((a) => a.amount)).cmp(creditBalance(note)) > 0) {
    throw fail.rule('The amount applied is more than the balance of the credit note.');
  }
  for (const { inv, amount } of applications) {
    inv.credits_applied = inv.credits_applied.add(amount);
    inv.modified = now;
    note.applied.push({ creditnote_invoice_id: ctx.store.ids.recordId(), invoice_id: inv.invoice_id, amount, date: note.date });
  }
  note.modified = now;
  return ok('Credits have been applied to the invoice(s).');
}

function listNotes(input: OrgInput) {
  const { org, query } = input;
  let rows = [...org.creditnotes.values()];
  const customerId = query.get('customer_id');
  if (customerId !== null) rows = rows.filter((n) => n.customer_id === customerId);
  const byReference = textFilter(query, 'reference_number');
  if (byReference) rows = rows.filter((n) => byReference(n.reference_number));
  const byNumber = textFilter(query, 'creditnote_number');
  if (byNumber) rows = rows.filter((n) => byNumber(n.creditnote_number));
  const status = query.get('status');
  if (status !== null) rows = rows.filter((n) => statusOf(n) === status);
  const sorted = sortRows(rows as unknown as Record<string, unknown>[], query, ['created_time', 'date', 'creditnote_number'], { column: 'created_time', order: 'D' }, (row, column) => {
    const n = row as unknown as CreditNote;
    return column === 'created_time' ? n.created : String(n[column as 'date' | 'creditnote_number']);
  });
  const page = paginate(sorted.rows as unknown as CreditNote[], query, { report_name: 'Credit Notes', sort_column: sorted.sort_column, sort_order: sorted.sort_order });
  return ok('success', { creditnotes: page.rows.map((n) => renderRow(org, n)), page_context: page.page_context });
}

function get(input: OrgInput) {
  return ok('success', { creditnote: renderCreditNote(input.org, find(input.org, input.params.creditnote_id)) });
}

function markVoid(input: OrgInput) {
  const note = find(input.org, input.params.creditnote_id);
  if (note.applied.length > 0) throw fail.rule('Credit notes that have been applied to invoices cannot be voided.');
  note.state = 'void';
  note.modified = input.now;
  return ok('The credit note has been marked as void.');
}

function markOpen(input: OrgInput) {
  const note = find(input.org, input.params.creditnote_id);
  if (note.state !== 'draft') throw fail.rule('Only draft credit notes can be marked as open.');
  note.state = 'open';
  note.modified = input.now;
  return ok('Status of the credit note has been changed to open.');
}

export const creditNoteRoutes: RouteDef[] = [
  orgRoute('GET', '/creditnotes', ['creditnotes', 'READ'], listNotes),
  orgRoute('POST', '/creditnotes', ['creditnotes', 'CREATE'], create),
  orgRoute('GET', '/creditnotes/:creditnote_id', ['creditnotes', 'READ'], get),
  orgRoute('POST', '/creditnotes/:creditnote_id/invoices', ['creditnotes', 'CREATE'], applyToInvoices),
  orgRoute('POST', '/creditnotes/:creditnote_id/status/void', ['creditnotes', 'CREATE'], markVoid),
  orgRoute('POST', '/creditnotes/:creditnote_id/status/open', ['creditnotes', 'CREATE'], markOpen),
];
