/**
 * Refuses keys the XSD does not declare for the type (2010 "Request has invalid or unsupported property" [mem]).
 * QBO reads bodies with a strict schema; a misspelt key (`Shipdate`) is an error there, so it must be one here
 * too, or the client would pass its tests and fail in production. `unknownProperties: 'ignore'` turns it off.
 */
import { fault, type Scope } from './context.ts';
import { isObject, type Json, type JsonObject } from './json.ts';
import { XSD_FIELDS, type XsdType } from './xsd-fields.ts';

function has(type: XsdType, key: string): boolean {
  return (XSD_FIELDS[type] as readonly string[]).includes(key);
}

function checkObject(scope: Scope, type: XsdType, value: JsonObject): void {
  for (const key of Object.keys(value)) if (!has(type, key)) throw fault(scope, 'invalidProperty', { name: key }, key);
}

const LINE_DETAILS: Partial<Record<string, XsdType>> = {
  SalesItemLineDetail: 'SalesItemLineDetail',
  DiscountLineDetail: 'DiscountLineDetail',
  SubTotalLineDetail: 'SubTotalLineDetail',
  DescriptionLineDetail: 'DescriptionLineDetail',
  GroupLineDetail: 'GroupLineDetail',
  JournalEntryLineDetail: 'JournalEntryLineDetail',
};

export function checkKeys(scope: Scope, type: XsdType, body: JsonObject): void {
  if (scope.ctx.config().unknownProperties === 'ignore') return;
  checkObject(scope, type, body);
  const tax = body['TxnTaxDetail'];
  if (isObject(tax)) checkObject(scope, 'TxnTaxDetail', tax);
  checkLinked(scope, body['LinkedTxn']);
  const lines = body['Line'];
  if (!Array.isArray(lines)) return;
  for (const line of lines) {
    if (!isObject(line)) continue;
    checkObject(scope, 'Line', line);
    checkLinked(scope, line['LinkedTxn']);
    for (const [key, detailType] of Object.entries(LINE_DETAILS)) {
      const detail = line[key];
      if (detailType && isObject(detail)) checkObject(scope, detailType, detail);
    }
  }
}

function checkLinked(scope: Scope, linked: Json | undefined): void {
  if (!Array.isArray(linked)) return;
  for (const l of linked) if (isObject(l)) checkObject(scope, 'LinkedTxn', l);
}
