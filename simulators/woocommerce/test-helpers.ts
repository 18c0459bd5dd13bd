/**
 * Shared test fixtures: a webhook receiver on 127.0.0.1, a REST caller that authenticates the three ways
 * WooCommerce accepts (Basic, query-string keys, OAuth 1.0a in the query or the Authorization header), and a
 * typical order. Not a test file itself.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest, type SignatureMethod } from './oauth1.ts';
import type { PlaceOrderInput } from './state.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  text: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides each answer: status and optional delay in real ms. */
  respond: (r: Received, n: number) => { status: number; delayMs?: number };
  close(): Promise<void>;
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  /** Deliveries only (pings filtered out). */
  events(): Received[];
}

export async function startReceiver(respond: Receiver['respond'] = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = {
    url: '',
    received,
    respond,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    waitFor: async (count, timeoutMs = 5_000) => {
      const until = Date.now() + timeoutMs;
      while (received.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      return received;
    },
    events: () => received.filter((r) => r.headers['x-wc-webhook-topic'] !== undefined),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const r: Received = { headers: req.headers, raw, text: raw.toString('utf8'), at: Date.now() };
      received.push(r);
      const { status, delayMs } = receiver.respond(r, received.length);
      const answer = () => {
        if (!res.destroyed) res.writeHead(status).end();
      };
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

export interface Creds {
  siteUrl: string;
  homeUrl: string;
  consumerKey: string;
  consumerSecret: string;
}

export type AuthMode = 'basic' | 'query' | 'oauth' | 'oauth-header' | 'none';

export interface RestOptions {
  query?: Record<string, string | number | boolean | readonly string[]> | [string, string][];
  body?: unknown;
  auth?: AuthMode;
  signatureMethod?: SignatureMethod;
  /** Epoch ms for the OAuth timestamp (the sim clock's now when it runs fast). */
  now?: number;
  nonce?: string;
  headers?: Record<string, string>;
}

export interface RestAnswer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

function pairs(query: RestOptions['query']): [string, string][] {
  if (!query) return [];
  if (Array.isArray(query)) return query as [string, string][];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const item of v) out.push([`${k}[]`, String(item)]);
    else out.push([k, String(v)]);
  }
  return out;
}

/** Calls `${siteUrl}/wp-json${route}`; by default OAuth on an http store, Basic on an https one. */
export async function rest(creds: Creds, method: string, route: string, options: RestOptions = {}): Promise<RestAnswer> {
  const auth = options.auth ?? (creds.homeUrl.startsWith('https:') ? 'basic' : 'oauth');
  const query = pairs(options.query);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${creds.consumerKey}:${creds.consumerSecret}`).toString('base64')}`;
  if (auth === 'query') query.push(['consumer_key', creds.consumerKey], ['consumer_secret', creds.consumerSecret]);
  if (auth === 'oauth' || auth === 'oauth-header') {
    const oauth = signRequest({
      method,
      url: `${creds.homeUrl}/wp-json${route}`,
      params: query,
      consumerKey: creds.consumerKey,
      consumerSecret: creds.consumerSecret,
      ...(options.signatureMethod ? { signatureMethod: options.signatureMethod } : {}),
      timestamp: Math.floor((options.now ?? Date.now()) / 1000),
      ...(options.nonce ? { nonce: options.nonce } : {}),
    });
    if (auth === 'oauth') query.push(...oauth);
    else headers.authorization = `OAuth ${oauth.map(([k, v]) => `${k}="${encodeURIComponent(v)}"`).join(', ')}`;
  }
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const res = await fetch(`${creds.siteUrl}/wp-json${route}${qs ? `?${qs}` : ''}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** Two taxable lines (one discounted by a coupon), taxed shipping, a fee: every total has something in it. */
export function sampleOrder(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    lineItems: [
      { sku: 'MUG-1', name: 'Mug', quantity: 2, price: '3.00' },
      { sku: 'TEE-2', name: 'T-shirt', quantity: 1, price: '20.00' },
    ],
    shippingLines: [{ methodId: 'flat_rate', methodTitle: 'Flat rate', total: '10.00' }],
    billing: { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com', address_1: '1 Main St', city: 'Austin', state: 'TX', postcode: '78701', country: 'US' },
    ...overrides,
  };
}
