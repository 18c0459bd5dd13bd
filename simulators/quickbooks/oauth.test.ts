/** Intuit OAuth 2.0 as the API notes §1 describe it: authorize redirect, code exchange, rotation, lifetimes, revoke. */
import { afterEach, describe, expect, it } from 'vitest';
import { startQuickBooksSim, type QuickBooksSim } from './index.ts';
import { http, REDIRECT_URI, startHarness, tokenRequest, type Harness } from './test-support.ts';

let sim: QuickBooksSim | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await sim?.close();
  await h?.sim.close();
  sim = undefined;
  h = undefined;
});

const SCOPE = 'com.intuit.quickbooks.accounting';
const DAY = 86_400_000;

async function setup() {
  sim = await startQuickBooksSim();
  const app = sim.registerApp({ redirectUris: [REDIRECT_URI] });
  const company = sim.createCompany();
  return { sim, app, company };
}

async function authorize(s: QuickBooksSim, params: Record<string, string>) {
  const url = new URL(s.endpoints().authorize);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const r = await http(url.toString());
  return { ...r, location: r.headers.get('location') ? new URL(r.headers.get('location')!) : undefined };
}

async function exchange(s: QuickBooksSim, app: { clientId: string; clientSecret: string }, code: string) {
  return tokenRequest(s, app.clientId, app.clientSecret, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
}

async function connected() {
  const { sim: s, app, company } = await setup();
  const r = await authorize(s, { client_id: app.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: SCOPE, state: 'xyz' });
  const tokens = await exchange(s, app, r.location!.searchParams.get('code')!);
  return { s, app, company, tokens: tokens.body as Record<string, any> };
}

function refresh(s: QuickBooksSim, app: { clientId: string; clientSecret: string }, refreshToken: string, headers: Record<string, string> = {}) {
  return tokenRequest(s, app.clientId, app.clientSecret, { grant_type: 'refresh_token', refresh_token: refreshToken }, headers);
}

describe('authorize', () => {
  it('auto-consents and redirects with code, state and realmId', async () => {
    const { sim: s, app, company } = await setup();
    const r = await authorize(s, { client_id: app.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: `${SCOPE} openid`, state: 'st-1' });
    expect(r.status).toBe(302);
    expect(r.location!.origin + r.location!.pathname).toBe(REDIRECT_URI);
    expect(r.location!.searchParams.get('state')).toBe('st-1');
    expect(r.location!.searchParams.get('realmId')).toBe(company.realmId);
    expect(r.location!.searchParams.get('code')).toMatch(/^AB11/);
  });

  it('shows an error page for an unregistered redirect_uri instead of redirecting', async () => {
    const { sim: s, app } = await setup();
    const r = await authorize(s, { client_id: app.clientId, redirect_uri: 'http://127.0.0.1:9/evil', response_type: 'code', scope: SCOPE });
    expect(r.status).toBe(400);
    expect(r.location).toBeUndefined();
  });

  it('redirects with error=access_denied when the user declines', async () => {
    const { sim: s, app } = await setup();
    const r = await authorize(s, { client_id: app.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: SCOPE, state: 's', sim_deny: '1' });
    expect(r.location!.searchParams.get('error')).toBe('access_denied');
    expect(r.location!.searchParams.get('state')).toBe('s');
  });

  it('redirects with error=invalid_scope for an unknown scope', async () => {
    const { sim: s, app } = await setup();
    const r = await authorize(s, { client_id: app.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: 'com.intuit.quickbooks.everything' });
    expect(r.location!.searchParams.get('error')).toBe('invalid_scope');
  });

  it('connects the company named by sim_realm', async () => {
    const { sim: s, app } = await setup();
    const second = s.createCompany({ name: 'Second' });
    s.createCompany({ name: 'Third' });
    const r = await authorize(s, { client_id: app.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: SCOPE, sim_realm: second.realmId });
    expect(r.location!.searchParams.get('realmId')).toBe(second.realmId);
  });
});

describe('token endpoint', () => {
  it('exchanges a code for tokens with the documented fields', async () => {
    const { tokens } = await connected();
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(tokens['access_token']).toMatch(/^eyJ/);
    expect(tokens['refresh_token']).toMatch(/^AB11/);
    expect(tokens).not.toHaveProperty('x_refresh_token_hard_expires_in');
  });

  it('access tokens last one hour', async () => {
    const { s, tokens, company } = await connected();
    const read = () => http(`${company.companyUrl}/companyinfo/${company.realmId}`, { headers: { authorization: `Bearer ${tokens['access_token']}`, accept: 'application/json' } });
    s.clock.advance(3600_000 - 1000);
    expect((await read()).status).toBe(200);
    s.clock.advance(1000);
    const r = await read();
    expect(r.status).toBe(401);
    expect(r.body.Fault.Error[0].code).toBe('3200');
  });

  it('adds x_refresh_token_hard_expires_in only when the opt-in header asks', async () => {
    const { s, app, tokens } = await connected();
    const r = await refresh(s, app, tokens['refresh_token'], { 'x-include-refresh-token-hard-expires-in': 'true' });
    expect(r.body.x_refresh_token_hard_expires_in).toBe(5 * 365 * 86400);
  });

  it('needs Basic client authentication (invalid_client, 401)', async () => {
    const { sim: s, app } = await setup();
    const r = await tokenRequest(s, app.clientId, 'wrong-secret', { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: 'invalid_client' });
    const noAuth = await http(s.endpoints().token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=authorization_code&code=x&client_id=${app.clientId}&client_secret=${app.clientSecret}` });
    expect(noAuth.status).toBe(401);
  });

  it('an authorization code works once (invalid_grant with the real body)', async () => {
    const { sim: s, app } = await setup();
    const r = await authorize(s, { client_id: app.clientId, redirect_uri: REDIRECT_URI, response_type: 'code', scope: SCOPE });
    const code = r.location!.searchParams.get('code')!;
    expect((await exchange(s, app, code)).status).toBe(200);
    const again = await exchange(s, app, code);
    expect(again.status).toBe(400);
    expect(again.text).toBe('{"error_description":"Token invalid","error":"invalid_grant"}');
    expect(again.headers.get('intuit_tid')).toBeTruthy();
  });

  it('refreshing returns a new refresh token (rotation)', async () => {
    const { s, app, tokens } = await connected();
    const r = await refresh(s, app, tokens['refresh_token']);
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).not.toBe(tokens['refresh_token']);
    expect(r.body.access_token).not.toBe(tokens['access_token']);
  });

  it('an old refresh token keeps working, answering the same newer token, until the newer one is used', async () => {
    const { s, app, tokens } = await connected();
    const first = await refresh(s, app, tokens['refresh_token']);
    const retry = await refresh(s, app, tokens['refresh_token']);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(first.body.refresh_token);
  });

  it('an old refresh token answers invalid_grant once a newer one was used', async () => {
    const { s, app, tokens } = await connected();
    const rt1 = tokens['refresh_token'] as string;
    const rt2 = (await refresh(s, app, rt1)).body.refresh_token as string;
    const rt3 = await refresh(s, app, rt2);
    expect(rt3.status).toBe(200);
    const old = await refresh(s, app, rt1);
    expect(old.status).toBe(400);
    expect(old.body).toEqual({ error_description: 'Token invalid', error: 'invalid_grant' });
  });

  it('a superseded refresh token dies after 24 hours even if the newer one is never used', async () => {
    const { s, app, tokens } = await connected();
    await refresh(s, app, tokens['refresh_token']);
    s.clock.advance(DAY);
    expect((await refresh(s, app, tokens['refresh_token'])).status).toBe(400);
  });

  it('with supersededRefreshToken "immediately" the old token dies at once', async () => {
    const { s, app, tokens } = await connected();
    s.configure({ supersededRefreshToken: 'immediately' });
    await refresh(s, app, tokens['refresh_token']);
    expect((await refresh(s, app, tokens['refresh_token'])).status).toBe(400);
  });

  it('with rotateRefreshTokenAfterSec the same refresh token comes back inside the window', async () => {
    const { s, app, tokens } = await connected();
    s.configure({ rotateRefreshTokenAfterSec: 86_400 });
    const same = await refresh(s, app, tokens['refresh_token']);
    expect(same.body.refresh_token).toBe(tokens['refresh_token']);
    s.clock.advance(DAY);
    const rotated = await refresh(s, app, tokens['refresh_token']);
    expect(rotated.body.refresh_token).not.toBe(tokens['refresh_token']);
  });

  it('an unused refresh token expires after its rolling 100-day life; each refresh extends it', async () => {
    const { s, app, tokens } = await connected();
    s.clock.advance(90 * DAY);
    const r = await refresh(s, app, tokens['refresh_token']);
    expect(r.status).toBe(200);
    expect(r.body.x_refresh_token_expires_in).toBe(8726400);
    s.clock.advance(8726400 * 1000);
    expect((await refresh(s, app, r.body.refresh_token)).status).toBe(400);
  });

  it('the five-year hard cap ends the grant however often it is refreshed', async () => {
    const { s, app, tokens } = await connected();
    let rt = tokens['refresh_token'] as string;
    for (let day = 0; day < 5 * 365; day += 90) {
      s.clock.advance(90 * DAY);
      const r = await refresh(s, app, rt);
      if (r.status !== 200) {
        expect(r.body.error).toBe('invalid_grant');
        expect(day).toBeGreaterThanOrEqual(5 * 365 - 90);
        return;
      }
      expect(r.body.x_refresh_token_expires_in).toBeLessThanOrEqual(8726400);
      rt = r.body.refresh_token;
    }
    s.clock.advance(90 * DAY);
    expect((await refresh(s, app, rt)).body.error).toBe('invalid_grant');
  });

  it('refuses an unknown grant_type', async () => {
    const { sim: s, app } = await setup();
    const r = await tokenRequest(s, app.clientId, app.clientSecret, { grant_type: 'password' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('unsupported_grant_type');
  });
});

describe('revoke', () => {
  it('revoking the refresh token disconnects: API calls answer 401 and refresh answers invalid_grant', async () => {
    h = await startHarness();
    const r = await http(h.sim.endpoints().revoke, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${h.clientId}:${h.clientSecret}`).toString('base64')}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: h.refreshToken }),
    });
    expect(r.status).toBe(200);
    expect((await h.call('GET', '/preferences')).status).toBe(401);
    expect((await refresh(h.sim, { clientId: h.clientId, clientSecret: h.clientSecret }, h.refreshToken)).body.error).toBe('invalid_grant');
  });

  it('accepts a form-encoded token too', async () => {
    h = await startHarness();
    const r = await http(h.sim.endpoints().revoke, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${h.clientId}:${h.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${h.accessToken}`,
    });
    expect(r.status).toBe(200);
    expect((await h.call('GET', '/preferences')).status).toBe(401);
  });
});

describe('discovery', () => {
  it('the OpenID discovery documents name the simulator endpoints', async () => {
    const { sim: s } = await setup();
    const prod = await http(s.endpoints().discoveryProduction);
    expect(prod.body).toMatchObject({ token_endpoint: s.endpoints().token, revocation_endpoint: s.endpoints().revoke, issuer: 'https://oauth.platform.intuit.com/op/v1' });
    const sandbox = await http(`${s.endpoints().discoverySandbox}/`);
    expect(sandbox.body.authorization_endpoint).toBe(s.endpoints().authorize);
  });
});
