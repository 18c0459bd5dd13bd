import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import { describe, expect, it } from 'vitest';
import { authModeFor, oauthBaseString, oauthSignature, percentEncode, randomNonce, signRequest } from './auth.ts';
import { KEY, SECRET } from './test-kit.ts';

const NOW = new Date('2026-04-02T14:00:00Z');
const TIMESTAMP = String(NOW.getTime() / 1000);

function oauthParams(url: URL): Record<string, string> {
  return Object.fromEntries([...url.searchParams].filter(([k]) => k.startsWith('oauth_')));
}

describe('percentEncode (PHP rawurlencode)', () => {
  it('leaves only unreserved characters', () => {
    expect(percentEncode("a-b_c.d~e f+g/h:i=j&k!l'm(n)o*p")).toBe('a-b_c.d~e%20f%2Bg%2Fh%3Ai%3Dj%26k%21l%27m%28n%29o%2Ap');
    expect(percentEncode('Zürich')).toBe('Z%C3%BCrich');
  });
});

describe('OAuth 1.0a one-legged signature (plain-HTTP store)', () => {
  const query = [
    ['modified_after', '2026-04-01T10:00:00'],
    ['dates_are_gmt', 'true'],
    ['per_page', '100'],
    ['page', '1'],
  ] as const;
  const oauth = [
    ['oauth_consumer_key', KEY],
    ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm'],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', TIMESTAMP],
  ] as const;

  it('builds the base string WooCommerce signs: sorted, encoded pairs, store URL, no oauth_version', () => {
    const base = oauthBaseString('get', 'http://shop.example/wp-json/wc/v3/orders', [...query, ...oauth]);
    expect(base).toBe(
      'GET&http%3A%2F%2Fshop.example%2Fwp-json%2Fwc%2Fv3%2Forders&' +
        'dates_are_gmt%3Dtrue%26modified_after%3D2026-04-01T10%253A00%253A00%26' +
        `oauth_consumer_key%3D${KEY}%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm%26` +
        `oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D${TIMESTAMP}%26page%3D1%26per_page%3D100`,
    );
  });

  it.each(['HMAC-SHA256', 'HMAC-SHA1'] as const)('%s matches an independent OAuth 1.0a implementation (oauth-1.0a)', (method) => {
    const url = 'http://shop.example/wp-json/wc/v3/orders';
    const params = [...query, ['oauth_consumer_key', KEY], ['oauth_nonce', 'n0nce'], ['oauth_signature_method', method], ['oauth_timestamp', TIMESTAMP]] as const;
    const ours = oauthSignature(oauthBaseString('GET', url, params), SECRET, method);

    const algorithm = method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
    const reference = new OAuth({
      consumer: { key: KEY, secret: SECRET },
      signature_method: method,
      hash_function: (base, key) => createHmac(algorithm, key).update(base).digest('base64'),
    });
    const theirs = reference.getSignature(
      { url: `${url}?${query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`, method: 'GET' },
      undefined,
      { oauth_consumer_key: KEY, oauth_nonce: 'n0nce', oauth_signature_method: method, oauth_timestamp: TIMESTAMP } as unknown as OAuth.Data,
    );
    expect(ours).toBe(theirs);
  });

  it('keys the HMAC with the consumer secret and "&" (no token secret)', () => {
    const base = 'GET&x&y';
    expect(oauthSignature(base, SECRET, 'HMAC-SHA256')).toBe(createHmac('sha256', `${SECRET}&`).update(base).digest('base64'));
  });

  it('signs an http request: oauth_* in the query, signature over the store URL (not apiBaseUrl), no Authorization header', () => {
    const signed = signRequest({
      method: 'GET',
      siteUrl: 'http://shop.example',
      baseUrl: 'http://127.0.0.1:8080/sites/shop-1',
      path: '/wp-json/wc/v3/orders',
      query,
      credentials: { consumerKey: KEY, consumerSecret: SECRET },
      mode: 'oauth',
      now: NOW,
      nonce: () => 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgm',
    });
    expect(signed.headers).toEqual({});
    const url = new URL(signed.url);
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8080/sites/shop-1/wp-json/wc/v3/orders');
    const sent = oauthParams(url);
    expect(Object.keys(sent).sort()).toEqual(['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp']);
    expect(sent['oauth_timestamp']).toBe(TIMESTAMP);
    expect(sent['oauth_signature_method']).toBe('HMAC-SHA256');
    const expected = oauthSignature(oauthBaseString('GET', 'http://shop.example/wp-json/wc/v3/orders', [...query, ...oauth]), SECRET, 'HMAC-SHA256');
    expect(sent['oauth_signature']).toBe(expected);
    // The base64 signature travels percent-encoded (WooCommerce rawurldecodes it).
    expect(signed.url).toContain(`oauth_signature=${percentEncode(expected)}`);
    expect(signed.url).toContain('modified_after=2026-04-01T10%3A00%3A00');
  });

  it('makes a new 32-character nonce every time', () => {
    const a = randomNonce();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomNonce()).not.toBe(a);
  });
});

describe('HTTPS store', () => {
  it('uses HTTP Basic with key and secret, and nothing in the query', () => {
    const signed = signRequest({
      method: 'GET',
      siteUrl: 'https://shop.example',
      baseUrl: 'https://shop.example',
      path: '/wp-json/wc/v3/orders/727',
      query: [],
      credentials: { consumerKey: KEY, consumerSecret: SECRET },
      mode: 'basic',
      now: NOW,
    });
    expect(signed.url).toBe('https://shop.example/wp-json/wc/v3/orders/727');
    expect(signed.headers['Authorization']).toBe(`Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
  });

  it('puts the keys in the query string when the server drops Authorization', () => {
    const signed = signRequest({
      method: 'GET',
      siteUrl: 'https://shop.example',
      baseUrl: 'https://shop.example',
      path: '/wp-json/wc/v3/orders',
      query: [['per_page', '1']],
      credentials: { consumerKey: KEY, consumerSecret: SECRET },
      mode: 'query',
      now: NOW,
    });
    expect(signed.headers).toEqual({});
    expect(signed.url).toBe(`https://shop.example/wp-json/wc/v3/orders?per_page=1&consumer_key=${KEY}&consumer_secret=${SECRET}`);
  });

  it('picks the mode from the store URL scheme', () => {
    expect(authModeFor('https://shop.example')).toBe('basic');
    expect(authModeFor('https://shop.example', true)).toBe('query');
    expect(authModeFor('http://shop.example')).toBe('oauth');
    expect(authModeFor('http://shop.example', true)).toBe('oauth');
  });
});
