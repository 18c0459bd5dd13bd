import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { createShipStationSource } from './source.ts';
import { answer, collect, context, envelope, fakeHttp, testConnection } from './test-kit.ts';
import type { Seen } from './test-kit.ts';

const ORDER = {
  orderId: 42,
  orderNumber: '1001',
  orderDate: '2026-06-15T10:00:00.0000000',
  createDate: '2026-06-15T10:00:01.0000000',
  modifyDate: '2026-06-15T10:00:02.0000000',
  orderStatus: 'awaiting_shipment',
  customerId: 7,
  customerEmail: 'buyer@example.com',
  items: [{ orderItemId: 1, sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: '12.50', adjustment: false }],
  orderTotal: '25.00',
  taxAmount: 0,
  shippingAmount: 0,
};

const shipment = (id: number, orderId = 42) => ({ shipmentId: id, orderId, orderNumber: '1001', createDate: '2026-06-15T11:00:00.0000000', shipDate: '2026-06-15', shipmentCost: '8.10', insuranceCost: 0, trackingNumber: `1Z${id}`, carrierCode: 'ups', serviceCode: 'ups_ground', voided: false, voidDate: null });

describe('ping', () => {
  it('a cheap authenticated read: says the keys work and how many orders it sees', async () => {
    const fake = fakeHttp().on('GET', '/orders', answer(200, { orders: [ORDER], total: 312, page: 1, pages: 312 }));
    const result = await createShipStationSource(context(fake.http)).ping();
    expect(result).toEqual({ ok: true, message: 'Connected to ShipStation (ssapi.shipstation.com): the API key and secret work, 312 orders are visible.' });
    expect(fake.seen[0]?.query).toEqual({ pageSize: '1', sortBy: 'ModifyDate', sortDir: 'DESC' });
  });

  it('plain sentences for bad keys, an unreachable host, and a spent rate limit', async () => {
    const refused = fakeHttp().on('GET', '/orders', answer(401, { message: 'Unauthorized' }));
    expect(await createShipStationSource(context(refused.http)).ping()).toEqual({
      ok: false,
      message: 'ShipStation refused the API key and secret: re-enter them from ShipStation (Settings → Account → API Settings).',
    });

    const unreachable = context(async () => {
      throw new SyncError('NETWORK', 'shipstation.ping: fetch failed (ECONNREFUSED)');
    }, testConnection({ apiBaseUrl: 'http://127.0.0.1:1' }));
    const down = await createShipStationSource(unreachable).ping();
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/^Could not reach ShipStation at 127\.0\.0\.1:1: check the network/);

    const limited = fakeHttp().on('GET', '/orders', answer(429, { message: 'Too Many Requests' }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '17' }));
    expect(await createShipStationSource(context(limited.http)).ping()).toEqual({
      ok: false,
      message: "ShipStation's limit of 40 calls a minute for this API key is used up right now; try again in 17 s.",
    });
  });

  it('checks a stored V2 key too, and says when only it is wrong', async () => {
    const connection = testConnection({}, { v2ApiKey: 'v2' });
    const good = fakeHttp().on('GET', '/orders', envelope('orders', [], 1, 1)).on('GET', '/v2/shipments', answer(200, { shipments: [] }));
    expect((await createShipStationSource(context(good.http, connection)).ping()).message).toMatch(/The V2 API key works too\.$/);
    const bad = fakeHttp().on('GET', '/orders', envelope('orders', [], 1, 1)).on('GET', '/v2/shipments', answer(401, { request_id: 'x', errors: [] }));
    expect(await createShipStationSource(context(bad.http, connection)).ping()).toEqual({
      ok: false,
      message: 'The V1 API key and secret work, but ShipStation refused the V2 API key: re-enter it, or remove it from the connection.',
    });
  });
});

