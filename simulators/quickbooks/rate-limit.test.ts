/** Request limits (api notes §7): 10 per second per realm and app, 500 per minute per realm, batch and concurrency caps. */
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../_kit/clock.ts';
import { faultOf, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** A clock that barely moves on its own, so only `advance` decides which window a request falls in. */
function stillClock(): SimClock {
  const clock = new SimClock();
  clock.speed = 0.000_001;
  return clock;
}

describe('rate limits', () => {
  it('the 11th request in a second answers 429 with code 3001', async () => {
    h = await startHarness({ clock: stillClock(), pace: false });
    for (let i = 0; i < 10; i++) expect((await h.call('GET', '/preferences')).status).toBe(200);
    const r = await h.call('GET', '/preferences');
    expect(r.status).toBe(429);
    expect(faultOf(r)).toMatchObject({ code: '3001', Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', type: 'SERVICE' });
    h.sim.clock.advance(1000);
    expect((await h.call('GET', '/preferences')).status).toBe(200);
  });

  it('the 501st request in a minute answers 429, and another realm has its own budget', async () => {
    h = await startHarness({ clock: stillClock(), pace: false });
    for (let i = 0; i < 500; i++) {
      h.sim.clock.advance(101);
      const r = await h.call('GET', '/preferences');
      if (r.status !== 200) throw new Error(`request ${i + 1} answered ${r.status}`);
    }
    h.sim.clock.advance(101);
    expect(faultOf(await h.call('GET', '/preferences')).code).toBe('3001');
    const other = h.sim.createCompany({ name: 'Other' });
    const token = h.sim.connect({ clientId: h.clientId, realmId: other.realmId }).access_token;
    expect((await h.call('GET', '/preferences', { realmId: other.realmId, token })).status).toBe(200);
    h.sim.clock.advance(60_000);
    expect((await h.call('GET', '/preferences')).status).toBe(200);
  });

  it('batch calls are limited to 40 per minute per realm and app', async () => {
    h = await startHarness({ clock: stillClock(), pace: false });
    const call = () => h!.call('POST', '/batch', { body: { BatchItemRequest: [{ bId: '1', Query: 'select count(*) from Customer' }] } });
    for (let i = 0; i < 40; i++) {
      h.sim.clock.advance(101);
      expect((await call()).status).toBe(200);
    }
    h.sim.clock.advance(101);
    expect((await call()).status).toBe(429);
    expect((await h.call('GET', '/preferences')).status).toBe(200);
  });

  it('more concurrent requests than the cap answer 429', async () => {
    const clock = new SimClock();
    clock.speed = 100;
    h = await startHarness({ clock, pace: false, config: { processingDelayMs: 5000, concurrentPerRealmApp: 3, perSecondPerRealmApp: 100 } });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => h!.call('GET', '/preferences').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });

  it('the limits are settings', async () => {
    h = await startHarness({ clock: stillClock(), pace: false, config: { perSecondPerRealmApp: 2 } });
    expect(h.sim.config()).toMatchObject({ perMinutePerRealm: 500, batchMaxItems: 30, batchPerMinutePerRealm: 120 });
    await h.call('GET', '/preferences');
    await h.call('GET', '/preferences');
    expect((await h.call('GET', '/preferences')).status).toBe(429);
  });
});
