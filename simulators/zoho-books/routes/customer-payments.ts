/**
 * `/customerpayments` (api notes §3.4): a payment applied to invoices lowers their balance and makes them
 * paid or partially_paid; what is not applied becomes unused customer credit [mem].
 */
import { Dec, sum } from '../../_kit/dec.ts';
import { currencyOf, customerOf } from '../documents.ts';
import { created, fail, ok } from '../envelope.ts';
import { customFields, date, decimal, has, id, list, requiredText, text } from '../fields.ts';
import { balanceOf } from '../invoice-view.ts';
import { paginate, sortRows, textFilter } from '../pagination.ts';
import type { Invoice, Organization, Payment } from '../state.ts';
import { zohoTimestamp } from '../time-format.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

const PAYMENT_MODES = new Set(['check', 'cash', 'creditcard', 'banktransfer', 'bankremittance', 'autotransaction', 'others']);

function find(org: Organization, paymentId: string | undefined): Payment {
  const payment = org.payments.get(paymentId ?? '');
  if (!payment) throw fail.notFound('Payment');
  return payment;
}

/** Voiding an invoice moves its payments and credits to customer credit (invoices.yml, void). */
export function detachInvoiceCredits(org: Organization, inv: Invoice, now: number): void {
  const customer = org.contacts.get(inv.customer_id);
  for (const payment of org.payments.values()) {
    const kept = payment.invoices.filter((a) => a.invoice_id !== inv.invoice_id);
    const freed = sum(payment.invoices.filter((a) => a.invoice_id === inv.invoice_id).map((a) => a.amount_applied));
    if (!freed.isZero() && customer) customer.unused_credits = customer.unused_credits.add(freed);
    payment.invoices = kept;
    payment.modified = now;
  }
  for (const note of org.creditnotes.values()) note.applied = note.applied.filter((a) => a.invoice_id !== inv.invoice_id);
  inv.payment_made = Dec.ZERO;
  inv.credits_applied = Dec.ZERO;
}

export function renderPayment(org: Organization, p: Payment): Record<string, unknown> {
  const customer = org.contacts.get(p.customer_id);
  const currency = org.currencies.get(p.currency_id);
  return {
    payment_id: p.payment_id,
    payment_mode: p.payment_mode,
    amount: p.amount,
    amount_refunded: Dec.ZERO,
    bank_charges: p.bank_charges,
    date: p.date,
    reference_number: p.reference_number,
    description: p.description,
    customer_id: p.customer_id,
    customer_name: customer?.contact_name ?? '',
    email: customer?.contact_persons.find((c) => c.is_primary_contact)?.email ?? '',
    invoices: p.invoices.map((a) => {
      const inv = org.invoices.get(a.invoice_id);
      return {
        invoice_id: a.invoice_id,
        invoice_number: inv?.invoice_number ?? '',
        date: inv?.date ?? '',
        invoice_amount: inv?.totals.total ?? Dec.ZERO,
        amount_applied: a.amount_applied,
        balance_amount: inv ? balanceOf(inv) : Dec.ZERO,
      };
    }),
    currency_code: currency?.currency_code ?? org.currency_code,
    currency_symbol: currency?.currency_symbol ?? '',
    custom_fields: p.custom_fields.map((f) => ({ index: f.index ?? 0, value: f.value, label: f.label ?? '' })),
  };
}

function renderRow(org: Organization, p: Payment): Record<string, unknown> {
  return {
    payment_id: p.payment_id,
    payment_number: p.payment_number,
    invoice_number: p.invoices.map((a) => org.invoices.get(a.invoice_id)?.invoice_number ?? '').join(','),
    date: p.date,
    payment_mode: p.payment_mode,
    amount: p.amount,
    bcy_amount: p.amount.mul(p.exchange_rate).round(org.currencies.get(org.base_currency_id)!.price_precision),
    customer_id: p.customer_id,
    customer_name: org.contacts.get(p.customer_id)?.contact_name ?? '',
    reference_number: p.reference_number,
    description: p.description,
    created_time: zohoTimestamp(p.created),
    last_modified_time: zohoTimestamp(p.modified),
  };
}

