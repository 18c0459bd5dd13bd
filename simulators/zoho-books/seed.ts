/**
 * What a new Zoho Books organization starts with: its base currency plus a few foreign currencies, and a
 * default chart of accounts. Exchange rates are fixed sample values (not market data) so tests are stable.
 */
import type { Plan } from './config.ts';
import type { DataCentre } from './data-centres.ts';
import { Dec } from '../_kit/dec.ts';
import type { IdSource } from './ids.ts';
import type { Account, Currency, Organization } from './state.ts';
import { isoDate } from './time-format.ts';

interface CurrencyFacts {
  name: string;
  symbol: string;
  precision: number;
  /** US dollars per unit, a fixed sample value. */
  usd: string;
}

// JPY has no minor unit, so Zoho keeps price_precision 0 for it [mem]; invoices in JPY round to whole yen.
export const KNOWN_CURRENCIES: Record<string, CurrencyFacts> = {
  USD: { name: 'US Dollar', symbol: '$', precision: 2, usd: '1' },
  EUR: { name: 'Euro', symbol: '€', precision: 2, usd: '1.08' },
  GBP: { name: 'Pound Sterling', symbol: '£', precision: 2, usd: '1.27' },
  CAD: { name: 'Canadian Dollar', symbol: '$', precision: 2, usd: '0.73' },
  JPY: { name: 'Japanese Yen', symbol: '¥', precision: 0, usd: '0.0067' },
  AUD: { name: 'Australian Dollar', symbol: '$', precision: 2, usd: '0.66' },
  INR: { name: 'Indian Rupee', symbol: '₹', precision: 2, usd: '0.012' },
};

const SEEDED_FOREIGN = ['USD', 'EUR', 'GBP', 'CAD', 'JPY'];

const DEFAULT_ACCOUNTS: ReadonlyArray<[name: string, code: string, type: string]> = [
  ['Sales', '4000', 'income'],
  ['Shipping Charge', '4100', 'income'],
  ['Discount', '4200', 'income'],
  ['General Income', '4900', 'income'],
  ['Accounts Receivable', '1200', 'accounts_receivable'],
  ['Undeposited Funds', '1010', 'cash'],
  ['Petty Cash', '1000', 'cash'],
  ['Business Checking', '1100', 'bank'],
  ['Inventory Asset', '1300', 'stock'],
  ['Tax Payable', '2100', 'other_current_liability'],
  ['Accounts Payable', '2000', 'accounts_payable'],
  ['Opening Balance Adjustments', '3100', 'equity'],
  ['Retained Earnings', '3000', 'equity'],
  ['Cost of Goods Sold', '5000', 'cost_of_goods_sold'],
  ['Bank Fees and Charges', '6100', 'expense'],
  ['Payment Gateway Fees', '6200', 'expense'],
  ['Exchange Gain or Loss', '7000', 'other_expense'],
];

function currencyRecord(ids: IdSource, code: string, base: string, today: string): Currency {
  const facts = KNOWN_CURRENCIES[code];
  if (!facts) throw new Error(`no sample data for currency ${code}`);
  const baseFacts = KNOWN_CURRENCIES[base]!;
  const isBase = code === base;
  return {
    currency_id: ids.recordId(),
    currency_code: code,
    currency_name: `${code}- ${facts.name}`,
    currency_symbol: facts.symbol,
    price_precision: facts.precision,
    currency_format: facts.precision === 0 ? '1,234,567' : '1,234,567.89',
    is_base_currency: isBase,
    exchange_rate: isBase ? Dec.ONE : Dec.parse(facts.usd)!.div(Dec.parse(baseFacts.usd)!, 6),
    effective_date: today,
  };
}

export interface NewOrganization {
  name: string;
  currencyCode: string;
  dc: DataCentre;
  plan: Plan;
  contactName?: string;
  email?: string;
}

export function buildOrganization(ids: IdSource, input: NewOrganization, now: number): Organization {
  const base = input.currencyCode.toUpperCase();
  if (!KNOWN_CURRENCIES[base]) {
    throw new Error(`currencyCode ${input.currencyCode} not supported; use one of ${Object.keys(KNOWN_CURRENCIES).join(', ')}`);
  }
  const today = isoDate(now);
  const currencies = new Map<string, Currency>();
  for (const code of [base, ...SEEDED_FOREIGN.filter((c) => c !== base)]) {
    const record = currencyRecord(ids, code, base, today);
    currencies.set(record.currency_id, record);
  }
  const accounts = new Map<string, Account>();
  for (const [account_name, account_code, account_type] of DEFAULT_ACCOUNTS) {
    const account: Account = {
      account_id: ids.recordId(),
      account_name,
      account_code,
      account_type,
      is_active: true,
      is_user_created: false,
      is_system_account: account_type === 'accounts_receivable' || account_type === 'accounts_payable',
      created: now,
      modified: now,
    };
    accounts.set(account.account_id, account);
  }
  const baseCurrency = [...currencies.values()].find((c) => c.is_base_currency)!;
  return {
    organization_id: ids.organizationId(),
    name: input.name,
    dc: input.dc,
    plan: input.plan,
    contact_name: input.contactName ?? input.name,
    email: input.email ?? '',
    currency_code: base,
    base_currency_id: baseCurrency.currency_id,
    time_zone: 'Etc/UTC',
    created_date: today,
    counters: { invoice: 0, creditnote: 0, journal: 0, payment: 0 },
    contacts: new Map(),
    items: new Map(),
    invoices: new Map(),
    comments: new Map(),
    payments: new Map(),
    creditnotes: new Map(),
    journals: new Map(),
    currencies,
    taxes: new Map(),
    accounts,
  };
}
