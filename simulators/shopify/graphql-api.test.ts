/**
 * Contract tests for `POST /admin/api/{version}/graphql.json`: auth, versions, tenancy, and the Order / Customer
 * fields an accounting sync reads, as the Admin API renders them.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVALID_TOKEN_BODY, startShopifySim, type ShopCredentials, type ShopifySim } from './index.ts';
import { gql, sampleOrder } from './test-helpers.ts';

let sim: ShopifySim;
let acme: ShopCredentials;

beforeEach(async () => {
  sim = await startShopifySim();
  acme = sim.createShop({ domain: 'acme.myshopify.com' });
});
afterEach(async () => sim.close());

const ORDER_QUERY = /* GraphQL */ `
  query One($id: ID!) {
    order(id: $id) {
      id legacyResourceId name email createdAt updatedAt processedAt cancelledAt cancelReason
      taxesIncluded currencyCode presentmentCurrencyCode displayFinancialStatus
      subtotalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
      totalPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } }
      totalShippingPriceSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } }
      currentTotalPriceSet { shopMoney { amount } }
      taxLines { title rate priceSet { shopMoney { amount } } }
      customer { id email displayName }
      billingAddress { firstName city provinceCode countryCodeV2 }
      lineItems(first: 10) {
        nodes {
          id sku title quantity
          originalUnitPriceSet { shopMoney { amount } }
          totalDiscountSet { shopMoney { amount } }
          discountedTotalSet { shopMoney { amount } }
          codeIncluded: discountedTotalSet(withCodeDiscounts: true) { shopMoney { amount } }
          taxLines { priceSet { shopMoney { amount } } }
          discountAllocations { allocatedAmountSet { shopMoney { amount } } discountApplication { index ... on DiscountCodeApplication { code } } }
        }
      }
      shippingLines(first: 5) { nodes { title code originalPriceSet { shopMoney { amount } } taxLines { priceSet { shopMoney { amount } } } } }
    }
  }
`;

describe('auth and versions', () => {
  it('rejects a missing access token with 401 and the documented body', async () => {
    const r = await gql(sim, undefined, '{ shop { name } }');
    expect(r.status).toBe(401);
    expect(r.body).toEqual(INVALID_TOKEN_BODY);
  });

  it('rejects an unknown access token with 401', async () => {
    const r = await gql(sim, 'shpat_00000000000000000000000000000000', '{ shop { name } }');
    expect(r.status).toBe(401);
    expect(r.body.errors).toMatch(/Invalid API key or access token/);
  });

  it('answers 401 to a revoked token and serves the reissued one', async () => {
    const fresh = sim.revokeAccessToken(acme.domain);
    expect((await gql(sim, acme.accessToken, '{ shop { name } }')).status).toBe(401);
    expect((await gql(sim, fresh.accessToken, '{ shop { name } }')).status).toBe(200);
  });

  it('issues shpat_ tokens of 32 hex characters', () => {
    expect(acme.accessToken).toMatch(/^shpat_[0-9a-f]{32}$/);
  });

  it('echoes X-Shopify-API-Version on every response', async () => {
    const ok = await gql(sim, acme.accessToken, '{ shop { name } }', undefined, '2026-01');
    const denied = await gql(sim, 'nope', '{ shop { name } }', undefined, '2026-04');
    expect(ok.headers.get('x-shopify-api-version')).toBe('2026-01');
    expect(denied.headers.get('x-shopify-api-version')).toBe('2026-04');
  });

  it('falls forward from a retired version to the oldest supported one', async () => {
    const r = await gql(sim, acme.accessToken, '{ shop { name } }', undefined, '2023-01');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-shopify-api-version')).toBe('2025-07');
  });

  it('answers an unknown path or malformed version with 404', async () => {
    const r = await gql(sim, acme.accessToken, '{ shop { name } }', undefined, 'banana');
    expect(r.status).toBe(404);
  });
});

describe('tenancy', () => {
  it("one shop's token cannot read another shop's orders", async () => {
    const other = sim.createShop({ domain: 'other.myshopify.com' });
    const theirs = sim.placeOrder(other.domain, sampleOrder());
    sim.placeOrder(acme.domain, sampleOrder());
    const byId = await gql(sim, acme.accessToken, 'query($id: ID!) { order(id: $id) { id } }', { id: `gid://shopify/Order/${theirs.id}` });
    expect(byId.body.data.order).toBeNull();
    const list = await gql(sim, acme.accessToken, '{ orders(first: 50) { nodes { id } } }');
    expect(list.body.data.orders.nodes.map((n: { id: string }) => n.id)).not.toContain(`gid://shopify/Order/${theirs.id}`);
    expect(list.body.data.orders.nodes).toHaveLength(1);
    const shop = await gql(sim, other.accessToken, '{ shop { myshopifyDomain } }');
    expect(shop.body.data.shop.myshopifyDomain).toBe('other.myshopify.com');
  });

  it('refuses a token on a different *.myshopify.com host with 401', async () => {
    // fetch() will not send a custom Host header, so this one goes through node:http.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(sim.graphqlUrl());
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host: 'other.myshopify.com', 'content-type': 'application/json', 'x-shopify-access-token': acme.accessToken } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ query: '{ shop { name } }' }));
    });
    expect(status).toBe(401);
  });
});

