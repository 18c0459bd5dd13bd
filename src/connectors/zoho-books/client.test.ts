import { describe, expect, it } from 'vitest';

import { SyncError } from '../../core/errors.ts';
import { createZohoClient } from './client.ts';
import { num } from '../_kit/json-body.ts';
import { context, fakeHttp, fakeTokens, FROZEN_NOW, json } from './test-support/fake-http.ts';
import { syncErrorOf } from '../_kit/testing.ts';

const ORGS = {
  code: 0,
  message: 'success',
  organizations: [
    { organization_id: '10234695', name: 'Zillum', is_default_org: false, is_org_active: true, currency_code: 'USD' },
    { organization_id: '20234696', name: 'Zillum EU', is_default_org: true, is_org_active: true, currency_code: 'EUR' },
  ],
};


describe('Zoho Books client', () => {
  it.each([
    ['eu', 'https://www.zohoapis.eu'],
    ['in', 'https://www.zohoapis.in'],
    ['au', 'https://www.zohoapis.com.au'],
  ])('sends %s calls to the api_domain the token response gave', async (_dc, apiDomain) => {
    const http = fakeHttp();
    http.on('GET', '/books/v3/invoices', json(200, { code: 0, message: 'success', invoices: [] }));
    const client = createZohoClient(context(http, { apiDomain }));
    await client.request({ method: 'GET', path: '/invoices', op: 'test' });
    expect(http.seen[0]?.parsedUrl.origin).toBe(apiDomain);
    expect(http.seen[0]?.parsedUrl.pathname).toBe('/books/v3/invoices');
  });

  it('keeps a path prefix of the api_domain (a simulator host) and drops a trailing slash', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(200, { code: 0, message: 'success', invoices: [] }));
    const client = createZohoClient(context(http, { apiDomain: 'http://127.0.0.1:4010/api/eu/' }));
    await client.request({ method: 'GET', path: '/invoices', op: 'test' });
    expect(http.seen[0]?.url).toBe('http://127.0.0.1:4010/api/eu/books/v3/invoices?organization_id=10234695');
  });

  it('puts organization_id on every call but GET /organizations, with the Zoho-oauthtoken header', async () => {
    const http = fakeHttp();
    http.on('GET', '/organizations', json(200, ORGS));
    http.on('POST', '/invoices', json(201, { code: 0, message: 'The invoice has been created.', invoice: { invoice_id: '1' } }));
    const client = createZohoClient(context(http));
    await client.organizations();
    await client.request({ method: 'POST', path: '/invoices', body: { rate: num('19.99'), customer_id: '982000000567001' }, op: 'test' });
    const [orgs, create] = http.seen;
    expect(orgs?.parsedUrl.searchParams.has('organization_id')).toBe(false);
    expect(create?.parsedUrl.searchParams.get('organization_id')).toBe('10234695');
    for (const request of http.seen) expect(request.headers?.['authorization']).toBe('Zoho-oauthtoken tok-1');
    expect(create?.headers?.['content-type']).toBe('application/json');
    expect(create?.body).toBe('{"rate":19.99,"customer_id":"982000000567001"}');
  });

  it('resolves the organization once through GET /organizations when config names none (the default org)', async () => {
    const http = fakeHttp();
    http.on('GET', '/organizations', json(200, ORGS));
    http.on('GET', '/contacts', json(200, { code: 0, message: 'success', contacts: [] }));
    const client = createZohoClient(context(http, { organizationId: null }));
    await client.request({ method: 'GET', path: '/contacts', op: 'a' });
    await client.request({ method: 'GET', path: '/contacts', op: 'b' });
    expect(http.seen.map((r) => r.parsedUrl.pathname)).toEqual(['/books/v3/organizations', '/books/v3/contacts', '/books/v3/contacts']);
    expect(http.seen[2]?.parsedUrl.searchParams.get('organization_id')).toBe('20234696');
  });

  it('fails with a sentence listing the organizations when several exist and none is the default', async () => {
    const http = fakeHttp();
    const orgs = ORGS.organizations.map((o) => ({ ...o, is_default_org: false }));
    http.on('GET', '/organizations', json(200, { ...ORGS, organizations: orgs }));
    const client = createZohoClient(context(http, { organizationId: null }));
    const error = await syncErrorOf(client.request({ method: 'GET', path: '/contacts', op: 'a' }));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('10234695 (Zillum), 20234696 (Zillum EU)');
  });

  it('on 401 refreshes once through the TokenProvider and retries with the new token', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(200, { code: 0, message: 'success', invoices: [] }));
    http.on('GET', '/invoices', json(401, { code: 57, message: 'You are not authorized to perform this operation' }), 1);
    const tokens = fakeTokens();
    const client = createZohoClient(context(http, {}, tokens));
    const { body } = await client.request({ method: 'GET', path: '/invoices', op: 'test' });
    expect(body['invoices']).toEqual([]);
    expect(tokens.refreshes).toEqual(['tok-1']);
    expect(http.seen.map((r) => r.headers?.['authorization'])).toEqual(['Zoho-oauthtoken tok-1', 'Zoho-oauthtoken tok-2']);
  });

  it('gives AUTH_EXPIRED on a second 401, after exactly one refresh', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(401, { code: 14, message: 'Invalid OAuth access token' }));
    const tokens = fakeTokens();
    const error = await syncErrorOf(createZohoClient(context(http, {}, tokens)).request({ method: 'GET', path: '/invoices', op: 't' }));
    expect(error.code).toBe('AUTH_EXPIRED');
    expect(tokens.refreshes).toHaveLength(1);
    expect(http.seen).toHaveLength(2);
  });

  it('gives RATE_LIMITED on 429, waiting until the next minute (no Retry-After exists)', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(429, { code: 44, message: 'API usage limit exceeded' }, { 'x-rate-limit-remaining': '512', 'x-rate-limit-reset': '34881' }));
    const error = await syncErrorOf(createZohoClient(context(http)).request({ method: 'GET', path: '/invoices', op: 't' }));
    expect(error.code).toBe('RATE_LIMITED');
    // FROZEN_NOW is hh:mm:30.000 → 30 s to the minute boundary, plus 1 s of margin.
    expect(error.retryAfterMs).toBe(60_000 - (FROZEN_NOW.getTime() % 60_000) + 1_000);
    expect(error.retryAfterMs).toBe(31_000);
  });

  it('waits for X-Rate-Limit-Reset when the daily quota is spent', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(429, { code: 45, message: 'daily limit' }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '34881' }));
    const error = await syncErrorOf(createZohoClient(context(http)).request({ method: 'GET', path: '/invoices', op: 't' }));
    expect(error.retryAfterMs).toBe(34_881_000);
  });

  it.each([
    [500, { code: 1000, message: 'Internal error' }, 'TRANSIENT'],
    [404, { code: 1002, message: 'Invoice does not exist.' }, 'NOT_FOUND'],
    [400, { code: 6041, message: 'This user is not associated with the CompanyID/CompanyName:10234695.' }, 'PERMISSION_DENIED'],
    [400, { code: 2, message: 'Invalid value passed for organization_id' }, 'PERMISSION_DENIED'],
    [403, { code: 57, message: 'You are not authorized to perform this operation' }, 'PERMISSION_DENIED'],
    [400, { code: 4, message: 'Invalid value passed for Quantity' }, 'VALIDATION'],
  ] as const)('maps HTTP %i %j to %s', async (status, body, code) => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(status, body));
    const error = await syncErrorOf(createZohoClient(context(http)).request({ method: 'GET', path: '/invoices', op: 't' }));
    expect(error.code).toBe(code);
    expect(error.message).toContain(body.message);
  });

  it('says which organization and api domain an organization error is about', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices', json(400, { code: 2, message: 'Invalid value passed for organization_id' }));
    const error = await syncErrorOf(createZohoClient(context(http)).request({ method: 'GET', path: '/invoices', op: 't' }));
    expect(error.message).toMatch(/organization 10234695 does not exist in this data centre at https:\/\/www\.zohoapis\.eu/);
  });

  it('treats a non-zero code as an error even with HTTP 200', async () => {
    const http = fakeHttp();
    http.on('POST', '/invoices', json(200, { code: 1001, message: 'Invoice number INV-1 already exists.' }));
    const error = await syncErrorOf(createZohoClient(context(http)).request({ method: 'POST', path: '/invoices', body: {}, op: 't' }));
    expect(error.code).toBe('VALIDATION');
  });

  it('keeps long ids exact and amounts as text', async () => {
    const http = fakeHttp();
    http.on('GET', '/invoices/982000000567114', {
      status: 200,
      headers: {},
      text: '{"code":0,"message":"success","invoice":{"invoice_id":982000000567114123,"total":19.99}}',
    });
    const { body } = await createZohoClient(context(http)).request({ method: 'GET', path: '/invoices/982000000567114', op: 't' });
    expect(body['invoice']).toEqual({ invoice_id: 982000000567114123n, total: '19.99' });
  });

  it('pages a list until has_more_page is false', async () => {
    const http = fakeHttp();
    http.on('GET', '/settings/taxes', (request) => {
      const page = Number(request.parsedUrl.searchParams.get('page'));
      return json(200, { code: 0, message: 'success', taxes: [{ tax_id: String(page) }], page_context: { page, per_page: 200, has_more_page: page < 3 } });
    });
    const rows = await createZohoClient(context(http)).list('/settings/taxes', 'taxes', {}, 't');
    expect(rows.map((r) => r['tax_id'])).toEqual(['1', '2', '3']);
    expect(http.seen[0]?.parsedUrl.searchParams.get('per_page')).toBe('200');
  });

  it('refuses to call without api_domain, with a sentence, and never guesses a host', async () => {
    const http = fakeHttp();
    const error = await syncErrorOf(createZohoClient(context(http, { apiDomain: null })).request({ method: 'GET', path: '/invoices', op: 't' }));
    expect(error.code).toBe('AUTH_REVOKED');
    expect(error.message).toMatch(/no apiDomain/);
    expect(http.seen).toHaveLength(0);
  });
});
