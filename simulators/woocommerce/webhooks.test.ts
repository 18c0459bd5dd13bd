/**
 * Webhooks (notes §8): the creation ping, delivery headers and signature, the Action Scheduler queue
 * (coalescing, payload at delivery time), success/failure counting and the silent auto-disable, switches.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../_kit/clock.ts';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim, type WooCommerceSimOptions } from './index.ts';
import { rest, sampleOrder, startReceiver, type Received, type Receiver } from './test-helpers.ts';

let sim: WooCommerceSim | undefined;
let rx: Receiver | undefined;
afterEach(async () => {
  await rx?.close();
  await sim?.close();
  sim = undefined;
  rx = undefined;
});

const isPing = (r: Received) => String(r.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/** A receiver answering pings 200 and deliveries with `eventStatus(n)` (n counts deliveries from 1). */
async function setup(eventStatus: (n: number) => number = () => 200, options: WooCommerceSimOptions = {}) {
  let n = 0;
  rx = await startReceiver((r) => (isPing(r) ? { status: 200 } : { status: eventStatus(++n) }));
  sim = await startWooCommerceSim(options);
  const site = sim.createSite({ https: true });
  return { sim, rx, site };
}

async function subscribe(s: WooCommerceSim, site: SiteCredentials, topic: string, url: string, secret = 'hush') {
  return (await s.subscribeWebhook(site.siteId, { topic, deliveryUrl: url, secret })).webhook;
}

