/**
 * Second opinion: Intuit's own Node client (`intuit-oauth`) drives the simulator's OAuth flow and a few API calls.
 * Its endpoints are static properties of OAuthClient (setAuthorizeURLs sets the OAuth ones; `environment` holds the
 * API bases), so they are pointed at the simulator and restored afterwards.
 */
import OAuthClient from 'intuit-oauth';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startQuickBooksSim, type QuickBooksSim } from './index.ts';
import { http, REDIRECT_URI } from './test-support.ts';

const saved = {
  authorize: OAuthClient.authorizeEndpoint,
  token: OAuthClient.tokenEndpoint,
  revoke: OAuthClient.revokeEndpoint,
  userinfo: OAuthClient.userinfo_endpoint_sandbox,
  environment: { ...OAuthClient.environment },
};

let sim: QuickBooksSim;
let app: { clientId: string; clientSecret: string };
let realmId: string;

afterAll(() => {
  OAuthClient.authorizeEndpoint = saved.authorize;
  OAuthClient.tokenEndpoint = saved.token;
  OAuthClient.revokeEndpoint = saved.revoke;
  OAuthClient.userinfo_endpoint_sandbox = saved.userinfo;
  OAuthClient.environment = saved.environment;
});

beforeEach(async () => {
  sim = await startQuickBooksSim();
  app = sim.registerApp({ redirectUris: [REDIRECT_URI] });
  realmId = sim.createCompany().realmId;
  OAuthClient.environment = { ...saved.environment, sandbox: `${sim.endpoints().apiBase.sandbox}/` };
});
afterEach(async () => sim.close());

function client(): OAuthClient {
  const c = new OAuthClient({ clientId: app.clientId, clientSecret: app.clientSecret, environment: 'sandbox', redirectUri: REDIRECT_URI });
  const e = sim.endpoints();
  c.setAuthorizeURLs({ authorizeEndpoint: e.authorize, tokenEndpoint: e.token, revokeEndpoint: e.revoke, userInfoEndpoint: `${sim.url}/unused` });
  return c;
}

/** Browser leg: follow the authorize URI to its redirect, as the user's browser would. */
async function consent(c: OAuthClient): Promise<string> {
  const uri = c.authorizeUri({ scope: [OAuthClient.scopes.Accounting, OAuthClient.scopes.OpenId], state: 'intuit-state' });
  const r = await http(uri);
  expect(r.status).toBe(302);
  return r.headers.get('location')!;
}

describe('intuit-oauth against the simulator', () => {
  it('exchanges the code from the redirect and reads the realmId from it', async () => {
    const c = client();
    const res = await c.createToken(await consent(c));
    expect(res.getJson()).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(c.getToken().realmId).toBe(realmId);
    expect(c.isAccessTokenValid()).toBe(true);
    const info = await c.makeApiCall({ url: `v3/company/${realmId}/companyinfo/${realmId}?minorversion=75` });
    expect(info.json.CompanyInfo.Id).toBe(realmId);
  });

  it('refresh rotates the refresh token, and the superseded one fails once the newer one was used', async () => {
    const c = client();
    await c.createToken(await consent(c));
    const rt1 = c.getToken().refresh_token;
    await c.refresh();
    const rt2 = c.getToken().refresh_token;
    expect(rt2).not.toBe(rt1);
    await c.refresh();
    expect(c.getToken().refresh_token).not.toBe(rt2);
    const stale = client();
    await expect(stale.refreshUsingToken(rt1)).rejects.toMatchObject({ error: 'invalid_grant', error_description: 'Token invalid' });
  });

  it('revoke disconnects the app', async () => {
    const c = client();
    await c.createToken(await consent(c));
    const access = c.getToken().access_token;
    const res = await c.revoke({ refresh_token: c.getToken().refresh_token });
    expect(res.status()).toBe(200);
    const r = await http(`${sim.endpoints().apiBase.sandbox}/v3/company/${realmId}/preferences`, { headers: { authorization: `Bearer ${access}`, accept: 'application/json' } });
    expect(r.status).toBe(401);
  });

  it('reads the simulator Fault bodies the way it reads Intuit ones', async () => {
    const c = client();
    await c.createToken(await consent(c));
    const create = () => c.makeApiCall({ url: `v3/company/${realmId}/customer?minorversion=75`, method: 'POST', body: { DisplayName: 'Same Name' } });
    await create();
    await expect(create()).rejects.toMatchObject({ code: '6240', faultType: 'ValidationFault', message: 'Duplicate Name Exists Error' });
  });
});
