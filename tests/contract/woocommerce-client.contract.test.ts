/**
 * The WooCommerce source connector against the WooCommerce simulator (simulators/woocommerce), over real HTTP
 * with the production transport: OAuth 1.0a on a plain-HTTP store, Basic on an HTTPS store (the simulator's TLS
 * is terminated in front: reached at `siteUrl`, it calls itself `homeUrl`), orders mapped so they tie out,
 * guests, polling that catches a change made while a webhook was disabled, webhooks registered once and
 * repaired after WooCommerce switched one off, and signed deliveries verified by our verifier.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim } from '../../simulators/woocommerce/index.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { createWooCommerceSource, type WooCommerceSource } from '../../src/connectors/woocommerce/source.ts';
import { woocommerceWebhook } from '../../src/connectors/woocommerce/webhook.ts';
import { postOrder } from '../../src/core/posting/order-to-invoice.ts';
import type { Connection, ConnectorContext, PollPage, WebhookInput, WebhookVerdict } from '../../src/sync/ports.ts';

const HOOK_SECRET = 'ml-connector-webhook-secret-0123456789';

interface Received {
  siteId: string;
  input: WebhookInput;
  verdict: WebhookVerdict;
}

let sim: WooCommerceSim;
let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];
const connections = new Map<string, Connection>();
/** While true, deliveries (not pings) are answered 500, as a receiver that is down would. */
let failing = false;

