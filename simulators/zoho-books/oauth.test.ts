import { afterEach, describe, expect, it } from 'vitest';
import { startZohoBooksSim, type ZohoBooksSim } from './index.ts';
import { authorize, authParams, callApi, CLIENT, tokenRequest } from './test-support.ts';

let sim: ZohoBooksSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function setup(dc = 'us'): Promise<ZohoBooksSim> {
  sim = await startZohoBooksSim();
  sim.registerClient(CLIENT);
  const orgId = sim.createOrganization({ name: 'Zillum', currencyCode: 'USD', dc });
  sim.createUser({ email: 'owner@example.com', organizations: [orgId] });
  return sim;
}

async function grantCode(s: ZohoBooksSim, extra: Record<string, string> = {}, startDc = 'us'): Promise<URL> {
  const { status, location } = await authorize(s, startDc, authParams(extra));
  expect(status).toBe(302);
  return location!;
}

function exchangeParams(code: string): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    redirect_uri: CLIENT.redirectUris[0]!,
    code,
  };
}

function refreshParams(refreshToken: string): Record<string, string> {
  return { grant_type: 'refresh_token', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, refresh_token: refreshToken };
}

describe('Zoho Accounts OAuth', () => {
  it('redirects to the registered URI with code, state, location and accounts-server', async () => {
    const s = await setup('eu');
    const location = await grantCode(s, { state: 'xyz' });
    expect(location.origin + location.pathname).toBe(CLIENT.redirectUris[0]);
    expect(location.searchParams.get('code')).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    expect(location.searchParams.get('state')).toBe('xyz');
    // Multi-DC: the app started at the US server; the redirect names the user's DC (api notes §1.2).
    expect(location.searchParams.get('location')).toBe('eu');
    expect(location.searchParams.get('accounts-server')).toBe(s.accountsServer('eu'));
  });

  it('exchanges a code with parameters in the query string and answers the documented token JSON', async () => {
    const s = await setup('in');
    const code = (await grantCode(s)).searchParams.get('code')!;
    const res = await tokenRequest(s.accountsServer('in'), exchangeParams(code), 'query');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'api_domain', 'expires_in', 'refresh_token', 'token_type']);
    expect(res.body).toMatchObject({ api_domain: s.apiDomain('in'), token_type: 'Bearer', expires_in: 3600 });
  });

  it('exchanges a code with parameters in a form body', async () => {
    const s = await setup();
    const code = (await grantCode(s)).searchParams.get('code')!;
    const res = await tokenRequest(s.accountsServer('us'), exchangeParams(code), 'form');
    expect(res.body.access_token).toBeTypeOf('string');
  });

  it('does not read token parameters from a JSON body', async () => {
    const s = await setup();
    const code = (await grantCode(s)).searchParams.get('code')!;
    const res = await fetch(`${s.accountsServer('us')}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exchangeParams(code)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('error');
  });

  it('a grant code is single use', async () => {
    const s = await setup();
    const code = (await grantCode(s)).searchParams.get('code')!;
    expect((await tokenRequest(s.accountsServer('us'), exchangeParams(code))).body.access_token).toBeDefined();
    const again = await tokenRequest(s.accountsServer('us'), exchangeParams(code));
    expect(again).toEqual({ status: 200, body: { error: 'invalid_code' } });
  });

  it('a grant code expires after 2 minutes', async () => {
    const s = await setup();
    const code = (await grantCode(s)).searchParams.get('code')!;
    s.clock.advance(2 * 60_000 + 1);
    expect(await tokenRequest(s.accountsServer('us'), exchangeParams(code))).toEqual({ status: 200, body: { error: 'invalid_code' } });
  });

  it('a code exchanged at the wrong accounts server fails with invalid_code on HTTP 200', async () => {
    const s = await setup('eu');
    const code = (await grantCode(s)).searchParams.get('code')!;
    expect(await tokenRequest(s.accountsServer('us'), exchangeParams(code))).toEqual({ status: 200, body: { error: 'invalid_code' } });
    // The right server still accepts it: the failed attempt did not consume the code.
    expect((await tokenRequest(s.accountsServer('eu'), exchangeParams(code))).body.access_token).toBeDefined();
  });

  it('refuses an unknown client, a wrong secret and a mismatched redirect_uri with HTTP 200 errors', async () => {
    const s = await setup();
    const code = (await grantCode(s)).searchParams.get('code')!;
    const us = s.accountsServer('us');
    expect((await tokenRequest(us, { ...exchangeParams(code), client_id: '1000.NOPE' })).body).toEqual({ error: 'invalid_client' });
    expect((await tokenRequest(us, { ...exchangeParams(code), client_secret: 'wrong' })).body).toEqual({ error: 'invalid_client_secret' });
    expect((await tokenRequest(us, { ...exchangeParams(code), redirect_uri: 'http://127.0.0.1:9/other' })).body).toEqual({
      error: 'invalid_redirect_uri',
    });
  });

  it('refuses a client that is not enabled in the data centre with invalid_client', async () => {
    sim = await startZohoBooksSim();
    sim.registerClient({ ...CLIENT, dataCentres: ['us'] });
    const orgId = sim.createOrganization({ name: 'EU org', dc: 'eu' });
    sim.createUser({ email: 'eu@example.com', organizations: [orgId] });
    const code = (await grantCode(sim)).searchParams.get('code')!;
    expect((await tokenRequest(sim.accountsServer('eu'), exchangeParams(code))).body).toEqual({ error: 'invalid_client' });
  });

  it('shows an error instead of redirecting to an unregistered redirect_uri', async () => {
    const s = await setup();
    const res = await authorize(s, 'us', authParams({ redirect_uri: 'https://evil.example/cb' }));
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });

  it('refuses space-separated scopes (Zoho separates scopes with commas)', async () => {
    const s = await setup();
    const res = await authorize(s, 'us', authParams({ scope: 'ZohoBooks.invoices.READ ZohoBooks.contacts.READ' }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_scope' });
  });

  it('redirects with error=access_denied when the user declines', async () => {
    const s = await setup();
    const location = await grantCode(s, { sim_deny: '1', state: 's1' });
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('returns a refresh token only on first consent unless prompt=consent', async () => {
    const s = await setup();
    const exchange = async (extra: Record<string, string> = {}) =>
      (await tokenRequest(s.accountsServer('us'), exchangeParams((await grantCode(s, extra)).searchParams.get('code')!))).body;
    expect(await exchange()).toHaveProperty('refresh_token');
    expect(await exchange()).not.toHaveProperty('refresh_token');
    expect(await exchange({ prompt: 'consent' })).toHaveProperty('refresh_token');
    expect(await exchange({ access_type: 'online', prompt: 'consent' })).not.toHaveProperty('refresh_token');
  });

  it('refresh returns a new access token and no new refresh token', async () => {
    const s = await setup();
    const first = s.issueTokens({ email: 'owner@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.invoices.READ' });
    const res = await tokenRequest(s.accountsServer('us'), refreshParams(first.refresh_token!));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(res.body).toMatchObject({ api_domain: s.apiDomain('us'), token_type: 'Bearer', expires_in: 3600 });
    expect(res.body.access_token).not.toBe(first.access_token);
  });

  it('refresh beyond 10 tokens per 10 minutes answers Access Denied with HTTP 200', async () => {
    const s = await setup();
    const { refresh_token } = s.issueTokens({ email: 'owner@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.invoices.READ' });
    const refresh = () => tokenRequest(s.accountsServer('us'), refreshParams(refresh_token!), 'form');
    for (let i = 0; i < 10; i++) expect((await refresh()).body.access_token).toBeDefined();
    const denied = await refresh();
    expect(denied.status).toBe(200);
    expect(denied.body).toEqual({
      error: 'Access Denied',
      error_description: 'You have made too many requests continuously. Please try again after some time.',
    });
    s.clock.advance(10 * 60_000);
    expect((await refresh()).body.access_token).toBeDefined();
  });

  it('refuses a refresh token at another data centre and after revocation with invalid_token', async () => {
    const s = await setup();
    const { refresh_token, access_token } = s.issueTokens({ email: 'owner@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.invoices.READ' });
    expect((await tokenRequest(s.accountsServer('eu'), refreshParams(refresh_token!))).body).toEqual({ error: 'invalid_token' });
    const revoked = await tokenRequest(s.accountsServer('us'), { token: refresh_token! }, 'query', '/oauth/v2/token/revoke');
    expect(revoked).toEqual({ status: 200, body: { status: 'success' } });
    expect((await tokenRequest(s.accountsServer('us'), refreshParams(refresh_token!))).body).toEqual({ error: 'invalid_token' });
    // Revoking the refresh token also kills the access tokens minted from it.
    const orgs = await callApi(s.apiDomain('us'), 'GET', '/organizations', { token: access_token });
    expect(orgs.status).toBe(401);
  });

  it('the 21st refresh token for a user and client evicts the oldest', async () => {
    const s = await setup();
    const tokens: string[] = [];
    for (let i = 0; i < 21; i++) {
      if (i > 0 && i % 5 === 0) s.clock.advance(60_000); // stay under 5 refresh tokens per minute
      tokens.push(s.issueTokens({ email: 'owner@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.invoices.READ' }).refresh_token!);
    }
    const us = s.accountsServer('us');
    expect((await tokenRequest(us, refreshParams(tokens[0]!))).body).toEqual({ error: 'invalid_token' });
    expect((await tokenRequest(us, refreshParams(tokens[1]!))).body.access_token).toBeDefined();
  });

  it('mints at most 5 refresh tokens per minute, then answers Access Denied', async () => {
    const s = await setup();
    const exchange = async () =>
      tokenRequest(s.accountsServer('us'), exchangeParams((await grantCode(s, { prompt: 'consent' })).searchParams.get('code')!));
    for (let i = 0; i < 5; i++) expect((await exchange()).body.refresh_token).toBeDefined();
    expect((await exchange()).body).toMatchObject({ error: 'Access Denied' });
    s.clock.advance(60_000);
    expect((await exchange()).body.refresh_token).toBeDefined();
  });

  it('an access token stops working after 3600 seconds', async () => {
    const s = await setup();
    const { access_token } = s.issueTokens({ email: 'owner@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.settings.READ' });
    const call = () => callApi(s.apiDomain('us'), 'GET', '/organizations', { token: access_token });
    s.clock.advance(3599_000);
    expect((await call()).status).toBe(200);
    s.clock.advance(1_000);
    expect((await call()).status).toBe(401);
  });

  it('publishes a location → accounts-server map at /oauth/serverinfo', async () => {
    const s = await setup();
    const res = await fetch(`${s.accountsServer('us')}/oauth/serverinfo`);
    const body = (await res.json()) as { locations: Record<string, string> };
    expect(body.locations.ca).toBe(s.accountsServer('ca'));
    expect(Object.keys(body.locations).sort()).toEqual(['au', 'ca', 'cn', 'eu', 'in', 'jp', 'sa', 'uk', 'us']);
  });

  it('keeps at most the configured number of live access tokens per refresh token, evicting the oldest', async () => {
    const s = await setup();
    s.configure({ liveAccessTokensPerRefreshToken: 2 });
    const first = s.issueTokens({ email: 'owner@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.settings.READ' });
    const second = await tokenRequest(s.accountsServer('us'), refreshParams(first.refresh_token!));
    const third = await tokenRequest(s.accountsServer('us'), refreshParams(first.refresh_token!));
    const status = async (token: string) => (await callApi(s.apiDomain('us'), 'GET', '/organizations', { token })).status;
    expect(await status(first.access_token)).toBe(401);
    expect(await status(second.body.access_token as string)).toBe(200);
    expect(await status(third.body.access_token as string)).toBe(200);
  });

  it('answers Access Denied at the refresh-token cap when refreshTokenCapMode is "deny"', async () => {
    const s = await setup();
    s.configure({ refreshTokenCapMode: 'deny', refreshTokensPerUserClient: 1 });
    const exchange = async () =>
      tokenRequest(s.accountsServer('us'), exchangeParams((await grantCode(s, { prompt: 'consent' })).searchParams.get('code')!));
    expect((await exchange()).body.refresh_token).toBeDefined();
    expect((await exchange()).body).toMatchObject({ error: 'Access Denied' });
  });
});
