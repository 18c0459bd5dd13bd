/**
 * Test support: a scripted HttpCall and TokenProvider, and a ConnectorContext built from them. Answers are
 * canned the way /work/shared/api/quickbooks-online.md shows them (entity under its name plus `time`, string ids,
 * `Fault` envelopes with string codes, and the gateway's XML).
 */
import type { ApiRequest, ApiResponse, Connection, ConnectorContext, HttpCall, Json, TokenProvider } from '../../../sync/ports.ts';

export const REALM = '9341453050298765';
export const API = 'https://sandbox-quickbooks.api.intuit.com';
export const COMPANY = `${API}/v3/company/${REALM}`;
export const FROZEN_NOW = new Date('2026-03-02T10:15:30.000Z');
export const TIME = '2026-03-02T02:15:30.000-08:00';

export interface Seen extends ApiRequest {
  parsedUrl: URL;
  /** The path after `/v3/company/{realm}/` (or the whole path for OAuth hosts). */
  resource: string;
}

export interface FakeHttp {
  call: HttpCall;
  /** Every request, in order. */
  seen: Seen[];
  /**
   * Adds a handler; the newest matching handler answers. `resource` matches the path after the company
   * (`invoice`, `query`, `companyinfo/…`), or an OAuth path. `times` limits how often it answers.
   */
  on(method: ApiRequest['method'], resource: string | RegExp, reply: ApiResponse | ((request: Seen) => ApiResponse), times?: number): void;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', intuit_tid: 'tid-1', ...headers }, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** `{"<Entity>": {...}, "time": ...}` */
export function entity(name: string, body: Record<string, unknown>): ApiResponse {
  return json(200, { [name]: body, time: TIME });
}

/** `{"QueryResponse": {"<Entity>": [...], "startPosition": 1, "maxResults": n}}`, or `{}` for no rows. */
export function rows(name: string, list: Array<Record<string, unknown>>): ApiResponse {
  return json(200, { QueryResponse: list.length === 0 ? {} : { [name]: list, startPosition: 1, maxResults: list.length }, time: TIME });
}

/** A service fault: `{"Fault":{"Error":[{Message,Detail,code,element}],"type"},"time"}`. */
export function fault(status: number, code: string, message: string, detail: string, type = 'ValidationFault'): ApiResponse {
  return json(status, { Fault: { Error: [{ Message: message, Detail: detail, code, element: '' }], type }, time: TIME });
}

/** The gateway's XML fault (401, 429), sent even when JSON was asked for (§2, §6.1). */
export function xmlFault(status: number, code: string, message: string, detail: string, type: string): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    text: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${TIME}"><Fault type="${type}"><Error code="${code}"><Message>${message}</Message><Detail>${detail}</Detail></Error></Fault></IntuitResponse>`,
  };
}

export const STALE = fault(400, '5010', 'Stale Object Error', 'Stale Object Error : You and Sandbox User were working on this at the same time. Sandbox User finished before you did, so your work was not saved.');
export const DUPLICATE_NAME = fault(
  400,
  '6240',
  'Duplicate Name Exists Error',
  'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
);
export const NOT_FOUND = fault(400, '610', 'Object Not Found', "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.");
export const THROTTLED = xmlFault(429, '3001', 'message=ThrottleExceeded; errorCode=003001; statusCode=429', 'The request limit was reached.  Try again later', 'SERVICE');
export const AUTH_FAILED = xmlFault(401, '3200', 'message=AuthenticationFailed; errorCode=003200; statusCode=401', 'Token expired: eyJlbmMiOiJBMTI4Q0JD', 'AUTHENTICATION');

export function fakeHttp(): FakeHttp {
  const seen: Seen[] = [];
  const routes: Array<{ method: string; path: string | RegExp; reply: ApiResponse | ((r: Seen) => ApiResponse); left: number }> = [];
  return {
    seen,
    on(method, path, reply, times = Infinity) {
      routes.unshift({ method, path, reply, left: times });
    },
    async call(request) {
      const parsedUrl = new URL(request.url);
      const company = /\/v3\/company\/[^/]+\/(.*)$/.exec(parsedUrl.pathname);
      const entry: Seen = { ...request, parsedUrl, resource: company ? (company[1] ?? '') : parsedUrl.pathname };
      seen.push(entry);
      const route = routes.find(
        (r) => r.left > 0 && r.method === request.method && (typeof r.path === 'string' ? entry.resource === r.path : r.path.test(entry.resource)),
      );
      if (!route) return fault(404, '404', 'Not Found', `No route for ${request.method} ${entry.resource} in this test`);
      route.left -= 1;
      return typeof route.reply === 'function' ? route.reply(entry) : route.reply;
    },
  };
}

export interface FakeTokens extends TokenProvider {
  refreshes: string[];
}

/** Tokens `tok-1`, `tok-2`, ...: each `afterRejection` hands out the next one. */
export function fakeTokens(): FakeTokens {
  let n = 1;
  const refreshes: string[] = [];
  return {
    refreshes,
    async accessToken() {
      return `tok-${n}`;
    },
    async afterRejection(rejected) {
      refreshes.push(rejected);
      n += 1;
      return `tok-${n}`;
    },
  };
}

export function connection(config: Record<string, Json> = {}, secrets: Record<string, string> = {}): Connection {
  return {
    id: 'conn-qbo',
    tenantId: 'tenant-1',
    system: 'quickbooks',
    role: 'target',
    label: 'QuickBooks',
    status: 'active',
    statusReason: null,
    config: { realmId: REALM, environment: 'sandbox', ...config },
    secrets: {
      clientId: 'ABclient',
      clientSecret: 'shh',
      accessToken: 'tok-1',
      refreshToken: 'AB11-refresh-1',
      accessTokenExpiresAt: '2026-03-02T11:00:00.000Z',
      ...secrets,
    },
    webhookKey: 'wk',
    createdAt: FROZEN_NOW.toISOString(),
    updatedAt: FROZEN_NOW.toISOString(),
  };
}

export function context(http: FakeHttp, config: Record<string, Json> = {}, tokens: FakeTokens = fakeTokens()): ConnectorContext & { tokens: FakeTokens } {
  return { connection: connection(config), http: http.call, tokens, now: () => FROZEN_NOW };
}

/** CompanyInfo and Preferences of a company in `country`, as the target reads them once. */
export function companyRoutes(http: FakeHttp, options: { country?: string; home?: string; multiCurrency?: boolean; ast?: boolean; allowShipping?: boolean } = {}): void {
  http.on('GET', `companyinfo/${REALM}`, entity('CompanyInfo', { CompanyName: 'Sandbox Company_US_1', Country: options.country ?? 'US', Id: REALM, SyncToken: '0' }));
  http.on(
    'GET',
    'preferences',
    entity('Preferences', {
      CurrencyPrefs: { MultiCurrencyEnabled: options.multiCurrency ?? false, HomeCurrency: { value: options.home ?? 'USD' } },
      TaxPrefs: { UsingSalesTax: true, PartnerTaxEnabled: options.ast ?? false },
      SalesFormsPrefs: { AllowShipping: options.allowShipping ?? true, CustomTxnNumbers: true },
      Id: '1',
      SyncToken: '0',
    }),
  );
}

/** Routes `POST query` by the entity the statement selects from. */
export function queryRoutes(http: FakeHttp, answer: (statement: string) => ApiResponse | undefined): void {
  http.on('POST', 'query', (request) => answer(request.body ?? '') ?? rows('Nothing', []));
}
