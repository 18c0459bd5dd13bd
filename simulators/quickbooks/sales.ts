/**
 * Invoices and credit memos (api notes §3.3): lines, totals, tax, currency, numbering and dates. Totals are exact
 * decimals: TotalAmt = item lines − discount + shipping + tax (tax added unless already inside TaxInclusive amounts).
 * - SalesItemLineDetail: Amount required; with Qty and UnitPrice it must equal Qty × UnitPrice rounded to the
 *   currency (6070 [mem]). `ItemRef.value "SHIPPING_ITEM_ID"` is the shipping line, accepted without an Item record
 *   while shipping is allowed (api notes §3.3 Shipping).
 * - DiscountLineDetail: a fixed Amount, or PercentBased + DiscountPercent of the item lines (shipping excluded) [mem].
 * - SubTotalLineDetail: computed by QBO; a sent one is dropped and a computed one is answered [mem].
 */
import type { StoredEntity } from './company.ts';
import { businessError, fault, type Scope } from './context.ts';
import { txnCurrency } from './currency.ts';
import { Dec, sum } from './decimal.ts';
import { invalid, readBool, readDate, readDec, readEnum, readString, required } from './fields.ts';
import { isObject, obj, refValue, str, type Json, type JsonObject } from './json.ts';
import { namedRef, resolveRef } from './refs.ts';
import { currencyDecimals, SEED_ACCOUNTS } from './seed.ts';
import { computeTax, type TaxableLine } from './tax.ts';
import { addDays, localDate } from './time.ts';
import { XSD_ENUMS } from './xsd-fields.ts';

export const SHIPPING_ITEM_ID = 'SHIPPING_ITEM_ID';

/** Non-US text when a line has no tax code (CA [src S15 activepieces#8539]; the others follow its pattern [mem]). */
const MISSING_TAX_CODE: Record<string, string> = {
  CA: 'Make sure all your transactions have a GST/HST rate before you save.',
  GB: 'Make sure all your transactions have a VAT rate before you save.',
  AU: 'Make sure all your transactions have a GST rate before you save.',
};

interface ParsedLine {
  kind: 'item' | 'shipping' | 'discount' | 'description';
  out: JsonObject;
  amount: Dec;
  percent: Dec | undefined;
  codeId: string | undefined;
}

