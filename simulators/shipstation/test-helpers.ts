/**
 * Shared fixtures for this folder's tests: a local webhook receiver, V1/V2 callers, a typical order and a
 * simulator started with a given clock. Not a test file itself.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimClock } from '../_kit/clock.ts';
import { startShipStationSim, type AccountKeys, type OrderInput, type ShipStationSim, type ShipStationSimOptions } from './index.ts';

export interface Received {
  headers: IncomingHttpHeaders;
  text: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides each answer: status and optional delay in real ms. */
  respond: (r: Received, n: number) => { status: number; delayMs?: number };
  close(): Promise<void>;
}

export async function startReceiver(respond: Receiver['respond'] = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { headers: req.headers, text: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
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
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret-token`,
    received,
    respond,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary JSON; `any` keeps the assertions short.
  body: any;
}

async function finish(res: Response): Promise<CallResult> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export interface CallOptions {
  query?: Record<string, string | number>;
  body?: unknown;
  /** Raw body text (for exact-number checks); wins over `body`. */
  rawBody?: string;
  authorization?: string;
}

/** A V1 call with the account's Basic credentials (or `authorization`). `path` may carry its own query. */
export async function v1(sim: ShipStationSim, keys: AccountKeys | undefined, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL(path.startsWith('http') ? path : `${sim.url}${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  const auth = options.authorization ?? keys?.authorization;
  if (auth !== undefined) headers.authorization = auth;
  let body: string | undefined = options.rawBody;
  if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  return finish(await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) }));
}

/** A V2 call with the account's `api-key` header (or `apiKey`; `null` sends none). */
export async function v2(sim: ShipStationSim, apiKey: string | null, method: string, path: string, query: Record<string, string> = {}): Promise<CallResult> {
  const url = new URL(`${sim.url}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (apiKey !== null) headers['API-Key'] = apiKey;
  return finish(await fetch(url, { method, headers }));
}

/**
 * A clock that stands still unless advanced, so timestamps in a test are exact; its waits (delivery delay,
 * retry backoff) take no real time.
 */
export class ManualClock extends SimClock {
  private at: number;

  constructor(iso: string) {
    super();
    this.at = Date.parse(iso);
  }

  override now(): number {
    return this.at;
  }

  override date(): Date {
    return new Date(this.at);
  }

  override advance(ms: number): void {
    this.at += ms;
  }

  override realDelay(_simMs: number): number {
    return 0;
  }

  override sleep(_simMs: number): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}

/** Moves the clock to `iso`. */
export function setTime(sim: ShipStationSim, iso: string): void {
  sim.clock.advance(Date.parse(iso) - sim.clock.now());
}

export async function startSim(options: ShipStationSimOptions = {}): Promise<ShipStationSim> {
  return startShipStationSim({ clock: new ManualClock('2026-06-15T17:00:00Z'), ...options, webhooks: { deliveryDelayMs: 0, ...options.webhooks } });
}

/** A paid order with two lines, a discount line, tax and shipping. */
export function sampleOrder(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    orderNumber: '1001',
    orderDate: '2026-06-15T09:00:00',
    paymentDate: '2026-06-15T09:01:00',
    orderStatus: 'awaiting_shipment',
    customerUsername: 'ann@example.com',
    customerEmail: 'ann@example.com',
    billTo: { name: 'Ann Lee' },
    shipTo: { name: 'Ann Lee', street1: '1 Main St', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US', residential: true },
    items: [
      { lineItemKey: 'L1', sku: 'MUG-1', name: 'Mug', quantity: 2, unitPrice: '12.50', taxAmount: '2.06' },
      { lineItemKey: 'L2', sku: 'TEE-2', name: 'T-shirt', quantity: 1, unitPrice: '20.10', options: [{ name: 'Size', value: 'Large' }] },
      { lineItemKey: 'D1', sku: null, name: 'SPRING discount', quantity: 1, unitPrice: '-4.50', adjustment: true },
    ],
    amountPaid: '50.76',
    taxAmount: '3.06',
    shippingAmount: '7.00',
    ...overrides,
  };
}
