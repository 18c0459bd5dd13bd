/** Shared setup for this folder's tests: a simulator with one app and one connected company, and HTTP helpers. */
import { startQuickBooksSim, type CreateCompanyInput, type QuickBooksSim, type QuickBooksSimOptions, type RegisterAppInput } from './index.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';

export interface CallOptions {
  /** JSON-encoded unless a string. */
  body?: unknown;
  query?: Record<string, string>;
  token?: string;
  headers?: Record<string, string>;
  realmId?: string;
  env?: 'sandbox' | 'production';
  contentType?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary JSON; `any` keeps the assertions short.
  body: any;
}

export interface Harness {
  sim: QuickBooksSim;
  clientId: string;
  clientSecret: string;
  verifierToken: string;
  realmId: string;
  accessToken: string;
  refreshToken: string;
  /** `path` is relative to `/v3/company/{realmId}`, e.g. `/customer`. */
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** POST /{resource} with a JSON body; returns the parsed answer. */
  create(resource: string, body: unknown, options?: CallOptions): Promise<CallResult>;
  /** New tokens for the same app and company (after the clock jumped past the access token's hour). */
  reconnect(): void;
}

export async function http(url: string, init: RequestInit = {}): Promise<CallResult> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * `pace` (default on) moves the simulator clock 121 ms before each call, so a test's burst of requests stays inside
 * QBO's real limits (10 per second, 500 per minute) instead of the limits being switched off for tests.
 */
export async function startHarness(
  options: QuickBooksSimOptions & { company?: CreateCompanyInput; app?: Partial<RegisterAppInput>; scopes?: string[]; pace?: boolean } = {},
): Promise<Harness> {
  const { company: companyInput, app: appInput, scopes: _scopes, pace: _pace, ...simOptions } = options;
  const sim = await startQuickBooksSim(simOptions);
  const app = sim.registerApp({ redirectUris: [REDIRECT_URI], name: 'Test App', ...appInput, ...(companyInput?.environment === 'production' ? { environment: 'production', redirectUris: ['https://app.example/cb'] } : {}) });
  const company = sim.createCompany(companyInput ?? {});
  const tokens = sim.connect({ clientId: app.clientId, realmId: company.realmId, ...(options.scopes ? { scopes: options.scopes } : {}) });
  const harness: Harness = {
    sim,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    verifierToken: app.verifierToken,
    realmId: company.realmId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    call: (method, path, o = {}) => {
      if (options.pace !== false) sim.clock.advance(121);
      const env = o.env ?? company.environment;
      const url = new URL(`${sim.endpoints().apiBase[env]}/v3/company/${o.realmId ?? company.realmId}${path}`);
      url.searchParams.set('minorversion', '75');
      for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${o.token ?? harness.accessToken}`, ...o.headers };
      let body: string | undefined;
      if (o.body !== undefined) {
        body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
        headers['content-type'] = o.contentType ?? 'application/json';
      }
      return http(url.toString(), { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    create: (resource, body, o = {}) => harness.call('POST', `/${resource}`, { ...o, body }),
    reconnect: () => {
      const fresh = sim.connect({ clientId: app.clientId, realmId: company.realmId, ...(options.scopes ? { scopes: options.scopes } : {}) });
      harness.accessToken = fresh.access_token;
      harness.refreshToken = fresh.refresh_token;
    },
  };
  return harness;
}

/** Customer + service item, the usual start of an invoice test. */
export async function customerAndItem(h: Harness, itemExtra: Record<string, unknown> = {}): Promise<{ customerId: string; itemId: string }> {
  const c = await h.create('customer', { DisplayName: `Buyer ${Math.random().toString(36).slice(2, 8)}` });
  const i = await h.create('item', { Name: `Widget ${Math.random().toString(36).slice(2, 8)}`, Type: 'Service', IncomeAccountRef: { value: '2' }, ...itemExtra });
  if (c.status !== 200 || i.status !== 200) throw new Error(`setup failed: ${c.text} ${i.text}`);
  return { customerId: c.body.Customer.Id as string, itemId: i.body.Item.Id as string };
}

export function itemLine(itemId: string, amount: number | string, extra: Record<string, unknown> = {}, detail: Record<string, unknown> = {}): Record<string, unknown> {
  return { DetailType: 'SalesItemLineDetail', Amount: amount, SalesItemLineDetail: { ItemRef: { value: itemId }, ...detail }, ...extra };
}

/** POST to the token endpoint with Basic client auth and a form body. */
export function tokenRequest(sim: QuickBooksSim, clientId: string, secret: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> {
  return http(sim.endpoints().token, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });
}

export function faultOf(r: CallResult): { code: string; Message: string; Detail: string; type: string } {
  const f = r.body?.Fault;
  return { ...(f?.Error?.[0] ?? {}), type: f?.type };
}

export interface Received {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A webhook receiver on loopback; `status(n)` decides the answer to the n-th request (0-based). */
export async function startReceiver(status: (n: number) => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const n = received.length;
      received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status(n)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/qbo/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
