/**
 * Authentication and permissions (notes §2, §3; `WC_REST_Authentication`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type WooCommerceSim } from './index.ts';
import { signRequest } from './oauth1.ts';
import { rest, sampleOrder } from './test-helpers.ts';

let sim: WooCommerceSim;
beforeEach(async () => {
  sim = await startWooCommerceSim();
});
afterEach(async () => sim.close());

describe('plain-HTTP stores: OAuth 1.0a one-legged', () => {
  it('accepts an HMAC-SHA1 signature in the query string', async () => {
    const site = sim.createSite();
    sim.placeOrder(site.siteId, sampleOrder());
    const r = await rest(site, 'GET', '/wc/v3/orders', { auth: 'oauth', signatureMethod: 'HMAC-SHA1', query: { status: 'pending', per_page: 5 } });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
  });

  it('accepts an HMAC-SHA256 signature in the Authorization header', async () => {
    const site = sim.createSite();
    const r = await rest(site, 'GET', '/wc/v3/orders', { auth: 'oauth-header', signatureMethod: 'HMAC-SHA256' });
    expect(r.status).toBe(200);
  });

  it('signs PHP array parameters (status[]=…) the way WooCommerce rebuilds them', async () => {
    const site = sim.createSite();
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: [['status[]', 'pending'], ['status[]', 'processing'], ['orderby', 'id']] });
    expect(r.status).toBe(200);
  });

  it('ignores HTTP Basic on a plain-HTTP store: the request is anonymous and gets 401 woocommerce_rest_cannot_view', async () => {
    const site = sim.createSite();
    const r = await rest(site, 'GET', '/wc/v3/orders', { auth: 'basic' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
    const q = await rest(site, 'GET', '/wc/v3/orders/1', { auth: 'query' });
    expect(q.body.code).toBe('woocommerce_rest_cannot_view');
    expect(q.body.message).toBe('Sorry, you cannot view this resource.');
  });

  it('refuses a signature that does not match with 401 woocommerce_rest_authentication_error', async () => {
    const site = sim.createSite();
    const r = await rest({ ...site, consumerSecret: 'cs_wrong' }, 'GET', '/wc/v3/orders');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'Invalid signature - provided signature does not match.', data: { status: 401 } });
  });

  it('signs the URL the store reports: an http signature is refused by an https store', async () => {
    const site = sim.createSite({ https: true });
    const r = await rest({ ...site, homeUrl: site.siteUrl }, 'GET', '/wc/v3/orders', { auth: 'oauth' });
    expect(r.body.message).toBe('Invalid signature - provided signature does not match.');
    expect((await rest(site, 'GET', '/wc/v3/orders', { auth: 'oauth' })).status).toBe(200);
  });

  it('refuses an unknown consumer key with "Consumer key is invalid."', async () => {
    const site = sim.createSite();
    const r = await rest({ ...site, consumerKey: 'ck_unknown' }, 'GET', '/wc/v3/orders');
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('Consumer key is invalid.');
  });

  it('refuses a timestamp more than 15 minutes away', async () => {
    const site = sim.createSite();
    const stale = await rest(site, 'GET', '/wc/v3/orders', { now: sim.clock.now() - 16 * 60_000 });
    expect(stale.body.message).toBe('Invalid timestamp.');
    expect((await rest(site, 'GET', '/wc/v3/orders', { now: sim.clock.now() - 14 * 60_000 })).status).toBe(200);
    sim.clock.advance(20 * 60_000);
    expect((await rest(site, 'GET', '/wc/v3/orders', { now: Date.now() })).body.message).toBe('Invalid timestamp.');
  });

  it('refuses a nonce used before with "Invalid nonce - nonce has already been used."', async () => {
    const site = sim.createSite();
    expect((await rest(site, 'GET', '/wc/v3/orders', { nonce: 'n0nce-1' })).status).toBe(200);
    const again = await rest(site, 'GET', '/wc/v3/orders', { nonce: 'n0nce-1' });
    expect(again.status).toBe(401);
    expect(again.body.message).toBe('Invalid nonce - nonce has already been used.');
  });

  it('names missing OAuth parameters with woocommerce_rest_authentication_missing_parameter', async () => {
    const site = sim.createSite();
    const res = await fetch(`${site.siteUrl}/wp-json/wc/v3/orders?oauth_consumer_key=${site.consumerKey}&oauth_nonce=x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 'woocommerce_rest_authentication_missing_parameter',
      message: 'Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method',
      data: { status: 401 },
    });
  });

  it('accepts only HMAC-SHA1 and HMAC-SHA256', async () => {
    const site = sim.createSite();
    const url = `${site.homeUrl}/wp-json/wc/v3/orders`;
    const oauth = signRequest({ method: 'GET', url, consumerKey: site.consumerKey, consumerSecret: site.consumerSecret }).map(([k, v]): [string, string] =>
      k === 'oauth_signature_method' ? [k, 'PLAINTEXT'] : [k, v],
    );
    const res = await fetch(`${url.replace(site.homeUrl, site.siteUrl)}?${new URLSearchParams(oauth)}`);
    expect(((await res.json()) as { message: string }).message).toBe('Invalid signature - signature method is invalid.');
  });
});

describe('HTTPS stores: Basic and query-string keys', () => {
  it('accepts HTTP Basic with key and secret', async () => {
    const site = sim.createSite({ https: true });
    expect((await rest(site, 'GET', '/wc/v3/orders', { auth: 'basic' })).status).toBe(200);
  });

  it('accepts consumer_key and consumer_secret in the query string', async () => {
    const site = sim.createSite({ https: true });
    expect((await rest(site, 'GET', '/wc/v3/orders', { auth: 'query' })).status).toBe(200);
  });

  it('refuses a wrong consumer secret with 401 and woocommerce_rest_authentication_error', async () => {
    const site = sim.createSite({ https: true });
    for (const auth of ['basic', 'query'] as const) {
      const r = await rest({ ...site, consumerSecret: 'cs_wrong' }, 'GET', '/wc/v3/orders', { auth });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', data: { status: 401 } });
    }
  });

  it('treats an unknown Basic key as anonymous (401 woocommerce_rest_cannot_view), not as an authentication error', async () => {
    const site = sim.createSite({ https: true });
    const r = await rest({ ...site, consumerKey: 'ck_nobody' }, 'GET', '/wc/v3/orders', { auth: 'basic' });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('woocommerce_rest_cannot_view');
  });

  it('still accepts OAuth 1.0a over HTTPS', async () => {
    const site = sim.createSite({ https: true });
    expect((await rest(site, 'GET', '/wc/v3/orders', { auth: 'oauth' })).status).toBe(200);
  });
});

describe('keys, sites and permissions', () => {
  it("one site's key cannot read another site's orders", async () => {
    const a = sim.createSite({ https: true });
    const b = sim.createSite({ https: true });
    const order = sim.placeOrder(a.siteId, sampleOrder());
    const crossed = { ...b, consumerKey: a.consumerKey, consumerSecret: a.consumerSecret };
    const list = await rest(crossed, 'GET', '/wc/v3/orders');
    expect(list.status).toBe(401);
    expect(list.body.code).toBe('woocommerce_rest_cannot_view');
    expect((await rest(crossed, 'GET', `/wc/v3/orders/${order.id}`)).status).toBe(401);
    expect((await rest(b, 'GET', '/wc/v3/orders')).body).toEqual([]);
    expect((await rest(b, 'GET', `/wc/v3/orders/${order.id}`)).body.code).toBe('woocommerce_rest_shop_order_invalid_id');
  });

  it('a read key cannot write and a write key cannot read (401 woocommerce_rest_authentication_error)', async () => {
    const site = sim.createSite({ https: true });
    const order = sim.placeOrder(site.siteId, sampleOrder());
    const read = { ...site, ...sim.createKey(site.siteId, { permissions: 'read' }) };
    const write = { ...site, ...sim.createKey(site.siteId, { permissions: 'write' }) };
    expect((await rest(read, 'GET', '/wc/v3/orders')).status).toBe(200);
    const put = await rest(read, 'PUT', `/wc/v3/orders/${order.id}`, { body: { status: 'completed' } });
    expect(put.status).toBe(401);
    expect(put.body.message).toBe('The API key provided does not have write permissions.');
    const get = await rest(write, 'GET', '/wc/v3/orders');
    expect(get.body.message).toBe('The API key provided does not have read permissions.');
    expect((await rest(write, 'PUT', `/wc/v3/orders/${order.id}`, { body: { status: 'completed' } })).status).toBe(200);
  });

  it("a key whose user lacks the shop's capabilities gets 403 woocommerce_rest_cannot_view", async () => {
    const site = sim.createSite({ https: true });
    const weak = { ...site, ...sim.createKey(site.siteId, { capable: false }) };
    const r = await rest(weak, 'GET', '/wc/v3/orders');
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('woocommerce_rest_cannot_view');
  });

  it('a revoked key is unknown', async () => {
    const site = sim.createSite({ https: true });
    const extra = sim.createKey(site.siteId);
    sim.revokeKey(site.siteId, extra.keyId);
    expect((await rest({ ...site, ...extra }, 'GET', '/wc/v3/orders')).body.code).toBe('woocommerce_rest_cannot_view');
  });

  it('answers rest_no_route for unknown routes and for methods a route lacks', async () => {
    const site = sim.createSite({ https: true });
    const none = { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } };
    expect((await rest(site, 'GET', '/wc/v3/nothing')).body).toEqual(none);
    expect((await rest(site, 'DELETE', '/wc/v3/orders')).body).toEqual(none);
    expect((await rest(site, 'GET', '/wc/v1000/orders')).status).toBe(404);
  });

  it('serves plain-permalink requests at ?rest_route=', async () => {
    const site = sim.createSite({ https: true });
    sim.placeOrder(site.siteId, sampleOrder());
    const auth = `Basic ${Buffer.from(`${site.consumerKey}:${site.consumerSecret}`).toString('base64')}`;
    const res = await fetch(`${site.siteUrl}/?rest_route=/wc/v3/orders`, { headers: { authorization: auth } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as unknown[]).length).toBe(1);
  });

  it("answers an unknown site with the host's HTML 404, not a REST error", async () => {
    const res = await fetch(`${sim.url}/sites/nope/wp-json/wc/v3/orders`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('creates keys in the ck_/cs_ + 40 hex shape', () => {
    const site = sim.createSite();
    expect(site.consumerKey).toMatch(/^ck_[0-9a-f]{40}$/);
    expect(site.consumerSecret).toMatch(/^cs_[0-9a-f]{40}$/);
  });
});
