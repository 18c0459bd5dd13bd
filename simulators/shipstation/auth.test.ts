/**
 * V1 Basic auth with key:secret, V2 `api-key`, and account isolation (notes §1).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShipStationSim } from './index.ts';
import { sampleOrder, startSim, v1, v2 } from './test-helpers.ts';

let sim: ShipStationSim;
beforeEach(async () => {
  sim = await startSim();
});
afterEach(async () => sim.close());

describe('V1 authentication', () => {
  it('accepts the docs test vector: key ShipStation + secret Rocks is Basic U2hpcFN0YXRpb246Um9ja3M=', async () => {
    const keys = sim.createAccount({ apiKey: 'ShipStation', apiSecret: 'Rocks' });
    expect(keys.authorization).toBe('Basic U2hpcFN0YXRpb246Um9ja3M=');
    const res = await v1(sim, undefined, 'GET', '/orders', { authorization: 'Basic U2hpcFN0YXRpb246Um9ja3M=' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ orders: [], total: 0, page: 1, pages: 0 });
  });

  it('answers 401 for a missing header, a wrong secret, or a V2 key', async () => {
    const keys = sim.createAccount();
    expect((await v1(sim, undefined, 'GET', '/orders')).status).toBe(401);
    const wrong = `Basic ${Buffer.from(`${keys.apiKey}:nope`).toString('base64')}`;
    expect((await v1(sim, undefined, 'GET', '/orders', { authorization: wrong })).status).toBe(401);
    const v2AsBasic = `Basic ${Buffer.from(`${keys.v2ApiKey}:`).toString('base64')}`;
    expect((await v1(sim, undefined, 'GET', '/orders', { authorization: v2AsBasic })).status).toBe(401);
    const res = await v1(sim, undefined, 'GET', '/orders', { authorization: `Bearer ${keys.apiKey}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-rate-limit-limit')).toBeNull();
  });

  it('one account\'s key cannot read another\'s orders', async () => {
    const a = sim.createAccount({ name: 'A' });
    const b = sim.createAccount({ name: 'B' });
    const order = sim.importOrder({ accountId: a.accountId, order: sampleOrder() });
    expect((await v1(sim, a, 'GET', `/orders/${order.orderId}`)).status).toBe(200);
    expect((await v1(sim, b, 'GET', `/orders/${order.orderId}`)).status).toBe(404);
    expect((await v1(sim, b, 'GET', '/orders')).body.total).toBe(0);
    expect((await v1(sim, b, 'GET', '/customers')).body.total).toBe(0);
    expect((await v2(sim, b.v2ApiKey, 'GET', `/v2/shipments/${order.v2ShipmentId}`)).status).toBe(404);
  });
});

describe('V2 authentication', () => {
  it('takes the api-key header in any case and refuses V1 credentials with the V2 error body', async () => {
    const keys = sim.createAccount();
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments')).status).toBe(200);
    const lower = await fetch(`${sim.url}/v2/shipments`, { headers: { 'api-key': keys.v2ApiKey } });
    expect(lower.status).toBe(200);
    for (const key of [keys.apiKey, null]) {
      const res = await v2(sim, key, 'GET', '/v2/shipments');
      expect(res.status).toBe(401);
      expect(res.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.errors[0]).toMatchObject({ error_source: 'ShipStation', error_type: 'security', error_code: 'unauthorized' });
    }
    const basic = await fetch(`${sim.url}/v2/shipments`, { headers: { authorization: keys.authorization } });
    expect(basic.status).toBe(401);
  });

  it('masks keys in the request log', async () => {
    const keys = sim.createAccount();
    await v1(sim, keys, 'GET', '/orders');
    await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels');
    const [first, second] = sim.server.requests();
    expect(first!.headers.authorization).not.toContain(keys.authorization.slice(6));
    expect(second!.headers['api-key']).not.toContain(keys.v2ApiKey);
  });
});
