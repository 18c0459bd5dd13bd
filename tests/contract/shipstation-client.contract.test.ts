/**
 * The ShipStation source against the ShipStation simulator (simulators/shipstation, written from the API notes,
 * not from our client): real HTTP on loopback through the kit's transport, Pacific-time stamps, 40 calls a
 * minute, pointer webhooks. The simulator's clock stands still unless a test moves it, and the connector's
 * `now` is that clock, so every timestamp is exact.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../simulators/_kit/clock.ts';
import { startShipStationSim, type AccountKeys, type OrderInput, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { syncErrorOf } from '../../src/connectors/_kit/testing.ts';
import { createShipStationSource, type ShipStationSource } from '../../src/connectors/shipstation/source.ts';
import { shipstationWebhook } from '../../src/connectors/shipstation/webhook.ts';
import { postOrder } from '../../src/core/posting/order-to-invoice.ts';
import type { Connection, ConnectorContext, PollItem, WebhookEvent } from '../../src/sync/ports.ts';

/** Stands still unless advanced; its waits take no real time. */
class StandingClock extends SimClock {
  private at: number;

  constructor(iso: string) {
    super();
    this.at = Date.parse(iso);
  }

  override now(): number {
    return this.at;
  }

  override date(): Date {
    return new Date(this.at);
  }

  override advance(ms: number): void {
    this.at += ms;
  }

  override realDelay(): number {
    return 0;
  }

  override sleep(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}

interface Received {
  headers: Record<string, string>;
  body: Buffer;
}

/** A stand-in for our webhook endpoint: records each delivery and answers 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      received.push({ headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/conn-ss/wk-secret`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sim: ShipStationSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const transport = createTransport({ defaultTimeoutMs: 5_000 });

beforeAll(async () => {
  sim = await startShipStationSim({ clock: new StandingClock('2026-06-15T17:00:00Z'), webhooks: { deliveryDelayMs: 0 } });
  receiver = await startReceiver();
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

beforeEach(() => {
  sim.reset();
  sim.configure({ ambiguousTime: 'wall' });
  setTime('2026-06-15T17:00:00Z');
});

function setTime(iso: string): void {
  sim.clock.advance(Date.parse(iso) - sim.clock.now());
}

function advance(ms: number): void {
  sim.clock.advance(ms);
}

function connectionFor(keys: Pick<AccountKeys, 'apiKey' | 'apiSecret'> & { v2ApiKey?: string }): Connection {
  return {
    id: 'conn-ss',
    tenantId: 'tenant-1',
    system: 'shipstation',
    role: 'source',
    label: 'ShipStation (simulator)',
    status: 'active',
    statusReason: null,
    config: { apiBaseUrl: sim.url, v2BaseUrl: sim.url },
    secrets: { apiKey: keys.apiKey, apiSecret: keys.apiSecret, ...(keys.v2ApiKey ? { v2ApiKey: keys.v2ApiKey } : {}) },
    webhookKey: 'wk-secret',
    createdAt: '2026-06-01T00:00:00Z',
    updatedAt: '2026-06-01T00:00:00Z',
  };
}

function sourceFor(keys: Pick<AccountKeys, 'apiKey' | 'apiSecret'> & { v2ApiKey?: string }): ShipStationSource {
  const ctx: ConnectorContext = {
    connection: connectionFor(keys),
    http: transport,
    tokens: { accessToken: async () => '', afterRejection: async () => '' },
    now: () => sim.clock.date(),
  };
  return createShipStationSource(ctx);
}

/** A paid order with two products, a discount line, tax on one item and shipping. */
function sampleOrder(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    orderNumber: '1001',
    orderDate: '2026-06-15T09:00:00',
    orderStatus: 'awaiting_shipment',
    customerUsername: 'ann@example.com',
    customerEmail: 'ann@example.com',
    billTo: { name: 'Ann Lee' },
    shipTo: { name: 'Ann Lee', street1: '1 Main St', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US' },
    items: [
      { lineItemKey: 'L1', sku: 'MUG-1', name: 'Mug', quantity: 2, unitPrice: '12.50', taxAmount: '2.06' },
      { lineItemKey: 'L2', sku: 'TEE-2', name: 'T-shirt', quantity: 1, unitPrice: '20.10' },
      { lineItemKey: 'D1', sku: null, name: 'SPRING discount', quantity: 1, unitPrice: '-4.50', adjustment: true },
    ],
    amountPaid: '50.66',
    taxAmount: '3.06',
    shippingAmount: '7.00',
    ...overrides,
  };
}

async function drain(iterable: AsyncIterable<{ items: PollItem[]; cursor: string }>): Promise<{ items: PollItem[]; cursor: string | null }> {
  const items: PollItem[] = [];
  let cursor: string | null = null;
  for await (const page of iterable) {
    items.push(...page.items);
    cursor = page.cursor;
  }
  return { items, cursor };
}

describe('ping', () => {
  it('works with the account keys, and the V2 key too', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const result = await sourceFor(keys).ping();
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/the API key and secret work, 1 order is visible\. The V2 API key works too\.$/);
  });