describe('fetchOrder and fetchCustomer', () => {
  it('GET /orders/{id} → a canonical order; null when ShipStation says 404', async () => {
    const fake = fakeHttp().on('GET', '/orders/42', answer(200, ORDER));
    const order = await createShipStationSource(context(fake.http)).fetchOrder('42');
    expect(order).toMatchObject({ source: 'shipstation', id: '42', number: '1001', status: 'paid', totals: { total: '25' } });
    expect(await createShipStationSource(context(fakeHttp().http)).fetchOrder('43')).toBeNull();
  });

  it('uses the configured currency', async () => {
    const fake = fakeHttp().on('GET', '/orders/42', answer(200, ORDER));
    expect((await createShipStationSource(context(fake.http, testConnection({ currency: 'cad' }))).fetchOrder('42'))?.currency).toBe('CAD');
  });

  it('refuses an id that is not a number before calling', async () => {
    const fake = fakeHttp();
    expect((await syncErrorOf(createShipStationSource(context(fake.http)).fetchOrder('../webhooks'))).code).toBe('VALIDATION');
    expect(fake.seen).toHaveLength(0);
  });

  it('GET /customers/{id}; null on 404; other errors pass through', async () => {
    const fake = fakeHttp().on('GET', '/customers/7', answer(200, { customerId: 7, name: 'Ann Lee', email: 'ann@example.com', modifyDate: '2026-01-05T16:12:40.1200000' }));
    expect(await createShipStationSource(context(fake.http)).fetchCustomer('7')).toMatchObject({ id: '7', email: 'ann@example.com', billingAddress: { name: 'Ann Lee' } });
    expect(await createShipStationSource(context(fake.http)).fetchCustomer('8')).toBeNull();
    const broken = fakeHttp().on('GET', '/customers/7', answer(503, 'down'));
    expect((await syncErrorOf(createShipStationSource(context(broken.http)).fetchCustomer('7'))).code).toBe('TRANSIENT');
  });
});

describe('fetchShipment', () => {
  it('a label: lists the order\'s shipments (V1 has no shipment by id) and picks it, across pages', async () => {
    const fake = fakeHttp().on('GET', '/shipments', (r: Seen) => (r.query['page'] === '1' ? envelope('shipments', [shipment(1)], 1, 1, 2) : envelope('shipments', [shipment(2)], 2, 1, 2)));
    const source = createShipStationSource(context(fake.http), { pageSize: 1 });
    expect(await source.fetchShipment('label:42:2')).toMatchObject({ id: '2', orderId: '42', carrier: 'ups', cost: '8.1', trackingNumber: '1Z2' });
    expect(fake.seen.map((s) => s.query)).toEqual([
      { orderId: '42', page: '1', pageSize: '1' },
      { orderId: '42', page: '2', pageSize: '1' },
    ]);
    expect(await source.fetchShipment('label:42:3')).toBeNull();
  });

  it('a fulfillment: GET /fulfillments?fulfillmentId=', async () => {
    const fake = fakeHttp().on('GET', '/fulfillments', (r: Seen) =>
      envelope('fulfillments', r.query['fulfillmentId'] === '5501' ? [{ fulfillmentId: 5501, orderId: 42, orderNumber: '1001', createDate: '2026-06-15T11:00:00.0000000', shipDate: '2026-06-15T00:00:00.0000000', carrierCode: 'USPS', trackingNumber: '9400', fulfillmentFee: 0, voided: false }] : [], 1, 500),
    );
    const source = createShipStationSource(context(fake.http));
    expect(await source.fetchShipment('fulfillment:5501')).toMatchObject({ id: 'F5501', carrier: 'USPS', trackingNumber: '9400' });
    expect(await source.fetchShipment('fulfillment:5502')).toBeNull();
  });

  it('refuses an id that is not one of ours', async () => {
    expect((await syncErrorOf(createShipStationSource(context(fakeHttp().http)).fetchShipment('271726263'))).code).toBe('VALIDATION');
  });
});

