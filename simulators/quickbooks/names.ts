/**
 * Name-list rules (api notes §3.1, §3.2, §3.5): customers, vendors and employees share one DisplayName namespace
 * (6240 on a clash [src]); DisplayName is built from the name parts when omitted [src S12]; an inactivated name gets
 * " (deleted)" appended [mem]; item and account names are unique in their own lists [mem]; items need the accounts
 * their type posts to [mem].
 */
import { customerHasTransactions } from './balances.ts';
import type { StoredEntity } from './company.ts';
import { businessError, fault, type Scope } from './context.ts';
import { Dec } from './decimal.ts';
import { nameCurrency } from './currency.ts';
import { PEOPLE, type EntityName } from './entity-specs.ts';
import { invalid, readBool, readDate, readDec, readEnum, readString, required } from './fields.ts';
import { num, obj, refValue, type JsonObject } from './json.ts';
import { displayNameOf, namedRef, resolveRef } from './refs.ts';
import { XSD_ENUMS } from './xsd-fields.ts';

function normal(scope: Scope, name: string): string {
  const trimmed = name.trim();
  return scope.ctx.config().displayNameCaseInsensitive ? trimmed.toLowerCase() : trimmed;
}

function noColon(scope: Scope, name: string, element: string): void {
  if (name.includes(':')) throw businessError(scope, `${element} cannot contain a colon (:).`, element);
}

/** Whether another record of `types` already uses the name. Inactive ones count unless configured otherwise. */
function taken(scope: Scope, types: readonly EntityName[], key: string, name: string, self: StoredEntity | undefined): boolean {
  const wanted = normal(scope, name);
  const countInactive = scope.ctx.config().displayNameCountsInactive;
  for (const type of types) {
    for (const e of scope.company.live(type)) {
      if (self && e.type === self.type && e.id === self.id) continue;
      if (!countInactive && e.data['Active'] === false) continue;
      const other = e.data[key];
      if (typeof other === 'string' && normal(scope, other) === wanted) return true;
    }
  }
  return false;
}

export function preparePerson(scope: Scope, type: 'Customer' | 'Vendor' | 'Employee', body: JsonObject, existing: StoredEntity | undefined): JsonObject {
  const out: JsonObject = { ...body };
  const parts = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix'].map((k) => readString(scope, body[k], k)?.trim()).filter((p): p is string => !!p);
  let display = readString(scope, body['DisplayName'], 'DisplayName')?.trim();
  if (!display) {
    // At least one of DisplayName or the five name parts is required [mem]; the built name joins them [src S12].
    if (parts.length === 0) required(scope, 'DisplayName');
    display = parts.join(' ');
  }
  const active = readBool(scope, body['Active'], 'Active') ?? true;
  // An inactivated name carries the suffix; reactivating takes it off again.
  const suffix = scope.ctx.config().inactiveNameSuffix;
  const suffixed = suffix !== '' && display.endsWith(suffix) && (existing?.data['Active'] === false || !active);
  const bare = suffixed ? display.slice(0, -suffix.length) : display;
  display = !active && suffix !== '' ? `${bare}${suffix}` : bare;
  noColon(scope, bare, 'DisplayName');
  if (taken(scope, PEOPLE, 'DisplayName', display, existing)) throw fault(scope, 'duplicateName', {}, '');
  readString(scope, body['CompanyName'], 'CompanyName');
  const email = obj(body['PrimaryEmailAddr']);
  if (body['PrimaryEmailAddr'] !== undefined && (!email || (email['Address'] !== undefined && typeof email['Address'] !== 'string'))) invalid(scope, 'PrimaryEmailAddr');

  out['DisplayName'] = display;
  out['Active'] = active;
  out['PrintOnCheckName'] = readString(scope, body['PrintOnCheckName'], 'PrintOnCheckName') ?? bare;
  out['FullyQualifiedName'] = display;

  if (type === 'Customer' || type === 'Vendor') {
    const currency = nameCurrency(scope, body);
    const before = refValue(existing?.data['CurrencyRef']);
    if (type === 'Customer' && existing && before !== undefined && before !== currency['value'] && customerHasTransactions(scope.company, existing.id)) {
      throw businessError(scope, 'You cannot change the currency of a customer that has transactions.', 'CurrencyRef');
    }
    out['CurrencyRef'] = currency;
  }
  if (type === 'Customer') {
    const parent = resolveRef(scope, 'Customer', body['ParentRef'], 'ParentRef', false);
    if (parent) {
      if (existing && parent.id === existing.id) invalid(scope, 'ParentRef');
      out['ParentRef'] = namedRef(body['ParentRef'], parent);
      out['FullyQualifiedName'] = `${displayNameOf(parent)}:${display}`;
      out['Level'] = num(String(levelOf(parent) + 1));
      out['Job'] = readBool(scope, body['Job'], 'Job') ?? true;
      out['BillWithParent'] = readBool(scope, body['BillWithParent'], 'BillWithParent') ?? false;
    } else {
      delete out['Level'];
      out['Job'] = false;
      out['BillWithParent'] = false;
    }
    const terms = resolveRef(scope, 'Term', body['SalesTermRef'], 'SalesTermRef', false);
    if (terms) out['SalesTermRef'] = namedRef(body['SalesTermRef'], terms);
    out['Taxable'] = readBool(scope, body['Taxable'], 'Taxable') ?? true;
    out['PreferredDeliveryMethod'] = readString(scope, body['PreferredDeliveryMethod'], 'PreferredDeliveryMethod') ?? 'Print';
  }
  return out;
}

