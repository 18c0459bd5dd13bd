/**
 * Request signing for the WooCommerce REST API (notes §2). There is no token flow: the connection stores a
 * consumer key and secret, and each request carries them one of three ways:
 *
 *   https store  → HTTP Basic, username = consumer key, password = consumer secret;
 *                  or, for servers that drop the Authorization header, `consumer_key` + `consumer_secret` in the
 *                  query string (config.queryStringAuth);
 *   http store   → OAuth 1.0a one-legged (WooCommerce ignores Basic over plain HTTP): `oauth_consumer_key`,
 *                  `oauth_nonce`, `oauth_signature_method`, `oauth_timestamp` and `oauth_signature` in the query
 *                  string; no `oauth_version`, no token.
 *
 * OAuth signature, as `WC_REST_Authentication::check_oauth_signature` computes it:
 *   params  = every query parameter + the oauth_* ones (not oauth_signature), each key and value
 *             RFC 3986-encoded (PHP rawurlencode), sorted by encoded key (byte order);
 *   base    = METHOD & enc(store URL + path) & enc(k1=v1&k2=v2…)    (the body is not signed)
 *   key     = consumer secret + '&'                                    (no token secret)
 *   sig     = base64(HMAC-SHA256 or HMAC-SHA1(key, base))
 * The store URL is the one WordPress calls itself (`home_url`, with `www` if it has one): `config.siteUrl`,
 * even when requests physically go elsewhere (`config.apiBaseUrl`). The timestamp must be within 15 minutes of
 * the store's clock and the nonce unused for that key in that window.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type SignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256';
export type AuthMode = 'basic' | 'query' | 'oauth';

export interface Credentials {
  consumerKey: string;
  consumerSecret: string;
}

/** PHP `rawurlencode`: RFC 3986, only `A-Z a-z 0-9 - _ . ~` stay as they are. */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `k=v&k=v` with RFC 3986 encoding, in the order given. */
export function encodeQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

/** The string WooCommerce signs. `url` is the store URL + path without query; `params` exclude oauth_signature. */
export function oauthBaseString(method: string, url: string, params: readonly (readonly [string, string])[]): string {
  const encoded = params.map(([k, v]) => [percentEncode(k), percentEncode(v)] as const);
  encoded.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  const joined = encoded.map(([k, v]) => `${k}=${v}`).join('&');
  return `${method.toUpperCase()}&${percentEncode(url)}&${percentEncode(joined)}`;
}

export function oauthSignature(baseString: string, consumerSecret: string, method: SignatureMethod): string {
  return createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${consumerSecret}&`)
    .update(baseString)
    .digest('base64');
}

/** 32 random letters and digits (WooCommerce remembers nonces per key for 15 minutes). */
export function randomNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(32);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Basic on https (query-string keys when asked), OAuth 1.0a on http. */
export function authModeFor(siteUrl: string, queryStringAuth = false): AuthMode {
  if (/^https:/i.test(siteUrl)) return queryStringAuth ? 'query' : 'basic';
  return 'oauth';
}

export interface SignInput {
  method: string;
  /** The store URL as WordPress knows it (`config.siteUrl`): the OAuth base-string URL. */
  siteUrl: string;
  /** Where the request is actually sent (`config.apiBaseUrl`, else siteUrl). */
  baseUrl: string;
  /** Below the store URL, starting with `/`: `/wp-json/wc/v3/orders`. */
  path: string;
  /** Request parameters (already plain text, not encoded). */
  query: readonly (readonly [string, string])[];
  credentials: Credentials;
  mode: AuthMode;
  now: Date;
  signatureMethod?: SignatureMethod;
  nonce?: () => string;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

/** The URL to call and the auth header (if any) for one request. */
export function signRequest(input: SignInput): SignedRequest {
  const query = input.query.map(([k, v]) => [k, v] as [string, string]);
  const headers: Record<string, string> = {};
  switch (input.mode) {
    case 'basic':
      headers['Authorization'] = `Basic ${Buffer.from(`${input.credentials.consumerKey}:${input.credentials.consumerSecret}`, 'utf8').toString('base64')}`;
      break;
    case 'query':
      query.push(['consumer_key', input.credentials.consumerKey], ['consumer_secret', input.credentials.consumerSecret]);
      break;
    case 'oauth': {
      const method = input.signatureMethod ?? 'HMAC-SHA256';
      const oauth: [string, string][] = [
        ['oauth_consumer_key', input.credentials.consumerKey],
        ['oauth_nonce', (input.nonce ?? randomNonce)()],
        ['oauth_signature_method', method],
        ['oauth_timestamp', String(Math.floor(input.now.getTime() / 1000))],
      ];
      const base = oauthBaseString(input.method, `${input.siteUrl}${input.path}`, [...query, ...oauth]);
      query.push(...oauth, ['oauth_signature', oauthSignature(base, input.credentials.consumerSecret, method)]);
      break;
    }
  }
  const search = encodeQuery(query);
  return { url: `${input.baseUrl}${input.path}${search ? `?${search}` : ''}`, headers };
}
