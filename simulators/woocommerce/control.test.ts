/**
 * The `/_sim/woocommerce/<method>` control routes mirror the in-process API, so a launcher in another process
 * drives the simulator over HTTP; the kit's routes (faults, clock, reset, request log) work as for every simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_METHODS } from './control.ts';
import { startWooCommerceSim, type WooCommerceSim } from './index.ts';
import { rest, sampleOrder, startReceiver } from './test-helpers.ts';

let sim: WooCommerceSim;
beforeEach(async () => {
  sim = await startWooCommerceSim();
});
afterEach(async () => sim.close());

async function call(method: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/_sim/woocommerce/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('control routes', () => {
  it('has a route for every in-process method', () => {
    const harness = ['server', 'url', 'clock', 'siteUrl', 'close', 'reset'];
    const methods = Object.keys(sim).filter((k) => !harness.includes(k));
    expect([...CONTROL_METHODS].sort()).toEqual(methods.sort());
  });

  it('creates a site, places an order and reads it back over HTTP', async () => {
    const site = await call('createSite', { siteId: 'remote', currency: 'EUR', https: true });
    expect(site.status).toBe(200);
    expect(site.body).toMatchObject({ siteId: 'remote', siteUrl: `${sim.url}/sites/remote`, homeUrl: `${sim.url.replace('http:', 'https:')}/sites/remote` });
    const order = await call('placeOrder', { siteId: 'remote', order: sampleOrder() });
    expect(order.body).toMatchObject({ currency: 'EUR', total: '38.70' });
    const read = await fetch(`${sim.url}/_sim/woocommerce/getOrder?siteId=remote&orderId=${order.body.id}`);
    expect(((await read.json()) as { id: number }).id).toBe(order.body.id);
    const listed = await rest(site.body, 'GET', '/wc/v3/orders');
    expect(listed.body.map((o: { id: number }) => o.id)).toEqual([order.body.id]);
  });

  it('subscribes a webhook and shows its deliveries over HTTP', async () => {
    const rx = await startReceiver();
    try {
      await call('createSite', { siteId: 'hooks' });
      const sub = await call('subscribeWebhook', { siteId: 'hooks', webhook: { topic: 'order.created', deliveryUrl: rx.url, secret: 's' } });
      expect(sub.body.ping).toMatchObject({ ok: true, status: 200 });
      await call('placeOrder', { siteId: 'hooks', order: sampleOrder() });
      expect((await call('pendingJobs', {})).body).toHaveLength(1);
      await call('settleWebhooks', {});
      const deliveries = (await (await fetch(`${sim.url}/_sim/woocommerce/deliveries?siteId=hooks`)).json()) as { state: string; info: { kind: string; topic: string } }[];
      expect(deliveries.map((d) => [d.info.kind, d.info.topic, d.state])).toEqual([
        ['ping', 'order.created', 'delivered'],
        ['event', 'order.created', 'delivered'],
      ]);
    } finally {
      await rx.close();
    }
  });

  it('answers 404 for an unknown site or method and 400 for bad input', async () => {
    expect((await call('placeOrder', { siteId: 'nope', order: sampleOrder() })).status).toBe(404);
    await call('createSite', { siteId: 'x' });
    const bad = await call('placeOrder', { siteId: 'x', order: { lineItems: [{ name: 'x', quantity: 1, price: '1.5.0' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/decimal/);
    expect((await call('noSuchThing', {})).status).toBe(404);
    expect((await call('configure', { noSuchSetting: 1 })).status).toBe(400);
  });

  it('changes settings at run time', async () => {
    const r = await call('configure', { maxDeliveryFailures: 25, dateFilterOffsets: 'converted-to-site-time' });
    expect(r.body).toMatchObject({ maxDeliveryFailures: 25, dateFilterOffsets: 'converted-to-site-time' });
    expect(sim.getConfig().maxDeliveryFailures).toBe(25);
  });

  it('POST /_sim/reset forgets every site', async () => {
    const site = sim.createSite({ https: true });
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect((await rest(site, 'GET', '/wc/v3/orders')).status).toBe(404);
    expect(sim.listSites()).toEqual([]);
  });

  it('injects faults on the store API through the kit', async () => {
    const site = sim.createSite({ https: true });
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ pathPrefix: '/sites/', status: 503, times: 1 }) });
    expect((await rest(site, 'GET', '/wc/v3/orders')).status).toBe(503);
    expect((await rest(site, 'GET', '/wc/v3/orders')).status).toBe(200);
  });

  it('masks the Authorization header in the request log', async () => {
    const site = sim.createSite({ https: true });
    await rest(site, 'GET', '/wc/v3/orders', { auth: 'basic' });
    expect(sim.server.requests()[0]!.headers.authorization).not.toContain(Buffer.from(`${site.consumerKey}:${site.consumerSecret}`).toString('base64'));
  });

  it('hosts several stores on one server, each under its own path', async () => {
    const a = sim.createSite({ https: true });
    const b = sim.createSite({ https: true, siteId: 'second' });
    sim.placeOrder(a.siteId, sampleOrder());
    expect(b.siteUrl).toBe(`${sim.url}/sites/second`);
    expect((await rest(a, 'GET', '/wc/v3/orders')).body).toHaveLength(1);
    expect((await rest(b, 'GET', '/wc/v3/orders')).body).toHaveLength(0);
  });
});
