/**
 * Create, update (sparse or full), delete and void with SyncToken optimistic locking (api notes §2.1, §5):
 * - SyncToken is "0" on create and +1 per write; an update, delete or void must send the current one, else 5010
 *   and nothing is written [src S15].
 * - Sparse update (`"sparse": true`): sent fields replace stored ones, arrays whole; a full update clears what it
 *   leaves out [3p]. Read-only fields in a body are ignored.
 * - Name lists cannot be deleted (make them inactive); transactions can; Invoice voids with `operation=void`,
 *   Payment with `operation=update&include=void`.
 */
import type { StoredEntity } from './company.ts';
import { businessError, fault, type Scope } from './context.ts';
import { Dec } from './decimal.ts';
import { ENTITY_SPECS, type EntityName } from './entity-specs.ts';
import { invalid, required } from './fields.ts';
import { arr, isObject, num, obj, str, type Json, type JsonObject } from './json.ts';
import { preparePerson, prepareAccount, prepareItem, prepareTerm } from './names.ts';
import { preparePayment } from './payments.ts';
import { prepareJournal } from './journal.ts';
import { preparePreferences } from './preferences.ts';
import { deletedStub, render } from './render.ts';
import { prepareSales } from './sales.ts';
import { checkKeys } from './shape-check.ts';

const COMMON_READ_ONLY = ['Id', 'SyncToken', 'MetaData', 'domain', 'sparse', 'status'];
const DERIVED: Partial<Record<EntityName, string[]>> = {
  Customer: ['Balance', 'BalanceWithJobs', 'FullyQualifiedName', 'Level'],
  Vendor: ['Balance', 'FullyQualifiedName'],
  Employee: ['FullyQualifiedName'],
  Item: ['FullyQualifiedName', 'Level'],
  Account: ['FullyQualifiedName', 'Classification', 'CurrentBalance', 'CurrentBalanceWithSubAccounts'],
  Invoice: ['TotalAmt', 'Balance', 'HomeBalance', 'HomeTotalAmt', 'LinkedTxn'],
  CreditMemo: ['TotalAmt', 'Balance', 'RemainingCredit', 'HomeBalance', 'HomeTotalAmt', 'LinkedTxn'],
  Payment: ['UnappliedAmt'],
  JournalEntry: ['TotalAmt', 'HomeTotalAmt'],
};

function writable(type: EntityName, body: JsonObject): JsonObject {
  const drop = new Set([...COMMON_READ_ONLY, ...(DERIVED[type] ?? [])]);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) if (!drop.has(k)) out[k] = v;
  return out;
}

interface Prepared {
  data: JsonObject;
  applications?: ReturnType<typeof preparePayment>['applications'];
}

function prepare(scope: Scope, type: EntityName, body: JsonObject, existing: StoredEntity | undefined): Prepared {
  switch (type) {
    case 'Customer':
    case 'Vendor':
    case 'Employee':
      return { data: preparePerson(scope, type, body, existing) };
    case 'Item':
      return { data: prepareItem(scope, body, existing) };
    case 'Account':
      return { data: prepareAccount(scope, body, existing) };
    case 'Term':
      return { data: prepareTerm(scope, body, existing) };
    case 'Invoice':
    case 'CreditMemo':
      return { data: prepareSales(scope, type, body, existing) };
    case 'Payment':
      return preparePayment(scope, body, existing);
    case 'JournalEntry':
      return { data: prepareJournal(scope, body, existing) };
    default:
      throw fault(scope, 'unsupportedOperation', { operation: existing ? 'Update' : 'Create' });
  }
}

function commit(scope: Scope, stored: StoredEntity, prepared: Prepared): void {
  if (prepared.applications) scope.company.replaceApplications(stored.id, prepared.applications.map((a) => ({ ...a, paymentId: stored.id })));
}

export function createEntity(scope: Scope, type: EntityName, body: JsonObject): StoredEntity {
  if (ENTITY_SPECS[type].kind === 'read-only' || ENTITY_SPECS[type].kind === 'settings') throw fault(scope, 'unsupportedOperation', { operation: 'Create' });
  checkKeys(scope, ENTITY_SPECS[type].xsd, body);
  const prepared = prepare(scope, type, writable(type, body), undefined);
  const stored = scope.company.insert(type, prepared.data, scope.now, scope.writer, scope.batch);
  stored.taxSupplied = hasSuppliedTax(body);
  commit(scope, stored, prepared);
  scope.company.record(stored, 'Create', scope.now);
  return stored;
}

/** The stored entity named by the body's Id, after the SyncToken check. */
function current(scope: Scope, type: EntityName, body: JsonObject): StoredEntity {
  const id = str(body['Id']) ?? required(scope, 'Id');
  const existing = scope.company.get(type, id, scope.batch);
  if (!existing) throw fault(scope, 'notFound', {}, 'Id');
  const token = body['SyncToken'];
  if (token === undefined || token === null) required(scope, 'SyncToken');
  if (typeof token !== 'string') invalid(scope, 'SyncToken');
  if (token !== String(existing.syncToken)) throw fault(scope, 'staleObject', { user: existing.lastWriter });
  return existing;
}

function touch(scope: Scope, e: StoredEntity): void {
  e.syncToken += 1;
  e.updatedAt = scope.now;
  e.lastWriter = scope.writer;
}

