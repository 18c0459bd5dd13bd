import { afterEach, describe, expect, it } from 'vitest';
import { callApi, CLIENT, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** Puts the sim clock at the start of a minute so a burst cannot straddle two windows. */
function alignToMinute(harness: Harness): void {
  const now = harness.sim.clock.now();
  harness.sim.clock.advance(60_000 - (now % 60_000) + 1);
}

describe('per-organization rate limits', () => {
  it('answers the 101st call in a minute with 429 and no Retry-After', async () => {
    h = await startHarness();
    alignToMinute(h);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await h.call('GET', '/contacts')).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const limited = await h.call('GET', '/contacts');
    expect(limited.status).toBe(429);
    expect(limited.body.code).not.toBe(0);
    expect(limited.body.message).toMatch(/too many requests/i);
    expect(limited.headers.get('retry-after')).toBeNull();
  });

  it('a new minute restores the per-minute budget', async () => {
    h = await startHarness({ perMinute: 3 });
    alignToMinute(h);
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/items')).status).toBe(200);
    expect((await h.call('GET', '/items')).status).toBe(429);
    h.sim.clock.advance(60_000);
    expect((await h.call('GET', '/items')).status).toBe(200);
  });

  it('budgets are per organization, shared by every token of that organization', async () => {
    h = await startHarness({ perMinute: 2 });
    alignToMinute(h);
    const second = h.sim.createOrganization({ name: 'Second', dc: 'us' });
    h.sim.createUser({ email: 'two@example.com', organizations: [h.orgId, second] });
    const other = h.sim.issueTokens({ email: 'two@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.fullaccess.all' });
    expect((await h.call('GET', '/items')).status).toBe(200);
    expect((await callApi(h.apiDomain, 'GET', '/items', { token: other.access_token, org: h.orgId })).status).toBe(200);
    expect((await h.call('GET', '/items')).status).toBe(429);
    expect((await callApi(h.apiDomain, 'GET', '/items', { token: other.access_token, org: second })).status).toBe(200);
  });

  it('sends X-Rate-Limit-Limit/Remaining/Reset for the daily quota and answers 429 past the daily cap', async () => {
    h = await startHarness({ dailyCap: 3 });
    alignToMinute(h);
    const first = await h.call('GET', '/contacts');
    expect(first.headers.get('x-rate-limit-limit')).toBe('3');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('2');
    const reset = Number(first.headers.get('x-rate-limit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(86_400);
    await h.call('GET', '/contacts');
    expect((await h.call('GET', '/contacts')).headers.get('x-rate-limit-remaining')).toBe('0');
    const over = await h.call('GET', '/contacts');
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(over.body.code).not.toBe(0);
    h.sim.clock.advance(reset * 1000);
    // A day later the old access token has expired too; take a fresh one.
    const fresh = h.sim.issueTokens({ email: h.email, clientId: CLIENT.clientId, scopes: 'ZohoBooks.contacts.READ', offline: false });
    const next = await h.call('GET', '/contacts', { token: fresh.access_token });
    expect(next.status).toBe(200);
    expect(next.headers.get('x-rate-limit-remaining')).toBe('2');
  });

  it('takes the daily cap from the organization plan', async () => {
    h = await startHarness();
    const free = h.sim.createOrganization({ name: 'Free', dc: 'us', plan: 'free' });
    h.sim.createUser({ email: 'free@example.com', organizations: [free] });
    const t = h.sim.issueTokens({ email: 'free@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.fullaccess.all' });
    const res = await callApi(h.apiDomain, 'GET', '/contacts', { token: t.access_token, org: free });
    expect(res.headers.get('x-rate-limit-limit')).toBe('1000');
  });
});
