/** Shared setup for this folder's tests: a simulator with one client, organization and user, and HTTP helpers. */
import { startZohoBooksSim, type ZohoBooksSim, type ZohoBooksSimOptions } from './index.ts';

export const CLIENT = {
  clientId: '1000.TESTCLIENTID0000000000000000',
  clientSecret: 'test-client-secret-0000000000000000000000',
  redirectUris: ['http://127.0.0.1:9/oauth/callback'],
};

export const ALL_SCOPES = 'ZohoBooks.fullaccess.all';

export interface CallOptions {
  query?: Record<string, string>;
  /** Sent as application/json. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded `JSONString=`. */
  jsonString?: unknown;
  /** Omit `organization_id` when null; defaults to the harness org. */
  org?: string | null;
  token?: string;
  authorization?: string;
  apiDomain?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // Tests read arbitrary JSON; `any` keeps the assertions short.
  body: any;
}

export interface Harness {
  sim: ZohoBooksSim;
  orgId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  apiDomain: string;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
}

export async function callApi(apiDomainUrl: string, method: string, path: string, options: CallOptions & { token: string }): Promise<CallResult> {
  const url = new URL(`${apiDomainUrl}/books/v3${path}`);
  if (options.org) url.searchParams.set('organization_id', options.org);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { authorization: options.authorization ?? `Zoho-oauthtoken ${options.token}`, ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.jsonString !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams({ JSONString: JSON.stringify(options.jsonString) }).toString();
  }
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function startHarness(
  options: ZohoBooksSimOptions & { dc?: string; currencyCode?: string; scopes?: string } = {},
): Promise<Harness> {
  const sim = await startZohoBooksSim(options);
  sim.registerClient(CLIENT);
  const orgId = sim.createOrganization({ name: 'Test Books', currencyCode: options.currencyCode ?? 'USD', dc: options.dc ?? 'us' });
  const email = 'owner@example.com';
  sim.createUser({ email, organizations: [orgId] });
  const tokens = sim.issueTokens({ email, clientId: CLIENT.clientId, scopes: options.scopes ?? ALL_SCOPES });
  const harness: Harness = {
    sim,
    orgId,
    email,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? '',
    apiDomain: tokens.api_domain,
    call: (method, path, callOptions = {}) =>
      callApi(callOptions.apiDomain ?? harness.apiDomain, method, path, {
        ...callOptions,
        org: callOptions.org === null ? undefined : (callOptions.org ?? orgId),
        token: callOptions.token ?? harness.accessToken,
      }),
  };
  return harness;
}

/** Runs the browser leg of OAuth: GET the authorize URL and return the redirect's query. */
export async function authorize(sim: ZohoBooksSim, dc: string, params: Record<string, string>): Promise<{ status: number; location: URL | undefined; body: string }> {
  const url = new URL(`${sim.accountsServer(dc)}/oauth/v2/auth`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location) : undefined, body: await res.text() };
}

export function authParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    scope: 'ZohoBooks.invoices.CREATE,ZohoBooks.invoices.READ,ZohoBooks.contacts.ALL,ZohoBooks.settings.READ',
    client_id: CLIENT.clientId,
    response_type: 'code',
    redirect_uri: CLIENT.redirectUris[0]!,
    access_type: 'offline',
    ...extra,
  };
}

/** POSTs to the token endpoint with the parameters in the query string (Zoho's own examples) or a form body. */
export async function tokenRequest(
  accountsServerUrl: string,
  params: Record<string, string>,
  placement: 'query' | 'form' = 'query',
  path = '/oauth/v2/token',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(`${accountsServerUrl}${path}`);
  let init: RequestInit = { method: 'POST' };
  if (placement === 'query') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  else init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
