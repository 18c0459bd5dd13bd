/**
 * The `/_sim/quickbooks/<method>` control routes mirror the in-process API, so a launcher in another process drives
 * the simulator the same way a test does; kit routes (faults, reset, clock) work as for every simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_METHODS } from './control.ts';
import { SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, startQuickBooksSim, type QuickBooksSim } from './index.ts';
import { http, tokenRequest } from './test-support.ts';

let sim: QuickBooksSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function control(s: QuickBooksSim, method: string, body?: unknown, get = false) {
  if (get) return http(`${s.url}/_sim/quickbooks/${method}?${new URLSearchParams(body as Record<string, string>)}`);
  return http(`${s.url}/_sim/quickbooks/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

describe('control routes', () => {
  it('has a route for every in-process method', async () => {
    sim = await startQuickBooksSim();
    const harness = ['server', 'url', 'clock', 'close', 'reset'];
    expect([...CONTROL_METHODS].sort()).toEqual(Object.keys(sim).filter((k) => !harness.includes(k)).sort());
  });

  it('seedSandbox over HTTP gives an app and a company ready for the OAuth flow', async () => {
    sim = await startQuickBooksSim();
    const seed = await control(sim, 'seedSandbox', { redirectUris: ['http://127.0.0.1:9/cb'] });
    expect(seed.status).toBe(200);
    expect(seed.body.app).toMatchObject({ clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_CLIENT_SECRET, environment: 'sandbox' });
    expect(seed.body.company.realmId).toMatch(/^\d{19}$/);
    const auth = new URL(seed.body.endpoints.authorize);
    Object.entries({ client_id: SANDBOX_CLIENT_ID, redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code', scope: 'com.intuit.quickbooks.accounting', state: 's' }).forEach(([k, v]) => auth.searchParams.set(k, v));
    const redirect = new URL((await http(auth.toString())).headers.get('location')!);
    expect(redirect.searchParams.get('realmId')).toBe(seed.body.company.realmId);
    const tokens = await tokenRequest(sim, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:9/cb' });
    const info = await http(`${seed.body.company.companyUrl}/companyinfo/${seed.body.company.realmId}?minorversion=75`, { headers: { authorization: `Bearer ${tokens.body.access_token}`, accept: 'application/json' } });
    expect(info.body.CompanyInfo.CompanyName).toBe('Sandbox Company_US_1');
  });

  it('registers apps, creates companies, connects, edits and reads entities over HTTP', async () => {
    sim = await startQuickBooksSim();
    const app = (await control(sim, 'registerApp', { redirectUris: ['https://x.example/cb'], environment: 'production', name: 'Remote' })).body;
    const company = (await control(sim, 'createCompany', { environment: 'production', country: 'GB' })).body;
    expect(company).toMatchObject({ homeCurrency: 'GBP', companyUrl: expect.stringContaining('/quickbooks.api.intuit.com/v3/company/') });
    const tokens = (await control(sim, 'connect', { clientId: app.clientId, realmId: company.realmId })).body;
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, realmId: company.realmId });
    const created = await http(`${company.companyUrl}/customer`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ DisplayName: 'Remote Buyer' }) });
    const id = created.body.Customer.Id;
    const edited = await control(sim, 'editAsUser', { realmId: company.realmId, entity: 'Customer', id, patch: { Notes: 'from the UI' } });
    expect(edited.body).toMatchObject({ Notes: 'from the UI', SyncToken: '1' });
    expect((await control(sim, 'getEntity', { realmId: company.realmId, entity: 'Customer', id }, true)).body.Notes).toBe('from the UI');
    expect((await control(sim, 'listEntities', { realmId: company.realmId, entity: 'TaxCode' }, true)).body.map((t: any) => t.Name)).toContain('20.0% S');
    expect((await control(sim, 'expireAccessTokens', { realmId: company.realmId })).body).toEqual({ expired: 1 });
    expect((await control(sim, 'revokeGrant', { clientId: app.clientId })).body).toEqual({ revoked: 1 });
  });

  it('reads and changes the configuration, refusing unknown settings', async () => {
    sim = await startQuickBooksSim({ batchMaxItems: 10, config: { cdcMaxDays: 7 } });
    expect((await control(sim, 'config', {}, true)).body).toMatchObject({ batchMaxItems: 10, cdcMaxDays: 7, accessTokenTtlSec: 3600, perMinutePerRealm: 500 });
    const changed = await control(sim, 'configure', { faults: { duplicateDocNumber: { code: '6140' } } });
    expect(changed.body.faults.duplicateDocNumber).toMatchObject({ code: '6140', message: 'Duplicate Document Number Error' });
    expect((await control(sim, 'configure', { noSuchSetting: 1 })).status).toBe(400);
    expect((await control(sim, 'endpoints', {}, true)).body.token).toBe(`${sim.url}/oauth.platform.intuit.com/oauth2/v1/tokens/bearer`);
  });

  it('answers bad input with 400/404 and an error message', async () => {
    sim = await startQuickBooksSim();
    expect((await control(sim, 'registerApp', { redirectUris: ['http://x.example/cb'], environment: 'production' })).status).toBe(400);
    expect((await control(sim, 'createCompany', { environment: 'sandbox', automatedSalesTax: true })).status).toBe(400);
    expect((await control(sim, 'connect', { clientId: 'nope', realmId: '1' })).status).toBe(404);
    expect((await control(sim, 'getEntity', { realmId: '1', entity: 'Customer', id: '1' }, true)).status).toBe(404);
    expect((await control(sim, 'noSuchMethod')).status).toBe(404);
  });

  it('POST /_sim/reset forgets every app and company', async () => {
    sim = await startQuickBooksSim();
    const seed = sim.seedSandbox();
    const tokens = sim.connect({ clientId: seed.app.clientId, realmId: seed.company.realmId });
    await http(`${sim.url}/_sim/reset`, { method: 'POST' });
    const r = await http(`${seed.company.companyUrl}/preferences`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(r.status).toBe(401);
    expect(sim.seedSandbox().app.clientId).toBe(SANDBOX_CLIENT_ID);
  });

  it('masks bearer tokens in the request log', async () => {
    sim = await startQuickBooksSim();
    const seed = sim.seedSandbox();
    const tokens = sim.connect({ clientId: seed.app.clientId, realmId: seed.company.realmId });
    await http(`${seed.company.companyUrl}/preferences`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(sim.server.requests()[0]!.headers['authorization']).not.toContain(tokens.access_token);
  });
});
