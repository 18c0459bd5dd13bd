/**
 * `WC_REST_Authentication` (notes §2, and the class itself): on an HTTPS store (`is_ssl()`), first the
 * `consumer_key`/`consumer_secret` query parameters, else HTTP Basic; if that yields no user, OAuth 1.0a. On a
 * plain-HTTP store only OAuth 1.0a — Basic credentials are ignored and the request runs anonymous, so it ends
 * in the endpoint's 401 `woocommerce_rest_cannot_view`, not an authentication error.
 * An unknown key under Basic is likewise silently anonymous; a wrong secret is 401 "Consumer secret is invalid.".
 * Then the key's permission is checked against the method (read: GET/HEAD; write: POST/PUT/PATCH/DELETE).
 */
import { timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../_kit/server.ts';
import { WpError } from './errors.ts';
import { baseString, parseOAuthHeader, phpParse, rawurldecode, signature, type PhpArray, type SignatureMethod } from './oauth1.ts';
import type { SiteState } from './site.ts';
import type { ApiKey } from './types.ts';

export interface AuthOutcome {
  key?: ApiKey;
  error?: WpError;
  method?: 'basic_auth' | 'oauth1';
}

const NONCE_WINDOW_S = 15 * 60;

function authError(message: string, code = 'woocommerce_rest_authentication_error'): WpError {
  return new WpError(code, message, 401);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AuthRequest {
  req: SimRequest;
  /** Request path below the site (`/wp-json/wc/v3/orders`), raw as sent. */
  sitePath: string;
  /** Decoded form-body pairs (`$_POST`), when the body is form-encoded. */
  formPairs: [string, string][];
  nowMs: number;
}

export function authenticate(site: SiteState, input: AuthRequest): AuthOutcome {
  let basicError: WpError | undefined;
  if (site.https) {
    const basic = basicAuth(site, input.req);
    if (basic.key) return basic;
    basicError = basic.error;
  }
  const oauth = oauthAuth(site, input);
  if (oauth.key) return oauth;
  const error = oauth.error ?? basicError;
  return error ? { error } : {};
}

function basicAuth(site: SiteState, req: SimRequest): AuthOutcome {
  let user = '';
  let pass = '';
  const qKey = req.query.get('consumer_key');
  const qSecret = req.query.get('consumer_secret');
  if (qKey && qSecret) {
    user = qKey;
    pass = qSecret;
  }
  const header = req.headers.authorization ?? '';
  if (!user && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      user = decoded.slice(0, colon);
      pass = decoded.slice(colon + 1);
    }
  }
  if (!user || !pass) return {};
  const key = site.keys.find((k) => k.consumerKey === user.trim());
  if (!key) return {};
  if (!same(key.consumerSecret, pass)) return { error: authError('Consumer secret is invalid.'), method: 'basic_auth' };
  return { key, method: 'basic_auth' };
}

function oauthAuth(site: SiteState, input: AuthRequest): AuthOutcome {
  const { req } = input;
  const params: PhpArray = phpParse(req.query);
  phpParse(input.formPairs, params);
  for (const [k, v] of parseOAuthHeader((req.headers.authorization ?? '').trim())) params.set(k, v);

  const required = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];
  const str = (name: string): string => {
    const v = params.get(name);
    return typeof v === 'string' ? v : '';
  };
  const missing = required.filter((name) => str(name) === '' || str(name) === '0');
  if (missing.length === required.length) return {};
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'parameter' : 'parameters';
    return { error: authError(`Missing OAuth ${noun} ${missing.join(', ')}`, 'woocommerce_rest_authentication_missing_parameter'), method: 'oauth1' };
  }

  const key = site.keys.find((k) => k.consumerKey === str('oauth_consumer_key').trim());
  if (!key) return { error: authError('Consumer key is invalid.'), method: 'oauth1' };

  const provided = rawurldecode(str('oauth_signature').replace(/ /g, '+'));
  params.delete('oauth_signature');
  const method = str('oauth_signature_method');
  const url = `${site.homeUrl}/${input.sitePath.replace(/^\/+/, '')}`;
  const base = baseString(req.method, url, params);
  if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return { error: authError('Invalid signature - signature method is invalid.'), method: 'oauth1' };
  if (!same(signature(base, key.consumerSecret, method as SignatureMethod), provided)) {
    return { error: authError('Invalid signature - provided signature does not match.'), method: 'oauth1' };
  }

  const now = Math.floor(input.nowMs / 1000);
  const timestamp = Number.parseInt(str('oauth_timestamp'), 10);
  if (!(timestamp >= now - NONCE_WINDOW_S && timestamp <= now + NONCE_WINDOW_S)) return { error: authError('Invalid timestamp.'), method: 'oauth1' };
  const nonce = str('oauth_nonce');
  if ([...key.nonces.values()].includes(nonce)) return { error: authError('Invalid nonce - nonce has already been used.'), method: 'oauth1' };
  key.nonces.set(timestamp, nonce);
  for (const ts of key.nonces.keys()) if (ts < now - NONCE_WINDOW_S) key.nonces.delete(ts);
  return { key, method: 'oauth1' };
}

/** `check_permissions`: the key's read/write permission against the request method. */
export function checkKeyPermission(key: ApiKey, method: string): WpError | undefined {
  const read = key.permissions === 'read' || key.permissions === 'read_write';
  const write = key.permissions === 'write' || key.permissions === 'read_write';
  switch (method) {
    case 'HEAD':
    case 'GET':
      return read ? undefined : authError('The API key provided does not have read permissions.');
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return write ? undefined : authError('The API key provided does not have write permissions.');
    case 'OPTIONS':
      return undefined;
    default:
      return authError('Unknown request method.');
  }
}
