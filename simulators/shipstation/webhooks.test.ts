/**
 * V1 webhooks (notes §4): subscribe/list/unsubscribe, pointer payloads, resource URLs that return the batch as a
 * paged list, the trigger rules (edits, cancellations, voids and plain mark-as-shipped fire nothing), no
 * signature, and the delivery switches.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../_kit/clock.ts';
import type { AccountKeys, ShipStationSim, ShipStationSimOptions } from './index.ts';
import { sampleOrder, startReceiver, startSim, v1, type Receiver } from './test-helpers.ts';

let sim: ShipStationSim | undefined;
let rx: Receiver | undefined;
afterEach(async () => {
  await rx?.close();
  await sim?.close();
  sim = undefined;
  rx = undefined;
});

async function setup(events: string[], options: ShipStationSimOptions = {}, respond?: Receiver['respond']): Promise<{ sim: ShipStationSim; rx: Receiver; keys: AccountKeys }> {
  rx = await startReceiver(respond);
  sim = await startSim(options);
  const keys = sim.createAccount();
  for (const event of events) {
    const res = await v1(sim, keys, 'POST', '/webhooks/subscribe', { body: { target_url: rx.url, event, friendly_name: `hook ${event}` } });
    expect(res.status).toBe(201);
  }
  return { sim, rx, keys };
}

const payloads = (r: Receiver) => r.received.map((x) => JSON.parse(x.text) as { resource_url: string; resource_type: string });

describe('subscriptions', () => {
  it('subscribe answers {id}; GET /webhooks lists PascalCase hooks; DELETE unsubscribes', async () => {
    const { sim, keys, rx } = await setup([]);
    const res = await v1(sim, keys, 'POST', '/webhooks/subscribe', { body: { target_url: rx.url, event: 'SHIP_NOTIFY', store_id: keys.manualStoreId, friendly_name: 'Ships' } });
    expect(Object.keys(res.body)).toEqual(['id']);
    const list = (await v1(sim, keys, 'GET', '/webhooks')).body;
    expect(list.webhooks[0]).toEqual({
      IsLabelAPIHook: false, WebHookID: res.body.id, SellerID: keys.accountId, StoreID: keys.manualStoreId, HookType: 'SHIP_NOTIFY',
      MessageFormat: 'Json', Url: rx.url, Name: 'Ships', Active: true, WebhookLogs: [],
    });
    expect((await v1(sim, keys, 'DELETE', `/webhooks/${res.body.id}`)).status).toBe(200);
    expect((await v1(sim, keys, 'GET', '/webhooks')).body.webhooks).toEqual([]);
    expect((await v1(sim, keys, 'DELETE', `/webhooks/${res.body.id}`)).status).toBe(404);
  });

  it("answers {WebHookID, HookType, Url, Name} with subscribeResponse 'pascal', and refuses unknown events", async () => {
    const { sim, keys, rx } = await setup([], { subscribeResponse: 'pascal' });
    const res = await v1(sim, keys, 'POST', '/webhooks/subscribe', { body: { target_url: rx.url, event: 'ORDER_NOTIFY' } });
    expect(Object.keys(res.body)).toEqual(['WebHookID', 'HookType', 'Url', 'Name']);
    expect((await v1(sim, keys, 'POST', '/webhooks/subscribe', { body: { target_url: rx.url, event: 'ORDER_UPDATED' } })).status).toBe(400);
  });
});

describe('payloads and resource URLs', () => {
  it('SHIP_NOTIFY carries only resource_url and resource_type, and no signature header', async () => {
    const { sim, keys, rx } = await setup(['SHIP_NOTIFY']);
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const shipment = sim.shipOrder({ accountId: keys.accountId, orderId: order.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '9.10' });
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.text).toBe(`{"resource_url":"${sim.url}/shipments?batchId=${shipment.batchId}&includeShipmentItems=False","resource_type":"SHIP_NOTIFY"}`);
    expect(got.headers['content-type']).toBe('application/json');
    expect(Object.keys(got.headers).filter((h) => /signature|hmac|x-shipengine|x-shipstation/i.test(h))).toEqual([]);
  });

  it('the resource_url returns the batch paged, fetched with the account\'s own Basic credentials', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY'], { defaultPageSize: 2 });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'EARLIER' }) });
    const batch = sim.importOrders({ accountId: keys.accountId, orders: ['A', 'B', 'C'].map((n) => sampleOrder({ orderNumber: n })) });
    await sim.settleWebhooks();
    const [, second] = payloads(rx);
    expect(second!.resource_type).toBe('ORDER_NOTIFY');
    expect(second!.resource_url).toMatch(new RegExp(`^${sim.url}/orders\\?storeID=${keys.manualStoreId}&importBatch=[0-9a-f-]{36}$`));
    expect(second!.resource_url.length).toBeLessThanOrEqual(200);
    const page1 = await v1(sim, keys, 'GET', second!.resource_url);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pages: 2 });
    const page2 = await v1(sim, keys, 'GET', `${second!.resource_url}&page=2`);
    const ids = [...page1.body.orders, ...page2.body.orders].map((o: { orderId: number }) => o.orderId);
    expect(ids).toEqual(batch.map((o) => o.orderId));
    expect((await v1(sim, undefined, 'GET', second!.resource_url)).status).toBe(401);
  });

  it('another account\'s key gets nothing from a resource_url', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY']);
    const other = sim.createAccount();
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await sim.settleWebhooks();
    const [p] = payloads(rx);
    expect((await v1(sim, other, 'GET', p!.resource_url)).body.total).toBe(0);
  });

  it('ITEM_SHIP_NOTIFY points at the same batch with includeShipmentItems=True; ITEM_ORDER_NOTIFY fires with ORDER_NOTIFY', async () => {
    const { sim, keys, rx } = await setup(['ITEM_SHIP_NOTIFY', 'ITEM_ORDER_NOTIFY']);
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    sim.shipOrder({ accountId: keys.accountId, orderId: order.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '9.10' });
    await sim.settleWebhooks();
    const got = payloads(rx);
    expect(got.map((p) => p.resource_type).sort()).toEqual(['ITEM_ORDER_NOTIFY', 'ITEM_SHIP_NOTIFY']);
    const ship = got.find((p) => p.resource_type === 'ITEM_SHIP_NOTIFY')!;
    expect(ship.resource_url).toMatch(/includeShipmentItems=True$/);
    expect((await v1(sim, keys, 'GET', ship.resource_url)).body.shipments[0].shipmentItems).toHaveLength(3);
  });

  it('a hook with store_id hears only that store', async () => {
    const { sim, keys, rx } = await setup([]);
    const shop = sim.createStore({ accountId: keys.accountId, storeName: 'Shop' });
    sim.subscribeWebhook({ accountId: keys.accountId, event: 'ORDER_NOTIFY', targetUrl: rx.url, storeId: shop.storeId });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'manual' }) });
    sim.importOrder({ accountId: keys.accountId, storeId: shop.storeId, order: sampleOrder({ orderNumber: 'shop' }) });
    await sim.settleWebhooks();
    expect(payloads(rx)).toHaveLength(1);
    expect(payloads(rx)[0]!.resource_url).toContain(`storeID=${shop.storeId}`);
  });
});

describe('trigger rules', () => {
  it('an edit fires no webhook (nor do cancel, void or delete)', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY', 'SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']);
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const other = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: '2' }) });
    const shipment = sim.shipOrder({ accountId: keys.accountId, orderId: order.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '9.10' });
    await sim.settleWebhooks();
    const before = rx.received.length;
    sim.clock.advance(5_000);
    const edited = sim.updateOrder({ accountId: keys.accountId, orderId: other.orderId, patch: { shipTo: { name: 'New Name', country: 'US' }, internalNotes: 'x' } });
    expect(edited.modifyDate).toBeGreaterThan(edited.createDate);
    sim.voidShipment({ accountId: keys.accountId, shipmentId: shipment.shipmentId });
    sim.cancelOrder({ accountId: keys.accountId, orderId: other.orderId });
    await v1(sim, keys, 'DELETE', `/orders/${order.orderId}`);
    await v1(sim, keys, 'POST', '/orders/createorder', {
      body: { orderNumber: '3', orderKey: other.orderKey, orderDate: '2026-06-15 09:00:00', orderStatus: 'on_hold', billTo: {}, shipTo: {} },
    });
    await sim.settleWebhooks();
    expect(rx.received.length).toBe(before);
    expect(before).toBe(3);
  });

  it('an awaiting_payment order fires nothing until it is paid; then ORDER_NOTIFY names it', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY']);
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderStatus: 'awaiting_payment', paymentDate: null }) });
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(0);
    sim.payOrder({ accountId: keys.accountId, orderId: order.orderId });
    await sim.settleWebhooks();
    const [p] = payloads(rx);
    const fetched = await v1(sim, keys, 'GET', p!.resource_url);
    expect(fetched.body.orders.map((o: { orderId: number }) => o.orderId)).toEqual([order.orderId]);
    expect(fetched.body.orders[0].orderStatus).toBe('awaiting_shipment');
  });

  it('createorder through the API fires ORDER_NOTIFY, as a new order does', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY']);
    await v1(sim, keys, 'POST', '/orders/createorder', { body: { orderNumber: 'X', orderDate: '2026-06-15 09:00:00', orderStatus: 'awaiting_shipment', billTo: {}, shipTo: {} } });
    await v1(sim, keys, 'POST', '/orders/createorders', {
      body: ['Y', 'Z'].map((n) => ({ orderNumber: n, orderDate: '2026-06-15 09:00:00', orderStatus: 'awaiting_shipment', billTo: {}, shipTo: {} })),
    });
    await sim.settleWebhooks();
    const got = payloads(rx);
    expect(got).toHaveLength(2);
    expect((await v1(sim, keys, 'GET', got[1]!.resource_url)).body.total).toBe(2);
  });

  it('a plain mark-as-shipped fires nothing; a fill provider\'s shipment fires FULFILLMENT_SHIPPED', async () => {
    const { sim, keys, rx } = await setup(['FULFILLMENT_SHIPPED', 'SHIP_NOTIFY']);
    const a = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'A' }) });
    const b = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'B' }) });
    sim.markShipped({ accountId: keys.accountId, orderId: a.orderId, carrierCode: 'USPS' });
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(0);
    const f = sim.markShipped({ accountId: keys.accountId, orderId: b.orderId, carrierCode: 'UPS', fillProvider: { id: 77, name: 'Amazon FBA' }, fulfillmentFee: '3.25' });
    await sim.settleWebhooks();
    const [p] = payloads(rx);
    expect(p!.resource_type).toBe('FULFILLMENT_SHIPPED');
    const listed = (await v1(sim, keys, 'GET', p!.resource_url)).body;
    expect(listed.fulfillments).toHaveLength(1);
    expect(listed.fulfillments[0]).toMatchObject({ fulfillmentId: f.fulfillmentId, sellerFillProviderName: 'Amazon FBA', fulfillmentFee: 3.25 });
  });
});

describe('delivery', () => {
  it('waits deliveryDelayMs on the sim clock before the first attempt', async () => {
    const clock = new SimClock();
    clock.speed = 1_000;
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY'], { clock, webhooks: { deliveryDelayMs: 120_000 } });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await new Promise((r) => setTimeout(r, 20));
    expect(rx.received).toHaveLength(0);
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(1);
  });

  it('does not retry a failed delivery by default; retries on the configured schedule', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY'], {}, () => ({ status: 500 }));
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(1);
    expect(sim.deliveries()[0]!.state).toBe('failed');
    sim.configure({ webhooks: { retrySchedule: [60_000, 300_000] } });
    rx.respond = (_r, n) => ({ status: n < 4 ? 503 : 200 });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: '2' }) });
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(4);
    const last = sim.deliveries()[1]!;
    expect(last.state).toBe('delivered');
    expect(last.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(last.info).toMatchObject({ event: 'ORDER_NOTIFY', accountId: keys.accountId });
  });

  it('counts a slow answer as a failure after timeoutMs', async () => {
    const { sim, keys } = await setup(['ORDER_NOTIFY'], { webhooks: { timeoutMs: 1, minRealTimeoutMs: 50 } }, () => ({ status: 200, delayMs: 300 }));
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await sim.settleWebhooks();
    expect(sim.deliveries()[0]!.state).toBe('failed');
    expect(sim.deliveries()[0]!.attempts[0]!.error).toBeDefined();
  });

  it('drops, duplicates and holds deliveries on switch', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY']);
    const order = (n: string) => sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: n }) });
    sim.setWebhookSwitches({ dropRate: 1 });
    order('dropped');
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(0);
    expect(sim.deliveries()[0]!.state).toBe('dropped');
    sim.setWebhookSwitches({ dropRate: 0, duplicateRate: 1 });
    order('twice');
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(2);
    expect(rx.received[0]!.text).toBe(rx.received[1]!.text);
    sim.setWebhookSwitches({ duplicateRate: 0, hold: true });
    order('first');
    order('second');
    await sim.settleWebhooks();
    expect(rx.received).toHaveLength(2);
    expect(sim.releaseWebhooks({ reverse: true })).toEqual({ released: 2 });
    await sim.settleWebhooks();
    const urls = payloads(rx).slice(2).map((p) => p.resource_url);
    const numbersInOrder = [];
    for (const url of urls) numbersInOrder.push((await v1(sim, keys, 'GET', url)).body.orders[0].orderNumber);
    expect(numbersInOrder).toEqual(['second', 'first']);
  });

  it('points resource_url at resourceUrlBase when set (e.g. an ssapiN.shipstation.com proxy)', async () => {
    const { sim, keys, rx } = await setup(['ORDER_NOTIFY'], { webhooks: { resourceUrlBase: 'https://ssapi6.shipstation.com' } });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await sim.settleWebhooks();
    expect(payloads(rx)[0]!.resource_url).toMatch(/^https:\/\/ssapi6\.shipstation\.com\/orders\?storeID=\d+&importBatch=/);
  });
});
