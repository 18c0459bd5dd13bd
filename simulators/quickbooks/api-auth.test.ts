/** The gateway in front of every API call (api notes §2, §6): bearer token, realm, environment, scope, envelope. */
import { afterEach, describe, expect, it } from 'vitest';
import { faultOf, http, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('API authentication and authorization', () => {
  it('a request without Authorization answers 401 code 100', async () => {
    h = await startHarness();
    const r = await http(`${h.sim.endpoints().apiBase.sandbox}/v3/company/${h.realmId}/preferences`);
    expect(r.status).toBe(401);
    expect(faultOf(r)).toMatchObject({ code: '100', Message: 'General Authentication Error', type: 'AuthenticationFault' });
  });

  it('a malformed bearer token answers 401 code 3200 "Malformed bearer token"', async () => {
    h = await startHarness();
    const r = await h.call('GET', '/preferences', { token: 'short' });
    expect(r.status).toBe(401);
    expect(faultOf(r)).toMatchObject({ code: '3200', Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', Detail: 'Malformed bearer token: too short or too long', type: 'AUTHENTICATION' });
  });

  it('an expired access token answers 401 code 3200', async () => {
    h = await startHarness();
    expect(h.sim.expireAccessTokens({ realmId: h.realmId }).expired).toBe(1);
    const r = await h.call('GET', '/preferences');
    expect(r.status).toBe(401);
    expect(faultOf(r).Detail).toMatch(/^Token expired/);
  });

  it("one realm's token cannot read another realm (403 code 3100)", async () => {
    h = await startHarness();
    const other = h.sim.createCompany({ name: 'Other Co' });
    const r = await h.call('GET', `/companyinfo/${other.realmId}`, { realmId: other.realmId });
    expect(r.status).toBe(403);
    expect(faultOf(r)).toMatchObject({ code: '3100', Message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', type: 'SERVICE' });
  });

  it('a sandbox company is not served on the production host', async () => {
    h = await startHarness();
    const r = await h.call('GET', '/preferences', { env: 'production' });
    expect(r.status).toBe(403);
  });

  it('a production company is served on the production host', async () => {
    h = await startHarness({ company: { environment: 'production' } });
    expect((await h.call('GET', '/preferences')).status).toBe(200);
    expect((await h.call('GET', '/preferences', { env: 'sandbox' })).status).toBe(403);
  });

  it('a token without the accounting scope answers 403 code 3100', async () => {
    h = await startHarness({ scopes: ['openid', 'email'] });
    const r = await h.call('GET', '/preferences');
    expect(r.status).toBe(403);
    expect(faultOf(r).code).toBe('3100');
  });

  it('gateway faults can come as XML or lower-cased JSON, as Intuit sends them', async () => {
    h = await startHarness({ config: { gatewayFaultStyle: 'xml' } });
    const xml = await h.call('GET', '/preferences', { token: 'x'.repeat(40) });
    expect(xml.headers.get('content-type')).toContain('xml');
    expect(xml.text).toContain('<Fault type="AUTHENTICATION"><Error code="3200">');
    h.sim.configure({ gatewayFaultStyle: 'json-lowercase' });
    const lower = await h.call('GET', '/preferences', { token: 'x'.repeat(40) });
    expect(lower.body.fault.error[0]).toMatchObject({ code: '3200', message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401' });
    // Service faults stay JSON whatever the gateway does.
    const notFound = await h.call('GET', '/invoice/999');
    expect(faultOf(notFound).code).toBe('610');
  });

  it('answers any minorversion; absent or below 75 counts as 75', async () => {
    h = await startHarness();
    for (const v of ['1', '65', '75', '99']) expect((await h.call('GET', '/preferences', { query: { minorversion: v } })).status).toBe(200);
    const url = `${h.sim.endpoints().apiBase.sandbox}/v3/company/${h.realmId}/preferences`;
    expect((await http(url, { headers: { authorization: `Bearer ${h.accessToken}` } })).status).toBe(200);
  });

  it('wraps entities under their name with a time stamp and sends intuit_tid', async () => {
    h = await startHarness();
    const r = await h.call('GET', `/companyinfo/${h.realmId}`);
    expect(r.headers.get('intuit_tid')).toMatch(/^1-/);
    expect(Object.keys(r.body)).toEqual(['CompanyInfo', 'time']);
    expect(r.body.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(r.body.CompanyInfo).toMatchObject({ Id: h.realmId, SyncToken: '0', domain: 'QBO', sparse: false, Country: 'US' });
    expect(r.body.CompanyInfo.MetaData.CreateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  it('an unknown path answers 404', async () => {
    h = await startHarness();
    expect((await h.call('GET', '/reports/ProfitAndLoss')).status).toBe(404);
    expect((await h.call('GET', '/nothing/1')).status).toBe(404);
  });

  it('the kit injects faults on the API host', async () => {
    h = await startHarness();
    await fetch(`${h.sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ pathPrefix: '/sandbox-quickbooks.api.intuit.com/', status: 503, times: 1 }) });
    expect((await h.call('GET', '/preferences')).status).toBe(503);
    expect((await h.call('GET', '/preferences')).status).toBe(200);
  });
});