describe('order fields', () => {
  it('states money as MoneyBag Decimals without padding and totals exactly', async () => {
    const o = sim.placeOrder(acme.domain, sampleOrder());
    const r = await gql(sim, acme.accessToken, ORDER_QUERY, { id: `gid://shopify/Order/${o.id}` });
    expect(r.body.errors).toBeUndefined();
    const order = r.body.data.order;
    expect(order.subtotalPriceSet).toEqual({ shopMoney: { amount: '38.0', currencyCode: 'USD' }, presentmentMoney: { amount: '38.0', currencyCode: 'USD' } });
    expect(order.totalPriceSet.shopMoney.amount).toBe('48.96');
    expect(order.totalTaxSet.shopMoney.amount).toBe('3.96');
    expect(order.totalShippingPriceSet.shopMoney.amount).toBe('7.0');
    expect(order.totalDiscountsSet.shopMoney.amount).toBe('7.0');
    expect(order.taxLines).toEqual([{ title: 'State Tax', rate: 0.0825, priceSet: { shopMoney: { amount: '3.96' } } }]);
  });

  it('keeps line-level and code discounts apart on line items', async () => {
    const o = sim.placeOrder(acme.domain, sampleOrder());
    const r = await gql(sim, acme.accessToken, ORDER_QUERY, { id: `gid://shopify/Order/${o.id}` });
    const [mug, tee] = r.body.data.order.lineItems.nodes;
    expect(tee.totalDiscountSet.shopMoney.amount).toBe('2.0');
    expect(tee.discountedTotalSet.shopMoney.amount).toBe('18.0');
    expect(tee.codeIncluded.shopMoney.amount).toBe('15.91');
    expect(mug.discountAllocations).toEqual([{ allocatedAmountSet: { shopMoney: { amount: '2.91' } }, discountApplication: { index: 0, code: 'SPRING' } }]);
  });

  it('gives ids as gids and legacyResourceId as a digit-exact string above 2^53', async () => {
    const o = sim.placeOrder(acme.domain, sampleOrder());
    const r = await gql(sim, acme.accessToken, ORDER_QUERY, { id: `gid://shopify/Order/${o.id}` });
    expect(r.body.data.order.id).toBe(`gid://shopify/Order/${o.id}`);
    expect(r.body.data.order.legacyResourceId).toBe(o.id);
    expect(BigInt(o.id) > 2n ** 53n).toBe(true);
  });

  it('prints DateTime in UTC with Z and whole seconds', async () => {
    const o = sim.placeOrder(acme.domain, sampleOrder());
    const r = await gql(sim, acme.accessToken, ORDER_QUERY, { id: `gid://shopify/Order/${o.id}` });
    expect(r.body.data.order.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(r.body.data.order.createdAt)).toBe(o.createdAt);
  });

  it('reports cancellation and financial status with the Admin enums', async () => {
    const o = sim.placeOrder(acme.domain, sampleOrder({ financialStatus: 'PAID' }));
    sim.cancelOrder(acme.domain, o.id, { reason: 'FRAUD', refund: true });
    const r = await gql(sim, acme.accessToken, ORDER_QUERY, { id: `gid://shopify/Order/${o.id}` });
    expect(r.body.data.order).toMatchObject({ cancelReason: 'FRAUD', displayFinancialStatus: 'REFUNDED', currentTotalPriceSet: { shopMoney: { amount: '0.0' } } });
    expect(r.body.data.order.cancelledAt).toMatch(/Z$/);
  });

  it('has no financialStatus field on Order (validation error, as on the real Admin API)', async () => {
    const r = await gql(sim, acme.accessToken, '{ orders(first: 1) { nodes { financialStatus } } }');
    expect(r.status).toBe(200);
    expect(r.body.errors[0].message).toMatch(/financialStatus/);
    expect(r.body.data).toBeUndefined();
  });

  it('rejects an id that is not a global id', async () => {
    const r = await gql(sim, acme.accessToken, '{ order(id: "123") { id } }');
    expect(r.body.errors[0].message).toBe("Invalid global id '123'");
  });

  it('reads refunds with their lines and transactions', async () => {
    const o = sim.placeOrder(acme.domain, sampleOrder({ financialStatus: 'PAID' }));
    sim.refundOrder(acme.domain, o.id, { lineItems: [{ lineItemId: o.lineItems[1]!.id, quantity: 1 }], shipping: { full: true }, note: 'damaged' });
    const r = await gql(
      sim,
      acme.accessToken,
      `query($id: ID!) { order(id: $id) { displayFinancialStatus totalRefundedSet { shopMoney { amount } }
        refunds(first: 5) { note totalRefundedSet { shopMoney { amount } }
          refundLineItems(first: 5) { nodes { quantity lineItem { sku } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } } }
          refundShippingLines(first: 5) { nodes { subtotalAmountSet { shopMoney { amount } } taxAmountSet { shopMoney { amount } } } }
          transactions(first: 5) { nodes { kind status amountSet { shopMoney { amount } } } } } } }`,
      { id: `gid://shopify/Order/${o.id}` },
    );
    const order = r.body.data.order;
    // T-shirt after line discount 18.00 and code share 2.09 = 15.91, tax 1.40; shipping 7.00 + 0.58 tax.
    expect(order.refunds[0].refundLineItems.nodes[0]).toEqual({ quantity: 1, lineItem: { sku: 'TEE-2' }, subtotalSet: { shopMoney: { amount: '15.91' } }, totalTaxSet: { shopMoney: { amount: '1.4' } } });
    expect(order.refunds[0].refundShippingLines.nodes[0]).toEqual({ subtotalAmountSet: { shopMoney: { amount: '7.0' } }, taxAmountSet: { shopMoney: { amount: '0.58' } } });
    expect(order.refunds[0].transactions.nodes[0]).toEqual({ kind: 'REFUND', status: 'SUCCESS', amountSet: { shopMoney: { amount: '24.89' } } });
    expect(order.totalRefundedSet.shopMoney.amount).toBe('24.89');
    expect(order.displayFinancialStatus).toBe('PARTIALLY_REFUNDED');
  });
});

