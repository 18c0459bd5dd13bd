import { describe, expect, it } from 'vitest';
import { createShopifySource } from './source.ts';
import { answer, context, data, fakeHttp, type Responder } from './test-kit.ts';

const ADDRESS = 'https://sync.example/webhooks/c1/key';
const node = (id: number, topic: string) => ({ id: `gid://shopify/WebhookSubscription/${id}`, legacyResourceId: String(id), topic, uri: ADDRESS });
const page = (nodes: unknown[], endCursor: string | null = null) => data({ webhookSubscriptions: { pageInfo: { hasNextPage: endCursor !== null, endCursor }, nodes } });

/** A shop that holds `held` topics at first and answers each subscribe with `onCreate`. */
function shop(held: string[], onCreate: Responder = (_r, body) => data({ webhookSubscriptionCreate: { webhookSubscription: node(99, String(body.variables['topic'])), userErrors: [] } })) {
  const fake = fakeHttp((request, body) => (body.operationName === 'WebhookSubscriptions' ? page(held.map((t, i) => node(i + 1, t))) : onCreate(request, body)));
  return { fake, source: createShopifySource(context(fake.http)) };
}

describe('Shopify webhook subscriptions', () => {
  it('subscribes only the handled topics that are missing, to this address, in JSON', async () => {
    const { fake, source } = shop(['ORDERS_CREATE', 'ORDERS_UPDATED', 'ORDERS_PAID', 'CUSTOMERS_CREATE']);
    const health = await source.ensureWebhooks(ADDRESS);
    expect(health.ok).toBe(true);
    expect(health.repaired).toEqual([
      'orders/cancelled had no subscription to this service; subscribed it (subscription 99).',
      'customers/update had no subscription to this service; subscribed it (subscription 99).',
    ]);
    const creates = fake.requests.slice(1).map((r) => JSON.parse(r.body ?? '{}') as { query: string; variables: Record<string, unknown> });
    expect(creates.map((c) => c.variables)).toEqual([
      { topic: 'ORDERS_CANCELLED', uri: ADDRESS },
      { topic: 'CUSTOMERS_UPDATE', uri: ADDRESS },
    ]);
    expect(creates[0]?.query).toContain('format: JSON');
  });

  it('reads every page of subscriptions before deciding what is missing', async () => {
    const fake = fakeHttp(
      () => page([node(1, 'ORDERS_CREATE'), node(2, 'ORDERS_UPDATED'), node(3, 'ORDERS_PAID')], 'c1'),
      (_r, body) => {
        expect(body.variables['after']).toBe('c1');
        return page([node(4, 'ORDERS_CANCELLED'), node(5, 'CUSTOMERS_CREATE'), node(6, 'CUSTOMERS_UPDATE')]);
      },
    );
    const health = await createShopifySource(context(fake.http)).ensureWebhooks(ADDRESS);
    expect(health).toEqual({ ok: true, repaired: [], message: expect.stringMatching(/^All 6 webhook subscriptions/) });
    expect(fake.operations()).toEqual(['WebhookSubscriptions', 'WebhookSubscriptions']);
  });

  it('reports a refused subscription with Shopify\'s reason and still tries the other topics', async () => {
    const { fake, source } = shop([], (_r, body) =>
      body.variables['topic'] === 'ORDERS_PAID'
        ? data({ webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is not allowed' }] } })
        : data({ webhookSubscriptionCreate: { webhookSubscription: node(7, String(body.variables['topic'])), userErrors: [] } }),
    );
    const health = await source.ensureWebhooks(ADDRESS);
    expect(health.ok).toBe(false);
    expect(health.message).toContain('orders/paid: Shopify refused the subscription (Address is not allowed)');
    expect(health.repaired).toHaveLength(5);
    expect(fake.operations().filter((o) => o === 'WebhookSubscribe')).toHaveLength(6);
  });

  it('says plainly when the subscriptions cannot even be listed', async () => {
    const fake = fakeHttp(() => answer(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' }));
    const health = await createShopifySource(context(fake.http)).ensureWebhooks(ADDRESS);
    expect(health.ok).toBe(false);
    expect(health.message).toMatch(/^Could not list the shop's webhook subscriptions: .+ Polling still picks up every change\.$/);
    expect(fake.operations()).toEqual(['WebhookSubscriptions']);
  });
});
