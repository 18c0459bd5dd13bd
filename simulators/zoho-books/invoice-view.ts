/** How an invoice reads back: its derived status and balance, and the full and summary JSON shapes. */
import { Dec } from '../_kit/dec.ts';
import { renderLine } from './documents.ts';
import type { Invoice, Organization } from './state.ts';
import { isoDate, zohoTimestamp } from './time-format.ts';

export type InvoiceStatus = 'draft' | 'sent' | 'overdue' | 'paid' | 'partially_paid' | 'void';

export function balanceOf(inv: Invoice): Dec {
  if (inv.state === 'void') return Dec.ZERO;
  return inv.totals.total.sub(inv.payment_made).sub(inv.credits_applied);
}

/** paid / partially_paid / overdue are not stored: they follow from payments and the clock. */
export function statusOf(inv: Invoice, now: number): InvoiceStatus {
  if (inv.state === 'void') return 'void';
  if (inv.state === 'draft') return 'draft';
  const balance = balanceOf(inv);
  if (balance.isZero()) return 'paid';
  if (!inv.payment_made.add(inv.credits_applied).isZero()) return 'partially_paid';
  if (inv.due_date < isoDate(now)) return 'overdue';
  return 'sent';
}

function currencyCode(org: Organization, inv: Invoice): string {
  return org.currencies.get(inv.currency_id)?.currency_code ?? org.currency_code;
}

function discountValue(inv: Invoice): string | Dec {
  if (!inv.discount) return Dec.ZERO;
  return 'percent' in inv.discount ? `${inv.discount.percent.toString()}%` : inv.discount.amount;
}

export function renderInvoice(org: Organization, inv: Invoice, now: number): Record<string, unknown> {
  const currency = org.currencies.get(inv.currency_id);
  return {
    invoice_id: inv.invoice_id,
    invoice_number: inv.invoice_number,
    date: inv.date,
    status: statusOf(inv, now),
    payment_terms: inv.payment_terms,
    payment_terms_label: inv.payment_terms_label,
    due_date: inv.due_date,
    last_payment_date: inv.last_payment_date,
    reference_number: inv.reference_number,
    customer_id: inv.customer_id,
    customer_name: org.contacts.get(inv.customer_id)?.contact_name ?? '',
    currency_id: inv.currency_id,
    currency_code: currencyCode(org, inv),
    exchange_rate: inv.exchange_rate,
    discount: discountValue(inv),
    is_discount_before_tax: inv.is_discount_before_tax,
    discount_type: inv.discount_type,
    is_inclusive_tax: inv.is_inclusive_tax,
    line_items: inv.line_items.map((l) => renderLine(org, l)),
    shipping_charge: inv.shipping_charge,
    adjustment: inv.adjustment,
    adjustment_description: inv.adjustment_description,
    sub_total: inv.totals.sub_total,
    tax_total: inv.totals.tax_total,
    total: inv.totals.total,
    taxes: inv.totals.taxes.map((t) => ({ tax_name: t.tax_name, tax_amount: t.tax_amount })),
    payment_made: inv.payment_made,
    credits_applied: inv.credits_applied,
    balance: balanceOf(inv),
    write_off_amount: Dec.ZERO,
    allow_partial_payments: inv.allow_partial_payments,
    price_precision: currency?.price_precision ?? 2,
    is_emailed: inv.is_emailed,
    billing_address: inv.billing_address,
    shipping_address: inv.shipping_address,
    notes: inv.notes,
    terms: inv.terms,
    custom_fields: inv.custom_fields.map((f) => ({ customfield_id: f.customfield_id ?? '', value: f.value })),
    salesperson_name: inv.salesperson_name,
    created_time: zohoTimestamp(inv.created),
    last_modified_time: zohoTimestamp(inv.modified),
  };
}

export function renderInvoiceSummary(org: Organization, inv: Invoice, now: number): Record<string, unknown> {
  return {
    invoice_id: inv.invoice_id,
    customer_name: org.contacts.get(inv.customer_id)?.contact_name ?? '',
    customer_id: inv.customer_id,
    status: statusOf(inv, now),
    invoice_number: inv.invoice_number,
    reference_number: inv.reference_number,
    date: inv.date,
    due_date: inv.due_date,
    currency_id: inv.currency_id,
    currency_code: currencyCode(org, inv),
    total: inv.totals.total,
    balance: balanceOf(inv),
    created_time: zohoTimestamp(inv.created),
    last_modified_time: zohoTimestamp(inv.modified),
    is_emailed: inv.is_emailed,
    last_payment_date: inv.last_payment_date,
    salesperson_name: inv.salesperson_name,
    shipping_charge: inv.shipping_charge,
    adjustment: inv.adjustment,
    write_off_amount: Dec.ZERO,
    exchange_rate: inv.exchange_rate,
  };
}
