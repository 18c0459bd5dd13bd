/**
 * OAuth 2.0 authorization-code helpers shared by the OAuth targets (Zoho Books now, QuickBooks Online later).
 * Provider quirks (Zoho's HTTP-200 errors, QBO's rotating refresh tokens) stay in each connector's `auth.ts`;
 * this file only builds the consent URL, posts the token form and makes the `state` nonce.
 */
import { randomBytes } from 'node:crypto';

import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { ApiResponse, HttpCall } from '../../sync/ports.ts';

export interface AuthorizeUrlInput {
  /** The provider's authorization endpoint, e.g. `https://accounts.zoho.eu/oauth/v2/auth`. */
  authorizeEndpoint: string;
  clientId: string;
  /** Must match a URI registered with the provider exactly. */
  redirectUri: string;
  /** Already joined the provider's way (Zoho: commas; QuickBooks: spaces). */
  scope: string;
  /** The CSRF nonce the callback must echo; see {@link randomState}. */
  state: string;
  /** Provider-specific parameters, e.g. `{ access_type: 'offline', prompt: 'consent' }`. */
  extra?: Record<string, string>;
}

/**
 * The URL to send the user's browser to. Always `response_type=code`.
 *
 * @example
 * buildAuthorizeUrl({ authorizeEndpoint: 'https://accounts.zoho.com/oauth/v2/auth', clientId: '1000.X',
 *   redirectUri: 'https://app.example/cb', scope: 'ZohoBooks.invoices.READ', state: randomState() })
 */
export function buildAuthorizeUrl(input: AuthorizeUrlInput): string {
  const url = new URL(input.authorizeEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('scope', input.scope);
  url.searchParams.set('state', input.state);
  for (const [key, value] of Object.entries(input.extra ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

export interface TokenFormResult {
  status: number;
  headers: ApiResponse['headers'];
  /** The body parsed with `parseJsonExact`; null when it was empty or not JSON (see `text`). */
  json: unknown;
  text: string;
}

/**
 * POSTs `params` form-encoded to a token endpoint and parses the answer. It never judges the status: Zoho
 * reports token errors as `{"error": ...}` with HTTP 200, so the caller must read the body either way.
 * Secrets travel in the body, never in the query string (the audit log records URLs).
 *
 * @param op Audit label, e.g. `zoho.oauth.refresh`.
 */
export async function postTokenForm(
  http: HttpCall,
  url: string,
  params: Record<string, string>,
  op: string,
): Promise<TokenFormResult> {
  const response = await http({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params).toString(),
    op,
  });
  let json: unknown = null;
  if (response.text.trim() !== '') {
    try {
      json = parseJsonExact(response.text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
    }
  }
  return { status: response.status, headers: response.headers, json, text: response.text };
}

/** An unguessable `state` value: 32 random bytes, base64url (43 characters). */
export function randomState(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** When a token with `expiresInSeconds` of life, issued at `now`, expires (ISO-8601). */
export function expiryFrom(now: Date, expiresInSeconds: number): string {
  return new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
}
