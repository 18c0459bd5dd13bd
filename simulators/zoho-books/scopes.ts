/**
 * Zoho OAuth scopes: `Service.scope.OPERATION`, comma separated (api notes §1.3). Books endpoints need a
 * family + operation; `.ALL` and `ZohoBooks.fullaccess.all` are supersets.
 */

export type ScopeFamily = 'contacts' | 'settings' | 'invoices' | 'customerpayments' | 'creditnotes' | 'accountants';
export type ScopeOp = 'CREATE' | 'READ' | 'UPDATE' | 'DELETE';

const BOOKS_FAMILIES = new Set([
  'contacts',
  'settings',
  'invoices',
  'customerpayments',
  'creditnotes',
  'accountants',
  'estimates',
  'projects',
  'expenses',
  'salesorders',
  'purchaseorders',
  'bills',
  'debitnotes',
  'vendorpayments',
  'banking',
  'fullaccess',
]);
const OPERATIONS = new Set(['create', 'read', 'update', 'delete', 'all']);

/**
 * Splits and validates the `scope` parameter. Zoho separates scopes with commas; a space-separated list
 * (the generic OAuth habit) reads as one malformed scope and is refused.
 */
export function parseScopes(raw: string | null): string[] | undefined {
  if (!raw) return undefined;
  const scopes = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (scopes.length === 0) return undefined;
  for (const scope of scopes) {
    const parts = scope.split('.');
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_]+$/.test(p))) return undefined;
    const [service, family, op] = parts as [string, string, string];
    if (!OPERATIONS.has(op.toLowerCase())) return undefined;
    if (service.toLowerCase() === 'zohobooks' && !BOOKS_FAMILIES.has(family.toLowerCase())) return undefined;
  }
  return scopes;
}

export function hasScope(granted: readonly string[], family: ScopeFamily, op: ScopeOp): boolean {
  return granted.some((scope) => {
    const [service, fam, operation] = scope.toLowerCase().split('.');
    if (service !== 'zohobooks') return false;
    if (fam === 'fullaccess') return operation === 'all';
    return fam === family && (operation === 'all' || operation === op.toLowerCase());
  });
}
