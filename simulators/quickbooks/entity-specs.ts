/**
 * The entities the simulator serves and the static facts about each: URL resource name (the lower-cased entity
 * name, api notes §2), whether it is a name list (never deleted, only made inactive), a transaction (deletable),
 * or read-only here, and which properties a query may filter and sort on (api notes §4: only documented filterable
 * properties; the lists are [mem] except that AcctNum is not filterable [src S15]).
 */
import type { XsdType } from './xsd-fields.ts';

export const ENTITY_NAMES = [
  'Customer',
  'Vendor',
  'Employee',
  'Item',
  'Account',
  'Term',
  'TaxCode',
  'TaxRate',
  'Invoice',
  'Payment',
  'CreditMemo',
  'JournalEntry',
  'CompanyInfo',
  'Preferences',
] as const;

export type EntityName = (typeof ENTITY_NAMES)[number];
export type EntityKind = 'name' | 'txn' | 'read-only' | 'settings';

export interface EntitySpec {
  name: EntityName;
  resource: string;
  kind: EntityKind;
  xsd: XsdType;
  filterable: readonly string[];
  /** CDC and webhooks cover it. */
  tracked: boolean;
}

const META = ['Id', 'MetaData.CreateTime', 'MetaData.LastUpdatedTime'];
const NAME_PARTS = ['DisplayName', 'GivenName', 'MiddleName', 'FamilyName', 'CompanyName', 'PrintOnCheckName', 'FullyQualifiedName', 'Active', 'PrimaryEmailAddr', 'Balance'];

function spec(name: EntityName, kind: EntityKind, filterable: readonly string[], tracked = true): EntitySpec {
  return { name, resource: name.toLowerCase(), kind, xsd: name, filterable: [...META, ...filterable], tracked };
}

export const ENTITY_SPECS: Record<EntityName, EntitySpec> = {
  Customer: spec('Customer', 'name', [...NAME_PARTS, 'Job', 'ParentRef', 'CurrencyRef']),
  Vendor: spec('Vendor', 'name', [...NAME_PARTS, 'CurrencyRef']),
  Employee: spec('Employee', 'name', ['DisplayName', 'GivenName', 'MiddleName', 'FamilyName', 'PrintOnCheckName', 'Active', 'PrimaryEmailAddr', 'EmployeeNumber']),
  Item: spec('Item', 'name', ['Name', 'Sku', 'Type', 'Active', 'FullyQualifiedName', 'ParentRef', 'UnitPrice', 'Taxable', 'QtyOnHand']),
  Account: spec('Account', 'name', ['Name', 'AccountType', 'AccountSubType', 'Classification', 'Active', 'FullyQualifiedName', 'CurrentBalance', 'SubAccount', 'CurrencyRef']),
  Term: spec('Term', 'name', ['Name', 'Active', 'DueDays', 'Type']),
  TaxCode: spec('TaxCode', 'read-only', ['Name', 'Active', 'Taxable', 'TaxGroup'], false),
  TaxRate: spec('TaxRate', 'read-only', ['Name', 'Active', 'RateValue'], false),
  Invoice: spec('Invoice', 'txn', ['DocNumber', 'TxnDate', 'DueDate', 'CustomerRef', 'TotalAmt', 'Balance', 'CurrencyRef', 'ShipDate', 'TrackingNum', 'PrivateNote', 'EmailStatus']),
  Payment: spec('Payment', 'txn', ['TxnDate', 'CustomerRef', 'TotalAmt', 'PaymentRefNum', 'UnappliedAmt', 'CurrencyRef', 'PrivateNote']),
  CreditMemo: spec('CreditMemo', 'txn', ['DocNumber', 'TxnDate', 'CustomerRef', 'TotalAmt', 'RemainingCredit', 'Balance', 'CurrencyRef', 'PrivateNote']),
  JournalEntry: spec('JournalEntry', 'txn', ['DocNumber', 'TxnDate', 'TotalAmt', 'PrivateNote', 'Adjustment', 'CurrencyRef']),
  CompanyInfo: spec('CompanyInfo', 'settings', ['CompanyName', 'Country'], false),
  Preferences: spec('Preferences', 'settings', [], false),
};

const BY_RESOURCE = new Map(Object.values(ENTITY_SPECS).map((s) => [s.resource, s]));

/** Resource names are lower-case in every client; matched case-insensitively [mem]. */
export function specByResource(resource: string): EntitySpec | undefined {
  return BY_RESOURCE.get(resource.toLowerCase());
}

/** Entity names are case-sensitive in queries (api notes §4 [src S16]). */
export function specByName(name: string): EntitySpec | undefined {
  return (ENTITY_NAMES as readonly string[]).includes(name) ? ENTITY_SPECS[name as EntityName] : undefined;
}

/** Customers, vendors and employees share one DisplayName namespace (api notes §3.1). */
export const PEOPLE: readonly EntityName[] = ['Customer', 'Vendor', 'Employee'];
