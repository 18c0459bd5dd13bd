import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { oauthBaseString, oauthSignature } from './auth.ts';
import { createWooCommerceClient, hasNextPage } from './client.ts';
import { WooChanged } from './schemas.ts';
import { context, fakeHttp, json, KEY, listPage, NOW, SECRET, testConnection, wooError } from './test-kit.ts';

describe('WooCommerce client: auth on the wire', () => {
  it('sends Basic over https to `${siteUrl}/wp-json/wc/v3` and no oauth_*', async () => {
    const fake = fakeHttp().on('GET', '/orders/727', json(200, { id: 727 }));
    const client = createWooCommerceClient(context(fake.http));
    await client.request('GET', '/orders/727', { op: 'woocommerce.orders.get' });
    const [seen] = fake.seen;
    expect(seen?.url).toBe('https://shop.example/wp-json/wc/v3/orders/727');
    expect(seen?.headers?.['Authorization']).toBe(`Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
    expect(seen?.op).toBe('woocommerce.orders.get');
    expect(client.authMode).toBe('basic');
  });

  it('signs with OAuth 1.0a on an http site (over the site URL, sent to apiBaseUrl), with the context clock', async () => {
    const fake = fakeHttp().on('GET', '/orders', listPage([], 1, 0));
    const connection = testConnection({ siteUrl: 'http://shop.example/', apiBaseUrl: 'http://127.0.0.1:9000/sites/a' });
    const client = createWooCommerceClient(context(fake.http, connection), { nonce: () => 'fixednonce' });
    await client.request('GET', '/orders', { query: { per_page: 1, status: 'any' }, op: 'test' });
    const seen = fake.seen[0];
    if (!seen) throw new Error('no request');
    expect(seen.parsed.origin + seen.parsed.pathname).toBe('http://127.0.0.1:9000/sites/a/wp-json/wc/v3/orders');
    expect(seen.headers?.['Authorization']).toBeUndefined();
    expect(seen.query['oauth_timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(seen.query['oauth_nonce']).toBe('fixednonce');
    const params = Object.entries(seen.query).filter(([k]) => k !== 'oauth_signature');
    const base = oauthBaseString('GET', 'http://shop.example/wp-json/wc/v3/orders', params);
    expect(seen.query['oauth_signature']).toBe(oauthSignature(base, SECRET, 'HMAC-SHA256'));
  });

  it('can sign with HMAC-SHA1 and send query-string keys when configured', async () => {
    const fake = fakeHttp().on('GET', '/orders', listPage([], 1, 0));
    await createWooCommerceClient(context(fake.http, testConnection({ siteUrl: 'http://shop.example', signatureMethod: 'HMAC-SHA1' }))).request('GET', '/orders', { op: 't' });
    expect(fake.seen[0]?.query['oauth_signature_method']).toBe('HMAC-SHA1');
    await createWooCommerceClient(context(fake.http, testConnection({ queryStringAuth: true }))).request('GET', '/orders', { op: 't' });
    expect(fake.seen[1]?.query).toMatchObject({ consumer_key: KEY, consumer_secret: SECRET });
  });

  it('sends a JSON body with its content type', async () => {
    const fake = fakeHttp().on('PUT', '/webhooks/3', json(200, { id: 3 }));
    await createWooCommerceClient(context(fake.http)).request('PUT', '/webhooks/3', { body: { status: 'active' }, op: 't' });
    expect(fake.seen[0]?.body).toBe('{"status":"active"}');
    expect(fake.seen[0]?.headers?.['Content-Type']).toBe('application/json');
  });

  it('refuses to call without a site URL or keys', async () => {
    const fake = fakeHttp();
    expect((await syncErrorOf(createWooCommerceClient(context(fake.http, testConnection({ siteUrl: '' }))).request('GET', '/orders', { op: 't' }))).code).toBe('VALIDATION');
    expect((await syncErrorOf(createWooCommerceClient(context(fake.http, testConnection({}, { consumerKey: '' }))).request('GET', '/orders', { op: 't' }))).code).toBe('AUTH_REVOKED');
    expect(fake.seen).toHaveLength(0);
  });
});

describe('WooCommerce client: error classes', () => {
  async function failWith(response: ReturnType<typeof json>, method: 'GET' | 'POST' = 'GET'): Promise<SyncError> {
    const fake = fakeHttp().on(method, '/orders', response);
    return syncErrorOf(createWooCommerceClient(context(fake.http)).request(method, '/orders', { op: 't' }));
  }

  it.each([
    [401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.', 'AUTH_REVOKED', /re-enter the consumer key and secret/],
    [401, 'woocommerce_rest_authentication_error', 'Invalid signature - provided signature does not match.', 'AUTH_REVOKED', /re-enter/],
    [401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', 'AUTH_REVOKED', /re-enter/],
    [401, 'woocommerce_rest_authentication_error', 'Invalid timestamp.', 'AUTH_REVOKED', /clock/],
    [401, 'woocommerce_rest_authentication_error', 'Invalid nonce - nonce has already been used.', 'TRANSIENT', /nonce/],
    [401, 'woocommerce_rest_authentication_error', 'The API key provided does not have write permissions.', 'PERMISSION_DENIED', /Read\/Write/],
    [403, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', 'PERMISSION_DENIED', /capability/],
    [404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 'NOT_FOUND', /Invalid ID/],
    [404, 'rest_no_route', 'No route was found matching the URL and request method.', 'PERMISSION_DENIED', /no WooCommerce REST API answers at https:\/\/shop.example\/wp-json\/wc\/v3/],
    [400, 'rest_invalid_param', 'Invalid parameter(s): per_page', 'VALIDATION', /Invalid parameter\(s\): per_page/],
    [500, 'internal_server_error', 'There has been a critical error on this website.', 'TRANSIENT', /HTTP 500/],
    [502, '', '', 'TRANSIENT', /HTTP 502/],
  ] as const)('%i %s → %s', async (status, code, message, expected, sentence) => {
    const error = await failWith(code ? wooError(status, code, message) : json(status, '<html>Bad gateway</html>'));
    expect(error.code).toBe(expected);
    expect(error.message).toMatch(sentence);
  });

  it('429 and 503 with Retry-After are RATE_LIMITED with the wait', async () => {
    const a = await failWith(json(429, 'slow down', { 'retry-after': '7' }));
    expect(a.code).toBe('RATE_LIMITED');
    expect(a.retryAfterMs).toBe(7000);
    const b = await failWith(json(503, '<html>busy</html>', { 'retry-after': '30' }));
    expect(b.code).toBe('RATE_LIMITED');
    expect(b.retryAfterMs).toBe(30_000);
    expect((await failWith(json(503, '<html>busy</html>'))).code).toBe('TRANSIENT');
  });

  it('a redirect says where the store went', async () => {
    const error = await failWith(json(301, '', { location: 'https://www.shop.example/wp-json/wc/v3/orders' }));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/https:\/\/www\.shop\.example\)/);
  });

  it('an HTML 404 (not WordPress) and a 200 web page are told apart from API errors', async () => {
    expect((await failWith(json(404, '<html>Not Found</html>'))).code).toBe('PERMISSION_DENIED');
    const page = await failWith(json(200, '<!doctype html><html><body>Welcome</body></html>'));
    expect(page.code).toBe('TRANSIENT');
    expect(page.message).toMatch(/not JSON/);
  });

  it('checks bodies against the schema', async () => {
    const fake = fakeHttp().on('GET', '/orders/1', json(200, { id: 'abc' }));
    const error = await syncErrorOf(createWooCommerceClient(context(fake.http)).get('/orders/1', WooChanged, { op: 't' }));
    expect(error.code).toBe('SOURCE_PAYLOAD_INVALID');
    expect(error.message).toMatch(/at id/);
  });
});

describe('WooCommerce client: pagination', () => {
  const row = (id: number) => ({ id, date_created_gmt: '2026-04-01T10:00:00', date_modified_gmt: '2026-04-01T10:00:00' });

  it('follows X-WP-TotalPages / Link with page + 1 and per_page 100', async () => {
    const fake = fakeHttp().on('GET', '/orders', (r) => {
      const page = Number(r.query['page']);
      return listPage(page === 1 ? [row(1), row(2)] : page === 2 ? [row(3)] : [], page, 2, 3);
    });
    const pages = [];
    for await (const page of createWooCommerceClient(context(fake.http)).pages('/orders', WooChanged, { query: { status: 'any' }, op: 't' })) pages.push(page);
    expect(pages.map((p) => p.items.map((i) => i.id))).toEqual([['1', '2'], ['3']]);
    expect(pages.map((p) => p.totalPages)).toEqual([2, 2]);
    expect(fake.seen.map((s) => [s.query['page'], s.query['per_page'], s.query['status']])).toEqual([
      ['1', '100', 'any'],
      ['2', '100', 'any'],
    ]);
  });

  it('decides whether another page follows from Link, then X-WP-TotalPages, then a full page', () => {
    expect(hasNextPage({ link: '<x?page=2>; rel="next"' }, 1, 10, 100)).toBe(true);
    expect(hasNextPage({ link: '<x?page=1>; rel="prev"', 'x-wp-totalpages': '2' }, 2, 10, 100)).toBe(false);
    expect(hasNextPage({ 'x-wp-totalpages': '3' }, 2, 100, 100)).toBe(true);
    expect(hasNextPage({ 'x-wp-totalpages': '0' }, 1, 0, 100)).toBe(false);
    expect(hasNextPage({}, 1, 100, 100)).toBe(true);
    expect(hasNextPage({}, 2, 40, 100)).toBe(false);
  });

  it('refuses a page that is not a list', async () => {
    const fake = fakeHttp().on('GET', '/orders', json(200, { code: 'odd' }));
    const gen = createWooCommerceClient(context(fake.http)).pages('/orders', WooChanged, { op: 't' });
    expect((await syncErrorOf(gen.next())).code).toBe('SOURCE_PAYLOAD_INVALID');
  });
});
