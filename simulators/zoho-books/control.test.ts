import { afterEach, describe, expect, it } from 'vitest';
import { startZohoBooksSim, type ZohoBooksSim } from './index.ts';
import { authorize, authParams, callApi, CLIENT, tokenRequest } from './test-support.ts';

let sim: ZohoBooksSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function control(s: ZohoBooksSim, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.url}/_sim/zoho-books/${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
}

describe('control routes (/_sim/zoho-books/...)', () => {
  it('sets up a client, organization and user over HTTP and completes the OAuth flow against them', async () => {
    sim = await startZohoBooksSim();
    expect((await control(sim, 'POST', 'clients', CLIENT)).status).toBe(201);
    const org = await control(sim, 'POST', 'organizations', { name: 'Remote Co', currencyCode: 'EUR', dc: 'eu' });
    expect(org.body.organization_id).toMatch(/^\d{9,11}$/);
    const user = await control(sim, 'POST', 'users', { email: 'remote@example.com', organizations: [org.body.organization_id] });
    expect(user.status).toBe(201);

    const redirect = (await authorize(sim, 'us', authParams({ sim_user: 'remote@example.com' }))).location!;
    const accountsServer = redirect.searchParams.get('accounts-server')!;
    const tokens = await tokenRequest(accountsServer, {
      grant_type: 'authorization_code',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
      redirect_uri: CLIENT.redirectUris[0]!,
      code: redirect.searchParams.get('code')!,
    });
    const apiDomain = tokens.body.api_domain as string;
    expect(apiDomain).toBe(`${sim.url}/api/eu`);
    const orgs = await callApi(apiDomain, 'GET', '/organizations', { token: tokens.body.access_token as string });
    expect(orgs.body.organizations[0]).toMatchObject({ organization_id: org.body.organization_id, currency_code: 'EUR' });
  });

  it('issues, expires and revokes tokens, and shows state', async () => {
    sim = await startZohoBooksSim();
    const seed = await control(sim, 'POST', 'sandbox', { redirectUris: ['http://127.0.0.1:9/cb'] });
    expect(seed.body).toMatchObject({ dc: 'us', apiDomain: `${sim.url}/api/us`, accountsServer: `${sim.url}/accounts/us` });
    const issued = await control(sim, 'POST', 'tokens/issue', { email: seed.body.email, clientId: seed.body.clientId, scopes: 'ZohoBooks.fullaccess.all' });
    const token = issued.body.access_token as string;
    const org = seed.body.organizationId as string;
    await callApi(seed.body.apiDomain, 'POST', '/contacts', { token, org, body: { contact_name: 'Seen In State' } });
    const state = await control(sim, 'GET', `state/${org}`);
    expect(state.body.contacts.map((c: { contact_name: string }) => c.contact_name)).toEqual(['Seen In State']);
    expect(state.body.currencies.length).toBeGreaterThan(1);

    expect((await control(sim, 'POST', 'tokens/expire', {})).body.expired).toBe(1);
    expect((await callApi(seed.body.apiDomain, 'GET', '/contacts', { token, org })).status).toBe(401);
    const refreshed = await tokenRequest(seed.body.accountsServer, {
      grant_type: 'refresh_token',
      client_id: seed.body.clientId,
      client_secret: seed.body.clientSecret,
      refresh_token: issued.body.refresh_token,
    });
    expect(refreshed.body.access_token).toBeDefined();
    expect((await control(sim, 'POST', 'tokens/revoke', { email: seed.body.email })).body.revoked).toBeGreaterThan(0);
    expect((await callApi(seed.body.apiDomain, 'GET', '/contacts', { token: refreshed.body.access_token as string, org })).status).toBe(401);
  });

  it('reads and changes the configuration', async () => {
    sim = await startZohoBooksSim({ perMinute: 7 });
    expect((await control(sim, 'GET', 'config')).body).toMatchObject({ perMinute: 7, accessTokenTtlSec: 3600, grantCodeTtlMs: 120000 });
    const changed = await control(sim, 'POST', 'config', { errors: { orgInvalid: { status: 400, code: 6041, message: 'Invalid value passed for organization_id' } } });
    expect(changed.body.errors.orgInvalid.code).toBe(6041);
    expect(changed.body.errors.invalidToken.code).toBe(57);
    expect(sim.config().errors.orgInvalid.code).toBe(6041);
  });

  it('lists the data centres with their loopback hosts', async () => {
    sim = await startZohoBooksSim();
    const dcs = (await control(sim, 'GET', 'data-centres')).body as { dc: string; apiDomain: string }[];
    expect(dcs.map((d) => d.dc)).toEqual(['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'cn', 'uk']);
    expect(dcs.find((d) => d.dc === 'jp')!.apiDomain).toBe(`${sim.url}/api/jp`);
  });

  it('answers bad setup input with 400 and an error message', async () => {
    sim = await startZohoBooksSim();
    expect(await control(sim, 'POST', 'organizations', { name: 'X', dc: 'mars' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('mars') } });
    expect((await control(sim, 'POST', 'users', { email: 'a@b.c', organizations: ['123'] })).status).toBe(400);
    expect((await control(sim, 'GET', 'nothing-here')).status).toBe(404);
  });

  it('forgets everything on /_sim/reset and still takes injected faults from the kit', async () => {
    sim = await startZohoBooksSim();
    const seed = sim.seedSandbox({ redirectUris: ['http://127.0.0.1:9/cb'] });
    const { access_token } = sim.issueTokens({ email: seed.email, clientId: seed.clientId, scopes: 'ZohoBooks.fullaccess.all' });
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ pathPrefix: '/api/us/books/v3/invoices', status: 503, times: 1 }) });
    const call = () => callApi(seed.apiDomain, 'GET', '/invoices', { token: access_token, org: seed.organizationId });
    expect((await call()).status).toBe(503);
    expect((await call()).status).toBe(200);
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect((await call()).status).toBe(401);
    expect(() => sim!.state(seed.organizationId)).toThrow();
  });
});
