/**
 * Zoho Books: static facts, in one typed object. Every number here is cited in
 * /work/shared/api/zoho-books.md (§ numbers below); values tagged [mem] there are marked so here too.
 */
import type { BudgetRule, Connection } from '../../sync/ports.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export const manifest = {
  system: 'zoho-books',
  displayName: 'Zoho Books',
  apiVersion: 'v3',
  /** Path prefix appended to the connection's `api_domain` (§2.1). Never prefixed with a hard-coded host. */
  apiBasePath: '/books/v3',
  oauth: {
    authorizePath: '/oauth/v2/auth',
    tokenPath: '/oauth/v2/token',
    revokePath: '/oauth/v2/token/revoke',
    /** Zoho joins scopes with commas (§1.3). */
    scopeSeparator: ',',
    /** `access_type=offline` is the only way to get a refresh token; `prompt=consent` gets a fresh one (§1.3). */
    authorizeExtra: { access_type: 'offline', prompt: 'consent' },
    /** A web-flow grant code is single use and lives about 2 minutes [mem] (§1.3). */
    grantCodeLifetimeMs: 2 * MINUTE_MS,
    /** Access tokens live one hour (§1.4). */
    accessTokenLifetimeMs: 60 * MINUTE_MS,
    /** Refresh at 55 of 60 minutes (§8.1, DESIGN.md §2.8). */
    refreshAheadMs: 5 * MINUTE_MS,
    /** At most 10 access tokens per refresh token in any 10 minutes (§1.8). */
    tokenBudget: { limit: 10, windowMs: 10 * MINUTE_MS },
    /** The refresh token does not rotate (§1.5). */
    refreshTokenRotates: false,
    /** The token endpoint's throttle: wait, never re-authorize (§1.7). */
    throttleWaitMs: MINUTE_MS,
  },
  /**
   * Data centres (§1.1): accounts server (authorize/token/revoke) and the default API domain. The API domain
   * actually used is the `api_domain` of the token response; these defaults are a fallback only.
   */
  dataCentres: {
    us: { accountsServer: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com' },
    eu: { accountsServer: 'https://accounts.zoho.eu', apiDomain: 'https://www.zohoapis.eu' },
    in: { accountsServer: 'https://accounts.zoho.in', apiDomain: 'https://www.zohoapis.in' },
    au: { accountsServer: 'https://accounts.zoho.com.au', apiDomain: 'https://www.zohoapis.com.au' },
    jp: { accountsServer: 'https://accounts.zoho.jp', apiDomain: 'https://www.zohoapis.jp' },
    /** Note the `zohocloud` accounts host. */
    ca: { accountsServer: 'https://accounts.zohocloud.ca', apiDomain: 'https://www.zohoapis.ca' },
    sa: { accountsServer: 'https://accounts.zoho.sa', apiDomain: 'https://www.zohoapis.sa' },
    cn: { accountsServer: 'https://accounts.zoho.com.cn', apiDomain: 'https://www.zohoapis.com.cn' },
    /** Hostnames [mem]: listed by Zoho, but the notes could not read them. */
    uk: { accountsServer: 'https://accounts.zoho.uk', apiDomain: 'https://www.zohoapis.uk' },
  },
  /**
   * Explicit per-module scopes (§1.3, §8.9): items, taxes, currencies and organizations live under
   * `settings`; journals and the chart of accounts under `accountants`.
   */
  scopes: [
    'ZohoBooks.contacts.CREATE',
    'ZohoBooks.contacts.READ',
    'ZohoBooks.contacts.UPDATE',
    'ZohoBooks.settings.CREATE',
    'ZohoBooks.settings.READ',
    'ZohoBooks.settings.UPDATE',
    'ZohoBooks.invoices.CREATE',
    'ZohoBooks.invoices.READ',
    'ZohoBooks.invoices.UPDATE',
    'ZohoBooks.customerpayments.CREATE',
    'ZohoBooks.customerpayments.READ',
    'ZohoBooks.creditnotes.CREATE',
    'ZohoBooks.creditnotes.READ',
    'ZohoBooks.creditnotes.UPDATE',
    'ZohoBooks.accountants.CREATE',
    'ZohoBooks.accountants.READ',
  ],
  rateLimits: {
    /** 100 requests per minute per organization, whatever the plan (§4). */
    perMinute: { limit: 100, windowMs: MINUTE_MS },
    /** Daily cap by plan (§4): only Free (1,000) and the top (10,000) are confirmed; the middle is [mem]. */
    dailyByPlan: { free: 1000, standard: 2000, professional: 5000, premium: 10000, elite: 10000, ultimate: 10000 },
    /** Used unless the connection config sets `dailyCap`: the lowest documented cap. */
    defaultDailyCap: 1000,
    dayWindowMs: DAY_MS,
    /** In-flight calls per organization [mem] (§4). */
    maxConcurrency: 5,
  },
  pagination: { perPage: 200, maxPerPage: 200 },
} as const;

export type DataCentre = keyof typeof manifest.dataCentres;

export function isDataCentre(value: unknown): value is DataCentre {
  return typeof value === 'string' && Object.hasOwn(manifest.dataCentres, value);
}

/** The data centre whose accounts server is `accountsServer`, or null for a host not in the table. */
export function dataCentreOf(accountsServer: string): DataCentre | null {
  const wanted = accountsServer.replace(/\/+$/, '').toLowerCase();
  for (const [dc, facts] of Object.entries(manifest.dataCentres)) {
    if (facts.accountsServer === wanted) return dc as DataCentre;
  }
  return null;
}

/**
 * The shared rate budget of a Zoho Books connection: keyed by organization (several apps and connections on
 * one org share its 100 per minute), with the daily cap from connection config `dailyCap` when set.
 */
export function zohoBudget(connection: Connection): { key: string; rules: BudgetRule[] } {
  const org = connection.config['organizationId'];
  const configured = connection.config['dailyCap'];
  const dailyCap =
    typeof configured === 'number' && Number.isSafeInteger(configured) && configured > 0
      ? configured
      : manifest.rateLimits.defaultDailyCap;
  return {
    key: typeof org === 'string' && org !== '' ? `zoho-books:org:${org}` : `zoho-books:connection:${connection.id}`,
    rules: [
      { limit: manifest.rateLimits.perMinute.limit, windowMs: manifest.rateLimits.perMinute.windowMs },
      { limit: dailyCap, windowMs: manifest.rateLimits.dayWindowMs },
    ],
  };
}

/** Budget rule for the token endpoint: 10 access tokens per refresh token per 10 minutes. */
export const tokenBudgetRule: BudgetRule = { ...manifest.oauth.tokenBudget };