export function prepareSales(scope: Scope, type: 'Invoice' | 'CreditMemo', body: JsonObject, existing: StoredEntity | undefined): JsonObject {
  const company = scope.company;
  const us = company.options.country === 'US';
  const customer = resolveRef(scope, 'Customer', body['CustomerRef'], 'CustomerRef', true);
  const currency = txnCurrency(scope, body, refValue(customer.data['CurrencyRef']) ?? company.options.homeCurrency);
  const dp = currency.decimals;
  const rawLines = body['Line'];
  if (!Array.isArray(rawLines) || rawLines.length === 0) required(scope, 'Line');
  const gtc = us ? undefined : (readEnum(scope, body['GlobalTaxCalculation'], 'GlobalTaxCalculation', XSD_ENUMS.GlobalTaxCalculationEnum) ?? 'TaxExcluded');

  const parsed: ParsedLine[] = [];
  for (const raw of rawLines) {
    if (!isObject(raw)) invalid(scope, 'Line');
    const detailType = readEnum(scope, raw['DetailType'], 'DetailType', XSD_ENUMS.LineDetailTypeEnum) ?? required(scope, 'DetailType');
    if (detailType === 'SubTotalLineDetail') continue;
    if (detailType === 'SalesItemLineDetail') parsed.push(itemLine(scope, raw, dp, us, gtc));
    else if (detailType === 'DiscountLineDetail') parsed.push(discountLine(scope, raw, dp));
    else if (detailType === 'DescriptionOnly') parsed.push({ kind: 'description', out: { ...raw }, amount: Dec.ZERO, percent: undefined, codeId: undefined });
    else invalid(scope, 'DetailType');
  }
  if (parsed.length === 0) required(scope, 'Line');

  const itemsTotal = sum(parsed.filter((l) => l.kind === 'item').map((l) => l.amount));
  for (const l of parsed) {
    if (l.kind === 'discount' && l.percent) {
      l.amount = itemsTotal.mul(l.percent).div(Dec.HUNDRED, dp);
      l.out['Amount'] = l.amount.toJson();
    }
  }
  const discount = sum(parsed.filter((l) => l.kind === 'discount').map((l) => l.amount));
  const shipping = sum(parsed.filter((l) => l.kind === 'shipping').map((l) => l.amount));

  const applyTaxAfterDiscount = readBool(scope, body['ApplyTaxAfterDiscount'], 'ApplyTaxAfterDiscount') ?? false;
  const taxable: TaxableLine[] = parsed.filter((l) => l.kind === 'item' || l.kind === 'shipping').map((l) => ({ amount: l.amount, codeId: l.codeId, shipping: l.kind === 'shipping' }));
  const suppliedTax = obj(body['TxnTaxDetail']);
  if (body['TxnTaxDetail'] !== undefined && body['TxnTaxDetail'] !== null && !suppliedTax) invalid(scope, 'TxnTaxDetail');
  const tax = computeTax(scope, { lines: taxable, discount, supplied: suppliedTax, applyTaxAfterDiscount, globalTaxCalculation: gtc, decimals: dp });
  const total = itemsTotal.sub(discount).add(shipping).add(tax.included ? Dec.ZERO : tax.tax);
  if (total.isNegative()) throw businessError(scope, 'The transaction total cannot be negative.', 'TotalAmt');

  const out: JsonObject = { ...body };
  out['CustomerRef'] = namedRef(body['CustomerRef'], customer);
  out['CurrencyRef'] = currency.ref;
  if (currency.rate) out['ExchangeRate'] = currency.rate.toJson();
  else delete out['ExchangeRate'];
  out['Line'] = numberLines(parsed, itemsTotal, existing);
  out['TxnTaxDetail'] = tax.detail;
  out['TotalAmt'] = total.toJson();
  if (currency.rate && currency.code !== company.options.homeCurrency) out['HomeTotalAmt'] = total.mul(currency.rate).round(currencyDecimals(company.options.homeCurrency)).toJson();
  else delete out['HomeTotalAmt'];
  if (gtc) out['GlobalTaxCalculation'] = gtc;
  if (us) out['ApplyTaxAfterDiscount'] = applyTaxAfterDiscount;

  const txnDate = readDate(scope, body['TxnDate'], 'TxnDate') ?? localDate(scope.now, company.options.timeZone);
  out['TxnDate'] = txnDate;
  readDate(scope, body['ShipDate'], 'ShipDate');
  readString(scope, body['TrackingNum'], 'TrackingNum');
  readString(scope, body['PrivateNote'], 'PrivateNote');
  if (body['ShipMethodRef'] !== undefined && refValue(body['ShipMethodRef']) === undefined) invalid(scope, 'ShipMethodRef');
  if (body['CustomerMemo'] !== undefined && !isObject(body['CustomerMemo'])) invalid(scope, 'CustomerMemo');
  const doc = docNumber(scope, type, body, existing);
  if (doc === undefined) delete out['DocNumber'];
  else out['DocNumber'] = doc;
  out['EmailStatus'] = readEnum(scope, body['EmailStatus'], 'EmailStatus', ['NotSet', 'NeedToSend', 'EmailSent']) ?? 'NotSet';
  out['PrintStatus'] = readEnum(scope, body['PrintStatus'], 'PrintStatus', ['NotSet', 'NeedToPrint', 'PrintComplete']) ?? 'NotSet';

  if (type === 'Invoice') {
    // Terms come from the invoice, else the customer, else the company default (DueDate = TxnDate + DueDays) [mem].
    const termRef = body['SalesTermRef'] ?? customer.data['SalesTermRef'] ?? (company.pref('SalesFormsPrefs', 'DefaultTerms') as Json | undefined);
    const term = resolveRef(scope, 'Term', termRef, 'SalesTermRef', false);
    if (term) out['SalesTermRef'] = namedRef(termRef, term);
    const dueDays = Number((Dec.parse(term?.data['DueDays']) ?? Dec.ZERO).round(0).toString());
    out['DueDate'] = readDate(scope, body['DueDate'], 'DueDate') ?? addDays(txnDate, term ? dueDays : 0);
    const deposit = readDec(scope, body['Deposit'], 'Deposit')?.round(dp) ?? Dec.ZERO;
    if (deposit.isNegative() || deposit.cmp(total) > 0) throw businessError(scope, 'The deposit cannot exceed the invoice total.', 'Deposit');
    out['Deposit'] = deposit.toJson();
    const ar = resolveRef(scope, 'Account', body['ARAccountRef'], 'ARAccountRef', false);
    if (ar) out['ARAccountRef'] = namedRef(body['ARAccountRef'], ar);
  }
  return out;
}

