/**
 * `/_sim/shipstation/<method>` mirrors every in-process method, so a launcher in another process can drive the
 * simulator over HTTP; the kit's routes (faults, clock, reset) work as for every simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTROL_METHODS } from './control.ts';
import { startShipStationSim, type ShipStationSim } from './index.ts';
import { sampleOrder, startReceiver, startSim, v1 } from './test-helpers.ts';

let sim: ShipStationSim;
beforeEach(async () => {
  sim = await startSim();
});
afterEach(async () => sim.close());

async function call(method: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/_sim/shipstation/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('control routes', () => {
  it('has a route for every in-process method', () => {
    const harness = ['server', 'url', 'clock', 'close'];
    const methods = Object.keys(sim).filter((k) => !harness.includes(k));
    expect([...CONTROL_METHODS].sort()).toEqual(methods.sort());
  });

  it('creates an account, imports, ships and reads back over HTTP, keeping amounts exact', async () => {
    const keys = (await call('createAccount', { name: 'Remote' })).body;
    expect(keys.authorization).toMatch(/^Basic /);
    const raw = `{"accountId":${keys.accountId},"order":{"orderNumber":"R1","items":[{"name":"Gizmo","quantity":3,"unitPrice":0.1}],"amountPaid":0.3}}`;
    const order = (await call('importOrder', raw)).body;
    expect(order.items[0].unitPrice).toBe('0.1');
    const ship = await call('shipOrder', { accountId: keys.accountId, orderId: order.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '4.20' });
    expect(ship.body.shipmentCost).toBe('4.20');
    const read = await fetch(`${sim.url}/_sim/shipstation/getOrder?accountId=${keys.accountId}&orderId=${order.orderId}`);
    expect(((await read.json()) as { orderStatus: string }).orderStatus).toBe('shipped');
    const api = await v1(sim, keys, 'GET', `/orders/${order.orderId}`);
    expect(api.text).toContain('"orderTotal":0.3,');
  });

  it('drives webhooks, switches and settings over HTTP', async () => {
    const rx = await startReceiver();
    try {
      const keys = (await call('createAccount')).body;
      expect((await call('subscribeWebhook', { accountId: keys.accountId, event: 'ORDER_NOTIFY', targetUrl: rx.url })).status).toBe(200);
      expect((await call('setWebhookSwitches', { hold: true })).body).toEqual({ dropRate: 0, duplicateRate: 0, hold: true });
      await call('importOrder', { accountId: keys.accountId, order: sampleOrder() });
      expect((await call('releaseWebhooks', {})).body).toEqual({ released: 1 });
      await call('settleWebhooks');
      const deliveries = (await (await fetch(`${sim.url}/_sim/shipstation/deliveries`)).json()) as { state: string; info: { event: string } }[];
      expect(deliveries.map((d) => [d.state, d.info.event])).toEqual([['delivered', 'ORDER_NOTIFY']]);
      expect((await call('configure', { v1PerMinute: 2, webhooks: { retrySchedule: [1000] } })).body.v1PerMinute).toBe(2);
      expect(sim.config().webhooks.retrySchedule).toEqual([1000]);
    } finally {
      await rx.close();
    }
  });

  it('answers 404 for an unknown account or method, 400 for bad input, 405 for GET on a write', async () => {
    expect((await call('importOrder', { accountId: 1, order: sampleOrder() })).status).toBe(404);
    const keys = (await call('createAccount')).body;
    const bad = await call('importOrder', { accountId: keys.accountId, order: { items: [{ name: 'x', unitPrice: '1.2.3' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/unitPrice/);
    expect((await call('noSuchThing')).status).toBe(404);
    expect((await fetch(`${sim.url}/_sim/shipstation/importOrder`)).status).toBe(405);
    expect((await call('updateOrder', { accountId: keys.accountId, orderId: 1, patch: {} })).status).toBe(404);
  });

  it('POST /_sim/reset forgets every account', async () => {
    const keys = sim.createAccount();
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect((await v1(sim, keys, 'GET', '/orders')).status).toBe(401);
  });

  it('injects faults on the API through the kit', async () => {
    const keys = sim.createAccount();
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ pathPrefix: '/orders', status: 503, times: 1 }) });
    expect((await v1(sim, keys, 'GET', '/orders')).status).toBe(503);
    expect((await v1(sim, keys, 'GET', '/orders')).status).toBe(200);
  });

  it('starts with defaults: no accounts, the real limits, and a port of its own', async () => {
    const other = await startShipStationSim();
    try {
      expect(other.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(other.config()).toMatchObject({ v1PerMinute: 40, v2PerMinute: 200, maxPageSize: 500, ambiguousTime: 'wall' });
      expect((await fetch(`${other.url}/orders`)).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});
