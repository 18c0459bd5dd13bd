import { describe, expect, it } from 'vitest';
import type { ApiResponse, PollPage } from '../../sync/ports.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { createShipStationClient } from './client.ts';
import { formatPacific, fromPacific } from './pacific-time.ts';
import { poll } from './streams.ts';
import type { PollOptions } from './streams.ts';
import { answer, collect, context, envelope, fakeHttp } from './test-kit.ts';
import type { FakeHttp, Seen } from './test-kit.ts';

const at = (iso: string): number => Date.parse(iso);

/** How the fake reads a filter in the repeated hour: as wall text (the simulator's default) or as one instant. */
type Reading = 'wall' | 'earlier' | 'later';

interface FakeOrder {
  orderId: number;
  /** UTC instant of the change. */
  modified: number;
}

/** A `GET /orders` that filters by modifyDate (inclusive), sorts by it ascending, and pages, like ShipStation. */
function ordersServer(orders: FakeOrder[], reading: Reading = 'wall'): FakeHttp {
  return fakeHttp().on('GET', '/orders', ordersList(orders, reading));
}

function ordersList(orders: FakeOrder[], reading: Reading): (request: Seen) => ApiResponse {
  return (request) => {
    const q = request.query;
    const key = (instant: number): string | number => (reading === 'wall' ? formatPacific(instant) : instant);
    const filter = (text: string | undefined): string | number | undefined => {
      if (text === undefined) return undefined;
      return reading === 'wall' ? text.replace(' ', 'T') : fromPacific(text, reading);
    };
    const start = filter(q['modifyDateStart']);
    const end = filter(q['modifyDateEnd']);
    const rows = orders
      .filter((o) => (start === undefined || key(o.modified) >= start) && (end === undefined || key(o.modified) <= (typeof end === 'string' ? `${end}.9999999` : end + 999)))
      .sort((a, b) => (key(a.modified) < key(b.modified) ? -1 : key(a.modified) > key(b.modified) ? 1 : a.orderId - b.orderId));
    const page = Number(q['page'] ?? 1);
    const size = Number(q['pageSize'] ?? 100);
    const slice = rows.slice((page - 1) * size, page * size).map((o) => ({ orderId: o.orderId, orderNumber: String(o.orderId), modifyDate: formatPacific(o.modified) }));
    return envelope('orders', slice, page, size, rows.length);
  };
}

async function pollOrders(fake: FakeHttp, cursor: string | null, options: PollOptions & { now?: string; since?: string } = {}): Promise<PollPage[]> {
  const client = createShipStationClient(context(fake.http));
  return collect(poll(client, 'orders', cursor, new Date(options.since ?? '2026-01-01T00:00:00Z'), new Date(options.now ?? '2026-06-15T18:00:00Z'), options));
}

const ids = (pages: PollPage[]): string[] => pages.flatMap((p) => p.items.map((i) => i.sourceId));
const lastCursor = (pages: PollPage[]): string | undefined => pages.at(-1)?.cursor;

