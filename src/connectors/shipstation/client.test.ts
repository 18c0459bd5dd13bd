import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { basicAuthorization, buildUrl, createShipStationClient, rateLimitWaitMs } from './client.ts';
import { answer, context, fakeHttp, testConnection } from './test-kit.ts';

describe('V1 authentication', () => {
  it('sends Basic base64(key:secret): the docs vector ShipStation/Rocks → U2hpcFN0YXRpb246Um9ja3M=', async () => {
    expect(basicAuthorization('ShipStation', 'Rocks')).toBe('Basic U2hpcFN0YXRpb246Um9ja3M=');
    const fake = fakeHttp().on('GET', '/orders/1', answer(200, { ok: true }));
    await createShipStationClient(context(fake.http)).get('/orders/1', {}, 'test');
    expect(fake.seen[0]?.headers?.['Authorization']).toBe('Basic U2hpcFN0YXRpb246Um9ja3M=');
    expect(fake.seen[0]?.url).toBe('https://ssapi.shipstation.com/orders/1');
    expect(fake.seen[0]?.op).toBe('test');
  });

  it('encodes key and secret as UTF-8', () => {
    expect(basicAuthorization('clé', 'sécret')).toBe(`Basic ${Buffer.from('clé:sécret', 'utf8').toString('base64')}`);
  });

  it('uses config.apiBaseUrl instead of ssapi (the simulator)', async () => {
    const fake = fakeHttp().on('GET', '/orders', answer(200, { orders: [], total: 0, page: 1, pages: 0 }));
    await createShipStationClient(context(fake.http, testConnection({ apiBaseUrl: 'http://127.0.0.1:9999/' }))).get('/orders', {}, 'test');
    expect(fake.seen[0]?.url).toBe('http://127.0.0.1:9999/orders');
  });

  it('refuses to call without stored keys: AUTH_REVOKED, nothing sent', async () => {
    const fake = fakeHttp();
    const error = await syncErrorOf(createShipStationClient(context(fake.http, testConnection({}, { apiKey: '' }))).get('/orders', {}, 'test'));
    expect(error.code).toBe('AUTH_REVOKED');
    expect(fake.seen).toHaveLength(0);
  });
});

