import { describe, expect, it } from 'vitest';

import { syncErrorOf } from '../_kit/testing.ts';
import { authorizeUrl, createQuickBooksAuth, exchangeCode, revoke } from './auth.ts';
import { connection, fakeHttp, FROZEN_NOW, json, REALM } from './test-support/fake-http.ts';

const TOKEN_PATH = '/oauth2/v1/tokens/bearer';
const TOKENS = {
  access_token: 'eyJlbmMiOiJBMTI4Q0JD.new-access',
  refresh_token: 'AB11-refresh-2',
  token_type: 'bearer',
  expires_in: 3600,
  x_refresh_token_expires_in: 8726400,
  x_refresh_token_hard_expires_in: 156032154,
};
const INVALID_GRANT = json(400, { error_description: 'Token invalid', error: 'invalid_grant' }, { intuit_tid: '1-abc' });
const basicOf = (header: string | undefined) => Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('authorizeUrl', () => {
  it('starts at appcenter with the accounting scope, space-separated scopes, and the state', () => {
    const url = new URL(authorizeUrl({ clientId: 'ABclient', redirectUri: 'https://app.example/oauth/qbo', state: 'st', scopes: ['com.intuit.quickbooks.accounting', 'openid'] }));
    expect(url.origin + url.pathname).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'ABclient',
      redirect_uri: 'https://app.example/oauth/qbo',
      scope: 'com.intuit.quickbooks.accounting openid',
      state: 'st',
    });
    expect(authorizeUrl({ clientId: 'c', redirectUri: 'r', state: 's', oauthBaseUrl: 'http://127.0.0.1:9' })).toMatch(/^http:\/\/127\.0\.0\.1:9\/appcenter\.intuit\.com\/connect\/oauth2\?/);
  });
});

