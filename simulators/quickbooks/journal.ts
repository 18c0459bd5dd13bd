/**
 * Journal entries (api notes §3.6): JournalEntryLineDetail lines with PostingType Debit or Credit and an AccountRef;
 * debits must equal credits (6000-range [mem: wording invented]). A line on an Accounts Receivable account needs a
 * customer in `Entity` [mem]. TotalAmt is the debit total.
 */
import type { StoredEntity } from './company.ts';
import { businessError, type Scope } from './context.ts';
import { txnCurrency } from './currency.ts';
import { Dec } from './decimal.ts';
import { invalid, readDate, readEnum, readString, requireDec, required } from './fields.ts';
import { isObject, obj, str, type Json, type JsonObject } from './json.ts';
import { namedRef, resolveRef } from './refs.ts';
import { localDate } from './time.ts';
import { XSD_ENUMS } from './xsd-fields.ts';

const ENTITY_TYPES = { Customer: 'Customer', Vendor: 'Vendor', Employee: 'Employee' } as const;

export function prepareJournal(scope: Scope, body: JsonObject, existing: StoredEntity | undefined): JsonObject {
  const currency = txnCurrency(scope, body, undefined);
  const dp = currency.decimals;
  const raw = body['Line'];
  if (!Array.isArray(raw) || raw.length === 0) required(scope, 'Line');
  let debits = Dec.ZERO;
  let credits = Dec.ZERO;
  const lines: Json[] = [];
  let nextId = 0;
  raw.forEach((line) => {
    if (!isObject(line)) invalid(scope, 'Line');
    const detailType = readEnum(scope, line['DetailType'], 'DetailType', XSD_ENUMS.LineDetailTypeEnum) ?? required(scope, 'DetailType');
    if (detailType !== 'JournalEntryLineDetail') invalid(scope, 'DetailType');
    const detail = obj(line['JournalEntryLineDetail']) ?? required(scope, 'JournalEntryLineDetail');
    const posting = readEnum(scope, detail['PostingType'], 'PostingType', XSD_ENUMS.PostingTypeEnum) ?? required(scope, 'PostingType');
    const account = resolveRef(scope, 'Account', detail['AccountRef'], 'AccountRef', true);
    const amount = requireDec(scope, line['Amount'], 'Amount').round(dp);
    if (amount.isNegative()) invalid(scope, 'Amount');
    const outDetail: JsonObject = { ...detail, PostingType: posting, AccountRef: namedRef(detail['AccountRef'], account) };
    const entity = obj(detail['Entity']);
    if (detail['Entity'] !== undefined && !entity) invalid(scope, 'Entity');
    if (entity) {
      const type = str(entity['Type']);
      const kind = type && type in ENTITY_TYPES ? ENTITY_TYPES[type as keyof typeof ENTITY_TYPES] : invalid(scope, 'Entity.Type');
      const party = resolveRef(scope, kind, entity['EntityRef'], 'EntityRef', true);
      outDetail['Entity'] = { ...entity, Type: kind, EntityRef: namedRef(entity['EntityRef'], party) };
    }
    if (account.data['AccountType'] === 'Accounts Receivable' && (!entity || str(entity['Type']) !== 'Customer')) {
      throw businessError(scope, 'When you use Accounts Receivable, you must choose a customer in the Name field.', 'Entity');
    }
    if (posting === 'Debit') debits = debits.add(amount);
    else credits = credits.add(amount);
    const id = str(line['Id']) ?? String(nextId);
    nextId++;
    lines.push({ ...line, Id: id, Amount: amount.toJson(), DetailType: detailType, JournalEntryLineDetail: outDetail });
  });
  if (!debits.eq(credits)) {
    throw businessError(scope, `Journal Entry is out of balance: debits ${debits.toString()} and credits ${credits.toString()} must be equal.`, 'Line');
  }
  const out: JsonObject = { ...body };
  out['Line'] = lines;
  out['TotalAmt'] = debits.toJson();
  out['CurrencyRef'] = currency.ref;
  if (currency.rate) out['ExchangeRate'] = currency.rate.toJson();
  else delete out['ExchangeRate'];
  out['Adjustment'] = body['Adjustment'] === true;
  out['TxnDate'] = readDate(scope, body['TxnDate'], 'TxnDate') ?? localDate(scope.now, scope.company.options.timeZone);
  readString(scope, body['DocNumber'], 'DocNumber');
  readString(scope, body['PrivateNote'], 'PrivateNote');
  void existing;
  return out;
}