  it('says in one sentence that wrong keys must be re-entered', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    expect(await sourceFor({ apiKey: keys.apiKey, apiSecret: 'wrong' }).ping()).toEqual({
      ok: false,
      message: 'ShipStation refused the API key and secret: re-enter them from ShipStation (Settings → Account → API Settings).',
    });
    // The docs' test vector works when the account has those keys.
    sim.createAccount({ name: 'Docs', apiKey: 'ShipStation', apiSecret: 'Rocks' });
    expect((await sourceFor({ apiKey: 'ShipStation', apiSecret: 'Rocks' }).ping()).ok).toBe(true);
  });
});

describe('orders', () => {
  it('fetchOrder of an imported order maps to a canonical order whose total ties out', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    const imported = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const source = sourceFor(keys);
    const order = await source.fetchOrder(String(imported.orderId));
    expect(order).toMatchObject({
      source: 'shipstation',
      id: String(imported.orderId),
      number: '1001',
      status: 'paid',
      currency: 'USD',
      createdAt: '2026-06-15T16:00:00.000Z', // 09:00 PDT
      updatedAt: '2026-06-15T17:00:00.000Z',
      customer: { email: 'ann@example.com' },
      discounts: [{ title: 'SPRING discount', amount: '4.5', allocatedToLines: false }],
    });
    expect(order?.lines.map((l) => l.sku)).toEqual(['MUG-1', 'TEE-2']);
    const posting = postOrder(order!);
    expect(posting.ok).toBe(true);
    // 25.00 + 20.10 − 4.50 + 7.00 + 3.06 = 50.66, ShipStation's own orderTotal.
    expect(posting.totals).toMatchObject({ stated: '50.66', computed: '50.66', difference: '0.00' });

    // The implicit customer ShipStation made from customerUsername.
    const customer = await source.fetchCustomer(String(order?.customer?.id));
    expect(customer).toMatchObject({ source: 'shipstation', email: 'ann@example.com' });
    expect(await source.fetchOrder('999999999')).toBeNull();
  });

  it('poll finds an edit (updateOrder: no webhook) and a cancellation', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    const source = sourceFor(keys);
    const imported = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    advance(60_000);
    const first = await drain(source.poll('orders', null, new Date('2026-06-15T16:00:00Z')));
    expect(first.items).toEqual([{ entityType: 'order', sourceId: String(imported.orderId), updatedAt: '2026-06-15T17:00:00.000Z' }]);

    advance(20 * 60_000);
    sim.updateOrder({ accountId: keys.accountId, orderId: imported.orderId, patch: { shippingAmount: '9.00', amountPaid: '52.66' } });
    advance(60_000);
    const edited = await drain(source.poll('orders', first.cursor, new Date(0)));
    expect(edited.items).toEqual([{ entityType: 'order', sourceId: String(imported.orderId), updatedAt: '2026-06-15T17:21:00.000Z' }]);
    expect((await source.fetchOrder(String(imported.orderId)))?.totals).toMatchObject({ shipping: '9', total: '52.66' });

    advance(30 * 60_000);
    sim.cancelOrder({ accountId: keys.accountId, orderId: imported.orderId });
    advance(60_000);
    const cancelled = await drain(source.poll('orders', edited.cursor, new Date(0)));
    expect(cancelled.items.map((i) => [i.sourceId, i.updatedAt])).toEqual([[String(imported.orderId), '2026-06-15T17:52:00.000Z']]);
    expect(await source.fetchOrder(String(imported.orderId))).toMatchObject({ status: 'cancelled', cancelled: true });
    expect(cancelled.cursor).toBe('2026-06-15T17:52:00.000Z');
  });

  describe.each(['wall', 'earlier', 'later'] as const)('the autumn DST hour, simulator reading filters as %s', (mode) => {
    it('a cursor in the repeated hour finds an order modified at 01:30 PDT and another at 01:30 PST', async () => {
      sim.configure({ ambiguousTime: mode });
      const keys = sim.createAccount({ name: 'Acme' });
      setTime('2026-11-01T08:30:00Z'); // 01:30 PDT
      const pdt = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'PDT', orderDate: undefined }) });
      setTime('2026-11-01T09:30:00Z'); // 01:30 PST
      const pst = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'PST', orderDate: undefined }) });
      setTime('2026-11-01T10:00:00Z');
      const found = await drain(sourceFor(keys).poll('orders', '2026-11-01T08:40:00.000Z', new Date(0)));
      expect(found.items.map((i) => i.sourceId).sort()).toEqual([String(pdt.orderId), String(pst.orderId)].sort());
      expect(found.cursor).toBe('2026-11-01T08:40:00.000Z');
    });

    it('polls every ten minutes across the night miss no change', async () => {
      sim.configure({ ambiguousTime: mode });
      const keys = sim.createAccount({ name: 'Acme' });
      const source = sourceFor(keys);
      setTime('2026-11-01T07:00:00Z'); // 00:00 PDT
      const orders = ['A', 'B', 'C'].map((n) => sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: n, orderDate: undefined }) }));
      // Edits at 00:55 PDT, 01:10 PDT, 01:50 PDT, 01:05 PST, 01:45 PST, 02:10 PST: each is a change to find.
      const edits: Array<[string, number]> = [
        ['2026-11-01T07:55:00Z', 0],
        ['2026-11-01T08:10:00Z', 1],
        ['2026-11-01T08:50:00Z', 2],
        ['2026-11-01T09:05:00Z', 0],
        ['2026-11-01T09:45:00Z', 1],
        ['2026-11-01T10:10:00Z', 2],
      ];
      const expected = new Set(orders.map((o) => `${o.orderId}@2026-11-01T07:00:00.000Z`));
      const seen = new Set<string>();
      let cursor: string | null = null;
      let editIndex = 0;
      for (let t = Date.parse('2026-11-01T07:05:00Z'); t <= Date.parse('2026-11-01T11:00:00Z'); t += 10 * 60_000) {
        while (editIndex < edits.length && Date.parse(edits[editIndex]![0]) <= t) {
          const [at, which] = edits[editIndex]!;
          setTime(at);
          sim.updateOrder({ accountId: keys.accountId, orderId: orders[which]!.orderId, patch: { internalNotes: `edit ${editIndex}` } });
          editIndex += 1;
        }
        setTime(new Date(t).toISOString());
        const before: string | null = cursor;
        const page = await drain(source.poll('orders', cursor, new Date('2026-11-01T06:00:00Z')));
        for (const item of page.items) seen.add(`${item.sourceId}@${item.updatedAt}`);
        cursor = page.cursor;
        if (before !== null && cursor !== null) expect(Date.parse(cursor)).toBeGreaterThanOrEqual(Date.parse(before));
      }
      // Each edit is reported under the earlier reading of its wall time (01:05 PST → 08:05Z); what matters is
      // that every change of every order reached us: one item per modifyDate ShipStation stamped.
      for (const [at, which] of edits) {
        const wallEarlier = new Date(Date.parse(at) - (Date.parse(at) >= Date.parse('2026-11-01T09:00:00Z') && Date.parse(at) < Date.parse('2026-11-01T10:00:00Z') ? 3_600_000 : 0));
        expected.add(`${orders[which]!.orderId}@${wallEarlier.toISOString()}`);
      }
      expect([...expected].filter((key) => !seen.has(key))).toEqual([]);
    });
  });
});