function levelOf(e: StoredEntity): number {
  const level = Dec.parse(e.data['Level']);
  return level ? Number(level.toString()) : 0;
}

const CREATABLE_ITEM_TYPES = ['Inventory', 'NonInventory', 'Service', 'Category'] as const;

export function prepareItem(scope: Scope, body: JsonObject, existing: StoredEntity | undefined): JsonObject {
  const out: JsonObject = { ...body };
  const name = readString(scope, body['Name'], 'Name')?.trim() || required(scope, 'Name');
  noColon(scope, name, 'Name');
  const typeText = readEnum(scope, body['Type'], 'Type', XSD_ENUMS.ItemTypeEnum);
  if (typeText !== undefined && !(CREATABLE_ITEM_TYPES as readonly string[]).includes(typeText)) invalid(scope, 'Type');
  // Type defaults to Service when omitted [mem].
  const type = (typeText ?? 'Service') as (typeof CREATABLE_ITEM_TYPES)[number];
  if (taken(scope, ['Item'], 'Name', name, existing)) throw fault(scope, 'duplicateItemName', {}, '');
  out['Name'] = name;
  out['Type'] = type;
  out['Active'] = readBool(scope, body['Active'], 'Active') ?? true;
  readString(scope, body['Sku'], 'Sku');
  readString(scope, body['Description'], 'Description');
  for (const k of ['UnitPrice', 'PurchaseCost', 'QtyOnHand', 'ReorderPoint']) {
    const d = readDec(scope, body[k], k);
    if (d) out[k] = d.toJson();
  }
  out['Taxable'] = readBool(scope, body['Taxable'], 'Taxable') ?? false;

  const parent = readBool(scope, body['SubItem'], 'SubItem') ? resolveRef(scope, 'Item', body['ParentRef'], 'ParentRef', true) : undefined;
  if (parent) {
    out['ParentRef'] = namedRef(body['ParentRef'], parent);
    out['FullyQualifiedName'] = `${displayNameOf(parent)}:${name}`;
    out['Level'] = num(String(levelOf(parent) + 1));
  } else {
    out['FullyQualifiedName'] = name;
    out['SubItem'] = false;
    delete out['ParentRef'];
    delete out['Level'];
  }

  const account = (key: string, needed: boolean) => {
    const acct = resolveRef(scope, 'Account', body[key], key, needed as true);
    if (acct) out[key] = namedRef(body[key], acct);
  };
  if (type !== 'Category') account('IncomeAccountRef', true);
  if (type === 'Inventory') {
    account('ExpenseAccountRef', true);
    account('AssetAccountRef', true);
    if (body['TrackQtyOnHand'] !== true) required(scope, 'TrackQtyOnHand');
    if (readDec(scope, body['QtyOnHand'], 'QtyOnHand') === undefined) required(scope, 'QtyOnHand');
    if (readDate(scope, body['InvStartDate'], 'InvStartDate') === undefined) required(scope, 'InvStartDate');
  } else {
    account('ExpenseAccountRef', false);
    account('AssetAccountRef', false);
    out['TrackQtyOnHand'] = false;
  }
  const taxCode = resolveRef(scope, 'TaxCode', body['SalesTaxCodeRef'], 'SalesTaxCodeRef', false);
  if (taxCode) out['SalesTaxCodeRef'] = namedRef(body['SalesTaxCodeRef'], taxCode);
  return out;
}

