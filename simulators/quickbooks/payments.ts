/**
 * Payments (api notes §3.4): CustomerRef and TotalAmt are required; each Line applies an Amount to one invoice
 * (lowering its Balance) or uses one credit memo's credit, through `LinkedTxn[{TxnId, TxnType}]`. What is not applied
 * is `UnappliedAmt`. Overapplying an invoice or credit memo, or applying more than the payment, is refused as a
 * business validation error [mem: wording].
 */
import type { Application, StoredEntity } from './company.ts';
import { businessError, type Scope } from './context.ts';
import { txnCurrency } from './currency.ts';
import { Dec } from './decimal.ts';
import { invoiceBalance, creditRemaining } from './balances.ts';
import { invalid, readDate, readString, requireDec, required } from './fields.ts';
import { arr, isObject, obj, refValue, str, type Json, type JsonObject } from './json.ts';
import { namedRef, resolveRef } from './refs.ts';
import { SEED_ACCOUNTS } from './seed.ts';
import { localDate } from './time.ts';

export interface PreparedPayment {
  data: JsonObject;
  applications: Omit<Application, 'paymentId'>[];
}

export function preparePayment(scope: Scope, body: JsonObject, existing: StoredEntity | undefined): PreparedPayment {
  const company = scope.company;
  const customer = resolveRef(scope, 'Customer', body['CustomerRef'], 'CustomerRef', true);
  const currency = txnCurrency(scope, body, refValue(customer.data['CurrencyRef']) ?? company.options.homeCurrency);
  const dp = currency.decimals;
  const total = requireDec(scope, body['TotalAmt'], 'TotalAmt').round(dp);
  if (total.isNegative()) invalid(scope, 'TotalAmt');

  const applications: Omit<Application, 'paymentId'>[] = [];
  const lines: Json[] = [];
  let net = Dec.ZERO;
  const raw = body['Line'];
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) invalid(scope, 'Line');
  for (const line of arr(raw) ?? []) {
    if (!isObject(line)) invalid(scope, 'Line');
    const amount = requireDec(scope, line['Amount'], 'Amount').round(dp);
    if (amount.isNegative()) invalid(scope, 'Amount');
    const linked = arr(line['LinkedTxn']);
    const link = linked?.[0];
    if (!link || !isObject(link)) required(scope, 'LinkedTxn');
    const txnId = str(link['TxnId']) ?? required(scope, 'TxnId');
    const txnType = str(link['TxnType']) ?? required(scope, 'TxnType');
    if (txnType !== 'Invoice' && txnType !== 'CreditMemo') invalid(scope, 'TxnType');
    const target = resolveRef(scope, txnType, { value: txnId }, 'LinkedTxn', true);
    if (refValue(target.data['CustomerRef']) !== customer.id) throw businessError(scope, `${txnType} ${txnId} belongs to another customer.`, 'LinkedTxn');
    // What this payment applied before is available again when it is updated.
    const mine = existing ? company.applicationsOf(existing.id).filter((a) => a.targetType === txnType && a.targetId === txnId).reduce((acc, a) => acc.add(a.amount), Dec.ZERO) : Dec.ZERO;
    const already = applications.filter((a) => a.targetType === txnType && a.targetId === txnId).reduce((acc, a) => acc.add(a.amount), Dec.ZERO);
    const open = (txnType === 'Invoice' ? invoiceBalance(company, target) : creditRemaining(company, target)).add(mine).sub(already);
    if (amount.cmp(open) > 0) throw businessError(scope, `The amount applied to ${txnType} ${txnId} (${amount.toString()}) is more than its open balance (${open.toString()}).`, 'Line');
    applications.push({ targetType: txnType, targetId: txnId, amount });
    net = txnType === 'Invoice' ? net.add(amount) : net.sub(amount);
    lines.push({ ...line, Amount: amount.toJson(), LinkedTxn: [{ TxnId: txnId, TxnType: txnType }] });
  }
  if (net.isNegative()) throw businessError(scope, 'More credit is applied than the invoices it pays.', 'Line');
  if (net.cmp(total) > 0) throw businessError(scope, `The applied amounts (${net.toString()}) exceed the payment total (${total.toString()}).`, 'TotalAmt');

  const out: JsonObject = { ...body };
  out['CustomerRef'] = namedRef(body['CustomerRef'], customer);
  out['CurrencyRef'] = currency.ref;
  if (currency.rate) out['ExchangeRate'] = currency.rate.toJson();
  else delete out['ExchangeRate'];
  out['TotalAmt'] = total.toJson();
  out['Line'] = lines;
  out['TxnDate'] = readDate(scope, body['TxnDate'], 'TxnDate') ?? localDate(scope.now, company.options.timeZone);
  readString(scope, body['PaymentRefNum'], 'PaymentRefNum');
  readString(scope, body['PrivateNote'], 'PrivateNote');
  const depositRef = body['DepositToAccountRef'] ?? { value: SEED_ACCOUNTS.undeposited };
  out['DepositToAccountRef'] = namedRef(depositRef, resolveRef(scope, 'Account', depositRef, 'DepositToAccountRef', true));
  const method = obj(body['PaymentMethodRef']);
  if (body['PaymentMethodRef'] !== undefined && !method) invalid(scope, 'PaymentMethodRef');
  return { data: out, applications };
}