describe('exchangeCode', () => {
  it('posts the code with Basic client auth and a form body, and puts the redirect’s realmId into config', async () => {
    const http = fakeHttp();
    http.on('POST', TOKEN_PATH, json(200, TOKENS));
    const result = await exchangeCode(http.call, {
      code: 'AB11-code',
      realmId: REALM,
      redirectUri: 'https://app.example/oauth/qbo',
      clientId: 'ABclient',
      clientSecret: 's3cr:et',
      environment: 'sandbox',
      now: FROZEN_NOW,
    });
    const request = http.seen[0];
    expect(request?.url).toBe('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer');
    expect(basicOf(request?.headers?.['authorization'])).toBe('ABclient:s3cr:et');
    expect(request?.headers?.['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({ grant_type: 'authorization_code', code: 'AB11-code', redirect_uri: 'https://app.example/oauth/qbo' });
    expect(request?.url).not.toContain('secret');
    expect(result).toEqual({
      secrets: {
        clientId: 'ABclient',
        clientSecret: 's3cr:et',
        accessToken: TOKENS.access_token,
        refreshToken: 'AB11-refresh-2',
        accessTokenExpiresAt: '2026-03-02T11:15:30.000Z',
        refreshTokenExpiresAt: '2026-06-11T10:15:30.000Z',
        refreshTokenHardExpiresAt: '2031-02-10T08:31:24.000Z',
      },
      config: { realmId: REALM, environment: 'sandbox' },
    });
  });

  it('a used or expired code is AUTH_REVOKED with a sentence', async () => {
    const http = fakeHttp();
    http.on('POST', TOKEN_PATH, INVALID_GRANT);
    const error = await syncErrorOf(
      exchangeCode(http.call, { code: 'old', realmId: REALM, redirectUri: 'r', clientId: 'c', clientSecret: 's', environment: 'sandbox', now: FROZEN_NOW }),
    );
    expect(error.code).toBe('AUTH_REVOKED');
    expect(error.message).toMatch(/a code works once.*start the connection again/);
  });
});

describe('refresh', () => {
  const auth = createQuickBooksAuth({ now: () => FROZEN_NOW });

  it('is due 5 minutes before the access token expires, at once when the expiry is unknown', () => {
    expect(auth.refreshDueAt(connection())?.toISOString()).toBe('2026-03-02T10:55:00.000Z');
    expect(auth.refreshDueAt(connection({}, { accessTokenExpiresAt: '' }))?.getTime()).toBe(0);
    expect(auth.accessTokenOf(connection())).toBe('tok-1');
  });

  it('rotation: returns the NEW refresh token with the access token, so the engine stores it before use', async () => {
    const http = fakeHttp();
    http.on('POST', TOKEN_PATH, json(200, TOKENS));
    const tokens = await auth.refresh(connection(), http.call);
    expect(Object.fromEntries(new URLSearchParams(http.seen[0]?.body))).toEqual({ grant_type: 'refresh_token', refresh_token: 'AB11-refresh-1' });
    expect(basicOf(http.seen[0]?.headers?.['authorization'])).toBe('ABclient:shh');
    expect(http.seen[0]?.headers?.['x-include-refresh-token-hard-expires-in']).toBe('true');
    expect(tokens.secrets).toMatchObject({ accessToken: TOKENS.access_token, refreshToken: 'AB11-refresh-2', accessTokenExpiresAt: '2026-03-02T11:15:30.000Z' });
  });

  it('keeps the stored refresh token when the answer has none (never blanks it)', async () => {
    const http = fakeHttp();
    const { refresh_token: _dropped, ...withoutRefresh } = TOKENS;
    http.on('POST', TOKEN_PATH, json(200, withoutRefresh));
    expect((await auth.refresh(connection(), http.call)).secrets['refreshToken']).toBe('AB11-refresh-1');
  });

  it('invalid_grant is AUTH_REVOKED: reconnect, never retry', async () => {
    const http = fakeHttp();
    http.on('POST', TOKEN_PATH, INVALID_GRANT);
    const error = await syncErrorOf(auth.refresh(connection(), http.call));
    expect(error).toMatchObject({ code: 'AUTH_REVOKED', class: 'permission' });
    expect(error.message).toMatch(/invalid_grant: Token invalid; intuit_tid 1-abc.*replaced by a newer one that was not saved.*reconnect QuickBooks/);
  });

  it('bad client credentials are AUTH_REVOKED naming the keys and the environment', async () => {
    const http = fakeHttp();
    http.on('POST', TOKEN_PATH, json(401, { error: 'invalid_client' }));
    expect((await syncErrorOf(auth.refresh(connection(), http.call))).message).toMatch(/client id and secret.*sandbox or production/);
  });

  it('429 waits a minute; 5xx is transient', async () => {
    const http = fakeHttp();
    http.on('POST', TOKEN_PATH, json(429, '<html>slow down</html>'), 1);
    expect(await syncErrorOf(auth.refresh(connection(), http.call))).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 60_000 });
    http.on('POST', TOKEN_PATH, json(503, ''), 1);
    expect(await syncErrorOf(auth.refresh(connection(), http.call))).toMatchObject({ code: 'TRANSIENT' });
  });

  it('refreshes at the simulator when oauthBaseUrl is set', async () => {
    const http = fakeHttp();
    http.on('POST', `/oauth.platform.intuit.com${TOKEN_PATH}`, json(200, TOKENS));
    await auth.refresh(connection({ oauthBaseUrl: 'http://127.0.0.1:9' }), http.call);
    expect(http.seen[0]?.url).toBe('http://127.0.0.1:9/oauth.platform.intuit.com/oauth2/v1/tokens/bearer');
  });

  it('without a refresh token it asks to reconnect, without a call', async () => {
    const http = fakeHttp();
    expect((await syncErrorOf(auth.refresh(connection({}, { refreshToken: '' }), http.call))).code).toBe('AUTH_REVOKED');
    expect(http.seen).toHaveLength(0);
  });
});

describe('revoke', () => {
  it('posts the refresh token as JSON with Basic auth', async () => {
    const http = fakeHttp();
    http.on('POST', '/v2/oauth2/tokens/revoke', { status: 200, headers: {}, text: '' });
    await revoke(http.call, connection());
    expect(http.seen[0]?.url).toBe('https://developer.api.intuit.com/v2/oauth2/tokens/revoke');
    expect(JSON.parse(http.seen[0]?.body ?? '{}')).toEqual({ token: 'AB11-refresh-1' });
    expect(basicOf(http.seen[0]?.headers?.['authorization'])).toBe('ABclient:shh');
  });
});