const CLASSIFICATION: Record<string, string> = {
  Bank: 'Asset',
  'Accounts Receivable': 'Asset',
  'Other Current Asset': 'Asset',
  'Fixed Asset': 'Asset',
  'Other Asset': 'Asset',
  'Accounts Payable': 'Liability',
  'Credit Card': 'Liability',
  'Other Current Liability': 'Liability',
  'Long Term Liability': 'Liability',
  Equity: 'Equity',
  Income: 'Revenue',
  'Other Income': 'Revenue',
  'Cost of Goods Sold': 'Expense',
  Expense: 'Expense',
  'Other Expense': 'Expense',
  'Non-Posting': 'Asset',
};

/** Default AccountSubType per AccountType [mem: QBO's own defaults]. */
const DEFAULT_SUBTYPE: Record<string, string> = {
  Bank: 'Checking',
  'Accounts Receivable': 'AccountsReceivable',
  'Other Current Asset': 'OtherCurrentAssets',
  'Fixed Asset': 'OtherFixedAssets',
  'Other Asset': 'OtherLongTermAssets',
  'Accounts Payable': 'AccountsPayable',
  'Credit Card': 'CreditCard',
  'Other Current Liability': 'OtherCurrentLiabilities',
  'Long Term Liability': 'OtherLongTermLiabilities',
  Equity: 'OwnersEquity',
  Income: 'SalesOfProductIncome',
  'Other Income': 'OtherMiscellaneousIncome',
  'Cost of Goods Sold': 'SuppliesMaterialsCogs',
  Expense: 'OtherMiscellaneousServiceCost',
  'Other Expense': 'OtherMiscellaneousExpense',
  'Non-Posting': 'PurchaseOrder',
};

export function prepareAccount(scope: Scope, body: JsonObject, existing: StoredEntity | undefined): JsonObject {
  const out: JsonObject = { ...body };
  const name = readString(scope, body['Name'], 'Name')?.trim() || required(scope, 'Name');
  noColon(scope, name, 'Name');
  if (taken(scope, ['Account'], 'Name', name, existing)) throw fault(scope, 'duplicateAccountName', {}, '');
  const type = readEnum(scope, body['AccountType'], 'AccountType', XSD_ENUMS.AccountTypeEnum) ?? required(scope, 'AccountType');
  readString(scope, body['AcctNum'], 'AcctNum');
  out['Name'] = name;
  out['AccountType'] = type;
  out['Classification'] = CLASSIFICATION[type] ?? 'Asset';
  out['AccountSubType'] = readString(scope, body['AccountSubType'], 'AccountSubType') ?? DEFAULT_SUBTYPE[type] ?? type;
  out['Active'] = readBool(scope, body['Active'], 'Active') ?? true;
  out['CurrencyRef'] = nameCurrency(scope, body);
  const parent = readBool(scope, body['SubAccount'], 'SubAccount') ? resolveRef(scope, 'Account', body['ParentRef'], 'ParentRef', true) : undefined;
  out['SubAccount'] = parent !== undefined;
  if (parent) {
    out['ParentRef'] = namedRef(body['ParentRef'], parent);
    out['FullyQualifiedName'] = `${displayNameOf(parent)}:${name}`;
  } else {
    delete out['ParentRef'];
    out['FullyQualifiedName'] = name;
  }
  // Balances are not tracked from postings here; they stay at the opening figure.
  out['CurrentBalance'] = existing?.data['CurrentBalance'] ?? num('0');
  out['CurrentBalanceWithSubAccounts'] = existing?.data['CurrentBalanceWithSubAccounts'] ?? num('0');
  return out;
}

export function prepareTerm(scope: Scope, body: JsonObject, existing: StoredEntity | undefined): JsonObject {
  const out: JsonObject = { ...body };
  const name = readString(scope, body['Name'], 'Name')?.trim() || required(scope, 'Name');
  if (taken(scope, ['Term'], 'Name', name, existing)) throw fault(scope, 'duplicateName', {}, '');
  out['Name'] = name;
  out['Active'] = readBool(scope, body['Active'], 'Active') ?? true;
  out['Type'] = readString(scope, body['Type'], 'Type') ?? 'STANDARD';
  out['DueDays'] = (readDec(scope, body['DueDays'], 'DueDays') ?? Dec.ZERO).toJson();
  return out;
}
