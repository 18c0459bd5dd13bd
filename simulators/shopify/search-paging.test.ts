/**
 * `orders` / `customers` connections: search syntax, sort keys, opaque cursors, the 250 page limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startShopifySim, type ShopCredentials, type ShopifySim } from './index.ts';
import { compileSearch, dateField, textField } from './search-query.ts';
import { gql, sampleOrder } from './test-helpers.ts';

let sim: ShopifySim;
let shop: ShopCredentials;
const T0 = Date.parse('2026-04-01T12:00:00Z');

beforeEach(async () => {
  sim = await startShopifySim();
  shop = sim.createShop({ domain: 'acme.myshopify.com', utcOffset: '-04:00' });
  sim.clock.advance(T0 - sim.clock.now());
});
afterEach(async () => sim.close());

/** Places `n` orders ten minutes apart; returns their ids in order. */
function placeSpaced(n: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(sim.placeOrder(shop.domain, sampleOrder({ customer: { email: `c${i}@example.com` } })).id);
    sim.clock.advance(10 * 60_000);
  }
  return ids;
}

const PAGE = `query($first: Int, $after: String, $q: String, $sort: OrderSortKeys, $reverse: Boolean) {
  orders(first: $first, after: $after, query: $q, sortKey: $sort, reverse: $reverse) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { legacyResourceId updatedAt } }
  }
}`;

async function ids(vars: Record<string, unknown>): Promise<{ ids: string[]; next: boolean; end: string | null; body: any }> {
  const r = await gql(sim, shop.accessToken, PAGE, vars);
  const conn = r.body.data?.orders;
  return { ids: conn?.edges.map((e: any) => e.node.legacyResourceId) ?? [], next: conn?.pageInfo.hasNextPage, end: conn?.pageInfo.endCursor, body: r.body };
}

describe('orders query', () => {
  it('orders query filters by updated_at and pages with cursors', async () => {
    const all = placeSpaced(5);
    const since = new Date(T0 + 15 * 60_000).toISOString();
    const p1 = await ids({ first: 2, q: `updated_at:>'${since}'`, sort: 'UPDATED_AT' });
    expect(p1.ids).toEqual([all[2], all[3]]);
    expect(p1.next).toBe(true);
    const p2 = await ids({ first: 2, after: p1.end, q: `updated_at:>'${since}'`, sort: 'UPDATED_AT' });
    expect(p2.ids).toEqual([all[4]]);
    expect(p2.next).toBe(false);
  });

  it('supports >=, <, <= and unquoted timestamps combined with AND', async () => {
    const all = placeSpaced(4);
    const at = (m: number) => new Date(T0 + m * 60_000).toISOString();
    expect((await ids({ first: 10, q: `updated_at:>=${at(10)} AND updated_at:<${at(30)}`, sort: 'UPDATED_AT' })).ids).toEqual([all[1], all[2]]);
    expect((await ids({ first: 10, q: `created_at:<=${at(10)}`, sort: 'CREATED_AT' })).ids).toEqual([all[0], all[1]]);
  });

  it('keeps whole seconds: two changes in one second share updatedAt, so ">" that second misses both', async () => {
    const [a] = placeSpaced(1);
    sim.clock.advance(1_000 - (sim.clock.now() % 1_000) + 100);
    sim.updateOrder(shop.domain, a!, { note: 'x' });
    const b = sim.placeOrder(shop.domain, sampleOrder());
    const updatedA = sim.getOrder(shop.domain, a!).updatedAt;
    expect(b.updatedAt).toBe(updatedA);
    const stamp = new Date(updatedA).toISOString();
    expect((await ids({ first: 10, q: `updated_at:>'${stamp}'` })).ids).toEqual([]);
    expect((await ids({ first: 10, q: `updated_at:>='${stamp}'`, sort: 'ID' })).ids).toEqual([a, b.id]);
  });

  it('reads a bare date in the shop time zone', async () => {
    // 2026-04-02T02:00Z is still April 1st at -04:00.
    sim.clock.advance(Date.parse('2026-04-02T02:00:00Z') - sim.clock.now());
    const o = sim.placeOrder(shop.domain, sampleOrder());
    expect((await ids({ first: 10, q: 'created_at:2026-04-01' })).ids).toEqual([o.id]);
    expect((await ids({ first: 10, q: 'created_at:2026-04-02' })).ids).toEqual([]);
  });

  it('a record updated while a client pages moves behind the cursor (keyset cursors)', async () => {
    const all = placeSpaced(4);
    const p1 = await ids({ first: 2, sort: 'UPDATED_AT' });
    expect(p1.ids).toEqual([all[0], all[1]]);
    sim.updateOrder(shop.domain, all[0]!, { note: 'late edit' });
    const p2 = await ids({ first: 10, after: p1.end, sort: 'UPDATED_AT' });
    expect(p2.ids).toEqual([all[2], all[3], all[0]]);
  });

  it('sorts by sortKey and reverses', async () => {
    const all = placeSpaced(3);
    sim.updateOrder(shop.domain, all[0]!, { note: 'bump' });
    expect((await ids({ first: 10, sort: 'UPDATED_AT' })).ids).toEqual([all[1], all[2], all[0]]);
    expect((await ids({ first: 10, sort: 'CREATED_AT', reverse: true })).ids).toEqual([all[2], all[1], all[0]]);
    expect((await ids({ first: 10, sort: 'ID' })).ids).toEqual(all);
  });

  it('filters by status, financial_status, name and email', async () => {
    const all = placeSpaced(3);
    sim.markPaid(shop.domain, all[0]!);
    sim.cancelOrder(shop.domain, all[1]!);
    expect((await ids({ first: 10, q: 'financial_status:paid' })).ids).toEqual([all[0]]);
    expect((await ids({ first: 10, q: 'status:cancelled' })).ids).toEqual([all[1]]);
    expect((await ids({ first: 10, q: 'status:open', sort: 'ID' })).ids).toEqual([all[0], all[2]]);
    expect((await ids({ first: 10, q: 'name:#1003' })).ids).toEqual([all[2]]);
    expect((await ids({ first: 10, q: 'name:1003' })).ids).toEqual([all[2]]);
    expect((await ids({ first: 10, q: 'email:c1@example.com' })).ids).toEqual([all[1]]);
    expect((await ids({ first: 10, q: 'financial_status:paid OR status:cancelled', sort: 'ID' })).ids).toEqual([all[0], all[1]]);
    expect((await ids({ first: 10, q: '-status:cancelled', sort: 'ID' })).ids).toEqual([all[0], all[2]]);
  });

  it('ignores an unknown search field with a warning, so updated_at_min returns everything', async () => {
    const all = placeSpaced(2);
    const r = await ids({ first: 10, q: "updated_at_min:'2030-01-01'", sort: 'ID' });
    expect(r.ids).toEqual(all);
    expect(r.body.extensions.search[0].warnings).toEqual([{ field: 'updated_at_min', message: 'Invalid search field for this query.' }]);
  });

  it('refuses first above 250', async () => {
    const r = await gql(sim, shop.accessToken, '{ orders(first: 251) { nodes { id } } }');
    expect(r.status).toBe(200);
    expect(r.body.errors[0].message).toMatch(/250/);
    expect(r.body.data).toBeNull();
  });

  it('requires first or last on a connection', async () => {
    const r = await gql(sim, shop.accessToken, '{ orders { nodes { id } } }');
    expect(r.body.errors[0].message).toBe('you must provide one of first or last');
  });

  it('gives opaque base64 cursors and refuses a forged one', async () => {
    placeSpaced(2);
    const p = await ids({ first: 1 });
    expect(p.end).toMatch(/^[A-Za-z0-9+/=]+$/);
    const bad = await ids({ first: 1, after: 'not-a-cursor' });
    expect(bad.body.errors[0].message).toMatch(/cursor/i);
  });

  it('pages backwards with last/before', async () => {
    const all = placeSpaced(4);
    const r = await gql(sim, shop.accessToken, '{ orders(last: 2, sortKey: ID) { pageInfo { hasPreviousPage startCursor } nodes { legacyResourceId } } }');
    expect(r.body.data.orders.nodes.map((n: any) => n.legacyResourceId)).toEqual([all[2], all[3]]);
    expect(r.body.data.orders.pageInfo.hasPreviousPage).toBe(true);
  });
});

