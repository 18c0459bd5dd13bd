import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { createWooCommerceSource } from './source.ts';
import { context, fakeHttp, HOOK_SECRET, json, listPage, testConnection, wooError } from './test-kit.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/woocommerce/', import.meta.url));
const ORDER_727 = readFileSync(`${FIXTURES}order-docs-727.json`, 'utf8');
const CUSTOMER_26 = readFileSync(`${FIXTURES}customer-docs-26.json`, 'utf8');
const ADDRESS = 'https://sync.example/webhooks/conn-woo/key';

describe('ping', () => {
  it('says what works', async () => {
    const fake = fakeHttp().on('GET', '/orders', listPage([{ id: 727 }], 1, 31, 31));
    const result = await createWooCommerceSource(context(fake.http)).ping();
    expect(result).toEqual({ ok: true, message: 'Connected to the WooCommerce store at https://shop.example with HTTP Basic over HTTPS; 31 orders are visible.' });
    expect(fake.seen[0]?.query).toMatchObject({ per_page: '1', _fields: 'id' });
  });

  it.each([
    ['bad keys', wooError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.'), /refused the API keys: re-enter the consumer key and secret/],
    ['keys not seen (Basic dropped)', wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'), /turn on query-string authentication/],
    ['not a WooCommerce site', wooError(404, 'rest_no_route', 'No route was found matching the URL and request method.'), /does not look like a WooCommerce store/],
    ['a web page', json(200, '<!doctype html><title>Blog</title>'), /web page instead of the WooCommerce API/],
    ['clock skew', wooError(401, 'woocommerce_rest_authentication_error', 'Invalid timestamp.'), /clock/],
    ['a read-only user', wooError(403, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'), /accepted the keys but refused access/],
  ])('%s → a plain sentence', async (_name, response, sentence) => {
    const fake = fakeHttp().on('GET', '/orders', response);
    const result = await createWooCommerceSource(context(fake.http)).ping();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(sentence);
  });

  it('unreachable', async () => {
    const http = async () => {
      throw new SyncError('NETWORK', 'woocommerce.ping: fetch failed (ENOTFOUND)');
    };
    const result = await createWooCommerceSource(context(http)).ping();
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/^Could not reach https:\/\/shop\.example: check the address/);
  });
});

describe('fetchOrder / fetchCustomer', () => {
  it('reads and maps the order; a missing one is null', async () => {
    const fake = fakeHttp()
      .on('GET', '/orders/727', json(200, ORDER_727))
      .on('GET', '/orders/9', wooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.'));
    const source = createWooCommerceSource(context(fake.http));
    const order = await source.fetchOrder('727');
    expect(order).toMatchObject({ id: '727', number: '727', status: 'paid', totals: { total: '29.35' } });
    expect(await source.fetchOrder('9')).toBeNull();
    expect((await syncErrorOf(source.fetchOrder('#727'))).code).toBe('VALIDATION');
    expect(fake.seen.map((s) => s.op)).toEqual(['woocommerce.orders.get', 'woocommerce.orders.get']);
  });

  it('never fetches customer 0 (a guest); a missing customer is null', async () => {
    const fake = fakeHttp()
      .on('GET', '/customers/26', json(200, CUSTOMER_26))
      .on('GET', '/customers/27', wooError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.'));
    const source = createWooCommerceSource(context(fake.http));
    expect(await source.fetchCustomer('0')).toBeNull();
    expect(fake.seen).toHaveLength(0);
    expect(await source.fetchCustomer('26')).toMatchObject({ id: '26', email: 'joao.silva@example.com' });
    expect(await source.fetchCustomer('27')).toBeNull();
  });

  it('does not hide other failures', async () => {
    const fake = fakeHttp().on('GET', '/orders/727', wooError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.'));
    expect((await syncErrorOf(createWooCommerceSource(context(fake.http)).fetchOrder('727'))).code).toBe('AUTH_REVOKED');
  });
});

describe('ensureWebhooks', () => {
  type Hook = { id: number; name: string; status: string; topic: string; delivery_url: string };
  function store(initial: Hook[]) {
    const hooks = [...initial];
    let next = 100;
    const fake = fakeHttp()
      .on('GET', '/webhooks', () => listPage(hooks, 1, 1))
      .on('POST', '/webhooks', (r) => {
        const body = JSON.parse(r.body ?? '{}') as Hook;
        const hook = { ...body, id: next++ };
        hooks.push(hook);
        return json(201, { id: hook.id, name: hook.name, status: hook.status, topic: hook.topic, delivery_url: hook.delivery_url });
      })
      .on('PUT', /^\/webhooks\/\d+$/, (r) => {
        const hook = hooks.find((h) => `/webhooks/${h.id}` === r.route);
        if (!hook) return wooError(400, 'woocommerce_rest_shop_webhook_invalid_id', 'ID is invalid.');
        Object.assign(hook, { status: (JSON.parse(r.body ?? '{}') as { status: string }).status });
        return json(200, hook);
      })
      .on('DELETE', /^\/webhooks\/\d+$/, (r) => {
        const i = hooks.findIndex((h) => `/webhooks/${h.id}` === r.route);
        return json(200, hooks.splice(i, 1)[0]);
      });
    return { hooks, fake };
  }
  const hook = (id: number, topic: string, status = 'active', url = ADDRESS): Hook => ({ id, name: `ml-connector ${topic}`, status, topic, delivery_url: url });

  it('creates the four webhooks with our secret, then finds nothing to do', async () => {
    const { hooks, fake } = store([hook(1, 'order.updated', 'active', 'https://erp.example/hook')]);
    const source = createWooCommerceSource(context(fake.http));
    const first = await source.ensureWebhooks(ADDRESS);
    expect(first.ok).toBe(true);
    expect(first.repaired).toEqual([
      'order.created had no webhook to this service; created one (webhook 100).',
      'order.updated had no webhook to this service; created one (webhook 101).',
      'customer.created had no webhook to this service; created one (webhook 102).',
      'customer.updated had no webhook to this service; created one (webhook 103).',
    ]);
    const created = fake.seen.filter((s) => s.method === 'POST').map((s) => JSON.parse(s.body ?? '{}') as Record<string, unknown>);
    expect(created[0]).toEqual({ name: 'ml-connector order.created', topic: 'order.created', delivery_url: ADDRESS, secret: HOOK_SECRET, status: 'active' });
    expect(fake.seen[0]?.query).toMatchObject({ status: 'all' });
    expect(hooks).toHaveLength(5);

    const second = await source.ensureWebhooks(ADDRESS);
    expect(second).toEqual({ ok: true, repaired: [], message: 'All 4 webhooks (order.created, order.updated, customer.created, customer.updated) are active.' });
  });

  it('re-enables a webhook WooCommerce disabled (with our secret), re-activates a paused one, removes duplicates', async () => {
    const { hooks, fake } = store([
      hook(1, 'order.created'),
      hook(2, 'order.updated', 'disabled'),
      hook(3, 'customer.created', 'paused'),
      hook(4, 'customer.updated', 'disabled'),
      hook(5, 'customer.updated'),
    ]);
    const health = await createWooCommerceSource(context(fake.http)).ensureWebhooks(ADDRESS);
    expect(health.ok).toBe(true);
    expect(health.repaired).toEqual([
      'order.updated was disabled by WooCommerce after failed deliveries; re-enabled (webhook 2).',
      'customer.created was paused in WooCommerce › Settings › Advanced › Webhooks; re-activated (webhook 3).',
      'customer.updated had 2 webhooks to this service, so each change came 2 times; removed webhook 4.',
    ]);
    expect(health.message).toMatch(/^Put right 3 webhook problems; all 4 webhooks/);
    const put = fake.seen.find((s) => s.method === 'PUT' && s.route === '/webhooks/2');
    expect(JSON.parse(put?.body ?? '{}')).toEqual({ status: 'active', secret: HOOK_SECRET });
    expect(fake.seen.find((s) => s.method === 'DELETE')?.query['force']).toBe('true');
    expect(hooks.map((h) => [h.id, h.status])).toEqual([
      [1, 'active'],
      [2, 'active'],
      [3, 'active'],
      [5, 'active'],
    ]);
  });

  it('reports a read-only key instead of failing, and a missing secret', async () => {
    const fake = fakeHttp()
      .on('GET', '/webhooks', listPage([], 1, 0))
      .on('POST', '/webhooks', wooError(401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.'));
    const health = await createWooCommerceSource(context(fake.http)).ensureWebhooks(ADDRESS);
    expect(health.ok).toBe(false);
    expect(health.repaired).toEqual([]);
    expect(health.message).toMatch(/order\.created: WooCommerce would not let this key change webhooks.*Read\/Write.*Polling still picks up every change\.$/);

    const none = await createWooCommerceSource(context(fake.http, testConnection({}, { webhookSecret: '' }))).ensureWebhooks(ADDRESS);
    expect(none).toMatchObject({ ok: false, repaired: [] });
    expect(none.message).toMatch(/No webhook secret/);
  });
});

describe('listOrders (backfill)', () => {
  /** The docs' order 727 as order `id`, modified at `modified` (GMT, no offset). */
  const orderText = (id: number, modified = '2026-04-01T10:00:00') =>
    ORDER_727.replace('"id": 727', `"id": ${id}`).replace('"number": "727"', `"number": "${id}"`).replace(/"date_modified_gmt": "[^"]*"/, `"date_modified_gmt": "${modified}"`);

  it('reads every page of whole orders modified since `since` (100 a page, ordered by id) and maps each', async () => {
    const paged = (texts: string[]) => json(200, `[${texts.join(',')}]`, { 'x-wp-total': '3', 'x-wp-totalpages': '2' });
    const fake = fakeHttp().on('GET', '/orders', (request) => (request.query['page'] === '1' ? paged([orderText(727), orderText(728)]) : paged([orderText(729)])));
    const pages = await collect(createWooCommerceSource(context(fake.http)).listOrders(new Date('2026-04-01T09:30:00.500Z')));
    expect(pages.map((p) => p.map((o) => o.number))).toEqual([['727', '728'], ['729']]);
    expect(pages[0]?.[0]).toMatchObject({ source: 'woocommerce', id: '727', totals: { total: '29.35' } });
    expect(fake.seen.map((s) => s.query)).toEqual([
      { modified_after: '2026-04-01T09:29:59', dates_are_gmt: 'true', status: 'any', orderby: 'id', order: 'asc', per_page: '100', page: '1' },
      { modified_after: '2026-04-01T09:29:59', dates_are_gmt: 'true', status: 'any', orderby: 'id', order: 'asc', per_page: '100', page: '2' },
    ]);
    expect(fake.seen.map((s) => s.op)).toEqual(['woocommerce.orders.list', 'woocommerce.orders.list']);
  });

  it('leaves out an older order a store sends anyway, and names one it cannot map', async () => {
    const broken = orderText(731).replace(/"currency": "[A-Z]+"/, '"currency": "XXXX"');
    const fake = fakeHttp().on('GET', '/orders', json(200, `[${orderText(730, '2017-03-22T19:28:08')},${orderText(727)},${broken}]`, { 'x-wp-total': '3', 'x-wp-totalpages': '1' }));
    const [page] = await collect(createWooCommerceSource(context(fake.http)).listOrders(new Date('2026-04-01T00:00:00Z')));
    expect(page?.map((o) => o.id)).toEqual(['727']);
    expect(page?.unreadable).toEqual([{ sourceId: '731', sourceRef: '731', reason: expect.stringMatching(/XXXX/) }]);
  });
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
