/**
 * What a new company holds before any app touches it: Preferences, CompanyInfo, a small chart of accounts, the usual
 * terms, and the sales-tax codes of its country (US: the TAX/NON pseudo codes plus one rate code; CA, GB, AU: real
 * codes every line must name, api notes §11.5). The names and rates are sample fixtures, not Intuit's lists.
 */
import { Company, type CompanyOptions, type Country, type ChangeEvent } from './company.ts';
import { num, type JsonObject } from './json.ts';
import { localDate } from './time.ts';

export const HOME_CURRENCY: Record<Country, string> = { US: 'USD', CA: 'CAD', GB: 'GBP', AU: 'AUD' };

/** Account ids other modules rely on. */
export const SEED_ACCOUNTS = {
  receivable: '1',
  productIncome: '2',
  serviceIncome: '3',
  shippingIncome: '4',
  discounts: '5',
  cogs: '6',
  inventory: '7',
  undeposited: '8',
  checking: '9',
  taxPayable: '10',
  shippingExpense: '11',
  payable: '12',
} as const;

const ACCOUNTS: [string, string, string, string][] = [
  ['Accounts Receivable (A/R)', 'Accounts Receivable', 'AccountsReceivable', 'Asset'],
  ['Sales of Product Income', 'Income', 'SalesOfProductIncome', 'Revenue'],
  ['Services', 'Income', 'ServiceFeeIncome', 'Revenue'],
  ['Shipping Income', 'Income', 'OtherPrimaryIncome', 'Revenue'],
  ['Discounts given', 'Income', 'DiscountsRefundsGiven', 'Revenue'],
  ['Cost of Goods Sold', 'Cost of Goods Sold', 'SuppliesMaterialsCogs', 'Expense'],
  ['Inventory Asset', 'Other Current Asset', 'Inventory', 'Asset'],
  ['Undeposited Funds', 'Other Current Asset', 'UndepositedFunds', 'Asset'],
  ['Checking', 'Bank', 'Checking', 'Asset'],
  ['Sales Tax Payable', 'Other Current Liability', 'SalesTaxPayable', 'Liability'],
  ['Shipping, Freight & Delivery', 'Expense', 'ShippingFreightDelivery', 'Expense'],
  ['Accounts Payable (A/P)', 'Accounts Payable', 'AccountsPayable', 'Liability'],
];

const TERMS: [string, number][] = [
  ['Due on receipt', 0],
  ['Net 15', 15],
  ['Net 30', 30],
  ['Net 60', 60],
];

/** [code id, code name, taxable, rate id, rate name, percent] per country. */
const TAX_TABLE: Record<Country, [string, string, boolean, string, string, string][]> = {
  US: [['2', 'California', true, '1', 'California', '8']],
  CA: [
    ['4', 'GST', true, '1', 'GST', '5'],
    ['5', 'HST ON', true, '2', 'HST ON', '13'],
    ['6', 'Exempt', false, '3', 'Exempt', '0'],
  ],
  GB: [
    ['4', '20.0% S', true, '1', '20.0% S', '20'],
    ['5', '5.0% R', true, '2', '5.0% R', '5'],
    ['6', '0.0% Z', true, '3', '0.0% Z', '0'],
  ],
  AU: [
    ['4', 'GST', true, '1', 'GST (sales)', '10'],
    ['5', 'FRE', false, '2', 'GST free (sales)', '0'],
  ],
};

