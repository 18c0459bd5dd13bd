/**
 * `POST /orders/createorder(s)` (notes §7): upsert by orderKey, locked shipped/cancelled orders, whole-object
 * replacement, exact amounts from the wire, implicit customers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountKeys, ShipStationSim } from './index.ts';
import { sampleOrder, startSim, v1 } from './test-helpers.ts';

let sim: ShipStationSim;
let keys: AccountKeys;
beforeEach(async () => {
  sim = await startSim();
  keys = sim.createAccount();
});
afterEach(async () => sim.close());

const address = { name: 'Cy Ng', street1: '9 Elm', city: 'Reno', state: 'NV', postalCode: '89501', country: 'US' };
function body(overrides: Record<string, unknown> = {}) {
  return {
    orderNumber: 'API-1',
    orderKey: 'key-1',
    orderDate: '2026-06-14 08:00:00',
    orderStatus: 'awaiting_shipment',
    billTo: address,
    shipTo: address,
    items: [{ lineItemKey: 'a', sku: 'S1', name: 'Widget', quantity: 3, unitPrice: 19.99 }],
    amountPaid: 59.97,
    taxAmount: 0,
    shippingAmount: 0,
    internalNotes: 'keep me',
    ...overrides,
  };
}

describe('createorder', () => {
  it('createorder upserts by orderKey: same key updates the one order, a new key creates another', async () => {
    const first = await v1(sim, keys, 'POST', '/orders/createorder', { body: body() });
    expect(first.status).toBe(200);
    const again = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderNumber: 'API-1-EDITED' }) });
    expect(again.body.orderId).toBe(first.body.orderId);
    expect(again.body.orderNumber).toBe('API-1-EDITED');
    expect(again.body.createDate).toBe(first.body.createDate);
    const other = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderKey: 'key-2' }) });
    expect(other.body.orderId).not.toBe(first.body.orderId);
    expect((await v1(sim, keys, 'GET', '/orders')).body.total).toBe(2);
  });

  it('without orderKey every call creates a new order with a generated key (retries duplicate)', async () => {
    const { orderKey: _k, ...noKey } = body();
    const a = await v1(sim, keys, 'POST', '/orders/createorder', { body: noKey });
    const b = await v1(sim, keys, 'POST', '/orders/createorder', { body: noKey });
    expect(a.body.orderId).not.toBe(b.body.orderId);
    expect(a.body.orderKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.body.orderKey).not.toBe(b.body.orderKey);
  });

  it('bumps modifyDate on an update and keeps createDate', async () => {
    const first = await v1(sim, keys, 'POST', '/orders/createorder', { body: body() });
    sim.clock.advance(90_000);
    const again = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ customerNotes: 'ring twice' }) });
    expect(again.body.modifyDate > first.body.modifyDate).toBe(true);
    expect(again.body.createDate).toBe(first.body.createDate);
  });

  it('shipped and cancelled orders are locked against createorder', async () => {
    const shipped = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderKey: 'ship-me' }) });
    sim.shipOrder({ accountId: keys.accountId, orderId: shipped.body.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '8.10' });
    const cancelled = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderKey: 'cancel-me' }) });
    sim.cancelOrder({ accountId: keys.accountId, orderId: cancelled.body.orderId });
    for (const orderKey of ['ship-me', 'cancel-me']) {
      const res = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderKey, internalNotes: 'late edit' }) });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: sim.config().lockedOrder.message });
    }
    expect((await v1(sim, keys, 'GET', `/orders/${shipped.body.orderId}`)).body.internalNotes).toBe('keep me');
  });

  it('replaces the whole order: a field left out of an update becomes null (pitfall 9)', async () => {
    await v1(sim, keys, 'POST', '/orders/createorder', { body: body() });
    const { internalNotes: _n, ...partial } = body();
    const res = await v1(sim, keys, 'POST', '/orders/createorder', { body: partial });
    expect(res.body.internalNotes).toBeNull();
  });

  it('keeps orderItemId for an item whose lineItemKey stays, and storeId from creation', async () => {
    const store = sim.createStore({ accountId: keys.accountId, storeName: 'Other' });
    const first = await v1(sim, keys, 'POST', '/orders/createorder', { body: body() });
    const res = await v1(sim, keys, 'POST', '/orders/createorder', {
      body: body({ advancedOptions: { storeId: store.storeId }, items: [{ lineItemKey: 'a', name: 'Widget', quantity: 1, unitPrice: 19.99 }, { lineItemKey: 'b', name: 'New', unitPrice: 1 }] }),
    });
    expect(res.body.items[0].orderItemId).toBe(first.body.items[0].orderItemId);
    expect(res.body.items[1].orderItemId).not.toBe(first.body.items[0].orderItemId);
    expect(res.body.advancedOptions.storeId).toBe(keys.manualStoreId);
  });

  it('requires orderNumber, orderDate, orderStatus, billTo and shipTo', async () => {
    for (const key of ['orderNumber', 'orderDate', 'orderStatus', 'billTo', 'shipTo']) {
      const res = await v1(sim, keys, 'POST', '/orders/createorder', { body: { ...body(), [key]: undefined } });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(key);
    }
    expect((await v1(sim, keys, 'POST', '/orders/createorder', { rawBody: '{"orderNumber":' })).status).toBe(400);
  });

  it('keeps the digits of amounts sent as JSON numbers (no float on the way in)', async () => {
    const raw = JSON.stringify(body({ amountPaid: 0 })).replace('"amountPaid":0', '"amountPaid":0.30000000000000000001');
    const res = await v1(sim, keys, 'POST', '/orders/createorder', { rawBody: raw });
    expect(res.text).toContain('"amountPaid":0.30000000000000000001,');
    // 3 × 19.99 with no float error
    expect(res.text).toContain('"orderTotal":59.97,');
  });

  it('reads orderDate as Pacific wall time', async () => {
    const res = await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderDate: '2026-06-14T08:00:00' }) });
    expect(res.body.orderDate).toBe('2026-06-14T08:00:00.0000000');
    expect(sim.getOrder({ accountId: keys.accountId, orderId: res.body.orderId }).orderDate).toBe(Date.parse('2026-06-14T15:00:00Z'));
  });

  it('createorders takes up to 100 and reports each result with hasErrors', async () => {
    const res = await v1(sim, keys, 'POST', '/orders/createorders', { body: [body({ orderKey: 'm1' }), { orderKey: 'bad' }, body({ orderKey: 'm2' })] });
    expect(res.body.hasErrors).toBe(true);
    expect(res.body.results.map((r: { success: boolean }) => r.success)).toEqual([true, false, true]);
    expect(res.body.results[1]).toMatchObject({ orderKey: 'bad', orderId: null });
    expect(res.body.results[1].errorMessage).toMatch(/required/);
    const tooMany = Array.from({ length: 101 }, (_, i) => body({ orderKey: `k${i}` }));
    expect((await v1(sim, keys, 'POST', '/orders/createorders', { body: tooMany })).status).toBe(400);
  });
});

describe('customers', () => {
  it('are created implicitly from customerUsername; there is no endpoint to create one', async () => {
    await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ customerUsername: 'cy@example.com', customerEmail: 'cy@example.com' }) });
    await v1(sim, keys, 'POST', '/orders/createorder', { body: body({ orderKey: 'no-user' }) });
    const list = await v1(sim, keys, 'GET', '/customers');
    expect(list.body).toMatchObject({ total: 1, page: 1, pages: 1 });
    const customer = list.body.customers[0];
    expect(customer).toMatchObject({ name: 'Cy Ng', email: 'cy@example.com', countryCode: 'US', state: 'NV' });
    expect(customer.marketplaceUsernames[0]).toMatchObject({ username: 'cy@example.com', marketplace: 'ShipStation' });
    expect((await v1(sim, keys, 'GET', `/customers/${customer.customerId}`)).body.customerId).toBe(customer.customerId);
    expect((await v1(sim, keys, 'POST', '/customers', { body: { name: 'x' } })).status).toBe(405);
    expect((await v1(sim, keys, 'GET', '/orders', { query: { orderNumber: 'API' } })).body.orders[0].customerId).toBe(customer.customerId);
  });

  it('filter by stateCode, countryCode and marketplaceId; sort by Name', async () => {
    const shop = sim.createStore({ accountId: keys.accountId, storeName: 'Shop', marketplaceName: 'Shopify', marketplaceId: 69 });
    sim.importOrder({ accountId: keys.accountId, storeId: shop.storeId, order: sampleOrder({ customerUsername: 'zed', shipTo: { name: 'Zed', state: 'CA', country: 'US' } }) });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ customerUsername: 'amy', shipTo: { name: 'Amy', state: 'ON', country: 'CA' } }) });
    const names = async (query: Record<string, string | number>) => (await v1(sim, keys, 'GET', '/customers', { query })).body.customers.map((c: { name: string }) => c.name);
    expect(await names({ sortBy: 'Name' })).toEqual(['Amy', 'Zed']);
    expect(await names({ countryCode: 'ca' })).toEqual(['Amy']);
    expect(await names({ stateCode: 'CA' })).toEqual(['Zed']);
    expect(await names({ marketplaceId: 69 })).toEqual(['Zed']);
  });
});
