/**
 * The `/_sim/shopify/<method>` control routes mirror the in-process API, so a launcher in another process can
 * drive the simulator over HTTP; kit routes (faults, reset) work as for every simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_METHODS } from './control.ts';
import { startShopifySim, type ShopifySim } from './index.ts';
import { gql, sampleOrder, startReceiver } from './test-helpers.ts';

let sim: ShopifySim;
beforeEach(async () => {
  sim = await startShopifySim();
});
afterEach(async () => sim.close());

async function call(method: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/_sim/shopify/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('control routes', () => {
  it('has a route for every in-process method', () => {
    const harness = ['server', 'url', 'clock', 'graphqlUrl', 'close', 'reset'];
    const methods = Object.keys(sim).filter((k) => !harness.includes(k));
    expect([...CONTROL_METHODS].sort()).toEqual(methods.sort());
  });

  it('creates a shop, places an order and reads it back over HTTP', async () => {
    const shop = await call('createShop', { domain: 'remote.myshopify.com', currency: 'EUR' });
    expect(shop.status).toBe(200);
    expect(shop.body.accessToken).toMatch(/^shpat_/);
    const order = await call('placeOrder', { shop: 'remote.myshopify.com', order: sampleOrder() });
    expect(order.body.original.total.shop).toBe('48.96');
    const read = await fetch(`${sim.url}/_sim/shopify/getOrder?shop=remote.myshopify.com&orderId=${order.body.id}`);
    expect(((await read.json()) as { name: string }).name).toBe('#1001');
    const r = await gql(sim, shop.body.accessToken, '{ orders(first: 5) { nodes { legacyResourceId currencyCode } } }');
    expect(r.body.data.orders.nodes).toEqual([{ legacyResourceId: order.body.id, currencyCode: 'EUR' }]);
  });

  it('subscribes a webhook and shows its deliveries over HTTP', async () => {
    const rx = await startReceiver();
    try {
      await call('createShop', { domain: 'remote.myshopify.com', clientSecret: 's' });
      expect((await call('subscribeWebhook', { shop: 'remote.myshopify.com', topic: 'ORDERS_CREATE', address: rx.url })).status).toBe(200);
      await call('placeOrder', { shop: 'remote.myshopify.com', order: sampleOrder() });
      await call('settleWebhooks', {});
      const deliveries = (await (await fetch(`${sim.url}/_sim/shopify/deliveries`)).json()) as { state: string; info: { topic: string } }[];
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.state).toBe('delivered');
      expect(deliveries[0]!.info.topic).toBe('orders/create');
    } finally {
      await rx.close();
    }
  });

  it('answers 404 for an unknown shop and 400 for bad input', async () => {
    expect((await call('placeOrder', { shop: 'nope.myshopify.com', order: sampleOrder() })).status).toBe(404);
    await call('createShop', { domain: 'remote.myshopify.com' });
    const bad = await call('placeOrder', { shop: 'remote.myshopify.com', order: { lineItems: [{ title: 'x', quantity: 1, price: '1.5.0' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/decimal/);
    expect((await call('noSuchThing', {})).status).toBe(404);
  });

  it('POST /_sim/reset forgets every shop', async () => {
    const shop = sim.createShop({ domain: 'gone.myshopify.com' });
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect((await gql(sim, shop.accessToken, '{ shop { name } }')).status).toBe(401);
  });

  it('injects faults on the Admin API through the kit', async () => {
    const shop = sim.createShop({ domain: 'acme.myshopify.com' });
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ pathPrefix: '/admin/api/', status: 503, times: 1 }) });
    expect((await gql(sim, shop.accessToken, '{ shop { name } }')).status).toBe(503);
    expect((await gql(sim, shop.accessToken, '{ shop { name } }')).status).toBe(200);
  });

  it('masks the access token in the request log', async () => {
    const shop = sim.createShop({ domain: 'acme.myshopify.com' });
    await gql(sim, shop.accessToken, '{ shop { name } }');
    expect(sim.server.requests()[0]!.headers['x-shopify-access-token']).not.toContain(shop.accessToken);
  });
});