describe('expandPointer', () => {
  const SHIP_URL = 'https://ssapi.shipstation.com/shipments?batchId=144015674&includeShipmentItems=False';

  it('follows a SHIP_NOTIFY resource_url through every page of its batch', async () => {
    const fake = fakeHttp().on('GET', '/shipments', (r: Seen) => (r.query['page'] === '1' ? envelope('shipments', [shipment(1), shipment(2)], 1, 2, 3) : envelope('shipments', [shipment(3, 43)], 2, 2, 3)));
    const pages = await collect(createShipStationSource(context(fake.http), { pageSize: 2 }).expandPointer({ url: SHIP_URL, resourceType: 'SHIP_NOTIFY' }));
    expect(fake.seen.map((s) => s.url)).toEqual([`${SHIP_URL}&page=1&pageSize=2`, `${SHIP_URL}&page=2&pageSize=2`]);
    expect(fake.seen[0]?.headers?.['Authorization']).toBe('Basic U2hpcFN0YXRpb246Um9ja3M=');
    expect(pages.flatMap((p) => p.items)).toEqual([
      { entityType: 'shipment', sourceId: 'label:42:1', updatedAt: '2026-06-15T18:00:00.000Z' },
      { entityType: 'shipment', sourceId: 'label:42:2', updatedAt: '2026-06-15T18:00:00.000Z' },
      { entityType: 'shipment', sourceId: 'label:43:3', updatedAt: '2026-06-15T18:00:00.000Z' },
    ]);
  });

  it('an ORDER_NOTIFY batch on a numbered host yields its orders', async () => {
    const url = 'https://ssapi11.shipstation.com/orders?storeID=123456&importBatch=1ab23c4d';
    const fake = fakeHttp().on('GET', '/orders', envelope('orders', [ORDER], 1, 500));
    const pages = await collect(createShipStationSource(context(fake.http)).expandPointer({ url, resourceType: 'ORDER_NOTIFY' }));
    expect(fake.seen[0]?.parsed.host).toBe('ssapi11.shipstation.com');
    expect(pages).toEqual([{ items: [{ entityType: 'order', sourceId: '42', updatedAt: '2026-06-15T17:00:02.000Z' }], cursor: '' }]);
  });

  it('checks the URL again before sending credentials: a foreign host is refused and nothing is sent', async () => {
    const fake = fakeHttp();
    const error = await syncErrorOf(collect(createShipStationSource(context(fake.http)).expandPointer({ url: 'https://evil.example.com/shipments?batchId=1', resourceType: 'SHIP_NOTIFY' })));
    expect(error.code).toBe('VALIDATION');
    expect(fake.seen).toHaveLength(0);
  });
});

describe('ensureWebhooks', () => {
  const ADDRESS = 'https://sync.example.com/webhooks/conn-ss/wk-secret';
  const hook = (id: number, type: string, url: string, active = true) => ({ IsLabelAPIHook: false, WebHookID: id, SellerID: 1, StoreID: null, HookType: type, MessageFormat: 'Json', Url: url, Name: null, Active: active, WebhookLogs: [] });

  it('subscribes the three events when missing, and says so without the secret address', async () => {
    const fake = fakeHttp()
      .on('GET', '/webhooks', answer(200, { webhooks: [hook(1, 'ORDER_NOTIFY', 'https://other.example.com/hook')] }))
      .on('POST', '/webhooks/subscribe', answer(201, { id: 9 }));
    const health = await createShipStationSource(context(fake.http)).ensureWebhooks(ADDRESS);
    const posted = fake.seen.filter((s) => s.method === 'POST').map((s) => JSON.parse(s.body ?? '{}') as unknown);
    expect(posted).toEqual([
      { target_url: ADDRESS, event: 'ORDER_NOTIFY', friendly_name: 'ml-connector ORDER_NOTIFY' },
      { target_url: ADDRESS, event: 'SHIP_NOTIFY', friendly_name: 'ml-connector SHIP_NOTIFY' },
      { target_url: ADDRESS, event: 'FULFILLMENT_SHIPPED', friendly_name: 'ml-connector FULFILLMENT_SHIPPED' },
    ]);
    expect(health.ok).toBe(true);
    expect(health.repaired).toEqual([
      "ORDER_NOTIFY was not subscribed: subscribed it to this connection's address.",
      "SHIP_NOTIFY was not subscribed: subscribed it to this connection's address.",
      "FULFILLMENT_SHIPPED was not subscribed: subscribed it to this connection's address.",
    ]);
    expect(JSON.stringify(health)).not.toContain('wk-secret');
  });

  it('reports nothing and changes nothing when all three are there (the bare-array list form too)', async () => {
    const hooks = [hook(1, 'ORDER_NOTIFY', ADDRESS), hook(2, 'SHIP_NOTIFY', `${ADDRESS}/`), hook(3, 'FULFILLMENT_SHIPPED', ADDRESS)];
    for (const body of [{ webhooks: hooks }, hooks]) {
      const fake = fakeHttp().on('GET', '/webhooks', answer(200, body));
      const health = await createShipStationSource(context(fake.http)).ensureWebhooks(ADDRESS);
      expect(health).toEqual({ ok: true, repaired: [], message: "ShipStation sends ORDER_NOTIFY, SHIP_NOTIFY, FULFILLMENT_SHIPPED to this connection's address." });
      expect(fake.seen).toHaveLength(1);
    }
  });

  it('replaces a switched-off hook (the API cannot re-enable one) and removes a duplicate', async () => {
    const fake = fakeHttp()
      .on('GET', '/webhooks', answer(200, { webhooks: [hook(1, 'ORDER_NOTIFY', ADDRESS, false), hook(2, 'SHIP_NOTIFY', ADDRESS), hook(3, 'SHIP_NOTIFY', ADDRESS), hook(4, 'FULFILLMENT_SHIPPED', ADDRESS)] }))
      .on('DELETE', /^\/webhooks\/\d+$/, { status: 200, headers: {}, text: '' })
      .on('POST', '/webhooks/subscribe', answer(201, { WebHookID: 10, HookType: 'ORDER_NOTIFY', Url: ADDRESS, Name: null }));
    const health = await createShipStationSource(context(fake.http)).ensureWebhooks(ADDRESS);
    expect(fake.seen.map((s) => `${s.method} ${s.parsed.pathname}`)).toEqual(['GET /webhooks', 'DELETE /webhooks/1', 'POST /webhooks/subscribe', 'DELETE /webhooks/3']);
    expect(health.repaired).toEqual([
      "ORDER_NOTIFY was switched off in ShipStation: replaced it with an active subscription to this connection's address.",
      "SHIP_NOTIFY was subscribed twice to this connection's address: removed the duplicate (webhook 3).",
    ]);
  });
});

