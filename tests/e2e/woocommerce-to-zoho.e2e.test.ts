/**
 * WooCommerce → Zoho Books end to end: the product registers its own signed webhooks, posts orders with fees,
 * coupons, shipping and either tax basis, answers deliveries fast, and when WooCommerce disables a hook after
 * failed deliveries, the next check re-enables it, reports it, and polling catches every order missed meanwhile.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type WooCommerceSim } from '../../simulators/woocommerce/index.ts';
import { connectWooCommerce } from '../../src/cli/connect-flows.ts';
import { formatDec, parseDec } from '../../src/core/money.ts';
import type { Connection } from '../../src/sync/ports.ts';
import { checkWebhooks } from '../../src/sync/webhook-health.ts';
import { startPlatform, type Platform } from '../support/e2e.ts';

let p: Platform;
let woo: WooCommerceSim;
let siteId: string;
let source: Connection;
let proxy: Server;
let proxyUrl: string;
/** While true, the public address answers 500, as a store sees an app that is down. */
let down = false;

/** The product's public address: forwards to the app unless `down`. */
function startProxy(target: () => string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (down) return void res.writeHead(500).end();
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length').map(([k, v]) => [k, String(v)]));
      fetch(`${target()}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: Buffer.concat(chunks) })
        .then(async (r) => res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' }).end(await r.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function setUp(options: { pricesIncludeTax?: boolean } = {}) {
  p = await startPlatform();
  woo = await startWooCommerceSim({ deliverAsync: false });
  p.onClose(() => woo.close());
  proxy = await startProxy(() => p.appUrl);
  p.onClose(() => new Promise<void>((r) => proxy.close(() => r())));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const site = woo.createSite({ https: false, currency: 'USD', ...(options.pricesIncludeTax ? { pricesIncludeTax: true } : {}) });
  siteId = site.siteId;
  source = (await connectWooCommerce({ store: p.db.store, engine: p.engine }, { tenant: p.tenant, siteUrl: site.siteUrl, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret })).connection;
  const health = await checkWebhooks(p.engine, source, proxyUrl);
  expect(health?.ok).toBe(true);
}

beforeEach(() => {
  down = false;
});
afterEach(async () => p.close());

const order = (email = 'ada@example.com') => ({
  lineItems: [
    { sku: 'MUG-BLK', name: 'Black mug', quantity: 2, price: '14.50' },
    { sku: 'TEE-M', name: 'T-shirt (M)', quantity: 1, price: '25.00' },
  ],
  shippingLines: [{ methodId: 'flat_rate', methodTitle: 'Flat rate', total: '6.95', taxable: true }],
  feeLines: [{ name: 'Gift wrap', total: '2.00', taxable: true }],
  coupons: [{ code: 'WELCOME5', amount: '5.00' }],
  setPaid: true,
  billing: { first_name: 'Ada', last_name: 'Lovelace', email },
});

/** Zoho writes amounts as JSON numbers (64.9); WooCommerce as strings with two decimals ("64.90"). */
const money = (value: unknown) => formatDec(parseDec(String(value)), 2);

const synced = (n: number) => (rs: Array<{ entityType: string; state: string }>) => rs.filter((r) => r.entityType === 'order' && r.state === 'synced').length >= n;

describe('WooCommerce → Zoho Books', () => {
  it('registers four signed webhooks once, answering their pings', async () => {
    await setUp();
    const hooks = woo.listWebhooks(siteId);
    expect(hooks.map((h) => (h as unknown as { topic: string }).topic).sort()).toEqual(['customer.created', 'customer.updated', 'order.created', 'order.updated']);
    expect((await checkWebhooks(p.engine, source, proxyUrl))?.repaired).toEqual([]);
    expect(woo.listWebhooks(siteId)).toHaveLength(4);
  });

  it('posts a guest order with a fee, a coupon and taxed shipping as one invoice that ties out', async () => {
    await setUp();
    p.startWorker();
    const placed = woo.placeOrder(siteId, order()) as unknown as { total: string };
    await woo.settleWebhooks();
    await p.waitForRecords(synced(1), 'the order');
    const invoices = p.invoices();
    expect(invoices).toHaveLength(1);
    expect(money(invoices[0]?.total)).toBe(placed.total);
  });

  it('posts an order from a store whose prices include tax', async () => {
    await setUp({ pricesIncludeTax: true });
    p.startWorker();
    const placed = woo.placeOrder(siteId, order()) as unknown as { total: string };
    await woo.settleWebhooks();
    await p.waitForRecords(synced(1), 'the order');
    expect(p.invoices()[0]?.is_inclusive_tax).toBe(true);
    expect(money(p.invoices()[0]?.total)).toBe(placed.total);
  });

  it('repairs a webhook WooCommerce disabled and catches the missed orders by polling', async () => {
    await setUp();
    p.startWorker();
    down = true;
    const missed = [];
    for (let i = 0; i < 7; i++) missed.push(woo.placeOrder(siteId, order(`buyer${i}@example.com`)));
    await woo.settleWebhooks();
    const disabled = woo.listWebhooks(siteId).filter((h) => (h as unknown as { status: string }).status === 'disabled');
    expect(disabled.length).toBeGreaterThan(0);
    expect(await p.records()).toHaveLength(0);

    down = false;
    const health = await checkWebhooks(p.engine, source, proxyUrl);
    expect(health?.repaired.join(' ')).toMatch(/disabled/);
    expect(woo.listWebhooks(siteId).every((h) => (h as unknown as { status: string }).status === 'active')).toBe(true);
    const trail = await p.db.store.audit.list(p.tenantId, { connectionId: source.id });
    expect(trail.map((a) => a.step)).toContain('webhooks-repaired');

    const report = await p.engine.poll(source, 'orders');
    expect(report.queued).toBe(7);
    await p.waitForRecords(synced(7), 'the seven missed orders');
    expect(p.invoices()).toHaveLength(7);
  });

  it('refuses a forged delivery with 401 and stores nothing', async () => {
    await setUp();
    const res = await fetch(p.webhookUrlOf(source), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': 'AAAA', 'x-wc-webhook-source': 'http://evil.example/', 'x-wc-webhook-id': '1', 'x-wc-webhook-delivery-id': '1', 'x-wc-webhook-resource': 'order', 'x-wc-webhook-event': 'created' },
      body: JSON.stringify({ id: 1 }),
    });
    expect(res.status).toBe(401);
    expect(await p.records()).toHaveLength(0);
  });
});