describe('customers and shop', () => {
  it('reads customers with the deprecated email and its replacement defaultEmailAddress', async () => {
    const c = sim.createCustomer(acme.domain, { email: 'zoe@example.com', firstName: 'Zoe', lastName: 'Park', phone: '+15550001111' });
    const r = await gql(
      sim,
      acme.accessToken,
      `query($id: ID!) { customer(id: $id) { id legacyResourceId displayName email defaultEmailAddress { emailAddress } phone defaultPhoneNumber { phoneNumber } numberOfOrders amountSpent { amount currencyCode } state } }`,
      { id: `gid://shopify/Customer/${c.id}` },
    );
    expect(r.body.data.customer).toEqual({
      id: `gid://shopify/Customer/${c.id}`,
      legacyResourceId: c.id,
      displayName: 'Zoe Park',
      email: 'zoe@example.com',
      defaultEmailAddress: { emailAddress: 'zoe@example.com' },
      phone: '+15550001111',
      defaultPhoneNumber: { phoneNumber: '+15550001111' },
      numberOfOrders: '0',
      amountSpent: { amount: '0.0', currencyCode: 'USD' },
      state: 'DISABLED',
    });
  });

  it('answers shop { name currencyCode myshopifyDomain }', async () => {
    const eur = sim.createShop({ domain: 'euro.myshopify.com', name: 'Euro Shop', currency: 'EUR' });
    const r = await gql(sim, eur.accessToken, '{ shop { name currencyCode myshopifyDomain } }');
    expect(r.body.data.shop).toEqual({ name: 'Euro Shop', currencyCode: 'EUR', myshopifyDomain: 'euro.myshopify.com' });
  });
});

describe('webhookSubscriptionCreate', () => {
  it('creates a subscription through the GraphQL mutation, stamped with the request version', async () => {
    const r = await gql(
      sim,
      acme.accessToken,
      `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
        webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
          webhookSubscription { id topic uri format apiVersion { handle } } userErrors { field message } } }`,
      { topic: 'ORDERS_CREATE', sub: { uri: 'https://hooks.example.com/shopify', format: 'JSON' } },
      '2026-04',
    );
    expect(r.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
    expect(r.body.data.webhookSubscriptionCreate.webhookSubscription).toMatchObject({ topic: 'ORDERS_CREATE', uri: 'https://hooks.example.com/shopify', apiVersion: { handle: '2026-04' } });
    expect(sim.listWebhooks(acme.domain)).toHaveLength(1);
    expect(sim.listWebhooks(acme.domain)[0]).toMatchObject({ topic: 'orders/create' });
  });

  it('reports a duplicate address for the same topic as a userError', async () => {
    sim.subscribeWebhook({ shop: acme.domain, topic: 'orders/create', address: 'https://hooks.example.com/a' });
    const r = await gql(
      sim,
      acme.accessToken,
      `mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: "https://hooks.example.com/a" }) { webhookSubscription { id } userErrors { field message } } }`,
    );
    expect(r.body.data.webhookSubscriptionCreate.webhookSubscription).toBeNull();
    expect(r.body.data.webhookSubscriptionCreate.userErrors[0].message).toBe('Address for this topic has already been taken');
  });

  it('lists subscriptions so a reconciler can find removed ones', async () => {
    sim.subscribeWebhook({ shop: acme.domain, topic: 'orders/updated', address: 'https://hooks.example.com/u' });
    const r = await gql(sim, acme.accessToken, '{ webhookSubscriptions(first: 10, topics: [ORDERS_UPDATED]) { nodes { topic uri } } }');
    expect(r.body.data.webhookSubscriptions.nodes).toEqual([{ topic: 'ORDERS_UPDATED', uri: 'https://hooks.example.com/u' }]);
  });
});
