import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { manifest } from './connector.ts';
import { createShopifySource } from './source.ts';
import { answer, context, data, fakeHttp, testConnection } from './test-kit.ts';
import type { Responder } from './test-kit.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/shopify/', import.meta.url));

function orderNode(): Record<string, unknown> {
  return (JSON.parse(readFileSync(`${FIXTURES}graphql-order-multicurrency.json`, 'utf8')) as { data: { order: Record<string, unknown> } }).data.order;
}

function lineItem(n: number): Record<string, unknown> {
  return {
    id: `gid://shopify/LineItem/${n}`,
    name: `Part ${n}`,
    title: `Part ${n}`,
    sku: `P-${n}`,
    quantity: 1,
    taxable: true,
    product: null,
    originalUnitPriceSet: { presentmentMoney: { amount: '1.0', currencyCode: 'CAD' } },
    discountAllocations: [],
    taxLines: [],
  };
}

function range(from: number, to: number): Record<string, unknown>[] {
  return Array.from({ length: to - from + 1 }, (_, i) => lineItem(from + i));
}

function source(...script: Responder[]) {
  const fake = fakeHttp(...script);
  return { fake, source: createShopifySource(context(fake.http)) };
}

describe('createShopifySource', () => {
  describe('fetchOrder', () => {
    it('fetches by numeric id or gid and maps to canonical', async () => {
      const { fake, source: s } = source(() => data({ order: orderNode() }));
      const order = await s.fetchOrder('6250000000001');
      expect(order).toMatchObject({ id: '6250000000001', number: '#1042', currency: 'CAD', exchangeRate: '0.729937' });
      await s.fetchOrder('gid://shopify/Order/6250000000001');
      const ids = fake.requests.map((r) => (JSON.parse(r.body ?? '{}') as { variables: { id: string } }).variables.id);
      expect(ids).toEqual(['gid://shopify/Order/6250000000001', 'gid://shopify/Order/6250000000001']);
    });

    it('returns null when Shopify answers order: null', async () => {
      const { source: s } = source(() => data({ order: null }));
      await expect(s.fetchOrder('1')).resolves.toBeNull();
    });

    it('refuses an id that is not an order id, without calling', async () => {
      const { fake, source: s } = source(() => data({ order: null }));
      await expect(s.fetchOrder('gid://shopify/Customer/1')).rejects.toBeInstanceOf(SyncError);
      await expect(s.fetchOrder('#1001')).rejects.toMatchObject({ code: 'VALIDATION' });
      expect(fake.requests).toHaveLength(0);
    });

    it('fetches every line of an order with more than 100 lines, page by page', async () => {
      const first = manifest.graphql.lineItemsFirstPage;
      const more = manifest.graphql.lineItemsFollowUpPage;
      const total = first + more + 10;
      const head = orderNode();
      head['lineItems'] = { pageInfo: { hasNextPage: true, endCursor: 'L1' }, nodes: range(1, first) };
      head['totalPriceSet'] = { shopMoney: { amount: '109.5', currencyCode: 'USD' }, presentmentMoney: { amount: `${total}.0`, currencyCode: 'CAD' } };
      const { fake, source: s } = source(
        () => data({ order: head }),
        () => data({ order: { lineItems: { pageInfo: { hasNextPage: true, endCursor: 'L2' }, nodes: range(first + 1, first + more) } } }),
        () => data({ order: { lineItems: { pageInfo: { hasNextPage: false, endCursor: 'L3' }, nodes: range(first + more + 1, total) } } }),
      );
      const order = await s.fetchOrder('6250000000001');
      expect(order?.lines).toHaveLength(total);
      expect(order?.lines.map((l) => l.id)).toEqual(Array.from({ length: total }, (_, i) => String(i + 1)));
      expect(fake.operations()).toEqual(['OrderById', 'OrderLineItems', 'OrderLineItems']);
      const afters = fake.requests.slice(1).map((r) => (JSON.parse(r.body ?? '{}') as { variables: { after: string } }).variables.after);
      expect(afters).toEqual(['L1', 'L2']);
    });

    it('follows shipping lines and discount applications too', async () => {
      const head = orderNode();
      const shipping = head['shippingLines'] as { pageInfo: Record<string, unknown>; nodes: Record<string, unknown>[] };
      head['shippingLines'] = { pageInfo: { hasNextPage: true, endCursor: 'S1' }, nodes: shipping.nodes };
      head['discountApplications'] = { pageInfo: { hasNextPage: true, endCursor: 'D1' }, nodes: [] };
      const second = { ...shipping.nodes[0], title: 'Insurance', taxLines: [] };
      const { fake, source: s } = source(
        () => data({ order: head }),
        () => data({ order: { shippingLines: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [second] } } }),
        () => data({ order: { discountApplications: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ __typename: 'DiscountCodeApplication', index: 0, code: 'SPRING10' }] } } }),
      );
      const order = await s.fetchOrder('6250000000001');
      expect(fake.operations()).toEqual(['OrderById', 'OrderShippingLines', 'OrderDiscountApplications']);
      expect(order?.shippingLines.map((l) => l.title)).toEqual(['Canada Post Expedited', 'Insurance']);
      expect(order?.discounts).toEqual([{ code: 'SPRING10', amount: '6.50', allocatedToLines: true, currency: 'CAD' }]);
    });

    it('treats an order that vanished between pages as gone', async () => {
      const head = orderNode();
      head['lineItems'] = { pageInfo: { hasNextPage: true, endCursor: 'L1' }, nodes: range(1, 3) };
      const { source: s } = source(() => data({ order: head }), () => data({ order: null }));
      await expect(s.fetchOrder('6250000000001')).resolves.toBeNull();
    });
  });

  describe('fetchCustomer', () => {
    it('maps the customer, or null when it is gone', async () => {
      const customer = orderNode()['customer'];
      const { source: s } = source(() => data({ customer }), () => data({ customer: null }));
      await expect(s.fetchCustomer('7012345678901')).resolves.toMatchObject({ id: '7012345678901', email: 'ann.lee@example.ca' });
      await expect(s.fetchCustomer('7012345678902')).resolves.toBeNull();
    });
  });

  describe('ping', () => {
    it('names the shop when the token works', async () => {
      const { source: s } = source(() => data({ shop: { name: 'Maple & Co', myshopifyDomain: 'example.myshopify.com', currencyCode: 'USD' } }));
      await expect(s.ping()).resolves.toEqual({ ok: true, message: 'Connected to the Shopify shop "Maple & Co" (example.myshopify.com, currency USD).' });
      expect(s.throttleStatus()?.restoreRate).toBe(100);
    });

    it('says the token belongs to another shop', async () => {
      const { source: s } = source(() => data({ shop: { name: 'Other', myshopifyDomain: 'other.myshopify.com', currencyCode: 'EUR' } }));
      const result = await s.ping();
      expect(result.ok).toBe(false);
      expect(result.message).toContain('set the shop domain to other.myshopify.com');
    });

    it('says the token was refused', async () => {
      const { source: s } = source(() => answer(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }));
      const result = await s.ping();
      expect(result).toEqual({ ok: false, message: expect.stringMatching(/refused the access token for example\.myshopify\.com.*Reconnect the shop/) });
    });

    it('says the shop could not be reached', async () => {
      const { source: s } = source(() => {
        throw new SyncError('NETWORK', 'shopify.graphql.Shop: getaddrinfo ENOTFOUND example.myshopify.com');
      });
      const result = await s.ping();
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/^Could not reach example\.myshopify\.com: check the shop domain/);
    });

    it('says when no shop answers at the domain', async () => {
      const fake = fakeHttp(() => answer(404, 'Not Found'));
      const s = createShopifySource(context(fake.http, testConnection({ config: { shopDomain: 'typo.myshopify.com' } })));
      const result = await s.ping();
      expect(result.ok).toBe(false);
      expect(result.message).toContain('check the shop domain');
    });
  });
});
