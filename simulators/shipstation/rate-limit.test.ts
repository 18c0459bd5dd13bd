/**
 * 40 requests a minute per V1 key, fixed window, `X-Rate-Limit-*` headers; 200 a minute per V2 key with
 * Retry-After (notes §5). All on the simulator clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShipStationSim } from './index.ts';
import { startSim, v1, v2 } from './test-helpers.ts';

let sim: ShipStationSim;
beforeEach(async () => {
  sim = await startSim();
});
afterEach(async () => sim.close());

describe('V1 rate limit', () => {
  it('answers the 41st request in a minute with 429 and the real body', async () => {
    const keys = sim.createAccount();
    for (let i = 0; i < 40; i++) expect((await v1(sim, keys, 'GET', '/orders')).status).toBe(200);
    const res = await v1(sim, keys, 'GET', '/orders');
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ message: 'Too Many Requests' });
    expect(res.headers.get('x-rate-limit-remaining')).toBe('0');
  });

  it('sends X-Rate-Limit-Limit, X-Rate-Limit-Remaining and X-Rate-Limit-Reset (seconds left, counting down)', async () => {
    const keys = sim.createAccount();
    const first = await v1(sim, keys, 'GET', '/orders');
    expect(first.headers.get('x-rate-limit-limit')).toBe('40');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('39');
    expect(first.headers.get('x-rate-limit-reset')).toBe('60');
    sim.clock.advance(38_000);
    const later = await v1(sim, keys, 'GET', '/orders/999');
    expect(later.status).toBe(404);
    expect(later.headers.get('x-rate-limit-remaining')).toBe('38');
    expect(later.headers.get('x-rate-limit-reset')).toBe('22');
  });

  it('opens a new window once Reset seconds have passed on the sim clock', async () => {
    const keys = sim.createAccount();
    for (let i = 0; i < 40; i++) await v1(sim, keys, 'GET', '/orders');
    expect((await v1(sim, keys, 'GET', '/orders')).status).toBe(429);
    sim.clock.advance(60_000);
    const res = await v1(sim, keys, 'GET', '/orders');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-remaining')).toBe('39');
  });

  it('counts per API key: another account is not held back', async () => {
    const a = sim.createAccount();
    const b = sim.createAccount();
    for (let i = 0; i < 40; i++) await v1(sim, a, 'GET', '/orders');
    expect((await v1(sim, a, 'GET', '/orders')).status).toBe(429);
    expect((await v1(sim, b, 'GET', '/orders')).status).toBe(200);
    expect(sim.rateLimitStatus({ apiKey: a.apiKey })).toMatchObject({ remaining: 0, limit: 40 });
  });

  it('can anchor the window on the clock minute instead of the first request', async () => {
    sim.configure({ rateWindow: 'clock-minute' });
    const keys = sim.createAccount();
    sim.clock.advance(60_000 - (sim.clock.now() % 60_000) + 45_000);
    expect((await v1(sim, keys, 'GET', '/orders')).headers.get('x-rate-limit-reset')).toBe('15');
  });
});

describe('V2 rate limit', () => {
  it('allows 200 a minute per key, then 429 with Retry-After and rate_limit_exceeded', async () => {
    sim.configure({ v2PerMinute: 3 });
    const keys = sim.createAccount();
    for (let i = 0; i < 3; i++) expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels')).status).toBe(200);
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(res.body.errors[0]).toMatchObject({ error_code: 'rate_limit_exceeded' });
    expect(sim.config().v2PerMinute).toBe(3);
    expect((await v1(sim, keys, 'GET', '/orders')).status).toBe(200);
  });
});
