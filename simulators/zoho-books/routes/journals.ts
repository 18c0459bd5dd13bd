/**
 * `/journals` (api notes §3.6): manual journal entries. Rules: `journal_date` required; at least two lines,
 * each with a known `account_id`, `debit_or_credit` of `debit`/`credit` and a positive `amount` (rounded to
 * the currency's precision); total debits must equal total credits (400 code 4001, wording [mem]); `status`
 * `draft` (default) or `published`. The list filters by `reference_number`, `entry_number`, `notes` (each
 * with `_startswith` / `_contains`) and `date` (with `_start`, `_end`, `_before`, `_after`).
 */
import { Dec, sum } from '../../_kit/dec.ts';
import { currencyOf } from '../documents.ts';
import { created, fail, ok } from '../envelope.ts';
import { date, decimal, has, id, list, text } from '../fields.ts';
import { paginate, sortRows, textFilter } from '../pagination.ts';
import type { Journal, JournalLine, Organization } from '../state.ts';
import { zohoTimestamp } from '../time-format.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

function find(org: Organization, journalId: string | undefined): Journal {
  const journal = org.journals.get(journalId ?? '');
  if (!journal) throw fail.notFound('Journal');
  return journal;
}

export function renderJournal(org: Organization, j: Journal): Record<string, unknown> {
  const currency = org.currencies.get(j.currency_id);
  const base = org.currencies.get(org.base_currency_id)!;
  const bcy = (amount: Dec) => amount.mul(j.exchange_rate).round(base.price_precision);
  return {
    journal_id: j.journal_id,
    entry_number: j.entry_number,
    reference_number: j.reference_number,
    notes: j.notes,
    currency_id: j.currency_id,
    currency_code: currency?.currency_code ?? org.currency_code,
    currency_symbol: currency?.currency_symbol ?? '',
    exchange_rate: j.exchange_rate,
    journal_date: j.journal_date,
    journal_type: j.journal_type,
    line_items: j.line_items.map((l) => ({
      line_id: l.line_id,
      account_id: l.account_id,
      account_name: org.accounts.get(l.account_id)?.account_name ?? '',
      customer_id: l.customer_id,
      customer_name: org.contacts.get(l.customer_id)?.contact_name ?? '',
      description: l.description,
      debit_or_credit: l.debit_or_credit,
      tax_id: l.tax_id,
      amount: l.amount,
      bcy_amount: bcy(l.amount),
    })),
    line_item_total: j.total,
    total: j.total,
    bcy_total: bcy(j.total),
    price_precision: currency?.price_precision ?? 2,
    status: j.status,
    custom_fields: [],
    created_time: zohoTimestamp(j.created),
    last_modified_time: zohoTimestamp(j.modified),
  };
}

function create(input: OrgInput) {
  const { org, body, now, ctx } = input;
  if (!has(body, 'journal_date')) throw fail.invalid('journal_date');
  const journalDate = date(body, 'journal_date', '');
  const { currency, exchange_rate } = currencyOf(org, body, org.base_currency_id);
  const rawLines = list(body, 'line_items');
  if (!rawLines || rawLines.length < 2) throw fail.invalid('line_items');
  const lines: JournalLine[] = rawLines.map((line) => {
    const accountId = id(line, 'account_id');
    if (!accountId) throw fail.invalid('account_id');
    if (!org.accounts.has(accountId)) throw fail.reference('Account');
    const side = text(line, 'debit_or_credit');
    if (side !== 'debit' && side !== 'credit') throw fail.invalid('debit_or_credit');
    if (!has(line, 'amount')) throw fail.invalid('amount');
    const amount = decimal(line, 'amount').round(currency.price_precision);
    if (amount.cmp(Dec.ZERO) <= 0) throw fail.invalid('amount');
    const customerId = id(line, 'customer_id');
    if (customerId && !org.contacts.has(customerId)) throw fail.reference('Contact');
    const taxId = id(line, 'tax_id');
    if (taxId && !org.taxes.has(taxId)) throw fail.reference('Tax');
    return { line_id: ctx.store.ids.recordId(), account_id: accountId, customer_id: customerId, description: text(line, 'description'), debit_or_credit: side, amount, tax_id: taxId };
  });
  const debits = sum(lines.filter((l) => l.debit_or_credit === 'debit').map((l) => l.amount));
  const credits = sum(lines.filter((l) => l.debit_or_credit === 'credit').map((l) => l.amount));
  if (!debits.eq(credits)) throw fail.rule('Please ensure that the Debits and Credits are equal.'); // [mem] wording
  const status = text(body, 'status', 'draft');
  if (status !== 'draft' && status !== 'published') throw fail.invalid('status');
  org.counters.journal += 1;
  const journal: Journal = {
    journal_id: ctx.store.ids.recordId(),
    entry_number: String(org.counters.journal),
    journal_date: journalDate,
    reference_number: text(body, 'reference_number'),
    notes: text(body, 'notes'),
    journal_type: text(body, 'journal_type', 'both'),
    currency_id: currency.currency_id,
    exchange_rate,
    status,
    line_items: lines,
    total: debits,
    created: now,
    modified: now,
  };
  org.journals.set(journal.journal_id, journal);
  return created('The journal entry has been created.', { journal: renderJournal(org, journal) });
}