describe('V2', () => {
  it('sends the key in the api-key header, on api.shipstation.com/v2 (or v2BaseUrl)', async () => {
    const fake = fakeHttp().on('GET', '/v2/shipments', answer(200, { shipments: [] }));
    const connection = testConnection({}, { v2ApiKey: 'v2-key' });
    await createShipStationClient(context(fake.http, connection)).v2Get('/v2/shipments', { page_size: 1 }, 'v2');
    expect(fake.seen[0]?.url).toBe('https://api.shipstation.com/v2/shipments?page_size=1');
    expect(fake.seen[0]?.headers?.['api-key']).toBe('v2-key');
    expect(fake.seen[0]?.headers?.['Authorization']).toBeUndefined();
  });

  it('reads a V2 error envelope message', async () => {
    const fake = fakeHttp().on(
      'GET',
      '/v2/shipments',
      answer(400, { request_id: 'r', errors: [{ error_source: 'ShipStation', error_type: 'validation', error_code: 'invalid_field_value', message: 'page_size must be at most 500' }] }),
    );
    const error = await syncErrorOf(createShipStationClient(context(fake.http, testConnection({}, { v2ApiKey: 'k' }))).v2Get('/v2/shipments', {}, 'v2'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('page_size must be at most 500');
  });
});

describe('error classes', () => {
  const call = async (status: number, body: unknown, headers: Record<string, string> = {}): Promise<SyncError> => {
    const fake = fakeHttp().on('GET', '/orders', answer(status, body, headers));
    return syncErrorOf(createShipStationClient(context(fake.http)).get('/orders', {}, 'test'));
  };

  it('429 → RATE_LIMITED, waiting X-Rate-Limit-Reset seconds', async () => {
    const error = await call(429, { message: 'Too Many Requests' }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '23' });
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.class).toBe('rate');
    expect(error.retryAfterMs).toBe(23_000);
    expect(error.message).toContain('resets in 23 s');
  });

  it('429 without the header → Retry-After, else a minute; never less than a second', () => {
    expect(rateLimitWaitMs({ 'retry-after': '7' }, 0)).toBe(7000);
    expect(rateLimitWaitMs({}, 0)).toBe(60_000);
    expect(rateLimitWaitMs({ 'x-rate-limit-reset': '0' }, 0)).toBe(1000);
  });

  it('401 and 403 → AUTH_REVOKED with a plain sentence: re-enter the keys', async () => {
    for (const status of [401, 403]) {
      const error = await call(status, { message: 'Unauthorized' });
      expect(error.code).toBe('AUTH_REVOKED');
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain('must re-enter them');
    }
    // A plain-text 401 (the real body is unchecked, notes §1) is classified the same.
    expect((await call(401, '401 - Unauthorized: Access is denied due to invalid credentials.')).code).toBe('AUTH_REVOKED');
  });

  it('404 → NOT_FOUND; 5xx → TRANSIENT', async () => {
    expect((await call(404, { message: 'Order 1 not found' })).code).toBe('NOT_FOUND');
    for (const status of [500, 502, 503]) expect((await call(status, 'Service Unavailable')).code).toBe('TRANSIENT');
  });

  it('other 4xx → VALIDATION with the body message ({message}, {Message}, or text)', async () => {
    const a = await call(400, { message: 'The order cannot be modified because its status is shipped or cancelled.' });
    expect(a.code).toBe('VALIDATION');
    expect(a.message).toContain('HTTP 400: The order cannot be modified because its status is shipped or cancelled.');
    expect((await call(405, { Message: "The requested resource does not support http method 'PUT'." })).message).toContain('does not support http method');
    expect((await call(400, 'Bad <b>request</b>')).message).toContain('Bad <b>request</b>');
  });

  it('a 2xx body that is not JSON → TRANSIENT; an empty 2xx body → null', async () => {
    const html = fakeHttp().on('GET', '/orders', { status: 200, headers: {}, text: '<html>maintenance</html>' });
    expect((await syncErrorOf(createShipStationClient(context(html.http)).get('/orders', {}, 'test'))).code).toBe('TRANSIENT');
    const empty = fakeHttp().on('DELETE', '/webhooks/5', { status: 200, headers: {}, text: '' });
    await expect(createShipStationClient(context(empty.http)).delete('/webhooks/5', 'test')).resolves.toBeUndefined();
  });

  it('reads amounts and big ids exactly (parseJsonExact)', async () => {
    const fake = fakeHttp().on('GET', '/orders/1', answer(200, '{"orderId": 9007199254740993, "orderTotal": 19.90}'));
    const body = (await createShipStationClient(context(fake.http)).get('/orders/1', {}, 'test')) as Record<string, unknown>;
    expect(body['orderId']).toBe(9007199254740993n);
    expect(body['orderTotal']).toBe('19.90');
  });
});

describe('lists and URLs', () => {
  it('reads the envelope and recomputes pages when ShipStation says 0 (the doc slip)', async () => {
    const fake = fakeHttp().on('GET', '/orders', answer(200, { orders: [{}, {}], total: 1200, page: 1, pages: 0 }));
    const page = await createShipStationClient(context(fake.http)).list('/orders', 'orders', { page: 1, pageSize: 500 }, 'test');
    expect(page).toMatchObject({ total: 1200, page: 1, pages: 3 });
    expect(page.records).toHaveLength(2);
  });

  it('refuses an answer without the list: SOURCE_PAYLOAD_INVALID', async () => {
    const fake = fakeHttp().on('GET', '/orders', answer(200, { shipments: [] }));
    expect((await syncErrorOf(createShipStationClient(context(fake.http)).list('/orders', 'orders', {}, 'test'))).code).toBe('SOURCE_PAYLOAD_INVALID');
  });

  it('percent-encodes Pacific filters (%20, never +) and replaces parameters case-insensitively', () => {
    expect(buildUrl('https://ssapi.shipstation.com', '/orders', { modifyDateStart: '2026-11-01 00:25:00', page: 2 })).toBe(
      'https://ssapi.shipstation.com/orders?modifyDateStart=2026-11-01%2000%3A25%3A00&page=2',
    );
    expect(buildUrl('', 'https://ssapi6.shipstation.com/orders?storeID=1&importBatch=abc&Page=9', { page: 2, pageSize: 500, skip: undefined })).toBe(
      'https://ssapi6.shipstation.com/orders?storeID=1&importBatch=abc&page=2&pageSize=500',
    );
  });

  it('posts JSON with a content type', async () => {
    const fake = fakeHttp().on('POST', '/webhooks/subscribe', answer(201, { id: 7 }));
    expect(await createShipStationClient(context(fake.http)).post('/webhooks/subscribe', { event: 'ORDER_NOTIFY' }, 'test')).toEqual({ id: 7 });
    expect(fake.seen[0]?.headers?.['Content-Type']).toBe('application/json');
    expect(fake.seen[0]?.body).toBe('{"event":"ORDER_NOTIFY"}');
  });
});
