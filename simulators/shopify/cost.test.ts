/**
 * Calculated query cost and the leaky bucket (notes §3).
 */
import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestedQueryCost } from './cost.ts';
import { shopifySchema } from './graphql-schema.ts';
import { startShopifySim, type ShopCredentials, type ShopifySim } from './index.ts';
import { gql, sampleOrder } from './test-helpers.ts';

let sim: ShopifySim;
let shop: ShopCredentials;

beforeEach(async () => {
  sim = await startShopifySim();
  shop = sim.createShop({ domain: 'acme.myshopify.com' });
});
afterEach(async () => sim.close());

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const doc = parse(query);
  const op = doc.definitions[0];
  if (!op || op.kind !== 'OperationDefinition') throw new Error('no operation');
  return requestedQueryCost(shopifySchema(), doc, op, variables);
}

describe('requested cost', () => {
  it('counts scalars 0, objects 1 and connections 2 + first × node cost', () => {
    expect(cost('{ shop { name currencyCode } }')).toBe(1);
    expect(cost('{ orders(first: 10) { edges { node { id } } } }')).toBe(12);
    expect(cost('{ orders(first: 10) { pageInfo { hasNextPage } nodes { id lineItems(first: 5) { nodes { sku } } } } }')).toBe(2 + 1 + 10 * (1 + 2 + 5));
    expect(cost('query($n: Int) { orders(first: $n) { nodes { id totalPriceSet { shopMoney { amount } } } } }', { n: 4 })).toBe(2 + 4 * 3);
    expect(cost('mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "https://x.example" }) { userErrors { message } } }')).toBe(10);
  });

  it('follows fragments', () => {
    expect(cost('query { orders(first: 3) { nodes { ...F } } } fragment F on Order { id customer { id } }')).toBe(2 + 3 * 2);
  });
});

describe('bucket', () => {
  it('puts extensions.cost on every response in the documented shape', async () => {
    const r = await gql(sim, shop.accessToken, '{ orders(first: 10) { edges { node { id } } } }');
    expect(r.body.extensions.cost).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
  });

  it('refunds requested minus actual cost', async () => {
    sim.setThrottle({ restoreRate: 0 });
    sim.placeOrder(shop.domain, sampleOrder());
    sim.placeOrder(shop.domain, sampleOrder());
    const r = await gql(sim, shop.accessToken, '{ orders(first: 10) { pageInfo { hasNextPage } nodes { id lineItems(first: 5) { nodes { sku } } } } }');
    // requested 2 + 1 + 10 × 8 = 83; actual 2 + 1 + 2 orders × (1 + 2 + 2 line items) = 13
    expect(r.body.extensions.cost.requestedQueryCost).toBe(83);
    expect(r.body.extensions.cost.actualQueryCost).toBe(13);
    expect(r.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(2000 - 13);
  });

  it('answers THROTTLED with HTTP 200 when the bucket is empty', async () => {
    sim.setThrottle({ restoreRate: 0 });
    sim.setBucket({ accessToken: shop.accessToken, currentlyAvailable: 5 });
    const r = await gql(sim, shop.accessToken, '{ orders(first: 10) { edges { node { id } } } }');
    expect(r.status).toBe(200);
    expect(r.body.errors).toEqual([{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: expect.any(String) } }]);
    expect(r.body.data ?? null).toBeNull();
    expect(r.body.extensions.cost).toEqual({
      requestedQueryCost: 12,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 5, restoreRate: 0 },
    });
  });

  it('restores restoreRate points per second of simulator time', async () => {
    // Restore paused while draining, so real time passing in the test cannot refill the bucket early.
    sim.setThrottle({ restoreRate: 0 });
    sim.setBucket({ accessToken: shop.accessToken, currentlyAvailable: 5 });
    expect((await gql(sim, shop.accessToken, '{ orders(first: 10) { nodes { id } } }')).body.errors?.[0]?.extensions.code).toBe('THROTTLED');
    sim.setThrottle({ restoreRate: 100 });
    sim.clock.advance(1_000);
    const r = await gql(sim, shop.accessToken, '{ orders(first: 10) { nodes { id } } }');
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.orders.nodes).toEqual([]);
  });

  it('never fills the bucket above maximumAvailable', async () => {
    sim.clock.advance(3_600_000);
    expect(sim.throttleStatus(shop.accessToken).currentlyAvailable).toBe(2000);
  });

  it('answers MAX_COST_EXCEEDED above 1000 before touching the bucket', async () => {
    const r = await gql(sim, shop.accessToken, '{ orders(first: 250) { nodes { id lineItems(first: 10) { nodes { id } } } } }');
    expect(r.status).toBe(200);
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 3252, maxCost: 1000 });
    expect(r.body.errors[0].message).toMatch(/^Query cost is 3252, which exceeds the single query max cost limit \(1000\)\./);
    expect(r.body.data).toBeUndefined();
    expect(sim.throttleStatus(shop.accessToken).currentlyAvailable).toBe(2000);
  });

  it('keeps one bucket per app and shop: another shop is not throttled', async () => {
    const other = sim.createShop({ domain: 'other.myshopify.com' });
    sim.setThrottle({ restoreRate: 0 });
    sim.setBucket({ accessToken: shop.accessToken, currentlyAvailable: 0 });
    expect((await gql(sim, shop.accessToken, '{ shop { name } }')).body.errors[0].extensions.code).toBe('THROTTLED');
    expect((await gql(sim, other.accessToken, '{ shop { name } }')).body.data.shop.name).toBe('other');
  });

  it('can answer throttles with 429 and data:null for clients that see that', async () => {
    sim.setThrottle({ restoreRate: 0, throttledHttpStatus: 429, throttledData: 'null' });
    sim.setBucket({ accessToken: shop.accessToken, currentlyAvailable: 0 });
    const r = await gql(sim, shop.accessToken, '{ shop { name } }');
    expect(r.status).toBe(429);
    expect(r.body).toHaveProperty('data', null);
  });
});
