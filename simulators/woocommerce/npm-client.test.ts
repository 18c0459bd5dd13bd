/**
 * A second opinion: WooCommerce's own JS client (`@woocommerce/woocommerce-rest-api` 1.0.2) against the simulator.
 * The client picks its auth from the URL scheme: `http://` → OAuth 1.0a (HMAC-SHA256, parameters in the query
 * string, the other query parameters sorted into the signed URL); `https://` → Basic, or the keys in the query
 * string with `queryStringAuth`. The simulator speaks plain HTTP, so for an HTTPS store the client gets the
 * store's https URL and an axios transport that opens a plain connection: the client still believes it is on
 * HTTPS and takes its Basic path.
 */
import http from 'node:http';
import wooPkg from '@woocommerce/woocommerce-rest-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim } from './index.ts';
import { rest, sampleOrder } from './test-helpers.ts';

type WooCtor = typeof import('@woocommerce/woocommerce-rest-api').default;
// The package is CommonJS with `exports.default`; depending on the loader the class is the import or its `.default`.
const WooCommerceRestApi = ((wooPkg as unknown as { default?: WooCtor }).default ?? wooPkg) as WooCtor;

/** An axios transport that sends an "https" request over plain HTTP to the loopback simulator. */
const plainTransport = {
  request: (options: http.RequestOptions, callback: (res: http.IncomingMessage) => void) => http.request({ ...options, protocol: 'http:', agent: undefined }, callback),
};

let sim: WooCommerceSim;
beforeEach(async () => {
  sim = await startWooCommerceSim();
});
afterEach(async () => sim.close());

function client(site: SiteCredentials, options: { https?: boolean; queryStringAuth?: boolean } = {}) {
  return new WooCommerceRestApi({
    url: options.https ? site.homeUrl : site.siteUrl,
    consumerKey: site.consumerKey,
    consumerSecret: site.consumerSecret,
    version: 'wc/v3',
    ...(options.queryStringAuth ? { queryStringAuth: true } : {}),
    ...(options.https ? { axiosConfig: { transport: plainTransport } } : {}),
  });
}

function seed(site: SiteCredentials, n: number): number[] {
  return Array.from({ length: n }, (_, i) => sim.placeOrder(site.siteId, sampleOrder({ setPaid: i % 2 === 0 })).id);
}

describe('@woocommerce/woocommerce-rest-api against the simulator', () => {
  it('signs OAuth 1.0a for an http store and lists, gets and updates the same orders our caller sees', async () => {
    const site = sim.createSite();
    const ids = seed(site, 5);
    const api = client(site);
    const query = { per_page: 2, page: 2, orderby: 'id', order: 'asc', status: 'pending,processing' };
    const listed = await api.get('orders', query);
    expect(listed.status).toBe(200);
    expect(listed.headers['x-wp-total']).toBe('5');
    expect(listed.headers['x-wp-totalpages']).toBe('3');
    expect((listed.data as { id: number }[]).map((o) => o.id)).toEqual(ids.slice(2, 4));
    expect(listed.data).toEqual((await rest(site, 'GET', '/wc/v3/orders', { query })).body);

    const one = await api.get(`orders/${ids[0]}`);
    expect(one.data).toEqual((await rest(site, 'GET', `/wc/v3/orders/${ids[0]}`)).body);

    const put = await api.put(`orders/${ids[0]}`, { status: 'completed', customer_note: 'via npm client' });
    expect(put.data).toMatchObject({ id: ids[0], status: 'completed', customer_note: 'via npm client' });
    expect((await rest(site, 'GET', `/wc/v3/orders/${ids[0]}`)).body.status).toBe('completed');

    const logged = sim.server.requests().filter((r) => r.path.endsWith('/wc/v3/orders'));
    expect(logged[0]!.query.oauth_signature_method).toBe('HMAC-SHA256');
    expect(logged[0]!.headers.authorization).toBeUndefined();
  });

  it('signs values with colons and array parameters (modified_after, dates_are_gmt, status[])', async () => {
    const site = sim.createSite();
    const [a, b] = seed(site, 2) as [number, number];
    sim.touchOrder(site.siteId, a, '2024-01-10T12:00:00Z');
    sim.touchOrder(site.siteId, b, '2024-01-10T15:00:00Z');
    const r = await client(site).get('orders', { modified_after: '2024-01-10T13:00:00', dates_are_gmt: true, status: ['pending', 'processing'] });
    expect((r.data as { id: number }[]).map((o) => o.id)).toEqual([b]);
  });

  it('uses HTTP Basic on an https store and sees the same results', async () => {
    const site = sim.createSite({ https: true });
    const ids = seed(site, 3);
    const r = await client(site, { https: true }).get('orders', { orderby: 'id', order: 'asc' });
    expect((r.data as { id: number }[]).map((o) => o.id)).toEqual(ids);
    expect(r.data).toEqual((await rest(site, 'GET', '/wc/v3/orders', { query: { orderby: 'id', order: 'asc' } })).body);
    const logged = sim.server.requests().at(-1)!;
    expect(logged.headers.authorization).toMatch(/^Basi/);
    expect(logged.query).not.toHaveProperty('oauth_signature');
  });

  it('sends consumer_key and consumer_secret in the query string with queryStringAuth', async () => {
    const site = sim.createSite({ https: true });
    const [id] = seed(site, 1);
    const r = await client(site, { https: true, queryStringAuth: true }).put(`orders/${id}`, { status: 'on-hold' });
    expect(r.data.status).toBe('on-hold');
    const logged = sim.server.requests().at(-1)!;
    expect(logged.query.consumer_key).toBe(site.consumerKey);
    expect(logged.headers.authorization).toBeUndefined();
  });

  it('surfaces the real error bodies through axios', async () => {
    const site = sim.createSite();
    const error = (await client(site)
      .get('orders/424242')
      .catch((e: unknown) => e)) as { response: { status: number; data: { code: string } } };
    expect(error.response.status).toBe(404);
    expect(error.response.data.code).toBe('woocommerce_rest_shop_order_invalid_id');
    const wrong = new WooCommerceRestApi({ url: site.siteUrl, consumerKey: site.consumerKey, consumerSecret: 'cs_nope', version: 'wc/v3' });
    const denied = (await wrong.get('orders').catch((e: unknown) => e)) as { response: { status: number; data: { message: string } } };
    expect(denied.response.status).toBe(401);
    expect(denied.response.data.message).toBe('Invalid signature - provided signature does not match.');
  });
});