function taxCodeFor(scope: Scope, detail: JsonObject, item: StoredEntity | undefined, shipping: boolean, us: boolean, gtc: string | undefined): string | undefined {
  const given = refValue(detail['TaxCodeRef']);
  if (us) {
    // Line codes are the pseudo codes; omitted, they follow the item's Taxable flag [mem].
    const code = given ?? (!shipping && item?.data['Taxable'] === true ? 'TAX' : 'NON');
    if (code !== 'TAX' && code !== 'NON') throw fault(scope, 'notFound', {}, 'TaxCodeRef');
    return code;
  }
  if (gtc === 'NotApplicable') return undefined;
  const code = given ?? refValue(item?.data['SalesTaxCodeRef']);
  if (code === undefined) throw businessError(scope, MISSING_TAX_CODE[scope.company.options.country] ?? 'Make sure all your transactions have a tax rate before you save.', 'TaxCodeRef');
  const found = resolveRef(scope, 'TaxCode', { value: code }, 'TaxCodeRef', true);
  return found.id;
}

function itemLine(scope: Scope, raw: JsonObject, dp: number, us: boolean, gtc: string | undefined): ParsedLine {
  const detail = obj(raw['SalesItemLineDetail']) ?? required(scope, 'SalesItemLineDetail');
  const itemId = refValue(detail['ItemRef']) ?? required(scope, 'ItemRef');
  const shipping = itemId === SHIPPING_ITEM_ID;
  let item: StoredEntity | undefined;
  let itemRef: JsonObject;
  if (shipping) {
    if (!scope.company.allowShipping) throw fault(scope, 'notFound', {}, 'ItemRef');
    itemRef = { ...obj(detail['ItemRef']), value: SHIPPING_ITEM_ID };
  } else {
    item = resolveRef(scope, 'Item', detail['ItemRef'], 'ItemRef', true);
    if (item.data['Type'] === 'Category') throw fault(scope, 'notFound', {}, 'ItemRef');
    itemRef = namedRef(detail['ItemRef'], item);
  }
  const sent = readDec(scope, raw['Amount'], 'Amount') ?? required(scope, 'Amount');
  const amount = sent.round(dp);
  const qty = readDec(scope, detail['Qty'], 'Qty');
  const unitPrice = readDec(scope, detail['UnitPrice'], 'UnitPrice');
  if (qty && unitPrice && scope.ctx.config().amountMismatch === 'reject' && !qty.mul(unitPrice).round(dp).eq(amount)) {
    throw fault(scope, 'amountMismatch', { amount: sent.toString() }, 'Amount');
  }
  readDate(scope, detail['ServiceDate'], 'ServiceDate');
  const codeId = taxCodeFor(scope, detail, item, shipping, us, gtc);
  const outDetail: JsonObject = { ...detail, ItemRef: itemRef };
  if (codeId !== undefined) outDetail['TaxCodeRef'] = { value: codeId };
  if (qty) outDetail['Qty'] = qty.toJson();
  if (unitPrice) outDetail['UnitPrice'] = unitPrice.toJson();
  const out: JsonObject = { ...raw, Amount: amount.toJson(), DetailType: 'SalesItemLineDetail', SalesItemLineDetail: outDetail };
  return { kind: shipping ? 'shipping' : 'item', out, amount, percent: undefined, codeId };
}