describe('poll("orders")', () => {
  it('asks for modifyDate from cursor − 15 min to now, in Pacific wall time, sorted by ModifyDate ascending, 500 a page', async () => {
    const fake = ordersServer([]);
    await pollOrders(fake, '2026-06-15T17:00:00.000Z');
    expect(fake.seen[0]?.query).toEqual({
      modifyDateStart: '2026-06-15 09:45:00',
      modifyDateEnd: '2026-06-15 11:00:00',
      sortBy: 'ModifyDate',
      sortDir: 'ASC',
      page: '1',
      pageSize: '500',
    });
    expect(fake.seen[0]?.url).toContain('modifyDateStart=2026-06-15%2009%3A45%3A00');
  });

  it('starts at `since` without an overlap when there is no cursor', async () => {
    const fake = ordersServer([]);
    const pages = await pollOrders(fake, null, { since: '2026-06-01T07:00:00Z' });
    expect(fake.seen[0]?.query['modifyDateStart']).toBe('2026-06-01 00:00:00');
    expect(pages).toEqual([{ items: [], cursor: '2026-06-01T07:00:00.000Z' }]);
  });

  it('reads every page; each order is {order, orderId, modifyDate in UTC}; the cursor is the greatest updatedAt so far', async () => {
    const base = at('2026-06-15T16:00:00Z');
    const orders = Array.from({ length: 1200 }, (_, i) => ({ orderId: 1000 + i, modified: base + i * 1000 }));
    const fake = ordersServer(orders);
    const pages = await pollOrders(fake, '2026-06-15T16:10:00.000Z');
    expect(fake.seen.map((s) => s.query['page'])).toEqual(['1', '2', '3']);
    expect(pages.map((p) => p.items.length)).toEqual([500, 500, 200]);
    expect(pages[0]?.items[0]).toEqual({ entityType: 'order', sourceId: '1000', updatedAt: '2026-06-15T16:00:00.000Z' });
    // Page 1 ends at 16:08:19, below the stored cursor: the cursor stays; then it follows the pages.
    expect(pages.map((p) => p.cursor)).toEqual(['2026-06-15T16:10:00.000Z', new Date(base + 999_000).toISOString(), new Date(base + 1_199_000).toISOString()]);
  });

  it('never moves the cursor backwards: re-read orders in the overlap leave it where it was', async () => {
    const fake = ordersServer([{ orderId: 1, modified: at('2026-06-15T16:55:00Z') }]);
    const pages = await pollOrders(fake, '2026-06-15T17:00:00.000Z');
    expect(ids(pages)).toEqual(['1']);
    expect(lastCursor(pages)).toBe('2026-06-15T17:00:00.000Z');
  });

  it('a clock behind the cursor (an empty window) calls nothing and keeps the cursor', async () => {
    const fake = ordersServer([]);
    const pages = await pollOrders(fake, '2026-06-15T18:30:00.000Z', { now: '2026-06-15T18:00:00Z' });
    expect(fake.seen).toHaveLength(0);
    expect(pages).toEqual([{ items: [], cursor: '2026-06-15T18:30:00.000Z' }]);
  });

  it('spring forward 2026-03-08: a cursor at 01:55 PST finds an order changed at 03:05 PDT, stamped 10:05Z', async () => {
    const fake = ordersServer([{ orderId: 7, modified: at('2026-03-08T10:05:00Z') }]);
    const pages = await pollOrders(fake, '2026-03-08T09:55:00.000Z', { now: '2026-03-08T11:00:00Z' });
    expect(fake.seen[0]?.query['modifyDateStart']).toBe('2026-03-08 01:40:00');
    expect(fake.seen[0]?.query['modifyDateEnd']).toBe('2026-03-08 04:00:00');
    expect(pages[0]?.items).toEqual([{ entityType: 'order', sourceId: '7', updatedAt: '2026-03-08T10:05:00.000Z' }]);
  });

  describe.each(['wall', 'earlier', 'later'] as const)('fall back 2026-11-01, server reading the filter as %s', (reading) => {
    it('a cursor inside the repeated hour finds an order modified at 01:30 PDT and another at 01:30 PST', async () => {
      const fake = ordersServer(
        [
          { orderId: 1, modified: at('2026-11-01T08:30:00Z') }, // 01:30 PDT
          { orderId: 2, modified: at('2026-11-01T09:30:00Z') }, // 01:30 PST
        ],
        reading,
      );
      // The cursor sits at 01:40 PDT; 01:25 PDT is the window start, sent as 00:25 so no reading can skip 01:30 PDT.
      const pages = await pollOrders(fake, '2026-11-01T08:40:00.000Z', { now: '2026-11-01T10:00:00Z' });
      expect(fake.seen[0]?.query['modifyDateStart']).toBe('2026-11-01 00:25:00');
      expect(ids(pages).sort()).toEqual(['1', '2']);
      // Both stamps read "01:30": the earlier instant, so the cursor cannot run ahead of either.
      expect(pages[0]?.items.map((i) => i.updatedAt)).toEqual(['2026-11-01T08:30:00.000Z', '2026-11-01T08:30:00.000Z']);
      expect(lastCursor(pages)).toBe('2026-11-01T08:40:00.000Z');
    });
  });

  it('fall back: during the PDT copy of the hour the frozen end is moved back too, so changes then wait for the PST copy; none is lost', async () => {
    const orders = [{ orderId: 1, modified: at('2026-11-01T08:50:00Z') }];
    const fake = ordersServer(orders, 'later');
    // Now is 01:55 PDT: "01:55" could be read as 01:55 PST, an hour ahead, so the end goes out as 00:55.
    const first = await pollOrders(fake, '2026-11-01T08:00:00.000Z', { now: '2026-11-01T08:55:00Z' });
    expect(fake.seen[0]?.query['modifyDateEnd']).toBe('2026-11-01 00:55:00');
    expect(ids(first)).toEqual([]);
    expect(lastCursor(first)).toBe('2026-11-01T08:00:00.000Z');
    orders.push({ orderId: 2, modified: at('2026-11-01T08:56:00Z') }, { orderId: 3, modified: at('2026-11-01T09:10:00Z') });
    // Now is 01:20 PST: both readings of "01:20" are at or before now.
    const second = await pollOrders(fake, lastCursor(first) ?? null, { now: '2026-11-01T09:20:00Z' });
    expect(fake.seen[1]?.query['modifyDateEnd']).toBe('2026-11-01 01:20:00');
    expect(ids(second).sort()).toEqual(['1', '2', '3']);
  });

  it('starts over when the list changes size between pages, and does not advance past the page that showed it', async () => {
    const base = at('2026-06-15T16:00:00Z');
    const orders = Array.from({ length: 6 }, (_, i) => ({ orderId: i + 1, modified: base + i * 60_000 }));
    const list = ordersList(orders, 'wall');
    let calls = 0;
    // After page 1 is read, order 2 is modified (moves past the frozen end): order 3 shifts onto page 1.
    const fake = fakeHttp().on('GET', '/orders', (request) => {
      calls += 1;
      if (calls === 2) orders[1] = { orderId: 2, modified: at('2026-06-15T18:30:00Z') };
      return list(request);
    });
    const client = createShipStationClient(context(fake.http));
    const pages = await collect(poll(client, 'orders', '2026-06-15T16:10:00.000Z', new Date(0), new Date('2026-06-15T18:00:00Z'), { pageSize: 2 }));
    // page 1 (1,2) → page 2 shows total 5 (4,5) → restart: page 1 (1,3), page 2 (4,5), page 3 (6).
    expect(fake.seen.map((s) => s.query['page'])).toEqual(['1', '2', '1', '2', '3']);
    expect(ids(pages).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(pages.map((p) => p.cursor)).toEqual([
      '2026-06-15T16:10:00.000Z', // page 1: 16:00, 16:01 — below the stored cursor
      '2026-06-15T16:10:00.000Z', // the unstable page: not trusted
      '2026-06-15T16:10:00.000Z',
      '2026-06-15T16:10:00.000Z',
      '2026-06-15T16:10:00.000Z',
    ]);
  });

  it('a list that keeps changing: after the restarts it stops advancing the cursor for the rest of the scan', async () => {
    let total = 10;
    const fake = fakeHttp().on('GET', '/orders', (request: Seen) => {
      total += 1;
      const page = Number(request.query['page']);
      return envelope('orders', [{ orderId: page, modifyDate: formatPacific(at('2026-06-15T17:30:00Z') + page) }], page, 1, total);
    });
    const pages = await collect(poll(createShipStationClient(context(fake.http)), 'orders', '2026-06-15T17:00:00.000Z', new Date(0), new Date('2026-06-15T18:00:00Z'), { pageSize: 1, maxRestarts: 2, maxPages: 8 }));
    // Page 1 of a fresh scan holds the earliest changes, so it may move the cursor (to 17:30:00.001); nothing after it does.
    expect(new Set(pages.map((p) => p.cursor))).toEqual(new Set(['2026-06-15T17:30:00.001Z']));
    expect(fake.seen).toHaveLength(8);
  });

  it('refuses an unknown stream and a cursor that is not a UTC timestamp', async () => {
    const client = createShipStationClient(context(fakeHttp().http));
    expect((await syncErrorOf(collect(poll(client, 'customers', null, new Date(), new Date())))).code).toBe('VALIDATION');
    expect((await syncErrorOf(collect(poll(client, 'orders', '2026-06-15 10:00:00', new Date(), new Date())))).code).toBe('SOURCE_PAYLOAD_INVALID');
  });
});

describe('poll("shipments")', () => {
  const shipment = (id: number, created: string, voided: string | null = null) => ({
    shipmentId: id,
    orderId: 500 + id,
    orderNumber: `#${id}`,
    createDate: formatPacific(at(created)),
    shipDate: '2026-06-15',
    voided: voided !== null,
    voidDate: voided === null ? null : formatPacific(at(voided)),
  });

  it('reads labels created and labels voided in the window, and fulfillments; moves the cursor only at the end', async () => {
    const fake = fakeHttp()
      .on('GET', '/shipments', (r) => (r.query['createDateStart'] ? envelope('shipments', [shipment(1, '2026-06-15T17:10:00Z'), shipment(2, '2026-06-15T17:20:00Z', '2026-06-15T17:40:00Z')], 1, 500) : envelope('shipments', [shipment(2, '2026-06-15T17:20:00Z', '2026-06-15T17:40:00Z'), shipment(3, '2026-06-10T10:00:00Z', '2026-06-15T17:30:00Z')], 1, 500)))
      .on('GET', '/fulfillments', envelope('fulfillments', [{ fulfillmentId: 5501, orderId: 9, createDate: formatPacific(at('2026-06-15T17:45:00Z')), voidDate: null }], 1, 500));
    const client = createShipStationClient(context(fake.http));
    const pages = await collect(poll(client, 'shipments', '2026-06-15T17:00:00.000Z', new Date(0), new Date('2026-06-15T18:00:00Z')));

    expect(fake.seen.map((s) => [s.parsed.pathname, Object.keys(s.query).filter((k) => /Date/.test(k)).join(',')])).toEqual([
      ['/shipments', 'createDateStart,createDateEnd'],
      ['/shipments', 'voidDateStart,voidDateEnd'],
      ['/fulfillments', 'createDateStart,createDateEnd'],
    ]);
    expect(fake.seen[0]?.query).toMatchObject({ createDateStart: '2026-06-15 09:45:00', createDateEnd: '2026-06-15 11:00:00', sortBy: 'CreateDate', sortDir: 'ASC', pageSize: '500' });
    expect(pages.flatMap((p) => p.items)).toEqual([
      { entityType: 'shipment', sourceId: 'label:501:1', updatedAt: '2026-06-15T17:10:00.000Z' },
      // A voided label changes at its voidDate, so the void is a change of its own; seen twice, listed once.
      { entityType: 'shipment', sourceId: 'label:502:2', updatedAt: '2026-06-15T17:40:00.000Z' },
      { entityType: 'shipment', sourceId: 'label:503:3', updatedAt: '2026-06-15T17:30:00.000Z' },
      { entityType: 'shipment', sourceId: 'fulfillment:5501', updatedAt: '2026-06-15T17:45:00.000Z' },
    ]);
    expect(pages.slice(0, -1).every((p) => p.cursor === '2026-06-15T17:00:00.000Z')).toBe(true);
    expect(pages.at(-1)).toEqual({ items: [], cursor: '2026-06-15T17:45:00.000Z' });
  });

  it('a scan that gave up keeps the stored cursor', async () => {
    let total = 3;
    const fake = fakeHttp()
      .on('GET', '/shipments', (r) => {
        total += 1;
        return envelope('shipments', [shipment(Number(r.query['page']), '2026-06-15T17:50:00Z')], Number(r.query['page']), 1, total);
      })
      .on('GET', '/fulfillments', envelope('fulfillments', [], 1, 1));
    const pages = await collect(poll(createShipStationClient(context(fake.http)), 'shipments', '2026-06-15T17:00:00.000Z', new Date(0), new Date('2026-06-15T18:00:00Z'), { pageSize: 1, maxRestarts: 1, maxPages: 4 }));
    expect(lastCursor(pages)).toBe('2026-06-15T17:00:00.000Z');
  });

  it('a shipment in a list without its dates is a payload error, named', async () => {
    const fake = fakeHttp().on('GET', '/shipments', answer(200, { shipments: [{ shipmentId: 1 }], total: 1, page: 1, pages: 1 }));
    const error = await syncErrorOf(collect(poll(createShipStationClient(context(fake.http)), 'shipments', null, new Date('2026-06-15T17:00:00Z'), new Date('2026-06-15T18:00:00Z'))));
    expect(error.code).toBe('SOURCE_PAYLOAD_INVALID');
    expect(error.message).toContain('shipment');
  });
});
