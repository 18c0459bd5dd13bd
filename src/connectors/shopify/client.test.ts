import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import type { ApiResponse } from '../../sync/ports.ts';
import { createShopifyClient } from './client.ts';
import { API_VERSION } from './connector.ts';
import { QUERIES } from './queries.ts';
import { ShopResponse } from './schemas.ts';
import { answer, context, data, fakeHttp, testConnection } from './test-kit.ts';
import { syncErrorOf } from '../_kit/testing.ts';

const SHOP = { shop: { name: 'Example', myshopifyDomain: 'example.myshopify.com', currencyCode: 'USD' } };

function throttled(status: number, requested: number, available: number, restoreRate = 100): ApiResponse {
  return answer(status, {
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
    extensions: {
      cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000.0, currentlyAvailable: available, restoreRate } },
    },
  });
}


function client(script: Parameters<typeof fakeHttp>, connection = testConnection()) {
  const fake = fakeHttp(...script);
  const sleep = vi.fn(async (_ms: number) => {});
  return { fake, sleep, client: createShopifyClient(context(fake.http, connection), { sleep }) };
}

describe('Shopify GraphQL client', () => {
  it('POSTs the document to the versioned endpoint with the access token', async () => {
    const { fake, client: c } = client([() => data(SHOP)]);
    await expect(c.request('Shop', {}, ShopResponse)).resolves.toEqual(SHOP);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: `https://example.myshopify.com/admin/api/${API_VERSION}/graphql.json`,
      op: 'shopify.graphql.Shop',
    });
    expect(request?.headers).toMatchObject({ 'X-Shopify-Access-Token': 'shpat_secret_token', 'Content-Type': 'application/json' });
    expect(JSON.parse(request?.body ?? '')).toEqual({ query: QUERIES.Shop, variables: {}, operationName: 'Shop' });
  });

  it('uses config.apiBaseUrl when set (simulator, proxy)', async () => {
    const { fake, client: c } = client([() => data(SHOP)], testConnection({ config: { shopDomain: 'example.myshopify.com', apiBaseUrl: 'http://127.0.0.1:4010/' } }));
    await c.request('Shop', {}, ShopResponse);
    expect(fake.requests[0]?.url).toBe(`http://127.0.0.1:4010/admin/api/${API_VERSION}/graphql.json`);
  });

  it('keeps the last throttle status for budget decisions', async () => {
    const { client: c } = client([() => data(SHOP, 1234)]);
    expect(c.throttleStatus()).toBeNull();
    await c.request('Shop', {}, ShopResponse);
    expect(c.throttleStatus()).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1234, restoreRate: 100, at: '2026-04-02T14:00:00.000Z' });
  });

  it('THROTTLED with HTTP 200 and a short wait: sleeps (requested − available) / restoreRate once, then succeeds', async () => {
    const { fake, sleep, client: c } = client([() => throttled(200, 252, 100), () => data(SHOP)]);
    await expect(c.request('Shop', {}, ShopResponse)).resolves.toEqual(SHOP);
    expect(sleep).toHaveBeenCalledExactlyOnceWith(1520);
    expect(fake.requests).toHaveLength(2);
  });

  it('THROTTLED with a long wait: RATE_LIMITED with retryAfterMs at once, for the engine to reschedule', async () => {
    const { fake, sleep, client: c } = client([() => throttled(200, 1002, 2)]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', class: 'rate', retryAfterMs: 10_000 });
    expect(sleep).not.toHaveBeenCalled();
    expect(fake.requests).toHaveLength(1);
    expect(c.throttleStatus()?.currentlyAvailable).toBe(2);
  });

  it('HTTP 429 is a throttle too: at most one in-call retry, then RATE_LIMITED', async () => {
    const { fake, sleep, client: c } = client([() => throttled(429, 300, 200)]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
    expect(sleep).toHaveBeenCalledOnce();
    expect(fake.requests).toHaveLength(2);
  });

  it('HTTP 429 without a cost extension waits as Retry-After says', async () => {
    const { sleep, client: c } = client([() => answer(429, '{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}', { 'retry-after': '4.0' })]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 4000 });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('HTTP 401: AUTH_REVOKED with a plain sentence, never the token', async () => {
    const { client: c } = client([() => answer(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' })]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'AUTH_REVOKED', class: 'permission' });
    expect(error.message).toMatch(/example\.myshopify\.com.*reconnect the shop/);
    expect(error.message).not.toContain('shpat_secret_token');
  });

  it('no stored token: AUTH_REVOKED without calling', async () => {
    const { fake, client: c } = client([() => data(SHOP)], testConnection({ secrets: {} }));
    await expect(c.request('Shop', {}, ShopResponse)).rejects.toMatchObject({ code: 'AUTH_REVOKED' });
    expect(fake.requests).toHaveLength(0);
  });

  it('HTTP 403 names the missing scope', async () => {
    const { client: c } = client([() => answer(403, { errors: '[API] This action requires merchant approval for read_orders scope.' })]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', class: 'permission' });
    expect(error.message).toContain('read_orders');
  });

  it('GraphQL ACCESS_DENIED names the required scope', async () => {
    const { client: c } = client([
      () =>
        answer(200, {
          data: { customer: null },
          errors: [
            {
              message: 'Access denied for customer field. Required access: `read_customers` access scope.',
              extensions: { code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: '`read_customers` access scope.' },
            },
          ],
        }),
    ]);
    const error = await syncErrorOf(c.request('CustomerById', { id: 'gid://shopify/Customer/1' }, z.unknown()));
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(error.message).toContain('read_customers');
  });

  it.each([500, 502, 503, 504])('HTTP %i is TRANSIENT', async (status) => {
    const { client: c } = client([() => answer(status, '<html>Service unavailable</html>', status === 503 ? { 'retry-after': '30' } : {})]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'TRANSIENT', class: 'transient' });
    if (status === 503) expect(error.retryAfterMs).toBe(30_000);
  });

  it('GraphQL errors are VALIDATION with their messages', async () => {
    const { client: c } = client([
      () => answer(200, { errors: [{ message: "Field 'foo' doesn't exist on type 'Shop'", locations: [{ line: 2, column: 10 }], extensions: { code: 'undefinedField' } }] }),
    ]);
    const error = await syncErrorOf(c.request('Shop', {}, ShopResponse));
    expect(error).toMatchObject({ code: 'VALIDATION', class: 'validation' });
    expect(error.message).toContain("Field 'foo' doesn't exist on type 'Shop'");
  });

  it('a query over the single-query limit is VALIDATION, not a throttle', async () => {
    const { sleep, client: c } = client([
      () => answer(200, { errors: [{ message: 'Query cost is 1723, which exceeds the single query max cost limit (1000).', extensions: { code: 'MAX_COST_EXCEEDED', cost: 1723, maxCost: 1000 } }] }),
    ]);
    await expect(c.request('Shop', {}, ShopResponse)).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('1723') });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('an INTERNAL_SERVER_ERROR inside a 200 is TRANSIENT', async () => {
    const { client: c } = client([() => answer(200, { errors: [{ message: 'Internal error. Looks like something went wrong on our end.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'abc' } }] })]);
    await expect(c.request('Shop', {}, ShopResponse)).rejects.toMatchObject({ code: 'TRANSIENT' });
  });

  it('HTTP 404: no shop at that domain', async () => {
    const { client: c } = client([() => answer(404, 'Not Found')]);
    await expect(c.request('Shop', {}, ShopResponse)).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('check the shop domain') });
  });

  it('an answer of the wrong shape is SOURCE_PAYLOAD_INVALID', async () => {
    const { client: c } = client([() => data({ shop: { name: 'x' } })]);
    await expect(c.request('Shop', {}, ShopResponse)).rejects.toMatchObject({ code: 'SOURCE_PAYLOAD_INVALID' });
  });

  it('a network failure from the transport passes through unchanged', async () => {
    const { client: c } = client([
      () => {
        throw new SyncError('NETWORK', 'shopify.graphql.Shop: getaddrinfo ENOTFOUND');
      },
    ]);
    await expect(c.request('Shop', {}, ShopResponse)).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
