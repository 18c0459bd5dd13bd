import { describe, expect, it } from 'vitest';

import { SyncError } from '../../core/errors.ts';
import { authorizeUrl, createZohoAuth, exchangeCode } from './auth.ts';
import { manifest } from './connector.ts';
import { connection, fakeHttp, FROZEN_NOW, json } from './test-support/fake-http.ts';
import { syncErrorOf } from '../_kit/testing.ts';

const EXCHANGE = {
  accountsServer: 'https://accounts.zoho.eu',
  code: '1000.code',
  clientId: '1000.client',
  clientSecret: 'shh',
  redirectUri: 'https://app.example/oauth/zoho',
  now: FROZEN_NOW,
};


describe('authorizeUrl', () => {
  it('starts at the data centre accounts server, offline with consent, every scope comma-joined', () => {
    const url = new URL(authorizeUrl({ dc: 'au', clientId: '1000.client', redirectUri: 'https://app.example/cb', state: 'st' }));
    expect(url.origin).toBe('https://accounts.zoho.com.au');
    expect(url.pathname).toBe('/oauth/v2/auth');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('response_type')).toBe('code');
    const scopes = url.searchParams.get('scope')?.split(',') ?? [];
    expect(scopes).toEqual(expect.arrayContaining(['ZohoBooks.settings.READ', 'ZohoBooks.settings.CREATE', 'ZohoBooks.accountants.CREATE', 'ZohoBooks.invoices.CREATE']));
  });

  it('accepts an accounts server instead of a data centre (Multi-DC redirect, simulators)', () => {
    const url = authorizeUrl({ accountsServer: 'http://127.0.0.1:9/accounts/eu/', clientId: 'c', redirectUri: 'r', state: 's' });
    expect(url.startsWith('http://127.0.0.1:9/accounts/eu/oauth/v2/auth?')).toBe(true);
  });

  it('knows the CA data centre uses zohocloud', () => {
    expect(manifest.dataCentres.ca.accountsServer).toBe('https://accounts.zohocloud.ca');
  });
});

describe('exchangeCode', () => {
  it('posts the code to the given accounts server and keeps api_domain from the answer', async () => {
    const http = fakeHttp();
    http.on('POST', '/oauth/v2/token', json(200, { access_token: '1000.a.b', refresh_token: '1000.r.s', api_domain: 'https://www.zohoapis.eu', token_type: 'Bearer', expires_in: 3600 }));
    const result = await exchangeCode(http.call, EXCHANGE);
    expect(http.seen[0]?.url).toBe('https://accounts.zoho.eu/oauth/v2/token');
    expect(Object.fromEntries(new URLSearchParams(http.seen[0]?.body))).toEqual({
      grant_type: 'authorization_code',
      client_id: '1000.client',
      client_secret: 'shh',
      redirect_uri: 'https://app.example/oauth/zoho',
      code: '1000.code',
    });
    expect(result).toEqual({
      secrets: {
        accessToken: '1000.a.b',
        refreshToken: '1000.r.s',
        accessTokenExpiresAt: '2026-03-02T11:15:30.000Z',
        clientSecret: 'shh',
        clientId: '1000.client',
      },
      config: { apiDomain: 'https://www.zohoapis.eu', accountsServer: 'https://accounts.zoho.eu', dc: 'eu' },
    });
  });

  it('turns HTTP 200 {"error":"invalid_code"} into AUTH_REVOKED saying the code lives 2 minutes and works once', async () => {
    const http = fakeHttp();
    http.on('POST', '/oauth/v2/token', json(200, { error: 'invalid_code' }));
    const error = await syncErrorOf(exchangeCode(http.call, EXCHANGE));
    expect(error.code).toBe('AUTH_REVOKED');
    expect(error.message).toMatch(/invalid_code/);
    expect(error.message).toMatch(/works once/);
    expect(error.message).toMatch(/2 minutes/);
    expect(error.message).toMatch(/accounts\.zoho\.eu/);
  });

  it('refuses an answer without a refresh token, naming access_type=offline', async () => {
    const http = fakeHttp();
    http.on('POST', '/oauth/v2/token', json(200, { access_token: 'a', api_domain: 'https://www.zohoapis.eu', expires_in: 3600 }));
    const error = await syncErrorOf(exchangeCode(http.call, EXCHANGE));
    expect(error.code).toBe('AUTH_REVOKED');
    expect(error.message).toMatch(/access_type=offline/);
  });

  it('takes the location of the redirect as the data centre, and null for an unknown accounts host', async () => {
    const http = fakeHttp();
    http.on('POST', '/oauth/v2/token', json(200, { access_token: 'a', refresh_token: 'r', api_domain: 'http://127.0.0.1:9/api/in', expires_in: 3600 }));
    const sim = await exchangeCode(http.call, { ...EXCHANGE, accountsServer: 'http://127.0.0.1:9/accounts/in' });
    expect(sim.config).toEqual({ apiDomain: 'http://127.0.0.1:9/api/in', accountsServer: 'http://127.0.0.1:9/accounts/in', dc: null });
    const located = await exchangeCode(http.call, { ...EXCHANGE, accountsServer: 'http://127.0.0.1:9/accounts/in', location: 'in' });
    expect(located.config.dc).toBe('in');
  });
});

