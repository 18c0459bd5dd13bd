/**
 * Preferences updates (api notes §3.3 multicurrency [src S20]): sections merge one level deep. Multicurrency can be
 * turned on but never off again, and the home currency never changes [src S20; mem for the error text].
 */
import type { StoredEntity } from './company.ts';
import { businessError, type Scope } from './context.ts';
import { invalid } from './fields.ts';
import { isObject, obj, refValue, type JsonObject } from './json.ts';

export function preparePreferences(scope: Scope, body: JsonObject, existing: StoredEntity, sparse: boolean): JsonObject {
  const out: JsonObject = { ...existing.data };
  for (const [section, value] of Object.entries(body)) {
    if (!isObject(value)) invalid(scope, section);
    const before = obj(existing.data[section]) ?? {};
    out[section] = sparse ? { ...before, ...value } : value;
  }
  const wasOn = obj(existing.data['CurrencyPrefs'])?.['MultiCurrencyEnabled'] === true;
  const currency = obj(out['CurrencyPrefs']) ?? {};
  if (wasOn && currency['MultiCurrencyEnabled'] !== true) throw businessError(scope, 'Multicurrency cannot be turned off once it is on.', 'MultiCurrencyEnabled');
  if (currency['MultiCurrencyEnabled'] !== undefined && typeof currency['MultiCurrencyEnabled'] !== 'boolean') invalid(scope, 'MultiCurrencyEnabled');
  const home = refValue(currency['HomeCurrency']);
  if (home !== undefined && home !== scope.company.options.homeCurrency) throw businessError(scope, 'The home currency cannot be changed.', 'HomeCurrency');
  out['CurrencyPrefs'] = { ...currency, HomeCurrency: { value: scope.company.options.homeCurrency } };
  return out;
}