export function updateEntity(scope: Scope, type: EntityName, body: JsonObject): StoredEntity {
  const kind = ENTITY_SPECS[type].kind;
  if (kind === 'read-only' || type === 'CompanyInfo') throw fault(scope, 'unsupportedOperation', { operation: 'Update' });
  const existing = current(scope, type, body);
  checkKeys(scope, ENTITY_SPECS[type].xsd, body);
  const sparse = body['sparse'] === true;
  const sent = writable(type, body);
  if (type === 'Preferences') {
    existing.data = preparePreferences(scope, sent, existing, sparse);
    touch(scope, existing);
    return existing;
  }
  let merged: JsonObject = sent;
  if (sparse) {
    merged = { ...writable(type, existing.data), ...sent };
    // A carried-over tax detail keeps its code and, only if the client set it, its total; otherwise it is recomputed.
    if (!('TxnTaxDetail' in sent) && isObject(existing.data['TxnTaxDetail'])) {
      const before = existing.data['TxnTaxDetail'];
      const carried: JsonObject = {};
      if (before['TxnTaxCodeRef'] !== undefined) carried['TxnTaxCodeRef'] = before['TxnTaxCodeRef'];
      if (existing.taxSupplied && before['TotalTax'] !== undefined) carried['TotalTax'] = before['TotalTax'];
      merged['TxnTaxDetail'] = carried;
    }
  }
  const prepared = prepare(scope, type, merged, existing);
  if (type === 'Invoice' || type === 'CreditMemo') {
    const total = (Dec.parse(prepared.data['TotalAmt']) ?? Dec.ZERO).sub(Dec.parse(prepared.data['Deposit']) ?? Dec.ZERO);
    const applied = scope.company.appliedTo(type, existing.id);
    if (total.cmp(applied) < 0) throw businessError(scope, `The new total (${total.toString()}) is less than the payments already applied (${applied.toString()}).`, 'Line');
  }
  existing.data = prepared.data;
  existing.taxSupplied = hasSuppliedTax(merged);
  touch(scope, existing);
  commit(scope, existing, prepared);
  scope.company.record(existing, 'Update', scope.now);
  return existing;
}

function hasSuppliedTax(body: JsonObject): boolean {
  return obj(body['TxnTaxDetail'])?.['TotalTax'] !== undefined;
}

/** Applications that point at a document being deleted or voided: unlink them, or refuse [mem]. */
function releaseDocument(scope: Scope, type: 'Invoice' | 'CreditMemo', id: string): void {
  const company = scope.company;
  const linked = company.applications.filter((a) => a.targetType === type && a.targetId === id);
  if (linked.length === 0) return;
  if (scope.ctx.config().invoiceWithPayments === 'refuse') throw businessError(scope, `This ${type} has payments applied to it; remove them first.`, 'Id');
  company.applications = company.applications.filter((a) => !(a.targetType === type && a.targetId === id));
  for (const paymentId of new Set(linked.map((a) => a.paymentId))) {
    const payment = company.get('Payment', paymentId);
    if (!payment) continue;
    const lines = arr(payment.data['Line']) ?? [];
    payment.data['Line'] = lines.filter((l) => !arr(obj(l)?.['LinkedTxn'])?.some((t) => str(obj(t)?.['TxnId']) === id && str(obj(t)?.['TxnType']) === type));
    touch(scope, payment);
    company.record(payment, 'Update', scope.now);
  }
}

export function deleteEntity(scope: Scope, type: EntityName, body: JsonObject): JsonObject {
  if (ENTITY_SPECS[type].kind !== 'txn') throw fault(scope, 'unsupportedOperation', { operation: 'Delete' });
  const existing = current(scope, type, body);
  if (type === 'Invoice' || type === 'CreditMemo') releaseDocument(scope, type, existing.id);
  if (type === 'Payment') scope.company.replaceApplications(existing.id, []);
  existing.deletedAt = scope.now;
  existing.lastWriter = scope.writer;
  scope.company.record(existing, 'Delete', scope.now);
  return deletedStub(scope.company, existing);
}

function zeroLines(lines: Json | undefined): Json[] {
  return (arr(lines) ?? []).map((l) => {
    const line = obj(l);
    if (!line) return l;
    const out: JsonObject = { ...line, Amount: num('0') };
    const detail = obj(line['SalesItemLineDetail']);
    if (detail) out['SalesItemLineDetail'] = { ...detail, ...(detail['Qty'] !== undefined ? { Qty: num('0') } : {}) };
    return out;
  });
}

/** Voiding keeps the transaction with its amounts zeroed and a "Voided" note [mem]. */
export function voidEntity(scope: Scope, type: EntityName, body: JsonObject): StoredEntity {
  if (type !== 'Invoice' && type !== 'Payment') throw fault(scope, 'unsupportedOperation', { operation: 'Void' });
  const existing = current(scope, type, body);
  if (type === 'Invoice') releaseDocument(scope, 'Invoice', existing.id);
  else scope.company.replaceApplications(existing.id, []);
  const data: JsonObject = { ...existing.data, Line: zeroLines(existing.data['Line']), TotalAmt: num('0'), PrivateNote: scope.ctx.config().voidNote };
  if (type === 'Invoice') {
    data['Deposit'] = num('0');
    if (data['HomeTotalAmt'] !== undefined) data['HomeTotalAmt'] = num('0');
    const tax = obj(existing.data['TxnTaxDetail']);
    data['TxnTaxDetail'] = { ...(tax ?? {}), TotalTax: num('0'), TaxLine: [] };
  }
  existing.data = data;
  touch(scope, existing);
  scope.company.record(existing, 'Void', scope.now);
  return existing;
}

export function readEntity(scope: Scope, type: EntityName, id: string): JsonObject {
  const e = scope.company.get(type, id, scope.batch);
  if (!e) throw fault(scope, 'notFound', {}, 'Id');
  return render(scope.company, e);
}
