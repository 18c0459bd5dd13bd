/**
 * Transaction and name currencies (api notes §3.3 multicurrency [src S20]): `CurrencyRef` names the currency of
 * every amount, `ExchangeRate` is home-currency units per one foreign unit. Multicurrency is off by default; a
 * foreign currency then is refused. A transaction's currency must be its customer's [mem].
 */
import { businessError, type Scope } from './context.ts';
import { Dec } from './decimal.ts';
import { invalid, readDec } from './fields.ts';
import { refValue, type JsonObject } from './json.ts';
import { currencyDecimals, currencyName, USD_PER_UNIT } from './seed.ts';

export interface TxnCurrency {
  code: string;
  /** Set whenever multicurrency is on (1 for the home currency). */
  rate: Dec | undefined;
  decimals: number;
  ref: JsonObject;
}

/** Validates a currency code for a name-list record (customer, vendor, account). */
export function nameCurrency(scope: Scope, body: JsonObject, element = 'CurrencyRef'): JsonObject {
  const home = scope.company.options.homeCurrency;
  const code = refValue(body['CurrencyRef']) ?? home;
  if (!/^[A-Z]{3}$/.test(code)) invalid(scope, element);
  if (code !== home && !scope.company.multiCurrency) throw businessError(scope, `Multicurrency is turned off for this company, so ${code} cannot be used; only the home currency ${home} is allowed.`, element);
  return { value: code, name: currencyName(code) };
}

export function txnCurrency(scope: Scope, body: JsonObject, partyCurrency: string | undefined): TxnCurrency {
  const company = scope.company;
  const home = company.options.homeCurrency;
  const code = refValue(body['CurrencyRef']) ?? partyCurrency ?? home;
  if (!/^[A-Z]{3}$/.test(code)) invalid(scope, 'CurrencyRef');
  if (code !== home && !company.multiCurrency) {
    throw businessError(scope, `Multicurrency is turned off for this company, so ${code} cannot be used; only the home currency ${home} is allowed.`, 'CurrencyRef');
  }
  if (partyCurrency !== undefined && code !== partyCurrency) {
    throw businessError(scope, `The transaction currency ${code} must match the currency of the customer (${partyCurrency}).`, 'CurrencyRef');
  }
  let rate: Dec | undefined;
  if (company.multiCurrency) {
    if (code === home) rate = Dec.of(1);
    else {
      rate = readDec(scope, body['ExchangeRate'], 'ExchangeRate') ?? fixtureRate(code, home);
      if (!rate) throw businessError(scope, `No exchange rate is known for ${code}; supply ExchangeRate.`, 'ExchangeRate');
      if (rate.isNegative() || rate.isZero()) invalid(scope, 'ExchangeRate');
    }
  }
  return { code, rate, decimals: currencyDecimals(code), ref: { value: code, name: currencyName(code) } };
}

function fixtureRate(code: string, home: string): Dec | undefined {
  const foreign = USD_PER_UNIT[code];
  const homeUsd = USD_PER_UNIT[home];
  if (!foreign || !homeUsd) return undefined;
  return Dec.parseText(foreign)!.div(Dec.parseText(homeUsd)!, 6);
}
