/**
 * `GET /orders` and `GET /orders/{id}` (notes §2): filters, sorting, paging, the envelope, and the order's
 * fields with amounts as exact JSON numbers.
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

const numbers = (r: { body: { orders: { orderNumber: string }[] } }) => r.body.orders.map((o) => o.orderNumber);

describe('GET /orders', () => {
  it('answers the envelope {orders, total, page, pages} with pages = ceil(total / pageSize)', async () => {
    for (let i = 0; i < 5; i++) sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: `N${i}` }) });
    const res = await v1(sim, keys, 'GET', '/orders', { query: { pageSize: 2, page: 3 } });
    expect(Object.keys(res.body)).toEqual(['orders', 'total', 'page', 'pages']);
    expect(res.body).toMatchObject({ total: 5, page: 3, pages: 3 });
    expect(numbers(res)).toEqual(['N4']);
    expect((await v1(sim, keys, 'GET', '/orders', { query: { pageSize: 2, page: 9 } })).body.orders).toEqual([]);
  });

  it('pageSize above 500 is served as 500 (clamped) by default', async () => {
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const res = await v1(sim, keys, 'GET', '/orders', { query: { pageSize: 501 } });
    expect(res.status).toBe(200);
    expect(res.body.pages).toBe(1);
    expect(sim.config().maxPageSize).toBe(500);
  });

  it("pageSize above 500 is refused with 400 when pageSizeOverMax is 'reject'", async () => {
    sim.configure({ pageSizeOverMax: 'reject' });
    const res = await v1(sim, keys, 'GET', '/orders', { query: { pageSize: 501 } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/500/);
    expect((await v1(sim, keys, 'GET', '/orders', { query: { pageSize: 500 } })).status).toBe(200);
  });

  it('pages by 100 when no pageSize is given', async () => {
    const orders = Array.from({ length: 101 }, (_, i) => sampleOrder({ orderNumber: `B${i}` }));
    sim.importOrders({ accountId: keys.accountId, orders });
    const res = await v1(sim, keys, 'GET', '/orders');
    expect(res.body).toMatchObject({ total: 101, pages: 2 });
    expect(res.body.orders).toHaveLength(100);
  });

  it('sorts by ascending orderId when sortBy is absent; sortBy ModifyDate with sortDir DESC', async () => {
    const a = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'A' }) });
    sim.clock.advance(1_000);
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'B' }) });
    sim.clock.advance(1_000);
    sim.updateOrder({ accountId: keys.accountId, orderId: a.orderId, patch: { internalNotes: 'touched' } });
    expect(numbers(await v1(sim, keys, 'GET', '/orders'))).toEqual(['A', 'B']);
    expect(numbers(await v1(sim, keys, 'GET', '/orders', { query: { sortBy: 'ModifyDate', sortDir: 'DESC' } }))).toEqual(['A', 'B']);
    expect(numbers(await v1(sim, keys, 'GET', '/orders', { query: { sortBy: 'CreateDate', sortDir: 'DESC' } }))).toEqual(['B', 'A']);
  });

  it('orderNumber is a prefix match, not equality', async () => {
    for (const n of ['1001', '10010', '1002', 'X1001']) sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: n }) });
    expect(numbers(await v1(sim, keys, 'GET', '/orders', { query: { orderNumber: '1001' } }))).toEqual(['1001', '10010']);
  });

  it('filters by orderStatus (omitted: all statuses) and refuses an unknown status', async () => {
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'P', orderStatus: 'awaiting_payment' }) });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'S' }) });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'R', orderStatus: 'rejected_fulfillment' }) });
    expect(numbers(await v1(sim, keys, 'GET', '/orders', { query: { orderStatus: 'awaiting_shipment' } }))).toEqual(['S']);
    expect(numbers(await v1(sim, keys, 'GET', '/orders', { query: { orderStatus: 'rejected_fulfillment' } }))).toEqual(['R']);
    expect(numbers(await v1(sim, keys, 'GET', '/orders'))).toHaveLength(3);
    expect((await v1(sim, keys, 'GET', '/orders', { query: { orderStatus: 'paid' } })).status).toBe(400);
  });

  it('filters by storeId, customerName, itemKeyword and orderDate (end inclusive)', async () => {
    const store = sim.createStore({ accountId: keys.accountId, storeName: 'Shop', marketplaceName: 'Shopify' });
    sim.importOrder({ accountId: keys.accountId, storeId: store.storeId, order: sampleOrder({ orderNumber: 'IN-STORE', orderDate: '2026-06-01T12:00:00' }) });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'MANUAL', billTo: { name: 'Bo Diaz' }, shipTo: { name: 'Bo Diaz' }, items: [{ name: 'Lamp', sku: 'LAMP-9', unitPrice: '5' }] }) });
    const q = async (query: Record<string, string | number>) => numbers(await v1(sim, keys, 'GET', '/orders', { query }));
    expect(await q({ storeId: store.storeId })).toEqual(['IN-STORE']);
    expect(await q({ customerName: 'bo di' })).toEqual(['MANUAL']);
    expect(await q({ itemKeyword: 'lamp' })).toEqual(['MANUAL']);
    expect(await q({ itemKeyword: 'Large' })).toEqual(['IN-STORE']);
    expect(await q({ orderDateEnd: '2026-06-01 12:00:00' })).toEqual(['IN-STORE']);
  });

  it('matches paths and parameter names case-insensitively (storeID as in ORDER_NOTIFY URLs)', async () => {
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const res = await v1(sim, keys, 'GET', '/Orders', { query: { storeID: keys.manualStoreId, SORTDIR: 'desc' } });
    expect(res.body.total).toBe(1);
  });
});

describe('an order', () => {
  it('carries every documented field, with every Address key present and null where empty', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const body = (await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).body;
    expect(Object.keys(body)).toEqual([
      'orderId', 'orderNumber', 'orderKey', 'orderDate', 'createDate', 'modifyDate', 'paymentDate', 'shipByDate', 'orderStatus',
      'customerId', 'customerUsername', 'customerEmail', 'billTo', 'shipTo', 'items', 'orderTotal', 'amountPaid', 'taxAmount',
      'shippingAmount', 'customerNotes', 'internalNotes', 'gift', 'giftMessage', 'paymentMethod', 'requestedShippingService',
      'carrierCode', 'serviceCode', 'packageCode', 'confirmation', 'shipDate', 'holdUntilDate', 'weight', 'dimensions',
      'insuranceOptions', 'internationalOptions', 'advancedOptions', 'tagIds', 'userId', 'externallyFulfilled',
      'externallyFulfilledBy', 'externallyFulfilledById', 'externallyFulfilledByName',
    ]);
    expect(body.billTo).toEqual({
      name: 'Ann Lee', company: null, street1: null, street2: null, street3: null, city: null, state: null,
      postalCode: null, country: null, phone: null, residential: null, addressVerified: null,
    });
    expect(body.items[2]).toMatchObject({ lineItemKey: 'D1', unitPrice: -4.5, adjustment: true });
    expect(Object.keys(body.items[0])).toEqual([
      'orderItemId', 'lineItemKey', 'sku', 'name', 'imageUrl', 'weight', 'quantity', 'unitPrice', 'taxAmount', 'shippingAmount',
      'warehouseLocation', 'options', 'productId', 'fulfillmentSku', 'adjustment', 'upc', 'createDate', 'modifyDate',
    ]);
    expect(body.advancedOptions.storeId).toBe(keys.manualStoreId);
    expect(body.weight).toEqual({ value: 0, units: 'ounces', WeightUnits: 1 });
  });

  it('sends amounts as JSON numbers written from exact decimals; orderTotal = lines + tax + shipping', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const text = (await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).text;
    // 2 × 12.50 + 20.10 − 4.50 + 3.06 + 7.00 = 50.66 (a float sum would print 50.660000000000004).
    expect(text).toContain('"orderTotal":50.66,"amountPaid":50.76,"taxAmount":3.06,"shippingAmount":7,');
    expect(text).toContain('"unitPrice":12.5,');
    sim.configure({ moneyStyle: 'fixed2' });
    expect((await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).text).toContain('"shippingAmount":7.00,');
  });

  it('states the store\'s total when the store gave one', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderTotal: '49.99' }) });
    expect((await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).body.orderTotal).toBe(49.99);
  });

  it('DELETE /orders/{id} is a soft delete: gone from the list, still readable by id', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const res = await v1(sim, keys, 'DELETE', `/orders/${order.orderId}`);
    expect(res.body.success).toBe(true);
    expect((await v1(sim, keys, 'GET', '/orders')).body.total).toBe(0);
    expect((await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).status).toBe(200);
  });

  it('answers 404 with {message} for an unknown order or path, 405 for a wrong method', async () => {
    const missing = await v1(sim, keys, 'GET', '/orders/1');
    expect(missing.status).toBe(404);
    expect(typeof missing.body.message).toBe('string');
    expect((await v1(sim, keys, 'GET', '/nothing-here')).status).toBe(404);
    expect((await v1(sim, keys, 'PUT', '/orders')).status).toBe(405);
  });
});
