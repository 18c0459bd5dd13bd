/**
 * Outbound webhooks (notes §4): headers, signature, REST body shape, delivery and retry rules, switches.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../_kit/clock.ts';
import { DEFAULT_RETRY_SCHEDULE, startShopifySim, type ShopCredentials, type ShopifySim, type ShopifySimOptions } from './index.ts';
import { sampleOrder, startReceiver, type Receiver } from './test-helpers.ts';

let sim: ShopifySim | undefined;
let rx: Receiver | undefined;
afterEach(async () => {
  await rx?.close();
  await sim?.close();
  sim = undefined;
  rx = undefined;
});

async function setup(respond?: Receiver['respond'], options: ShopifySimOptions = {}, topics = ['orders/create']): Promise<{ sim: ShopifySim; rx: Receiver; shop: ShopCredentials }> {
  rx = await startReceiver(respond);
  sim = await startShopifySim(options);
  const shop = sim.createShop({ domain: 'acme.myshopify.com', clientSecret: 'hush-secret' });
  for (const topic of topics) sim.subscribeWebhook({ shop: shop.domain, topic, address: rx.url });
  return { sim, rx, shop };
}

function fastClock(speed = 100_000): SimClock {
  const clock = new SimClock();
  clock.speed = speed;
  return clock;
}

function header(r: { headers: Record<string, string | string[] | undefined> }, name: string): string {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

describe('delivery headers and signature', () => {
  it('signs webhooks with base64 HMAC-SHA256 of the raw body', async () => {
    const { sim, rx } = await setup();
    sim.placeOrder('acme.myshopify.com', sampleOrder());
    await sim.settleWebhooks();
    const [got] = rx.received;
    const expected = createHmac('sha256', 'hush-secret').update(got!.raw).digest();
    const sent = Buffer.from(header(got!, 'X-Shopify-Hmac-Sha256'), 'base64');
    expect(sent.length).toBe(32);
    expect(timingSafeEqual(sent, expected)).toBe(true);
  });

  it('sends the documented X-Shopify-* headers', async () => {
    const { sim, rx } = await setup(undefined, { apiVersion: '2026-01' });
    sim.placeOrder('acme.myshopify.com', sampleOrder());
    await sim.settleWebhooks();
    const got = rx.received[0]!;
    expect(header(got, 'X-Shopify-Topic')).toBe('orders/create');
    expect(header(got, 'X-Shopify-Shop-Domain')).toBe('acme.myshopify.com');
    expect(header(got, 'X-Shopify-API-Version')).toBe('2026-01');
    expect(header(got, 'X-Shopify-Webhook-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(got, 'X-Shopify-Event-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(header(got, 'X-Shopify-Triggered-At'))).not.toBeNaN();
    expect(header(got, 'content-type')).toBe('application/json');
  });

  it('escapes / and & the Ruby way, so re-serialising a parsed body breaks the HMAC', async () => {
    const { sim, rx } = await setup();
    sim.placeOrder('acme.myshopify.com', sampleOrder({ note: 'R&D / gift' }));
    await sim.settleWebhooks();
    const got = rx.received[0]!;
    expect(got.text).toContain('"note":"R\\u0026D \\/ gift"');
    expect(got.text).toContain('"admin_graphql_api_id":"gid:\\/\\/shopify\\/Order\\/');
    const reserialised = JSON.stringify(JSON.parse(got.text));
    const hmac = createHmac('sha256', 'hush-secret').update(reserialised).digest('base64');
    expect(hmac).not.toBe(header(got, 'X-Shopify-Hmac-Sha256'));
  });
});

describe('versioning', () => {
  it("stamps deliveries with the subscription's API version (the version of the call that created it)", async () => {
    const { sim, rx, shop } = await setup(undefined, {}, []);
    const res = await fetch(sim.graphqlUrl('2026-04'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': shop.accessToken },
      body: JSON.stringify({
        query: 'mutation($uri: String!) { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: $uri, format: JSON }) { userErrors { message } } }',
        variables: { uri: rx.url },
      }),
    });
    expect(res.status).toBe(200);
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    expect(header(rx.received[0]!, 'X-Shopify-API-Version')).toBe('2026-04');
  });
});

describe('REST payload shape', () => {
  it('ids above 2^53 survive in webhook bodies', async () => {
    const { sim, rx } = await setup();
    const o = sim.placeOrder('acme.myshopify.com', sampleOrder());
    await sim.settleWebhooks();
    const text = rx.received[0]!.text;
    expect(BigInt(o.id) > 2n ** 53n).toBe(true);
    expect(text.startsWith(`{"id":${o.id},`)).toBe(true);
    for (const li of o.lineItems) expect(text).toContain(`"id":${li.id},`);
    // JSON.parse rounds such ids: the client must not.
    expect(String((JSON.parse(text) as { id: number }).id)).not.toBe(o.id);
  });

  it('writes money as "0.00" strings with *_set pairs and timestamps in the shop offset', async () => {
    const { sim, rx } = await setup();
    const o = sim.placeOrder('acme.myshopify.com', sampleOrder({ presentmentCurrency: 'CAD', presentmentRate: '1.25' }));
    await sim.settleWebhooks();
    const body = JSON.parse(rx.received[0]!.text);
    expect(body).toMatchObject({
      name: '#1001',
      order_number: 1001,
      email: 'ann@example.com',
      currency: 'USD',
      presentment_currency: 'CAD',
      total_price: '48.96',
      subtotal_price: '38.00',
      total_tax: '3.96',
      total_discounts: '7.00',
      total_line_items_price: '45.00',
      taxes_included: false,
      financial_status: 'pending',
      cancelled_at: null,
      total_price_set: { shop_money: { amount: '48.96', currency_code: 'USD' }, presentment_money: { currency_code: 'CAD' } },
      discount_codes: [{ code: 'SPRING', amount: '5.00', type: 'fixed_amount' }],
      customer: { email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' },
      billing_address: { city: 'Austin', province_code: 'TX', country_code: 'US' },
    });
    expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-04:00$/);
    expect(Date.parse(body.created_at)).toBe(o.createdAt);
    expect(body.line_items[1]).toMatchObject({
      sku: 'TEE-2',
      title: 'T-shirt',
      quantity: 1,
      price: '20.00',
      total_discount: '2.00',
      tax_lines: [{ title: 'State Tax', price: '1.40', rate: 0.0825 }],
      discount_allocations: [{ amount: '2.00', discount_application_index: 1 }, { amount: '2.09', discount_application_index: 0 }],
    });
    expect(body.shipping_lines[0]).toMatchObject({ title: 'Standard', code: 'Standard', price: '7.00', tax_lines: [{ price: '0.58' }] });
    expect(body.tax_lines).toEqual([expect.objectContaining({ title: 'State Tax', price: '3.96', rate: 0.0825 })]);
  });
});

describe('topics', () => {
  it('fires orders/paid and orders/updated on markPaid, orders/cancelled and orders/updated on cancel', async () => {
    const { sim, rx } = await setup(undefined, {}, ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'refunds/create']);
    const o = sim.placeOrder('acme.myshopify.com', sampleOrder());
    sim.markPaid('acme.myshopify.com', o.id);
    sim.cancelOrder('acme.myshopify.com', o.id, { reason: 'CUSTOMER', refund: true });
    await sim.settleWebhooks();
    const topics = sim.deliveries().map((d) => d.info?.topic);
    expect(topics).toEqual(['orders/create', 'orders/paid', 'orders/updated', 'refunds/create', 'orders/cancelled', 'orders/updated']);
    const cancelled = JSON.parse(rx.received.find((r) => header(r, 'X-Shopify-Topic') === 'orders/cancelled')!.text);
    expect(cancelled).toMatchObject({ cancel_reason: 'customer', financial_status: 'refunded' });
    expect(cancelled.cancelled_at).toMatch(/-04:00$/);
    const refund = JSON.parse(rx.received.find((r) => header(r, 'X-Shopify-Topic') === 'refunds/create')!.text);
    expect(refund.transactions[0]).toMatchObject({ kind: 'refund', status: 'success', amount: '48.96' });
  });

  it('fires customers/create for a new buyer and customers/update on change', async () => {
    const { sim, rx } = await setup(undefined, {}, ['customers/create', 'customers/update']);
    const o = sim.placeOrder('acme.myshopify.com', sampleOrder());
    sim.updateCustomer('acme.myshopify.com', o.customerId!, { lastName: 'Lee-Smith' });
    await sim.settleWebhooks();
    expect(rx.received.map((r) => header(r, 'X-Shopify-Topic'))).toEqual(['customers/create', 'customers/update']);
    expect(JSON.parse(rx.received[1]!.text)).toMatchObject({ email: 'ann@example.com', last_name: 'Lee-Smith' });
    expect(rx.received[1]!.text).toContain(`"id":${o.customerId},`);
  });

  it('sends one delivery per subscription, sharing the event id', async () => {
    const { sim, rx, shop } = await setup();
    const second = await startReceiver();
    try {
      sim.subscribeWebhook({ shop: shop.domain, topic: 'orders/create', address: second.url });
      sim.placeOrder(shop.domain, sampleOrder());
      await sim.settleWebhooks();
      const a = rx.received[0]!;
      const b = second.received[0]!;
      expect(header(a, 'X-Shopify-Event-Id')).toBe(header(b, 'X-Shopify-Event-Id'));
      expect(header(a, 'X-Shopify-Webhook-Id')).not.toBe(header(b, 'X-Shopify-Webhook-Id'));
    } finally {
      await second.close();
    }
  });
});

describe('delivery rules', () => {
  it('keeps X-Shopify-Webhook-Id across retries and resends the original payload', async () => {
    const { sim, rx, shop } = await setup((_r, n) => ({ status: n <= 2 ? 500 : 200 }), { clock: fastClock() });
    const o = sim.placeOrder(shop.domain, sampleOrder());
    sim.updateOrder(shop.domain, o.id, { note: 'changed after trigger' });
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(3);
    const ids = new Set(rx.received.map((r) => header(r, 'X-Shopify-Webhook-Id')));
    const events = new Set(rx.received.map((r) => header(r, 'X-Shopify-Event-Id')));
    expect(ids.size).toBe(1);
    expect(events.size).toBe(1);
    expect(new Set(rx.received.map((r) => r.text)).size).toBe(1);
    expect(rx.received[2]!.text).not.toContain('changed after trigger');
    expect(sim.deliveries()[0]!.state).toBe('delivered');
  });

  it('retries 8 times over 4 hours, then removes the subscription', async () => {
    // ×20 000: the 4 simulated hours take 0.72 s; each real millisecond of overhead adds 20 simulated seconds.
    const { sim, rx, shop } = await setup(() => ({ status: 500 }), { clock: fastClock(20_000) });
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(9);
    const [delivery] = sim.deliveries();
    expect(delivery!.state).toBe('failed');
    const at = delivery!.attempts.map((a) => Date.parse(a.at));
    expect(at[8]! - at[0]!).toBeGreaterThanOrEqual(4 * 3_600_000);
    // Loose upper bound: real-time overhead is magnified by the clock speed; still nowhere near the old 48 h.
    expect(at[8]! - at[0]!).toBeLessThan(6 * 3_600_000);
    expect(sim.listWebhooks(shop.domain)).toEqual([]);
    expect(sim.removedSubscriptions()).toHaveLength(1);
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(9);
  });

  it('uses an exponential retry schedule of 8 waits adding up to 4 hours', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toHaveLength(8);
    expect(DEFAULT_RETRY_SCHEDULE.reduce((a, b) => a + b, 0)).toBe(4 * 3_600_000);
    for (let i = 1; i < DEFAULT_RETRY_SCHEDULE.length; i++) expect(DEFAULT_RETRY_SCHEDULE[i]!).toBeGreaterThan(DEFAULT_RETRY_SCHEDULE[i - 1]!);
  });

  it('counts an answer slower than 5 seconds as a failure', async () => {
    // Clock ×20: the 5 s window is 250 ms of real time; the receiver answers the first attempt after 400 ms (8 s).
    const { sim, rx, shop } = await setup((_r, n) => ({ status: 200, delayMs: n === 1 ? 400 : 0 }), { clock: fastClock(20), webhooks: { retrySchedule: [1_000] } });
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    const [delivery] = sim.deliveries();
    expect(delivery!.attempts[0]!.error).toBeDefined();
    expect(delivery!.attempts[1]!.status).toBe(200);
    expect(rx.received).toHaveLength(2);
  });

  it('counts a 3xx answer as a failure', async () => {
    const { sim, shop } = await setup((_r, n) => ({ status: n === 1 ? 302 : 200 }), { clock: fastClock() });
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    expect(sim.deliveries()[0]!.attempts.map((a) => a.status)).toEqual([302, 200]);
  });

  it('drops deliveries when the drop switch is on', async () => {
    const { sim, rx, shop } = await setup();
    sim.setWebhookSwitches({ dropRate: 1 });
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(0);
    expect(sim.deliveries()[0]!.state).toBe('dropped');
  });

  it('duplicates deliveries with the same ids when the duplicate switch is on', async () => {
    const { sim, rx, shop } = await setup();
    sim.setWebhookSwitches({ duplicateRate: 1 });
    sim.placeOrder(shop.domain, sampleOrder());
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(2);
    expect(header(rx.received[0]!, 'X-Shopify-Webhook-Id')).toBe(header(rx.received[1]!, 'X-Shopify-Webhook-Id'));
    expect(header(rx.received[0]!, 'X-Shopify-Event-Id')).toBe(header(rx.received[1]!, 'X-Shopify-Event-Id'));
  });

  it('can hold deliveries and release them out of order (orders/paid before orders/create)', async () => {
    const { sim, rx, shop } = await setup(undefined, {}, ['orders/create', 'orders/paid']);
    sim.setWebhookSwitches({ hold: true });
    sim.placeOrder(shop.domain, sampleOrder({ financialStatus: 'PAID' }));
    expect(sim.releaseWebhooks({ reverse: true })).toBe(2);
    await sim.settleWebhooks();
    await rx.waitFor(2);
    expect(rx.received.map((r) => header(r, 'X-Shopify-Topic'))).toEqual(['orders/paid', 'orders/create']);
  });

  it('refuses plain-http addresses other than loopback, as Shopify only delivers over HTTPS', () => {
    return setup(undefined, {}, []).then(({ sim, shop }) => {
      expect(() => sim.subscribeWebhook({ shop: shop.domain, topic: 'orders/create', address: 'http://hooks.example.com/x' })).toThrow(/not supported/);
    });
  });
});