describe('shipments and pointer webhooks', () => {
  it('ensureWebhooks subscribes three hooks once, and reports nothing on a second call', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    const source = sourceFor(keys);
    const first = await source.ensureWebhooks(receiver.url);
    expect(first.repaired).toHaveLength(3);
    expect(sim.listWebhooks({ accountId: keys.accountId }).map((w) => [w.event, w.targetUrl]).sort()).toEqual([
      ['FULFILLMENT_SHIPPED', receiver.url],
      ['ORDER_NOTIFY', receiver.url],
      ['SHIP_NOTIFY', receiver.url],
    ]);
    const second = await source.ensureWebhooks(receiver.url);
    expect(second).toMatchObject({ ok: true, repaired: [] });
    expect(sim.listWebhooks({ accountId: keys.accountId })).toHaveLength(3);
  });

  it('a SHIP_NOTIFY delivery verifies, and expandPointer of its resource_url yields the shipments of the batch', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    const source = sourceFor(keys);
    const connection = connectionFor(keys);
    await source.ensureWebhooks(receiver.url);
    const a = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'A' }) });
    const b = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'B' }) });
    await sim.settleWebhooks();
    receiver.received.length = 0;

    advance(60_000);
    const labels = sim.shipOrders({
      accountId: keys.accountId,
      shipments: [
        { orderId: a.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '8.10', insuranceCost: '1.25', trackingNumber: '1ZA' },
        { orderId: b.orderId, carrierCode: 'stamps_com', serviceCode: 'usps_priority_mail', shipmentCost: '9.45', trackingNumber: '9400B' },
      ],
    });
    await sim.settleWebhooks();

    const events: WebhookEvent[] = receiver.received.flatMap((delivery) => {
      const verdict = shipstationWebhook.verify({ headers: delivery.headers, rawBody: delivery.body }, connection);
      expect(verdict.ok).toBe(true);
      return verdict.ok ? verdict.events : [];
    });
    const shipNotify = events.filter((e) => e.topic === 'SHIP_NOTIFY');
    expect(shipNotify).toHaveLength(1);
    expect(shipNotify[0]?.entityType).toBe('shipment');

    const pages = await drain(source.expandPointer(shipNotify[0]!.pointer!));
    expect(pages.items.map((i) => i.sourceId).sort()).toEqual(labels.map((l) => `label:${l.orderId}:${l.shipmentId}`).sort());

    const shipment = await source.fetchShipment(`label:${a.orderId}:${labels[0]!.shipmentId}`);
    expect(shipment).toMatchObject({ orderId: String(a.orderId), orderNumber: 'A', carrier: 'ups', service: 'ups_ground', trackingNumber: '1ZA', cost: '9.35', voided: false, shipDate: '2026-06-15' });

    // A void fires no webhook; the shipments poll sees it as a change of its own.
    advance(10 * 60_000);
    sim.voidShipment({ accountId: keys.accountId, shipmentId: labels[0]!.shipmentId });
    advance(60_000);
    const polled = await drain(source.poll('shipments', '2026-06-15T17:05:00.000Z', new Date(0)));
    expect(polled.items).toContainEqual({ entityType: 'shipment', sourceId: `label:${a.orderId}:${labels[0]!.shipmentId}`, updatedAt: '2026-06-15T17:11:00.000Z' });
    expect((await source.fetchShipment(`label:${a.orderId}:${labels[0]!.shipmentId}`))?.voided).toBe(true);
  });

  it('a FULFILLMENT_SHIPPED pointer yields the fulfillment, which reads as a shipment', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    const source = sourceFor(keys);
    await source.ensureWebhooks(receiver.url);
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await sim.settleWebhooks();
    receiver.received.length = 0;
    const fulfillment = sim.markShipped({ accountId: keys.accountId, orderId: order.orderId, carrierCode: 'AMZN_US', trackingNumber: 'TBA1', fillProvider: { id: 12, name: 'Fulfillment by Amazon' }, fulfillmentFee: '3.22' });
    await sim.settleWebhooks();
    const events = receiver.received.flatMap((d) => {
      const verdict = shipstationWebhook.verify({ headers: d.headers, rawBody: d.body }, connectionFor(keys));
      return verdict.ok ? verdict.events : [];
    });
    const pointer = events.find((e) => e.topic === 'FULFILLMENT_SHIPPED')?.pointer;
    expect(pointer).toBeDefined();
    const pages = await drain(source.expandPointer(pointer!));
    expect(pages.items.map((i) => i.sourceId)).toEqual([`fulfillment:${fulfillment.fulfillmentId}`]);
    expect(await source.fetchShipment(`fulfillment:${fulfillment.fulfillmentId}`)).toMatchObject({ id: `F${fulfillment.fulfillmentId}`, carrier: 'AMZN_US', trackingNumber: 'TBA1', cost: '3.22' });
  });

  it('a resource_url on another host than the connection\'s API is refused at intake', async () => {
    sim.configure({ webhooks: { resourceUrlBase: 'https://ssapi6.shipstation.com' } });
    const keys = sim.createAccount({ name: 'Acme' });
    await sourceFor(keys).ensureWebhooks(receiver.url);
    receiver.received.length = 0;
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    await sim.settleWebhooks();
    sim.configure({ webhooks: { resourceUrlBase: undefined } });
    expect(receiver.received).toHaveLength(1);
    const delivery = receiver.received[0]!;
    // The connection talks to the simulator, so a pointer at ssapi6 is foreign to it.
    expect(shipstationWebhook.verify({ headers: delivery.headers, rawBody: delivery.body }, connectionFor(keys))).toMatchObject({ ok: false, status: 400, code: 'webhook_foreign_url' });
  });
});

describe('rate limit', () => {
  it('the 41st call in a minute becomes RATE_LIMITED with the wait ShipStation names', async () => {
    const keys = sim.createAccount({ name: 'Acme' });
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const source = sourceFor(keys);
    for (let i = 0; i < 40; i += 1) expect(await source.fetchOrder(String(order.orderId))).not.toBeNull();
    advance(15_000);
    const error = await syncErrorOf(source.fetchOrder(String(order.orderId)));
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.class).toBe('rate');
    expect(error.retryAfterMs).toBe(45_000);
    advance(45_000);
    expect(await source.fetchOrder(String(order.orderId))).not.toBeNull();
  });
});
