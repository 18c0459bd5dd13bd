import { describe, expect, it } from 'vitest';

import type { ApiRequest, HttpCall } from '../../sync/ports.ts';
import { buildAuthorizeUrl, expiryFrom, postTokenForm, randomState } from './oauth.ts';

describe('buildAuthorizeUrl', () => {
  it('carries response_type=code, the client, the redirect, the scope, the state and the extras', () => {
    const url = new URL(
      buildAuthorizeUrl({
        authorizeEndpoint: 'https://accounts.zoho.eu/oauth/v2/auth',
        clientId: '1000.ABC',
        redirectUri: 'https://app.example/cb?x=1',
        scope: 'ZohoBooks.invoices.READ,ZohoBooks.settings.READ',
        state: 's t&ate',
        extra: { access_type: 'offline', prompt: 'consent' },
      }),
    );
    expect(url.origin + url.pathname).toBe('https://accounts.zoho.eu/oauth/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: '1000.ABC',
      redirect_uri: 'https://app.example/cb?x=1',
      scope: 'ZohoBooks.invoices.READ,ZohoBooks.settings.READ',
      state: 's t&ate',
      access_type: 'offline',
      prompt: 'consent',
    });
  });
});

describe('postTokenForm', () => {
  it('POSTs a form body (secrets never in the URL) and parses the JSON exactly', async () => {
    const seen: ApiRequest[] = [];
    const http: HttpCall = async (request) => {
      seen.push(request);
      return { status: 200, headers: {}, text: '{"access_token":"a","org":820982911946154508,"expires_in":3600}' };
    };
    const result = await postTokenForm(http, 'https://accounts.zoho.com/oauth/v2/token', { client_secret: 's/+ cret', code: 'c' }, 'op.x');
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: 'https://accounts.zoho.com/oauth/v2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      op: 'op.x',
    });
    expect(new URLSearchParams(seen[0]?.body).get('client_secret')).toBe('s/+ cret');
    expect(seen[0]?.url).not.toContain('secret');
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ access_token: 'a', org: 820982911946154508n, expires_in: 3600 });
  });

  it('returns json null (and the text) when the body is not JSON, without judging the status', async () => {
    const http: HttpCall = async () => ({ status: 502, headers: {}, text: '<html>bad gateway</html>' });
    const result = await postTokenForm(http, 'https://x.example/token', {}, 'op');
    expect(result).toMatchObject({ status: 502, json: null, text: '<html>bad gateway</html>' });
  });
});

describe('randomState', () => {
  it('is 43 base64url characters and never repeats', () => {
    const a = randomState();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomState()).not.toBe(a);
  });
});

describe('expiryFrom', () => {
  it('adds expires_in seconds to now', () => {
    expect(expiryFrom(new Date('2026-01-01T00:00:00Z'), 3600)).toBe('2026-01-01T01:00:00.000Z');
  });
});
