import { afterEach, describe, expect, it } from 'vitest';
import { callApi, CLIENT, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('Books API authentication and organization checks', () => {
  it('refuses Bearer authorization', async () => {
    h = await startHarness();
    const res = await h.call('GET', '/invoices', { authorization: `Bearer ${h.accessToken}` });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(14);
  });

  it('refuses a token sent only as a query parameter', async () => {
    h = await startHarness();
    const res = await h.call('GET', '/invoices', { authorization: '', query: { authtoken: h.accessToken } });
    expect(res.status).toBe(401);
    expect(res.body.code).not.toBe(0);
  });

  it('refuses a token from another data centre with 401', async () => {
    h = await startHarness({ dc: 'eu' });
    expect((await h.call('GET', '/invoices')).status).toBe(200);
    for (const dc of ['us', 'in', 'au', 'jp', 'ca', 'sa', 'cn', 'uk']) {
      const res = await h.call('GET', '/invoices', { apiDomain: h.sim.apiDomain(dc) });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 57, message: 'You are not authorized to perform this operation' });
    }
  });

  it('refuses an expired access token with 401 and accepts the refreshed one', async () => {
    h = await startHarness();
    h.sim.expireAccessTokens();
    expect((await h.call('GET', '/contacts')).status).toBe(401);
    const refreshed = h.sim.issueTokens({ email: h.email, clientId: CLIENT.clientId, scopes: 'ZohoBooks.contacts.READ', offline: false });
    expect((await h.call('GET', '/contacts', { token: refreshed.access_token })).status).toBe(200);
  });

  it('requires organization_id', async () => {
    h = await startHarness();
    const res = await h.call('GET', '/invoices', { org: null });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 2, message: 'Invalid value passed for organization_id' });
  });

  it('refuses an organization the user does not belong to', async () => {
    h = await startHarness();
    const other = h.sim.createOrganization({ name: 'Other', dc: 'us' });
    const res = await h.call('GET', '/invoices', { org: other });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 6041, message: `This user is not associated with the CompanyID/CompanyName:${other}.` });
  });

  it("one organization's token cannot read another's invoices", async () => {
    h = await startHarness();
    const otherOrg = h.sim.createOrganization({ name: 'Other Co', dc: 'us' });
    h.sim.createUser({ email: 'other@example.com', organizations: [otherOrg] });
    const other = h.sim.issueTokens({ email: 'other@example.com', clientId: CLIENT.clientId, scopes: 'ZohoBooks.fullaccess.all' });
    const customer = await h.call('POST', '/contacts', { body: { contact_name: 'Acme' } });
    const invoice = await h.call('POST', '/invoices', { body: { customer_id: customer.body.contact.contact_id, line_items: [{ name: 'Widget', rate: 5 }] } });
    const id = invoice.body.invoice.invoice_id as string;
    const viaOtherToken = await callApi(h.apiDomain, 'GET', `/invoices/${id}`, { token: other.access_token, org: h.orgId });
    expect(viaOtherToken.status).toBe(400);
    expect(viaOtherToken.body.code).toBe(6041);
    const inOtherOrg = await callApi(h.apiDomain, 'GET', `/invoices/${id}`, { token: other.access_token, org: otherOrg });
    expect(inOtherOrg.status).toBe(404);
    expect(inOtherOrg.body).toEqual({ code: 1002, message: 'Invoice does not exist.' });
  });

  it('lists the organizations of the token user without organization_id', async () => {
    h = await startHarness();
    const res = await h.call('GET', '/organizations', { org: null });
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    expect(res.body.organizations).toHaveLength(1);
    expect(res.body.organizations[0]).toMatchObject({ organization_id: h.orgId, currency_code: 'USD', price_precision: 2 });
    expect(res.body.organizations[0].organization_id).toMatch(/^\d{9,11}$/);
  });

  it('refuses a call the token has no scope for, and treats .ALL and fullaccess.all as supersets', async () => {
    h = await startHarness({ scopes: 'ZohoBooks.invoices.READ,ZohoBooks.contacts.ALL' });
    expect((await h.call('GET', '/invoices')).status).toBe(200);
    expect((await h.call('POST', '/contacts', { body: { contact_name: 'Scoped' } })).status).toBe(201);
    // Items live under the settings family, not "items" (api notes §8.9).
    const items = await h.call('GET', '/items');
    expect(items.status).toBe(401);
    expect(items.body).toEqual({ code: 57, message: 'You are not authorized to perform this operation' });
    expect((await h.call('POST', '/invoices', { body: {} })).status).toBe(401);
  });

  it('answers an unknown URL with 404 code 5 and a wrong method with 405', async () => {
    h = await startHarness();
    const unknown = await h.call('GET', '/nonsense');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe(5);
    const wrong = await h.call('PATCH', '/invoices');
    expect(wrong.status).toBe(405);
    expect(wrong.body.code).not.toBe(0);
  });

  it('answers a record that does not exist with code 1002 and "<Entity> does not exist."', async () => {
    h = await startHarness();
    for (const [path, entity] of [
      ['/invoices/982000000000999999', 'Invoice'],
      ['/contacts/982000000000999999', 'Contact'],
      ['/items/982000000000999999', 'Item'],
    ] as const) {
      const res = await h.call('GET', path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 1002, message: `${entity} does not exist.` });
    }
  });
});
