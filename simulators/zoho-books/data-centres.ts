/**
 * Zoho data centres (api notes §1.1). Each has its own accounts server and API domain; on loopback one
 * simulator serves them all by path prefix: `${url}/accounts/{dc}` and `${url}/api/{dc}`.
 */

export const DATA_CENTRES = {
  us: { accounts: 'https://accounts.zoho.com', api: 'https://www.zohoapis.com' },
  eu: { accounts: 'https://accounts.zoho.eu', api: 'https://www.zohoapis.eu' },
  in: { accounts: 'https://accounts.zoho.in', api: 'https://www.zohoapis.in' },
  au: { accounts: 'https://accounts.zoho.com.au', api: 'https://www.zohoapis.com.au' },
  jp: { accounts: 'https://accounts.zoho.jp', api: 'https://www.zohoapis.jp' },
  // Canada's accounts host is on zohocloud.ca, not zoho.ca (api notes §1.1).
  ca: { accounts: 'https://accounts.zohocloud.ca', api: 'https://www.zohoapis.ca' },
  sa: { accounts: 'https://accounts.zoho.sa', api: 'https://www.zohoapis.sa' },
  cn: { accounts: 'https://accounts.zoho.com.cn', api: 'https://www.zohoapis.com.cn' },
  // UK hostnames are [mem] in the notes; only the path-prefixed loopback form matters here.
  uk: { accounts: 'https://accounts.zoho.uk', api: 'https://www.zohoapis.uk' },
} as const;

export type DataCentre = keyof typeof DATA_CENTRES;

export const DATA_CENTRE_IDS = Object.keys(DATA_CENTRES) as DataCentre[];

/** Names people use for a DC, mapped to the `location` value Zoho sends in the redirect. */
const ALIASES: Record<string, DataCentre> = { com: 'us', 'com.au': 'au', 'com.cn': 'cn', zohocloud: 'ca' };

export function isDataCentre(value: string): value is DataCentre {
  return Object.hasOwn(DATA_CENTRES, value);
}

/** Accepts a DC id or alias (`com` → `us`) from test setup; path prefixes accept only the canonical id. */
export function normaliseDataCentre(value: string | undefined): DataCentre {
  const v = (value ?? 'us').toLowerCase();
  if (isDataCentre(v)) return v;
  const alias = ALIASES[v];
  if (alias) return alias;
  throw new Error(`unknown Zoho data centre "${value}"; use one of ${DATA_CENTRE_IDS.join(', ')}`);
}

export function accountsServer(baseUrl: string, dc: DataCentre): string {
  return `${baseUrl}/accounts/${dc}`;
}

export function apiDomain(baseUrl: string, dc: DataCentre): string {
  return `${baseUrl}/api/${dc}`;
}