function header(r: Received, name: string): string {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

describe('creation ping', () => {
  it('sends the form-encoded ping with webhook_id on creation', async () => {
    const { rx, site } = await setup();
    const r = await rest(site, 'POST', '/wc/v3/webhooks', { body: { name: 'Orders', topic: 'order.updated', delivery_url: rx.url, secret: 'hush' } });
    expect(r.status).toBe(201);
    expect(rx.received).toHaveLength(1);
    const ping = rx.received[0]!;
    expect(ping.text).toBe(`webhook_id=${r.body.id}`);
    expect(header(ping, 'content-type')).toContain('application/x-www-form-urlencoded');
    expect(Object.keys(ping.headers).filter((h) => h.startsWith('x-wc-webhook'))).toEqual([]);
  });

  it('needs exactly 200 from the ping, and a failed ping is not counted as a failed delivery', async () => {
    rx = await startReceiver(() => ({ status: 204 }));
    sim = await startWooCommerceSim();
    const site = sim.createSite();
    const { webhook, ping } = await sim.subscribeWebhook(site.siteId, { topic: 'order.created', deliveryUrl: rx.url });
    expect(ping).toMatchObject({ ok: false, status: 204 });
    expect(webhook).toMatchObject({ status: 'active', failure_count: 0, pending_delivery: true });
  });

  it('answers the webhook resource without its secret', async () => {
    const { rx, site } = await setup();
    const r = await rest(site, 'POST', '/wc/v3/webhooks', { body: { topic: 'order.created', delivery_url: rx.url, secret: 'hush' } });
    expect(r.body).toMatchObject({ status: 'active', topic: 'order.created', resource: 'order', event: 'created', hooks: ['woocommerce_new_order'], delivery_url: rx.url });
    expect(r.body.name).toMatch(/^Webhook created on [A-Z][a-z]{2} \d{2}, \d{4} @ \d{2}:\d{2} [AP]M$/);
    expect(r.body).not.toHaveProperty('secret');
  });

  it('refuses an invalid topic or delivery URL', async () => {
    const { rx, site } = await setup();
    const topic = await rest(site, 'POST', '/wc/v3/webhooks', { body: { topic: 'order.shipped', delivery_url: rx.url } });
    expect(topic.body).toEqual({ code: 'woocommerce_rest_shop_webhook_invalid_topic', message: 'Webhook topic is required and must be valid.', data: { status: 400 } });
    expect((await rest(site, 'POST', '/wc/v3/webhooks', { body: { topic: 'action.woocommerce_login_credentials', delivery_url: rx.url } })).status).toBe(400);
    expect((await rest(site, 'POST', '/wc/v3/webhooks', { body: { topic: 'action.woocommerce_thankyou', delivery_url: rx.url } })).status).toBe(201);
    const url = await rest(site, 'POST', '/wc/v3/webhooks', { body: { topic: 'order.created', delivery_url: 'ftp://example.com/x' } });
    expect(url.body.code).toBe('woocommerce_rest_shop_webhook_invalid_delivery_url');
  });
});

describe('delivery', () => {
  it('signs deliveries with base64 HMAC-SHA256 of the raw body', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.created', rx.url, 'hush-secret');
    sim.placeOrder(site.siteId, sampleOrder({ customerNote: 'Café / 2 €' }));
    await sim.settleWebhooks();
    const [got] = rx.events();
    const expected = createHmac('sha256', 'hush-secret').update(got!.raw).digest('base64');
    expect(header(got!, 'x-wc-webhook-signature')).toBe(expected);
    // PHP escapes: a receiver that re-serialises the parsed body gets other bytes and a wrong signature.
    expect(got!.text).toContain('Caf\\u00e9 \\/ 2 \\u20ac');
    const reserialised = createHmac('sha256', 'hush-secret').update(JSON.stringify(JSON.parse(got!.text))).digest('base64');
    expect(reserialised).not.toBe(expected);
  });

  it('uses the secret HTML-entity-decoded', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.created', rx.url, 'a&amp;b');
    sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    const got = rx.events()[0]!;
    expect(header(got, 'x-wc-webhook-signature')).toBe(createHmac('sha256', 'a&b').update(got.raw).digest('base64'));
  });

  it('sends every X-WC-Webhook-* header', async () => {
    const { sim, rx, site } = await setup();
    const hook = await subscribe(sim, site, 'order.created', rx.url);
    sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    const got = rx.events()[0]!;
    expect(header(got, 'x-wc-webhook-source')).toBe(`${site.homeUrl}/`);
    expect(header(got, 'x-wc-webhook-topic')).toBe('order.created');
    expect(header(got, 'x-wc-webhook-resource')).toBe('order');
    expect(header(got, 'x-wc-webhook-event')).toBe('created');
    expect(header(got, 'x-wc-webhook-id')).toBe(String(hook.id));
    expect(header(got, 'x-wc-webhook-delivery-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(header(got, 'user-agent')).toBe('WooCommerce/9.8.0 Hookshot (WordPress/6.8.1)');
    expect(header(got, 'content-type')).toBe('application/json');
  });

  it('delivers the resource exactly as GET /orders/{id} shows it', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.created', rx.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    const got = rx.events()[0]!;
    expect(got.text).toBe((await rest(site, 'GET', `/wc/v3/orders/${order.id}`)).text);
  });

  it('sends only { id } for deleted', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.deleted', rx.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    sim.deleteOrder(site.siteId, order.id);
    await sim.settleWebhooks();
    expect(rx.events().map((r) => r.text)).toEqual([`{"id":${order.id}}`]);
  });

  it('never delivers checkout drafts', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.created', rx.url);
    sim.placeOrder(site.siteId, sampleOrder({ status: 'checkout-draft' }));
    await sim.settleWebhooks();
    expect(rx.events()).toEqual([]);
  });
});