function discountLine(scope: Scope, raw: JsonObject, dp: number): ParsedLine {
  const detail = obj(raw['DiscountLineDetail']) ?? {};
  const percentBased = readBool(scope, detail['PercentBased'], 'PercentBased') ?? false;
  const percent = percentBased ? (readDec(scope, detail['DiscountPercent'], 'DiscountPercent') ?? required(scope, 'DiscountPercent')) : undefined;
  const amount = percent ? Dec.ZERO : (readDec(scope, raw['Amount'], 'Amount') ?? required(scope, 'Amount')).round(dp);
  if (amount.isNegative() || percent?.isNegative()) invalid(scope, 'Amount');
  const accountRef = detail['DiscountAccountRef'] ?? { value: SEED_ACCOUNTS.discounts };
  const account = resolveRef(scope, 'Account', accountRef, 'DiscountAccountRef', true);
  const outDetail: JsonObject = { ...detail, PercentBased: percentBased, DiscountAccountRef: namedRef(accountRef, account) };
  if (percent) outDetail['DiscountPercent'] = percent.toJson();
  return { kind: 'discount', out: { ...raw, Amount: amount.toJson(), DetailType: 'DiscountLineDetail', DiscountLineDetail: outDetail }, amount, percent, codeId: undefined };
}

/**
 * Line Ids: a sent Id is kept, new lines get the next free number; LineNum counts the lines in order. The computed
 * SubTotalLine goes after the last item or description line.
 */
function numberLines(parsed: ParsedLine[], itemsTotal: Dec, existing: StoredEntity | undefined): Json[] {
  const used = new Set<string>();
  for (const l of parsed) {
    const id = str(l.out['Id']);
    if (id !== undefined) used.add(id);
  }
  let next = 1;
  const prior = Array.isArray(existing?.data['Line']) ? (existing.data['Line'] as Json[]) : [];
  for (const l of prior) {
    const n = Number(str(obj(l)?.['Id']) ?? '0');
    if (Number.isInteger(n) && n >= next) next = n + 1;
  }
  const out: Json[] = [];
  let lastItem = -1;
  parsed.forEach((l, i) => {
    if (str(l.out['Id']) === undefined) {
      while (used.has(String(next))) next++;
      l.out['Id'] = String(next);
      used.add(String(next));
    }
    l.out['LineNum'] = Dec.of(i + 1).toJson();
    out.push(l.out);
    if (l.kind === 'item' || l.kind === 'description') lastItem = out.length - 1;
  });
  out.splice(lastItem + 1, 0, { Amount: itemsTotal.toJson(), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  return out;
}

function docNumber(scope: Scope, type: 'Invoice' | 'CreditMemo', body: JsonObject, existing: StoredEntity | undefined): string | undefined {
  const cfg = scope.ctx.config();
  const company = scope.company;
  // With custom transaction numbers off, QBO numbers the document itself and ignores a sent DocNumber [mem].
  if (!company.customTxnNumbers) return str(existing?.data['DocNumber']) ?? company.autoDocNumber();
  const given = readString(scope, body['DocNumber'], 'DocNumber');
  if (given === undefined || given === '') return undefined;
  if (given.length > cfg.docNumberMaxLength) {
    throw businessError(scope, `String length is either shorter or longer than supported by specification. Min:0 Max:${cfg.docNumberMaxLength} supported. Supplied length:${given.length}`, 'DocNumber');
  }
  if (cfg.uniqueDocNumber && !scope.include.has('allowduplicatedocnum')) {
    const clash = company.live(type).some((e) => e.id !== existing?.id && e.data['DocNumber'] === given);
    if (clash) throw fault(scope, 'duplicateDocNumber', { docNumber: given }, 'DocNumber');
  }
  return given;
}