function create(input: OrgInput) {
  const { org, body, now, ctx } = input;
  const customer = customerOf(org, body);
  const mode = requiredText(body, 'payment_mode').toLowerCase();
  if (!PAYMENT_MODES.has(mode)) throw fail.invalid('payment_mode');
  if (!has(body, 'amount')) throw fail.invalid('amount');
  const { currency, exchange_rate } = currencyOf(org, body, customer.currency_id);
  const amount = decimal(body, 'amount').round(currency.price_precision);
  if (amount.cmp(Dec.ZERO) <= 0) throw fail.invalid('amount');
  if (!has(body, 'date')) throw fail.invalid('date');
  const paymentDate = date(body, 'date', '');
  const accountId = id(body, 'account_id');
  if (accountId && !org.accounts.has(accountId)) throw fail.reference('Account');

  const applications = (list(body, 'invoices') ?? []).map((entry) => {
    const invoiceId = id(entry, 'invoice_id');
    const inv = org.invoices.get(invoiceId);
    if (!inv) throw fail.reference('Invoice');
    if (inv.customer_id !== customer.contact_id) throw fail.rule(`Invoice ${inv.invoice_number} does not belong to this customer.`);
    if (inv.state === 'void') throw fail.rule(`Payments cannot be recorded for the void invoice ${inv.invoice_number}.`);
    const applied = decimal(entry, 'amount_applied').round(currency.price_precision);
    if (applied.cmp(Dec.ZERO) <= 0) throw fail.invalid('amount_applied');
    return { inv, applied };
  });
  const seen = new Set<string>();
  for (const { inv, applied } of applications) {
    if (seen.has(inv.invoice_id)) throw fail.invalid('invoice_id');
    seen.add(inv.invoice_id);
    if (applied.cmp(balanceOf(inv)) > 0) {
      throw fail.rule(`The amount applied to invoice ${inv.invoice_number} is more than its balance due.`);
    }
  }
  const appliedTotal = sum(applications.map((a) => a.applied));
  if (appliedTotal.cmp(amount) > 0) throw fail.rule('The amount applied to invoices is more than the payment amount.');

  for (const { inv, applied } of applications) {
    inv.payment_made = inv.payment_made.add(applied);
    inv.last_payment_date = paymentDate;
    if (inv.state === 'draft') inv.state = 'sent';
    inv.modified = now;
  }
  customer.unused_credits = customer.unused_credits.add(amount.sub(appliedTotal));
  org.counters.payment += 1;
  const payment: Payment = {
    payment_id: ctx.store.ids.recordId(),
    payment_number: String(org.counters.payment),
    customer_id: customer.contact_id,
    payment_mode: mode,
    amount,
    bank_charges: decimal(body, 'bank_charges', Dec.ZERO),
    date: paymentDate,
    reference_number: text(body, 'reference_number'),
    description: text(body, 'description'),
    exchange_rate,
    account_id: accountId,
    currency_id: currency.currency_id,
    invoices: applications.map(({ inv, applied }) => ({ invoice_id: inv.invoice_id, amount_applied: applied })),
    custom_fields: customFields(body) ?? [],
    created: now,
    modified: now,
  };
  org.payments.set(payment.payment_id, payment);
  return created('The payment has been created.', { payment: renderPayment(org, payment) });
}

function listPayments(input: OrgInput) {
  const { org, query } = input;
  let rows = [...org.payments.values()];
  const customerId = query.get('customer_id');
  if (customerId !== null) rows = rows.filter((p) => p.customer_id === customerId);
  const byReference = textFilter(query, 'reference_number');
  if (byReference) rows = rows.filter((p) => byReference(p.reference_number));
  const mode = query.get('payment_mode');
  if (mode !== null) rows = rows.filter((p) => p.payment_mode === mode.toLowerCase());
  const day = query.get('date');
  if (day !== null) rows = rows.filter((p) => p.date === day);
  const search = query.get('search_text');
  if (search !== null) {
    const s = search.toLowerCase();
    rows = rows.filter((p) => [p.reference_number, p.payment_number, org.contacts.get(p.customer_id)?.contact_name ?? ''].some((v) => v.toLowerCase().includes(s)));
  }
  const sorted = sortRows(rows as unknown as Record<string, unknown>[], query, ['date', 'created_time', 'amount', 'reference_number'], { column: 'created_time', order: 'D' }, (row, column) => {
    const p = row as unknown as Payment;
    if (column === 'created_time') return p.created;
    if (column === 'amount') return Number(p.amount.toString());
    return String(p[column as 'date' | 'reference_number']);
  });
  const page = paginate(sorted.rows as unknown as Payment[], query, { report_name: 'Customer Payments', sort_column: sorted.sort_column, sort_order: sorted.sort_order });
  // The OAS names the list `customer_payments`; the live API and the Go client use `customerpayments` (§2.3).
  return ok('success', { customerpayments: page.rows.map((p) => renderRow(org, p)), page_context: page.page_context });
}

function get(input: OrgInput) {
  return ok('success', { payment: renderPayment(input.org, find(input.org, input.params.payment_id)) });
}

function remove(input: OrgInput) {
  const { org, now } = input;
  const payment = find(org, input.params.payment_id);
  const customer = org.contacts.get(payment.customer_id);
  for (const a of payment.invoices) {
    const inv = org.invoices.get(a.invoice_id);
    if (inv) {
      inv.payment_made = inv.payment_made.sub(a.amount_applied);
      inv.modified = now;
    }
  }
  const unused = payment.amount.sub(sum(payment.invoices.map((a) => a.amount_applied)));
  // The unapplied part had become customer credit; deleting the payment takes it back (never below zero).
  if (customer) customer.unused_credits = customer.unused_credits.sub(unused.min(customer.unused_credits));
  org.payments.delete(payment.payment_id);
  return ok('The payment has been deleted.');
}

export const customerPaymentRoutes: RouteDef[] = [
  orgRoute('GET', '/customerpayments', ['customerpayments', 'READ'], listPayments),
  orgRoute('POST', '/customerpayments', ['customerpayments', 'CREATE'], create),
  orgRoute('GET', '/customerpayments/:payment_id', ['customerpayments', 'READ'], get),
  orgRoute('DELETE', '/customerpayments/:payment_id', ['customerpayments', 'DELETE'], remove),
];