describe('queue', () => {
  it('coalesces a burst of updates to one order into one delivery', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.updated', rx.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    const other = sim.placeOrder(site.siteId, sampleOrder());
    sim.updateOrder(site.siteId, order.id, { customerNote: 'one' });
    sim.setStatus(site.siteId, order.id, 'on-hold');
    sim.updateOrder(site.siteId, order.id, { customerNote: 'three' });
    sim.updateOrder(site.siteId, other.id, { customerNote: 'other' });
    expect(sim.pendingJobs().map((j) => j.resourceId)).toEqual([order.id, other.id]);
    await sim.settleWebhooks();
    const bodies = rx.events().map((r) => JSON.parse(r.text) as { id: number; customer_note: string; status: string });
    expect(bodies.map((b) => b.id).sort()).toEqual([order.id, other.id].sort());
    expect(bodies.find((b) => b.id === order.id)).toMatchObject({ customer_note: 'three', status: 'on-hold' });
  });

  it('builds the payload when the job runs, not when the change happened', async () => {
    const { sim, rx, site } = await setup();
    await subscribe(sim, site, 'order.updated', rx.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    sim.updateOrder(site.siteId, order.id, { customerNote: 'changed' });
    sim.overrideTotals(site.siteId, order.id, { total: '1.00' });
    await sim.settleWebhooks();
    expect(JSON.parse(rx.events()[0]!.text).total).toBe('1.00');
  });

  it('runs a job by itself once asyncDelayMs has passed', async () => {
    const { sim, rx, site } = await setup(undefined, { asyncDelayMs: 20 });
    await subscribe(sim, site, 'order.created', rx.url);
    sim.placeOrder(site.siteId, sampleOrder());
    await rx.waitFor(2, 2_000);
    expect(rx.events()).toHaveLength(1);
  });

  it('runs the queue on the fast clock: 10 simulated seconds pass in a few real milliseconds', async () => {
    const clock = new SimClock();
    clock.speed = 1_000;
    const { sim, rx, site } = await setup(undefined, { clock });
    expect(sim.getConfig().asyncDelayMs).toBe(10_000);
    await subscribe(sim, site, 'order.created', rx.url);
    const started = Date.now();
    sim.placeOrder(site.siteId, sampleOrder());
    await rx.waitFor(2, 2_000);
    expect(rx.events()).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('delivers at once with the payload of that moment when async delivery is off', async () => {
    const { sim, rx, site } = await setup(undefined, { deliverAsync: false });
    await subscribe(sim, site, 'order.updated', rx.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    sim.updateOrder(site.siteId, order.id, { customerNote: 'first' });
    sim.overrideTotals(site.siteId, order.id, { total: '1.00' });
    sim.updateOrder(site.siteId, order.id, { customerNote: 'second' });
    await sim.settleWebhooks();
    const bodies = rx.events().map((r) => JSON.parse(r.text) as { customer_note: string; total: string });
    expect(bodies.map((b) => [b.customer_note, b.total])).toEqual([
      ['first', '38.70'],
      ['second', '1.00'],
    ]);
  });

  it('control methods fire the subscribed topics and bump date_modified', async () => {
    const { sim, rx, site } = await setup();
    for (const topic of ['order.created', 'order.updated', 'customer.created', 'customer.updated', 'product.updated']) await subscribe(sim, site, topic, rx.url);
    const topics = async () => {
      await sim.settleWebhooks();
      const got = rx.events().map((r) => header(r, 'x-wc-webhook-topic'));
      rx.received.length = 0;
      return got.sort();
    };
    const customer = sim.createCustomer(site.siteId, { email: 'dee@example.com' });
    expect(await topics()).toEqual(['customer.created']);
    const order = sim.placeOrder(site.siteId, sampleOrder({ customerId: customer.id }));
    expect(await topics()).toEqual(['order.created']);
    let last = order.date_modified_gmt;
    const bumped = (o: { date_modified_gmt: string }) => {
      expect(o.date_modified_gmt > last).toBe(true);
      last = o.date_modified_gmt;
    };
    sim.clock.advance(2_000);
    bumped(sim.updateOrder(site.siteId, order.id, { customerNote: 'x' }));
    expect(await topics()).toEqual(['order.updated']);
    sim.clock.advance(2_000);
    bumped(sim.setStatus(site.siteId, order.id, 'processing'));
    expect(await topics()).toEqual(['order.updated']);
    sim.clock.advance(2_000);
    sim.refund(site.siteId, order.id, { amount: '1.00' });
    bumped(sim.getOrder(site.siteId, order.id));
    expect(await topics()).toEqual(['order.updated']);
    sim.clock.advance(2_000);
    const updated = sim.updateCustomer(site.siteId, customer.id, { firstName: 'Dee' });
    expect(updated.date_modified_gmt > customer.date_modified_gmt).toBe(true);
    expect(await topics()).toEqual(['customer.updated']);
    sim.placeOrder(site.siteId, sampleOrder({ setPaid: true }));
    expect(await topics()).toEqual(['order.created', 'order.updated']);
  });
});

describe('failures and auto-disable', () => {
  it('disables a webhook after N consecutive failed deliveries (the 7th at the default 5)', async () => {
    const { sim, site } = await setup(() => 500);
    const hook = await subscribe(sim, site, 'order.updated', rx!.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    for (let i = 1; i <= 7; i++) {
      sim.updateOrder(site.siteId, order.id, { customerNote: `try ${i}` });
      await sim.settleWebhooks();
      const state = sim.getWebhook(site.siteId, hook.id);
      expect([state.status, state.failure_count], `after failure ${i}`).toEqual(i < 7 ? ['active', i] : ['disabled', 6]);
    }
    const read = await rest(site, 'GET', `/wc/v3/webhooks/${hook.id}`);
    expect(read.body.status).toBe('disabled');
    expect((await rest(site, 'GET', '/wc/v3/webhooks', { query: { status: 'disabled' } })).body.map((w: { id: number }) => w.id)).toEqual([hook.id]);
    expect(sim.disabledWebhooks()).toEqual([expect.objectContaining({ siteId: site.siteId, webhookId: hook.id })]);
    sim.updateOrder(site.siteId, order.id, { customerNote: 'after' });
    expect(sim.pendingJobs()).toEqual([]);
  });

  it('takes the threshold from maxDeliveryFailures', async () => {
    const { sim, site } = await setup(() => 500, { maxDeliveryFailures: 1 });
    const hook = await subscribe(sim, site, 'order.updated', rx!.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      sim.updateOrder(site.siteId, order.id, { customerNote: String(i) });
      await sim.settleWebhooks();
      statuses.push(sim.getWebhook(site.siteId, hook.id).status);
    }
    expect(statuses).toEqual(['active', 'active', 'disabled']);
  });

  it('counts 200 to 302 as success (redirects are not followed) and 303 or more as failure', async () => {
    const answers = [201, 301, 302, 303, 404, 200];
    const { sim, site } = await setup((n) => answers[n - 1] ?? 200);
    const hook = await subscribe(sim, site, 'order.updated', rx!.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    const counts: number[] = [];
    for (let i = 0; i < answers.length; i++) {
      sim.updateOrder(site.siteId, order.id, { customerNote: String(i) });
      await sim.settleWebhooks();
      counts.push(sim.getWebhook(site.siteId, hook.id).failure_count);
    }
    expect(counts).toEqual([0, 0, 0, 1, 2, 0]);
  });

  it('counts a refused connection and a timeout as failures, and does not retry', async () => {
    rx = await startReceiver((r) => (isPing(r) ? { status: 200 } : { status: 200, delayMs: 1_000 }));
    sim = await startWooCommerceSim({ deliveryTimeoutMs: 100, minRealTimeoutMs: 100 });
    const site = sim.createSite();
    const slow = await subscribe(sim, site, 'order.created', rx.url);
    const dead = await subscribe(sim, site, 'order.created', 'http://127.0.0.1:9/hooks');
    sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    expect(sim.getWebhook(site.siteId, slow.id).failure_count).toBe(1);
    expect(sim.getWebhook(site.siteId, dead.id).failure_count).toBe(1);
    const events = sim.deliveries().filter((d) => d.info.kind === 'event');
    expect(events.map((d) => [d.state, d.attempts.length])).toEqual([
      ['failed', 1],
      ['failed', 1],
    ]);
  });

  it('re-enabling with PUT status=active keeps the failure count unless configured to reset it', async () => {
    const { sim, site } = await setup(() => 500);
    const hook = await subscribe(sim, site, 'order.updated', rx!.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    const fail = async () => {
      sim.updateOrder(site.siteId, order.id, { customerNote: String(Math.random()) });
      await sim.settleWebhooks();
    };
    for (let i = 0; i < 7; i++) await fail();
    const put = await rest(site, 'PUT', `/wc/v3/webhooks/${hook.id}`, { body: { status: 'active' } });
    expect(put.body.status).toBe('active');
    await fail();
    expect(sim.getWebhook(site.siteId, hook.id).status).toBe('disabled');
    sim.configure({ resetFailuresOnReactivate: true });
    sim.updateWebhook(site.siteId, hook.id, { status: 'active' });
    expect(sim.getWebhook(site.siteId, hook.id).failure_count).toBe(0);
  });

  it('a paused webhook queues nothing, but a job queued before the pause is still delivered', async () => {
    const { sim, rx, site } = await setup();
    const hook = await subscribe(sim, site, 'order.updated', rx.url);
    const order = sim.placeOrder(site.siteId, sampleOrder());
    sim.updateOrder(site.siteId, order.id, { customerNote: 'queued' });
    await rest(site, 'PUT', `/wc/v3/webhooks/${hook.id}`, { body: { status: 'paused' } });
    sim.updateOrder(site.siteId, order.id, { customerNote: 'while paused' });
    await sim.settleWebhooks();
    expect(rx.events()).toHaveLength(1);
    sim.updateOrder(site.siteId, order.id, { customerNote: 'later' });
    expect(sim.pendingJobs()).toEqual([]);
  });
});

describe('switches', () => {
  it('holds jobs and releases them in reverse order', async () => {
    const { sim, site } = await setup();
    await subscribe(sim, site, 'order.created', rx!.url);
    sim.setWebhookSwitches({ hold: true });
    const a = sim.placeOrder(site.siteId, sampleOrder());
    const b = sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    expect(rx!.events()).toEqual([]);
    expect(sim.releaseWebhooks({ reverse: true })).toEqual({ released: 2 });
    await sim.settleWebhooks();
    expect(sim.deliveries({ siteId: site.siteId }).filter((d) => d.info.kind === 'event').map((d) => d.info.resourceId)).toEqual([b.id, a.id]);
    expect(rx!.events()).toHaveLength(2);
  });

  it('drops deliveries without counting a failure', async () => {
    const { sim, site } = await setup();
    const hook = await subscribe(sim, site, 'order.created', rx!.url);
    sim.setWebhookSwitches({ dropRate: 1 });
    sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    expect(rx!.events()).toEqual([]);
    expect(sim.deliveries({ webhookId: hook.id }).filter((d) => d.info.kind === 'event').map((d) => d.state)).toEqual(['dropped']);
    expect(sim.getWebhook(site.siteId, hook.id).failure_count).toBe(0);
  });

  it('duplicates deliveries byte for byte, same Delivery-ID', async () => {
    const { sim, site } = await setup();
    await subscribe(sim, site, 'order.created', rx!.url);
    sim.setWebhookSwitches({ duplicateRate: 1 });
    sim.placeOrder(site.siteId, sampleOrder());
    await sim.settleWebhooks();
    const [first, second] = rx!.events();
    expect(second?.text).toBe(first?.text);
    expect(header(second!, 'x-wc-webhook-delivery-id')).toBe(header(first!, 'x-wc-webhook-delivery-id'));
  });
});

describe('webhook resource', () => {
  it('needs force=true to delete (501 otherwise) and reports unknown ids', async () => {
    const { sim, site } = await setup();
    const hook = await subscribe(sim, site, 'order.created', rx!.url);
    const soft = await rest(site, 'DELETE', `/wc/v3/webhooks/${hook.id}`);
    expect(soft.body).toEqual({ code: 'woocommerce_rest_trash_not_supported', message: 'Webhooks do not support trashing.', data: { status: 501 } });
    expect((await rest(site, 'DELETE', `/wc/v3/webhooks/${hook.id}`, { query: { force: true } })).status).toBe(200);
    const gone = await rest(site, 'GET', `/wc/v3/webhooks/${hook.id}`);
    expect(gone.body).toEqual({ code: 'woocommerce_rest_shop_webhook_invalid_id', message: 'ID is invalid.', data: { status: 400 } });
  });
});