describe('listOrders (backfill)', () => {
  const order = (id: number, extra: Record<string, unknown> = {}) => ({ ...ORDER, orderId: id, orderNumber: `SS-${id}`, ...extra });

  it('reads every page of whole orders modified since `since` (500 a page, end frozen a second ahead) and maps each', async () => {
    const fake = fakeHttp().on('GET', '/orders', (request) =>
      request.query['page'] === '1' ? envelope('orders', [order(1), order(2)], 1, 2, 3) : envelope('orders', [order(3)], 2, 2, 3),
    );
    const pages = await collect(createShipStationSource(context(fake.http), { pageSize: 2 }).listOrders(new Date('2026-04-01T00:00:00Z')));
    expect(pages.map((p) => p.map((o) => o.number))).toEqual([['SS-1', 'SS-2'], ['SS-3']]);
    expect(pages[0]?.[0]).toMatchObject({ source: 'shipstation', id: '1', totals: { total: '25' } });
    expect(fake.seen.map((s) => s.query)).toEqual([
      { modifyDateStart: '2026-03-31 17:00:00', modifyDateEnd: '2026-04-02 07:00:01', sortBy: 'ModifyDate', sortDir: 'ASC', page: '1', pageSize: '2' },
      { modifyDateStart: '2026-03-31 17:00:00', modifyDateEnd: '2026-04-02 07:00:01', sortBy: 'ModifyDate', sortDir: 'ASC', page: '2', pageSize: '2' },
    ]);
    expect(fake.seen.map((s) => s.op)).toEqual(['shipstation.orders.list', 'shipstation.orders.list']);
  });

  it('uses 500 a page by default', async () => {
    const fake = fakeHttp().on('GET', '/orders', envelope('orders', [order(1)], 1, 500));
    await collect(createShipStationSource(context(fake.http)).listOrders(new Date('2026-04-01T00:00:00Z')));
    expect(fake.seen[0]?.query['pageSize']).toBe('500');
  });

  it('starts over when the list changes under it, without yielding an order twice', async () => {
    let calls = 0;
    const fake = fakeHttp().on('GET', '/orders', (request) => {
      calls += 1;
      if (calls === 1) return envelope('orders', [order(1), order(2)], 1, 2, 4);
      // Order 2 was edited past the frozen end: the list shrank, and everything after it moved up one place.
      if (calls === 2) return envelope('orders', [order(4)], 2, 2, 3);
      return request.query['page'] === '1' ? envelope('orders', [order(1), order(3)], 1, 2, 3) : envelope('orders', [order(4)], 2, 2, 3);
    });
    const pages = await collect(createShipStationSource(context(fake.http), { pageSize: 2 }).listOrders(new Date('2026-04-01T00:00:00Z')));
    expect(pages.flat().map((o) => o.id)).toEqual(['1', '2', '4', '3']);
    expect(fake.seen.map((s) => s.query['page'])).toEqual(['1', '2', '1', '2']);
  });

  it('names an order it cannot map instead of failing the whole list', async () => {
    const fake = fakeHttp().on('GET', '/orders', envelope('orders', [order(1), order(2, { items: [] })], 1, 500));
    const [page] = await collect(createShipStationSource(context(fake.http)).listOrders(new Date('2026-04-01T00:00:00Z')));
    expect(page?.map((o) => o.id)).toEqual(['1']);
    expect(page?.unreadable).toEqual([{ sourceId: '2', sourceRef: 'SS-2', reason: expect.stringMatching(/has no product items/) }]);
  });
});
