/**
 * `/shipments` holds label shipments only; orders marked as shipped are in `/fulfillments` (notes §3).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountKeys, ShipStationSim } from './index.ts';
import { sampleOrder, setTime, startSim, v1 } from './test-helpers.ts';

let sim: ShipStationSim;
let keys: AccountKeys;
beforeEach(async () => {
  sim = await startSim();
  keys = sim.createAccount();
});
afterEach(async () => sim.close());

function ship(orderId: number, extra: Record<string, string> = {}) {
  return sim.shipOrder({ accountId: keys.accountId, orderId, carrierCode: 'ups_walleted', serviceCode: 'ups_ground', trackingNumber: '1ZTRACK', shipmentCost: '39.57', ...extra });
}

describe('/shipments and /fulfillments', () => {
  it('label shipments are in /shipments; orders marked as shipped are only in /fulfillments', async () => {
    const labelled = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'L' }) });
    const marked = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'M' }) });
    ship(labelled.orderId);
    const mark = await v1(sim, keys, 'POST', '/orders/markasshipped', { body: { orderId: marked.orderId, carrierCode: 'USPS', trackingNumber: '9400', shipDate: '2026-06-15' } });
    expect(mark.body).toEqual({ orderId: marked.orderId, orderNumber: 'M' });
    const shipments = (await v1(sim, keys, 'GET', '/shipments')).body;
    expect(shipments.shipments.map((s: { orderNumber: string }) => s.orderNumber)).toEqual(['L']);
    const fulfillments = (await v1(sim, keys, 'GET', '/fulfillments')).body;
    expect(Object.keys(fulfillments)).toEqual(['fulfillments', 'total', 'page', 'pages']);
    expect(fulfillments.fulfillments).toHaveLength(1);
    expect(fulfillments.fulfillments[0]).toMatchObject({ orderNumber: 'M', carrierCode: 'USPS', trackingNumber: '9400', shipDate: '2026-06-15T00:00:00.0000000', fulfillmentFee: 0 });
    expect((await v1(sim, keys, 'GET', '/orders', { query: { orderStatus: 'shipped' } })).body.total).toBe(2);
  });

  it('a shipment carries the documented fields: date-only shipDate, shipTo as an Address object, number costs', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    setTime(sim, '2026-09-17T17:51:14.503Z');
    ship(order.orderId);
    const [s] = (await v1(sim, keys, 'GET', '/shipments')).body.shipments;
    expect(s).toMatchObject({
      orderId: order.orderId,
      orderKey: order.orderKey,
      createDate: '2026-09-17T10:51:14.5030000',
      shipDate: '2026-09-17',
      shipmentCost: 39.57,
      insuranceCost: 0,
      trackingNumber: '1ZTRACK',
      carrierCode: 'ups_walleted',
      voided: false,
      voidDate: null,
      shipmentItems: null,
      labelData: null,
      formData: null,
    });
    expect(Array.isArray(s.shipTo)).toBe(false);
    expect(s.shipTo.city).toBe('Austin');
    expect(Object.keys(s.advancedOptions)).toEqual(['billToParty', 'billToAccount', 'billToPostalCode', 'billToCountryCode', 'storeId']);
  });

  it('shipmentItems are null unless includeShipmentItems=true', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    ship(order.orderId);
    expect((await v1(sim, keys, 'GET', '/shipments')).body.shipments[0].shipmentItems).toBeNull();
    const items = (await v1(sim, keys, 'GET', '/shipments', { query: { includeShipmentItems: 'True' } })).body.shipments[0].shipmentItems;
    expect(items.map((i: { sku: string | null }) => i.sku)).toEqual(['MUG-1', 'TEE-2', null]);
  });

  it('voided shipments stay in the list with voided and voidDate; the order returns to awaiting_shipment', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const shipment = ship(order.orderId);
    setTime(sim, '2026-06-16T18:00:00Z');
    const res = await v1(sim, keys, 'POST', '/shipments/voidlabel', { body: { shipmentId: shipment.shipmentId } });
    expect(res.body).toEqual({ approved: true, message: 'Label voided successfully' });
    const [s] = (await v1(sim, keys, 'GET', '/shipments')).body.shipments;
    expect(s).toMatchObject({ voided: true, voidDate: '2026-06-16T11:00:00.0000000' });
    expect((await v1(sim, keys, 'GET', '/shipments', { query: { voidDateStart: '2026-06-16 10:00:00' } })).body.total).toBe(1);
    expect((await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).body.orderStatus).toBe('awaiting_shipment');
    expect((await v1(sim, keys, 'POST', '/shipments/voidlabel', { body: { shipmentId: shipment.shipmentId } })).body.approved).toBe(false);
  });

  it('filters shipments by batchId, orderId, trackingNumber, shipDate and recipient', async () => {
    const a = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'A' }) });
    const b = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'B', shipTo: { name: 'Bea Wu', country: 'CA' } }) });
    const sa = ship(a.orderId, { shipDate: '2026-06-20' });
    ship(b.orderId, { trackingNumber: 'T-B' });
    const q = async (query: Record<string, string | number>) => (await v1(sim, keys, 'GET', '/shipments', { query })).body.shipments.map((s: { orderNumber: string }) => s.orderNumber);
    expect(await q({ batchId: sa.batchId })).toEqual(['A']);
    expect(await q({ orderId: b.orderId })).toEqual(['B']);
    expect(await q({ trackingNumber: 'T-B' })).toEqual(['B']);
    expect(await q({ shipDateStart: '2026-06-19' })).toEqual(['A']);
    expect(await q({ recipientName: 'bea' })).toEqual(['B']);
    expect(await q({ recipientCountryCode: 'CA' })).toEqual(['B']);
    expect(await q({ sortBy: 'ShipDate', sortDir: 'DESC' })).toEqual(['A', 'B']);
  });

  it('a batch of labels shares one batchId and a batchNumber', () => {
    const a = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'A' }) });
    const b = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'B' }) });
    const made = sim.shipOrders({
      accountId: keys.accountId,
      shipments: [a, b].map((o) => ({ orderId: o.orderId, carrierCode: 'stamps_com', serviceCode: 'usps_priority_mail', shipmentCost: '7.15' })),
    });
    expect(new Set(made.map((s) => s.batchId)).size).toBe(1);
    expect(made[0]!.batchNumber).toBe(String(made[0]!.batchId));
  });

  it('refuses to label or mark a cancelled order', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    sim.cancelOrder({ accountId: keys.accountId, orderId: order.orderId });
    expect(() => ship(order.orderId)).toThrow(/cancelled/);
    expect((await v1(sim, keys, 'POST', '/orders/markasshipped', { body: { orderId: order.orderId, carrierCode: 'USPS' } })).status).toBe(400);
    expect((await v1(sim, keys, 'POST', '/orders/markasshipped', { body: { orderId: order.orderId } })).status).toBe(400);
  });
});
