import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer, json, type SimServer } from './server.ts';

let sim: SimServer | undefined;
afterEach(async () => sim?.close());

describe('sim harness', () => {
  it('logs requests and masks the authorization header', async () => {
    sim = await startSimServer({ name: 't', handle: () => json(200, { ok: true }) });
    await fetch(`${sim.url}/x?a=1`, { headers: { authorization: 'Bearer secret-token-value' } });
    const [entry] = sim.requests();
    expect(entry?.path).toBe('/x');
    expect(entry?.query).toEqual({ a: '1' });
    expect(entry?.headers.authorization).not.toContain('secret-token-value');
  });

  it('injects a limited number of 503s then lets requests through', async () => {
    sim = await startSimServer({ name: 't', handle: () => json(200, { ok: true }) });
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ status: 503, times: 2 }) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${sim.url}/y`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('advances its clock on request', async () => {
    sim = await startSimServer({ name: 't', handle: () => json(200, {}) });
    const before = sim.clock.now();
    await fetch(`${sim.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 3_600_000 }) });
    expect(sim.clock.now() - before).toBeGreaterThanOrEqual(3_600_000);
  });

  it('refuses bodies over the limit with 413', async () => {
    sim = await startSimServer({ name: 't', handle: () => json(200, {}), bodyLimit: 10 });
    const res = await fetch(`${sim.url}/z`, { method: 'POST', body: 'x'.repeat(100) });
    expect(res.status).toBe(413);
  });
});

describe('sim clock', () => {
  it('wakes a pending sleep when the clock is advanced past it', async () => {
    const { SimClock } = await import('./clock.ts');
    const clock = new SimClock();
    let woke = false;
    const sleeping = clock.sleep(3_600_000).then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(woke).toBe(false);
    clock.advance(3_600_000);
    await sleeping;
    expect(woke).toBe(true);
  });

  it('a sleep follows a later speed-up', async () => {
    const { SimClock } = await import('./clock.ts');
    const clock = new SimClock();
    const started = Date.now();
    const sleeping = clock.sleep(60_000);
    clock.speed = 1_000_000;
    await sleeping;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