describe('customers query', () => {
  it('customers query filters by updated_at and email', async () => {
    const a = sim.createCustomer(shop.domain, { email: 'a@example.com' });
    sim.clock.advance(60_000);
    const b = sim.createCustomer(shop.domain, { email: 'b@example.com' });
    const q = `updated_at:>'${new Date(a.updatedAt).toISOString()}'`;
    const r = await gql(sim, shop.accessToken, 'query($q: String) { customers(first: 10, query: $q, sortKey: UPDATED_AT) { nodes { legacyResourceId } } }', { q });
    expect(r.body.data.customers.nodes).toEqual([{ legacyResourceId: b.id }]);
    const byEmail = await gql(sim, shop.accessToken, '{ customers(first: 10, query: "email:A@example.com") { nodes { legacyResourceId } } }');
    expect(byEmail.body.data.customers.nodes).toEqual([{ legacyResourceId: a.id }]);
  });
});

describe('search syntax parser', () => {
  type R = { at: number; name: string };
  const fields = { at: dateField<R>((r) => r.at, (v) => Date.parse(v)), name: textField<R>((r) => [r.name]) };
  const rec = (at: string, name: string): R => ({ at: Date.parse(at), name });

  it('handles parentheses, NOT, quotes with spaces and prefix wildcards', () => {
    const s = compileSearch<R>("(name:'big mug' OR name:tee*) AND NOT at:<2026-01-01T00:00:00Z", fields, () => false);
    expect(s.test(rec('2026-02-01T00:00:00Z', 'big mug'))).toBe(true);
    expect(s.test(rec('2026-02-01T00:00:00Z', 'teeshirt'))).toBe(true);
    expect(s.test(rec('2025-02-01T00:00:00Z', 'teeshirt'))).toBe(false);
    expect(s.test(rec('2026-02-01T00:00:00Z', 'cap'))).toBe(false);
    expect(s.warnings).toEqual([]);
  });
});