function connectionFor(site: SiteCredentials, overrides: Partial<Record<'consumerSecret', string>> = {}): Connection {
  return {
    id: `conn-${site.siteId}`,
    tenantId: 'tenant-1',
    system: 'woocommerce',
    role: 'source',
    label: site.siteId,
    status: 'active',
    statusReason: null,
    // An https store is reached at its plain siteUrl but knows itself (and signs webhooks) as homeUrl.
    config: site.homeUrl === site.siteUrl ? { siteUrl: site.siteUrl } : { siteUrl: site.homeUrl, apiBaseUrl: site.siteUrl },
    secrets: { consumerKey: site.consumerKey, consumerSecret: overrides.consumerSecret ?? site.consumerSecret, webhookSecret: HOOK_SECRET },
    webhookKey: 'key',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

function contextFor(connection: Connection): ConnectorContext {
  return {
    connection,
    http: createTransport({ defaultTimeoutMs: 10_000 }),
    tokens: { accessToken: async () => '', afterRejection: async () => '' },
    now: () => sim.clock.date(),
  };
}

function sourceFor(site: SiteCredentials, overrides: Partial<Record<'consumerSecret', string>> = {}): WooCommerceSource {
  const connection = connectionFor(site, overrides);
  connections.set(site.siteId, connection);
  return createWooCommerceSource(contextFor(connection));
}

async function collect(pages: AsyncIterable<PollPage>): Promise<PollPage[]> {
  const out: PollPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const sampleOrder = {
  lineItems: [
    { sku: 'MUG-1', name: 'Mug', quantity: 3, price: '3.33' },
    { sku: 'TEE-2', name: 'T-shirt', quantity: 1, price: '20.00' },
  ],
  shippingLines: [{ methodId: 'flat_rate', methodTitle: 'Flat rate', total: '10.00' }],
  feeLines: [{ name: 'Gift wrap', total: '2.50' }],
  coupons: [{ code: 'save5', amount: '5.00' }],
  billing: { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com', address_1: '1 Main St', city: 'Austin', state: 'TX', postcode: '78701', country: 'US' },
  setPaid: true,
};

let httpSite: SiteCredentials;
let httpsSite: SiteCredentials;
let euSite: SiteCredentials;

beforeAll(async () => {
  sim = await startWooCommerceSim();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const siteId = (req.url ?? '').split('/').pop() ?? '';
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      const input: WebhookInput = { headers, rawBody: Buffer.concat(chunks) };
      const connection = connections.get(siteId);
      const verdict: WebhookVerdict = connection ? woocommerceWebhook.verify(input, connection) : { ok: false, status: 401, code: 'unknown', message: 'no connection' };
      received.push({ siteId, input, verdict });
      const isPing = verdict.ok && 'handshake' in verdict;
      res.writeHead(failing && !isPing ? 500 : verdict.ok ? 200 : verdict.status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  httpSite = sim.createSite({ siteId: 'plain-http' });
  httpsSite = sim.createSite({ siteId: 'behind-tls', https: true });
  euSite = sim.createSite({ siteId: 'eu-shop', https: true, currency: 'EUR', pricesIncludeTax: true, timezone: 'Europe/Berlin', taxRates: [{ rate: '19', name: 'MwSt.', country: 'DE' }] });
});

afterAll(async () => {
  await sim?.close();
  await new Promise<void>((resolve) => {
    receiver?.closeAllConnections();
    receiver?.close(() => resolve());
  });
});

describe('ping and auth', () => {
  it('plain-HTTP store: OAuth 1.0a (oauth_* in the query, no Authorization header)', async () => {
    const result = await sourceFor(httpSite).ping();
    expect(result.ok, result.message).toBe(true);
    expect(result.message).toMatch(/OAuth 1\.0a/);
    const last = sim.server.requests().filter((r) => r.path.startsWith('/sites/plain-http/')).at(-1);
    expect(last?.query['oauth_signature_method']).toBe('HMAC-SHA256');
    expect(last?.query['oauth_signature']).toBeTruthy();
    expect(last?.headers['authorization']).toBeUndefined();
    expect(last?.status).toBe(200);
  });

  it('HTTPS store: HTTP Basic', async () => {
    const result = await sourceFor(httpsSite).ping();
    expect(result.ok, result.message).toBe(true);
    expect(result.message).toMatch(/HTTP Basic over HTTPS/);
    const last = sim.server.requests().filter((r) => r.path.startsWith('/sites/behind-tls/')).at(-1);
    expect(last?.headers['authorization']).toMatch(/^Basi/);
    expect(last?.query['oauth_signature']).toBeUndefined();
  });

  it('a wrong consumer secret is a plain sentence on both kinds of store', async () => {
    for (const site of [httpSite, httpsSite]) {
      const result = await createWooCommerceSource(contextFor(connectionFor(site, { consumerSecret: 'cs_wrong' }))).ping();
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/refused the API keys: re-enter the consumer key and secret/);
    }
  });

  it('a URL that is not a store is told apart', async () => {
    const connection = connectionFor(httpSite);
    connection.config = { siteUrl: `${sim.url}/sites/no-such-shop` };
    const result = await createWooCommerceSource(contextFor(connection)).ping();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/does not look like a WooCommerce store/);
  });
});

describe('fetchOrder', () => {
  it('maps a tax-exclusive order with fee, coupon and shipping lines that ties out', async () => {
    const placed = sim.placeOrder(httpSite.siteId, sampleOrder);
    const order = await sourceFor(httpSite).fetchOrder(String(placed.id));
    if (!order) throw new Error('order not found');
    expect(order).toMatchObject({ source: 'woocommerce', id: String(placed.id), status: 'paid', currency: 'USD', taxesIncluded: false });
    expect(order.lines.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([
      ['MUG-1', 3, '3.33'],
      ['TEE-2', 1, '20.00'],
    ]);
    expect(order.fees.map((f) => f.title)).toEqual(['Gift wrap']);
    expect(order.shippingLines[0]).toMatchObject({ title: 'Flat rate', code: 'flat_rate', price: '10.00' });
    expect(order.discounts).toEqual([{ code: 'save5', amount: '5.00', allocatedToLines: true }]);
    expect(order.lines[0]?.taxLines[0]).toMatchObject({ title: 'State Tax', rate: '0.075' });
    const result = postOrder(order);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.totals.stated).toBe(placed.total);
    expect(result.totals.difference).toBe('0.00');
  });

  it('maps a tax-inclusive EU order (HTTPS store) that ties out', async () => {
    const placed = sim.placeOrder(euSite.siteId, {
      ...sampleOrder,
      lineItems: [
        { sku: 'MUG-EU', name: 'Kaffeebecher', quantity: 2, price: '12.90' },
        { sku: 'ESP-1KG', name: 'Espresso 1 kg', quantity: 1, price: '24.99' },
      ],
      shippingLines: [{ methodId: 'flat_rate', methodTitle: 'DHL Paket', total: '4.20' }],
      feeLines: [{ name: 'Geschenkverpackung', total: '2.50' }],
      coupons: [{ code: 'willkommen5', amount: '5.00' }],
    });
    const order = await sourceFor(euSite).fetchOrder(String(placed.id));
    if (!order) throw new Error('order not found');
    expect(order).toMatchObject({ currency: 'EUR', taxesIncluded: true });
    expect(order.lines.map((l) => l.unitPrice)).toEqual(['12.90', '24.99']);
    expect(order.lines[0]?.taxLines[0]).toMatchObject({ title: 'MwSt.', rate: '0.19' });
    const result = postOrder(order);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.totals.stated).toBe(placed.total);
    // WooCommerce states the gross cart total; net + tax rounded apart may miss it by a cent, which is booked
    // as an explicit rounding line (posting rule), never silently.
    expect(Math.abs(Number(result.totals.difference))).toBeLessThanOrEqual(Number(result.totals.tolerance));
  });

  it('a guest order has a customer with id null and the billing email; customer 0 is never fetched', async () => {
    const placed = sim.placeOrder(httpsSite.siteId, { ...sampleOrder, customerId: 0 });
    const source = sourceFor(httpsSite);
    const order = await source.fetchOrder(String(placed.id));
    expect(order?.customer).toMatchObject({ source: 'woocommerce', id: null, email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' });
    const before = sim.server.requests().length;
    expect(await source.fetchCustomer('0')).toBeNull();
    expect(sim.server.requests().length).toBe(before);
  });

  it('a registered buyer: fetchCustomer maps the customer; unknown ids are null', async () => {
    const customer = sim.createCustomer(httpSite.siteId, { email: 'bo@example.com', firstName: 'Bo', lastName: 'Ek', billing: { company: 'Ek AB', phone: '555' } });
    const placed = sim.placeOrder(httpSite.siteId, { ...sampleOrder, customerId: customer.id });
    const source = sourceFor(httpSite);
    expect((await source.fetchOrder(String(placed.id)))?.customer).toMatchObject({ id: String(customer.id) });
    expect(await source.fetchCustomer(String(customer.id))).toMatchObject({ source: 'woocommerce', id: String(customer.id), email: 'bo@example.com', firstName: 'Bo', lastName: 'Ek', company: 'Ek AB' });
    expect(await source.fetchCustomer('99999')).toBeNull();
    expect(await source.fetchOrder('99999')).toBeNull();
  });
});

describe('webhooks and polling', () => {
  it('registers four webhooks once, verifies signed deliveries, repairs a disabled one, and polling catches what it missed', async () => {
    const site = httpSite;
    const source = sourceFor(site);
    const address = `${receiverUrl}/${site.siteId}`;

    // 1. Four webhooks, created once; each creation ping is answered as a handshake.
    const first = await source.ensureWebhooks(address);
    expect(first.ok, first.message).toBe(true);
    expect(first.repaired).toHaveLength(4);
    const hooks = sim.listWebhooks(site.siteId);
    expect(hooks.map((h) => [h.topic, h.status, h.delivery_url, h.secret])).toEqual([
      ['order.created', 'active', address, HOOK_SECRET],
      ['order.updated', 'active', address, HOOK_SECRET],
      ['customer.created', 'active', address, HOOK_SECRET],
      ['customer.updated', 'active', address, HOOK_SECRET],
    ]);
    expect(received.filter((r) => r.siteId === site.siteId && r.verdict.ok && 'handshake' in r.verdict)).toHaveLength(4);
    expect(await source.ensureWebhooks(address)).toMatchObject({ ok: true, repaired: [] });
    expect(sim.listWebhooks(site.siteId)).toHaveLength(4);

    // 2. A signed delivery verifies and names the order; the same bytes tampered with do not.
    const placed = sim.placeOrder(site.siteId, sampleOrder);
    await sim.settleWebhooks();
    const deliveries = received.filter((r) => r.siteId === site.siteId && r.input.headers['x-wc-webhook-topic'] !== undefined);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    for (const d of deliveries) {
      expect(d.verdict.ok).toBe(true);
      expect(d.verdict.ok && 'events' in d.verdict && d.verdict.events[0]).toMatchObject({ entityType: 'order', sourceId: String(placed.id) });
    }
    const sample = deliveries[0];
    if (!sample) throw new Error('no delivery');
    const tampered = Buffer.from(sample.input.rawBody.toString('utf8').replace(`"total":"${placed.total}"`, '"total":"0.01"'));
    expect(tampered.equals(sample.input.rawBody)).toBe(false);
    const connection = connections.get(site.siteId) as Connection;
    expect(woocommerceWebhook.verify({ headers: sample.input.headers, rawBody: tampered }, connection)).toMatchObject({ ok: false, code: 'webhook_invalid_signature' });
    expect(woocommerceWebhook.verify({ headers: sample.input.headers, rawBody: sample.input.rawBody }, connectionFor(httpsSite))).toMatchObject({ ok: false, code: 'webhook_wrong_source' });

    // 3. The receiver goes down: WooCommerce counts failures and silently disables order.updated (the 7th).
    const cursorBefore = (await collect(source.poll('orders', null, new Date(Date.now() - 3_600_000)))).at(-1)?.cursor ?? null;
    failing = true;
    // (WooCommerce dates have whole seconds: move past the cursor's second, or an edit within it would tie.)
    sim.clock.advance(2_000);
    for (let i = 0; i < 7; i += 1) {
      sim.updateOrder(site.siteId, placed.id, { customerNote: `attempt ${i}` });
      await sim.settleWebhooks();
    }
    const updatedHook = sim.listWebhooks(site.siteId).find((h) => h.topic === 'order.updated');
    expect(updatedHook?.status).toBe('disabled');
    expect(sim.disabledWebhooks().map((d) => d.webhookId)).toContain(updatedHook?.id);
    failing = false;

    // 4. A change made while it is disabled reaches no webhook…
    sim.clock.advance(5_000);
    const quiet = sim.placeOrder(site.siteId, { ...sampleOrder, setPaid: false });
    sim.clock.advance(5_000);
    sim.setStatus(site.siteId, quiet.id, 'processing');
    const deliveredBefore = received.length;
    await sim.settleWebhooks();
    expect(received.slice(deliveredBefore).filter((r) => r.input.headers['x-wc-webhook-topic'] === 'order.updated')).toHaveLength(0);

    // 5. …but the poll from the stored cursor finds it (and the edited order), and the cursor moves forward.
    const pages = await collect(source.poll('orders', cursorBefore, new Date(0)));
    const found = pages.flatMap((p) => p.items);
    expect(found.map((i) => i.sourceId)).toEqual(expect.arrayContaining([String(quiet.id), String(placed.id)]));
    const quietItem = found.find((i) => i.sourceId === String(quiet.id));
    expect(quietItem?.updatedAt).toBe(`${sim.getOrder(site.siteId, quiet.id).date_modified_gmt}Z`);
    const cursorAfter = pages.at(-1)?.cursor ?? '';
    expect(Date.parse(cursorAfter)).toBeGreaterThanOrEqual(Date.parse(cursorBefore ?? ''));
    expect(cursorAfter).toBe(quietItem?.updatedAt);
    // Without overlap, only what changed after the cursor comes back.
    const strict = createWooCommerceSource(contextFor(connection), { overlapMs: 0 });
    const fromCursor = (await collect(strict.poll('orders', cursorBefore, new Date(0)))).flatMap((p) => p.items.map((i) => i.sourceId));
    expect(new Set(fromCursor)).toEqual(new Set([String(placed.id), String(quiet.id)]));

    // 6. The next check re-enables it and says so; deliveries flow again.
    const repaired = await source.ensureWebhooks(address);
    expect(repaired.ok).toBe(true);
    expect(repaired.repaired).toEqual([`order.updated was disabled by WooCommerce after failed deliveries; re-enabled (webhook ${updatedHook?.id}).`]);
    expect(sim.listWebhooks(site.siteId).find((h) => h.topic === 'order.updated')?.status).toBe('active');
    const mark = received.length;
    sim.updateOrder(site.siteId, quiet.id, { customerNote: 'back' });
    await sim.settleWebhooks();
    expect(received.slice(mark).some((r) => r.verdict.ok && 'events' in r.verdict && r.verdict.events[0]?.sourceId === String(quiet.id))).toBe(true);
  });

  it('removes a duplicate webhook and re-activates a paused one over Basic auth', async () => {
    const site = euSite;
    const source = sourceFor(site);
    const address = `${receiverUrl}/${site.siteId}`;
    expect((await source.ensureWebhooks(address)).repaired).toHaveLength(4);
    const duplicate = await sim.subscribeWebhook(site.siteId, { topic: 'order.created', deliveryUrl: address, secret: 'someone-else' });
    const paused = sim.listWebhooks(site.siteId).find((h) => h.topic === 'customer.updated');
    sim.updateWebhook(site.siteId, paused?.id ?? 0, { status: 'paused' });
    const health = await source.ensureWebhooks(address);
    expect(health.ok, health.message).toBe(true);
    expect(health.repaired).toEqual([
      `order.created had 2 webhooks to this service, so each change came 2 times; removed webhook ${duplicate.webhook.id}.`,
      `customer.updated was paused in WooCommerce › Settings › Advanced › Webhooks; re-activated (webhook ${paused?.id}).`,
    ]);
    expect(sim.listWebhooks(site.siteId).map((h) => [h.topic, h.status])).toEqual([
      ['order.created', 'active'],
      ['order.updated', 'active'],
      ['customer.created', 'active'],
      ['customer.updated', 'active'],
    ]);
  });

  it('polls customers (no modified filter on /customers) and signs deliveries on an HTTPS store as its home URL', async () => {
    const site = httpsSite;
    const source = sourceFor(site);
    const address = `${receiverUrl}/${site.siteId}`;
    expect((await source.ensureWebhooks(address)).ok).toBe(true);
    const cursor = (await collect(source.poll('customers', null, new Date(Date.now() - 3_600_000)))).at(-1)?.cursor ?? null;
    sim.clock.advance(5_000);
    const customer = sim.createCustomer(site.siteId, { email: 'cy@example.com', firstName: 'Cy' });
    await sim.settleWebhooks();
    const delivery = received.find((r) => r.siteId === site.siteId && r.input.headers['x-wc-webhook-topic'] === 'customer.created');
    expect(delivery?.input.headers['x-wc-webhook-source']).toBe(`${site.homeUrl}/`);
    expect(delivery?.verdict).toMatchObject({ ok: true, events: [{ entityType: 'customer', sourceId: String(customer.id) }] });
    const pages = await collect(createWooCommerceSource(contextFor(connections.get(site.siteId) as Connection), { overlapMs: 0 }).poll('customers', cursor, new Date(0)));
    expect(pages.flatMap((p) => p.items)).toEqual([{ entityType: 'customer', sourceId: String(customer.id), updatedAt: `${customer.date_modified_gmt}Z` }]);
  });
});
