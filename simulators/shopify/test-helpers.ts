/**
 * Shared test fixtures: a local webhook receiver on 127.0.0.1, a GraphQL caller, and a typical order input.
 * Not a test file itself.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlaceOrderInput } from './types.ts';
import type { ShopifySim } from './index.ts';

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
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}

export interface GqlAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function gql(sim: ShopifySim, token: string | undefined, query: string, variables?: Record<string, unknown>, version = '2026-01'): Promise<GqlAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) headers['x-shopify-access-token'] = token;
  const res = await fetch(sim.graphqlUrl(version), { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // leave as text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Two lines with tax, a line discount, a code discount and taxed shipping — exercises every total. */
export function sampleOrder(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    lineItems: [
      { sku: 'MUG-1', title: 'Mug', quantity: 2, price: '12.50', taxLines: [{ title: 'State Tax', rate: '0.0825', amount: '1.98' }] },
      {
        sku: 'TEE-2',
        title: 'T-shirt',
        variantTitle: 'Blue',
        quantity: 1,
        price: '20.00',
        discount: '2.00',
        taxLines: [{ title: 'State Tax', rate: '0.0825', amount: '1.40' }],
      },
    ],
    discountCodes: [{ code: 'SPRING', amount: '5.00' }],
    shippingLines: [{ title: 'Standard', price: '7.00', taxLines: [{ title: 'State Tax', rate: '0.0825', amount: '0.58' }] }],
    customer: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' },
    billingAddress: { firstName: 'Ann', lastName: 'Lee', address1: '1 Main St', city: 'Austin', province: 'Texas', provinceCode: 'TX', zip: '78701', countryCode: 'US' },
    ...overrides,
  };
}
