/**
 * The currency and country codes the simulator accepts. The real enums are much longer (162 currencies,
 * 245 countries); these lists are the subset declared in the simulator's schema, and every value is checked
 * against the real 2026-01 schema by schema-subset.test.ts. Extend both here when a test needs another.
 */

export const CURRENCY_CODES = [
  'USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'INR',
  'SGD', 'HKD', 'CNY', 'KRW', 'MXN', 'BRL', 'ZAR', 'AED', 'ILS', 'TRY', 'THB', 'MYR', 'IDR', 'PHP', 'TWD',
] as const;

export const COUNTRY_NAMES: Readonly<Record<string, string>> = {
  US: 'United States', CA: 'Canada', GB: 'United Kingdom', IE: 'Ireland', DE: 'Germany', FR: 'France',
  ES: 'Spain', IT: 'Italy', NL: 'Netherlands', BE: 'Belgium', AT: 'Austria', CH: 'Switzerland', SE: 'Sweden',
  NO: 'Norway', DK: 'Denmark', FI: 'Finland', PL: 'Poland', CZ: 'Czechia', PT: 'Portugal', AU: 'Australia',
  NZ: 'New Zealand', JP: 'Japan', IN: 'India', SG: 'Singapore', HK: 'Hong Kong SAR', CN: 'China',
  KR: 'South Korea', MX: 'Mexico', BR: 'Brazil', ZA: 'South Africa', AE: 'United Arab Emirates', IL: 'Israel',
  TR: 'Türkiye',
};

export const COUNTRY_CODES = Object.keys(COUNTRY_NAMES);

export function isCurrency(code: string): boolean {
  return (CURRENCY_CODES as readonly string[]).includes(code);
}