function listJournals(input: OrgInput) {
  const { org, query } = input;
  let rows = [...org.journals.values()];
  // journals.yml: reference_number, entry_number and notes each with `_startswith` / `_contains` variants;
  // matched like the other modules' text filters (whole value, case-insensitive [mem]).
  for (const [param, value] of [
    ['reference_number', (j: Journal) => j.reference_number],
    ['entry_number', (j: Journal) => j.entry_number],
    ['notes', (j: Journal) => j.notes],
  ] as const) {
    const test = textFilter(query, param);
    if (test) rows = rows.filter((j) => test(value(j)));
  }
  for (const [param, test] of [
    ['date', (d: string, v: string) => d === v],
    ['date_start', (d: string, v: string) => d >= v],
    ['date_end', (d: string, v: string) => d <= v],
    ['date_before', (d: string, v: string) => d < v],
    ['date_after', (d: string, v: string) => d > v],
  ] as const) {
    const v = query.get(param);
    if (v !== null) rows = rows.filter((j) => test(j.journal_date, v));
  }
  const sorted = sortRows(rows as unknown as Record<string, unknown>[], query, ['journal_date', 'entry_number', 'reference_number', 'total', 'created_time'], { column: 'created_time', order: 'D' }, (row, column) => {
    const j = row as unknown as Journal;
    if (column === 'created_time') return j.created;
    if (column === 'total') return Number(j.total.toString());
    return String(j[column as 'journal_date' | 'entry_number' | 'reference_number']);
  });
  const page = paginate(sorted.rows as unknown as Journal[], query, { report_name: 'Journals', sort_column: sorted.sort_column, sort_order: sorted.sort_order });
  const base = org.currencies.get(org.base_currency_id)!;
  return ok('success', {
    journals: page.rows.map((j) => ({
      journal_id: j.journal_id,
      journal_date: j.journal_date,
      entry_number: j.entry_number,
      reference_number: j.reference_number,
      currency_id: j.currency_id,
      notes: j.notes,
      journal_type: j.journal_type,
      total: j.total,
      bcy_total: j.total.mul(j.exchange_rate).round(base.price_precision),
    })),
    page_context: page.page_context,
  });
}

function publish(input: OrgInput) {
  const journal = find(input.org, input.params.journal_id);
  journal.status = 'published';
  journal.modified = input.now;
  return ok('Journal has been published.');
}

function remove(input: OrgInput) {
  const journal = find(input.org, input.params.journal_id);
  input.org.journals.delete(journal.journal_id);
  return ok('The selected journal entry has been deleted.');
}

export const journalRoutes: RouteDef[] = [
  orgRoute('GET', '/journals', ['accountants', 'READ'], listJournals),
  orgRoute('POST', '/journals', ['accountants', 'CREATE'], create),
  orgRoute('GET', '/journals/:journal_id', ['accountants', 'READ'], (input) => ok('success', { journal: renderJournal(input.org, find(input.org, input.params.journal_id)) })),
  orgRoute('DELETE', '/journals/:journal_id', ['accountants', 'DELETE'], remove),
  orgRoute('POST', '/journals/:journal_id/status/publish', ['accountants', 'CREATE'], publish),
];