export function seedCompany(options: CompanyOptions, onChange: (e: ChangeEvent) => void, writer: string): Company {
  const company = new Company(options, onChange);
  const now = options.createdAt;
  const put = (type: Parameters<Company['insert']>[0], data: JsonObject, id?: string) => company.insert(type, data, now, writer, undefined, id);
  const home = { value: options.homeCurrency, name: currencyName(options.homeCurrency) };

  put(
    'Preferences',
    {
      AccountingInfoPrefs: { TrackDepartments: false, ClassTrackingPerTxn: false, CustomerTerminology: 'Customers', FirstMonthOfFiscalYear: 'January' },
      SalesFormsPrefs: {
        CustomTxnNumbers: true,
        AllowDeposit: true,
        AllowDiscount: true,
        AllowShipping: true,
        AllowEstimates: true,
        DefaultTerms: { value: '3' },
        ETransactionEnabledStatus: 'NotApplicable',
      },
      CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: options.homeCurrency } },
      TaxPrefs: { UsingSalesTax: true, PartnerTaxEnabled: options.automatedSalesTax },
    },
    '1',
  );
  put(
    'CompanyInfo',
    {
      CompanyName: options.name,
      LegalName: options.name,
      CompanyAddr: { Id: '1', Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999', Country: options.country },
      Country: options.country,
      CompanyStartDate: localDate(now, options.timeZone),
      FiscalYearStartMonth: 'January',
      SupportedLanguages: 'en',
      DefaultTimeZone: options.timeZone,
      NameValue: [{ Name: 'OfferingSku', Value: 'QuickBooks Online Plus' }],
    },
    options.realmId,
  );
  for (const [name, type, subType, classification] of ACCOUNTS) {
    put('Account', {
      Name: name,
      SubAccount: false,
      FullyQualifiedName: name,
      Active: true,
      Classification: classification,
      AccountType: type,
      AccountSubType: subType,
      CurrentBalance: num('0'),
      CurrentBalanceWithSubAccounts: num('0'),
      CurrencyRef: home,
    });
  }
  for (const [name, days] of TERMS) put('Term', { Name: name, Active: true, Type: 'STANDARD', DueDays: num(String(days)) });

  if (options.country === 'US') {
    put('TaxCode', { Name: 'TAX', Description: 'TAX', Active: true, Taxable: true, TaxGroup: false }, 'TAX');
    put('TaxCode', { Name: 'NON', Description: 'NON', Active: true, Taxable: false, TaxGroup: false }, 'NON');
  }
  for (const [codeId, codeName, taxable, rateId, rateName, percent] of TAX_TABLE[options.country]) {
    put('TaxRate', { Name: rateName, Description: rateName, Active: true, RateValue: num(percent), AgencyRef: { value: '1' }, SpecialTaxType: 'NONE', DisplayType: 'ReadOnly' }, rateId);
    put(
      'TaxCode',
      {
        Name: codeName,
        Description: codeName,
        Active: true,
        Taxable: taxable,
        TaxGroup: options.country === 'US',
        SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: rateId, name: rateName }, TaxTypeApplicable: 'TaxOnAmount', TaxOrder: num('0') }] },
        PurchaseTaxRateList: { TaxRateDetail: [] },
      },
      codeId,
    );
  }
  return company;
}

const CURRENCY_NAMES: Record<string, string> = {
  USD: 'United States Dollar',
  CAD: 'Canadian Dollar',
  GBP: 'British Pound Sterling',
  AUD: 'Australian Dollar',
  EUR: 'Euro',
  JPY: 'Japanese Yen',
  MXN: 'Mexican Peso',
  NZD: 'New Zealand Dollar',
  CHF: 'Swiss Franc',
  INR: 'Indian Rupee',
};

export function currencyName(code: string): string {
  return CURRENCY_NAMES[code] ?? code;
}

/** Minor-unit places per currency; JPY has none [mem: ISO 4217]. */
export function currencyDecimals(code: string): number {
  return code === 'JPY' ? 0 : 2;
}

/** US dollars per unit: fixture rates for when a transaction gives no ExchangeRate. Not market data. */
export const USD_PER_UNIT: Record<string, string> = {
  USD: '1',
  EUR: '1.08',
  GBP: '1.27',
  CAD: '0.74',
  AUD: '0.66',
  JPY: '0.0067',
  MXN: '0.058',
  NZD: '0.61',
  CHF: '1.12',
  INR: '0.012',
};
