/**
 * Open amounts derived from payment applications, never stored twice: an invoice's Balance, a credit memo's
 * remaining credit, a payment's unapplied amount, and a customer's open balance (api notes §3.4: applying a payment
 * lowers the invoice's Balance).
 */
import type { Company, StoredEntity } from './company.ts';
import { Dec } from './decimal.ts';
import { refValue } from './json.ts';

function amount(e: StoredEntity, key: string): Dec {
  return Dec.parse(e.data[key]) ?? Dec.ZERO;
}

export function invoiceBalance(company: Company, invoice: StoredEntity): Dec {
  return amount(invoice, 'TotalAmt').sub(amount(invoice, 'Deposit')).sub(company.appliedTo('Invoice', invoice.id));
}

export function creditRemaining(company: Company, memo: StoredEntity): Dec {
  return amount(memo, 'TotalAmt').sub(company.appliedTo('CreditMemo', memo.id));
}

export function paymentUnapplied(company: Company, payment: StoredEntity): Dec {
  let applied = Dec.ZERO;
  for (const a of company.applicationsOf(payment.id)) applied = a.targetType === 'Invoice' ? applied.add(a.amount) : applied.sub(a.amount);
  return amount(payment, 'TotalAmt').sub(applied);
}

export function customerBalance(company: Company, customerId: string): Dec {
  let total = Dec.ZERO;
  const mine = (e: StoredEntity) => refValue(e.data['CustomerRef']) === customerId;
  for (const inv of company.live('Invoice').filter(mine)) total = total.add(invoiceBalance(company, inv));
  for (const cm of company.live('CreditMemo').filter(mine)) total = total.sub(creditRemaining(company, cm));
  for (const p of company.live('Payment').filter(mine)) total = total.sub(paymentUnapplied(company, p));
  return total;
}

/** True once any transaction names the customer (its currency is then fixed, api notes §11.11). */
export function customerHasTransactions(company: Company, customerId: string): boolean {
  return (['Invoice', 'CreditMemo', 'Payment'] as const).some((t) => company.live(t).some((e) => refValue(e.data['CustomerRef']) === customerId));
}