describe('zohoAuth', () => {
  const auth = createZohoAuth({ now: () => FROZEN_NOW });

  it('is due for refresh at 55 of 60 minutes', () => {
    const issued = FROZEN_NOW.getTime();
    const conn = connection({}, { accessTokenExpiresAt: new Date(issued + 3_600_000).toISOString() });
    expect(auth.refreshDueAt(conn)?.getTime()).toBe(issued + 55 * 60_000);
  });

  it('is due at once when no expiry is stored', () => {
    expect(auth.refreshDueAt(connection())?.getTime()).toBe(0);
  });

  it('refreshes at the connection own accounts server, keeps the refresh token, and takes the new api_domain', async () => {
    const http = fakeHttp();
    http.on('POST', '/oauth/v2/token', json(200, { access_token: '1000.new', api_domain: 'https://www.zohoapis.in', token_type: 'Bearer', expires_in: 3600 }));
    const tokens = await auth.refresh(connection({ accountsServer: 'https://accounts.zoho.in' }), http.call);
    expect(http.seen[0]?.url).toBe('https://accounts.zoho.in/oauth/v2/token');
    expect(Object.fromEntries(new URLSearchParams(http.seen[0]?.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: '1000.client',
      client_secret: 'shh',
      refresh_token: '1000.refresh',
    });
    expect(tokens).toEqual({
      secrets: { accessToken: '1000.new', accessTokenExpiresAt: '2026-03-02T11:15:30.000Z' },
      config: { apiDomain: 'https://www.zohoapis.in' },
    });
  });

  it('treats "Access Denied / too many requests" as RATE_LIMITED (wait a minute), never AUTH_REVOKED', async () => {
    for (const status of [200, 400]) {
      const http = fakeHttp();
      http.on('POST', '/oauth/v2/token', json(status, { error: 'Access Denied', error_description: 'You have made too many requests continuously. Please try again after some time.' }));
      const error = await syncErrorOf(auth.refresh(connection(), http.call));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.retryAfterMs).toBe(60_000);
    }
  });

  it('turns invalid_token and invalid_code on refresh into AUTH_REVOKED', async () => {
    for (const code of ['invalid_token', 'invalid_code']) {
      const http = fakeHttp();
      http.on('POST', '/oauth/v2/token', json(200, { error: code }));
      const error = await syncErrorOf(auth.refresh(connection(), http.call));
      expect(error.code).toBe('AUTH_REVOKED');
      expect(error.message).toMatch(/reconnect/);
    }
  });

  it('is TRANSIENT on a 5xx without a body', async () => {
    const http = fakeHttp();
    http.on('POST', '/oauth/v2/token', { status: 503, headers: {}, text: '' });
    expect((await syncErrorOf(auth.refresh(connection(), http.call))).code).toBe('TRANSIENT');
  });

  it('reads the access token', () => {
    expect(auth.accessTokenOf(connection())).toBe('tok-1');
  });
});
