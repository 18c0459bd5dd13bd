/**
 * Zoho Accounts OAuth for Zoho Books (/work/shared/api/zoho-books.md §1). Each connection keeps its own
 * accounts server (the user's data centre) and the `api_domain` the token response named.
 *
 * Token-endpoint errors arrive as `{"error": "..."}`, often with HTTP 200 (§1.7), so the body is always
 * read before the status. "Access Denied / too many requests" is a throttle: wait, never re-authorize.
 */
import { SyncError } from '../../core/errors.ts';
import type { AuthFlow, Connection, HttpCall, Json, OAuthTokens } from '../../sync/ports.ts';
import { buildAuthorizeUrl, expiryFrom, postTokenForm, type TokenFormResult } from '../_kit/oauth.ts';
import { dataCentreOf, isDataCentre, manifest, type DataCentre } from './connector.ts';

export type AuthorizeUrlInput = (
  | { dc: DataCentre; accountsServer?: undefined }
  | { accountsServer: string; dc?: undefined }
) & {
  clientId: string;
  redirectUri: string;
  state: string;
  /** Defaults to every scope in the manifest. */
  scopes?: readonly string[];
};

/**
 * The Zoho consent URL, with `access_type=offline` (the only way to get a refresh token) and
 * `prompt=consent` (so a user who consented before still gets a new refresh token).
 *
 * @see https://zoho.com/books/api/v3/oauth
 */
export function authorizeUrl(input: AuthorizeUrlInput): string {
  const accounts = trimSlash(input.dc !== undefined ? manifest.dataCentres[input.dc].accountsServer : input.accountsServer);
  return buildAuthorizeUrl({
    authorizeEndpoint: `${accounts}${manifest.oauth.authorizePath}`,
    clientId: input.clientId,
    redirectUri: input.redirectUri,
    scope: (input.scopes ?? manifest.scopes).join(manifest.oauth.scopeSeparator),
    state: input.state,
    extra: { ...manifest.oauth.authorizeExtra },
  });
}

export interface ExchangeCodeInput {
  /** The `accounts-server` the redirect carried (Multi-DC), else the data centre's accounts server. */
  accountsServer: string;
  code: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  now: Date;
  /** The redirect's `location` (e.g. `eu`), when present; else derived from `accountsServer`. */
  location?: string;
}

export interface ZohoSecrets extends Record<string, string> {
  accessToken: string;
  refreshToken: string;
  /** ISO-8601. */
  accessTokenExpiresAt: string;
  clientSecret: string;
  clientId: string;
}

export interface ZohoAuthConfig extends Record<string, Json> {
  apiDomain: string;
  accountsServer: string;
  /** null when the accounts server is not one of the table's (a simulator, a new DC). */
  dc: DataCentre | null;
}

/**
 * Exchanges a grant code (single use, about 2 minutes of life) for the first token pair.
 * Throws SyncError AUTH_REVOKED with a sentence on `invalid_code`, RATE_LIMITED on the throttle.
 */
export async function exchangeCode(
  http: HttpCall,
  input: ExchangeCodeInput,
): Promise<{ secrets: ZohoSecrets; config: ZohoAuthConfig }> {
  const accountsServer = trimSlash(input.accountsServer);
  const result = await postTokenForm(
    http,
    `${accountsServer}${manifest.oauth.tokenPath}`,
    {
      grant_type: 'authorization_code',
      client_id: input.clientId,
      client_secret: input.clientSecret,
      redirect_uri: input.redirectUri,
      code: input.code,
    },
    'zoho.oauth.exchange',
  );
  const body = tokenBody(result, 'exchange', accountsServer);
  const refreshToken = stringField(body, 'refresh_token');
  if (!refreshToken) {
    throw new SyncError(
      'AUTH_REVOKED',
      'Zoho issued no refresh token; start the connection again (the consent URL must carry access_type=offline and prompt=consent)',
    );
  }
  const dc = isDataCentre(input.location) ? input.location : dataCentreOf(accountsServer);
  return {
    secrets: {
      accessToken: body.accessToken,
      refreshToken,
      accessTokenExpiresAt: expiryFrom(input.now, body.expiresIn),
      clientSecret: input.clientSecret,
      clientId: input.clientId,
    },
    config: { apiDomain: apiDomainOf(body, dc), accountsServer, dc },
  };
}

export interface ZohoAuthOptions {
  /** The clock for token expiry; defaults to the system clock. */
  now?: () => Date;
}

/** The AuthFlow the engine uses to keep a Zoho connection's access token fresh. */
export function createZohoAuth(options: ZohoAuthOptions = {}): AuthFlow {
  const now = options.now ?? (() => new Date());
  return {
    refreshDueAt(connection: Connection): Date | null {
      const expiresAt = Date.parse(connection.secrets['accessTokenExpiresAt'] ?? '');
      if (!Number.isFinite(expiresAt)) return new Date(0);
      return new Date(expiresAt - manifest.oauth.refreshAheadMs);
    },

    async refresh(connection: Connection, http: HttpCall): Promise<OAuthTokens> {
      const accountsServer = configString(connection, 'accountsServer');
      const refreshToken = connection.secrets['refreshToken'];
      const clientSecret = connection.secrets['clientSecret'];
      const clientId = connection.secrets['clientId'] ?? configString(connection, 'clientId', false);
      if (!refreshToken || !clientSecret || !clientId) {
        throw new SyncError('AUTH_REVOKED', 'the Zoho Books connection has no refresh token or client credentials; reconnect it');
      }
      const issuedAt = now();
      const result = await postTokenForm(
        http,
        `${trimSlash(accountsServer)}${manifest.oauth.tokenPath}`,
        { grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken },
        'zoho.oauth.refresh',
      );
      const body = tokenBody(result, 'refresh', accountsServer);
      const config: Record<string, Json> = {};
      const apiDomain = stringField(body, 'api_domain');
      if (apiDomain) config['apiDomain'] = trimSlash(apiDomain);
      return {
        // The refresh token does not rotate (§1.5): keep the stored one.
        secrets: { accessToken: body.accessToken, accessTokenExpiresAt: expiryFrom(issuedAt, body.expiresIn) },
        ...(Object.keys(config).length > 0 ? { config } : {}),
      };
    },

    accessTokenOf(connection: Connection): string | undefined {
      return connection.secrets['accessToken'];
    },
  };
}

/** The default AuthFlow, on the system clock. */
export const zohoAuth: AuthFlow = createZohoAuth();

// ---------------------------------------------------------------- token answers

interface TokenBody {
  raw: Record<string, unknown>;
  accessToken: string;
  expiresIn: number;
}

const THROTTLE = /access denied|too many requests/i;

function tokenBody(result: TokenFormResult, step: 'exchange' | 'refresh', accountsServer: string): TokenBody {
  const raw = isRecord(result.json) ? result.json : null;
  const error = raw ? stringField({ raw }, 'error') : undefined;
  const description = raw ? stringField({ raw }, 'error_description') : undefined;
  if (error !== undefined) throw tokenError(error, description, step, accountsServer);
  if (result.status === 429) {
    throw new SyncError('RATE_LIMITED', 'Zoho Accounts asked us to slow down (HTTP 429)', {
      retryAfterMs: manifest.oauth.throttleWaitMs,
    });
  }
  if (result.status >= 500 || raw === null) {
    throw new SyncError('TRANSIENT', `Zoho Accounts answered HTTP ${result.status} without a token`);
  }
  if (result.status >= 400) {
    throw new SyncError('AUTH_REVOKED', `Zoho Accounts refused the token request with HTTP ${result.status}`);
  }
  const accessToken = stringField({ raw }, 'access_token');
  const expiresIn = raw['expires_in'] ?? raw['expires_in_sec'];
  const seconds = typeof expiresIn === 'number' ? expiresIn : Number(typeof expiresIn === 'string' ? expiresIn : NaN);
  if (!accessToken) throw new SyncError('TRANSIENT', 'Zoho Accounts answered without an access_token');
  return { raw, accessToken, expiresIn: Number.isFinite(seconds) && seconds > 0 ? seconds : 3600 };
}

function tokenError(error: string, description: string | undefined, step: 'exchange' | 'refresh', accountsServer: string): SyncError {
  if (THROTTLE.test(error) || THROTTLE.test(description ?? '')) {
    return new SyncError(
      'RATE_LIMITED',
      `Zoho Accounts throttled the token ${step} ("${error}"); retrying later, not reconnecting, since every retry extends the lockout`,
      { retryAfterMs: manifest.oauth.throttleWaitMs },
    );
  }
  switch (error) {
    case 'invalid_code':
      return new SyncError(
        'AUTH_REVOKED',
        step === 'exchange'
          ? `Zoho refused the authorization code (invalid_code): a code works once and only for about 2 minutes, and must be exchanged at the accounts server of the user's data centre (${accountsServer}); start the connection again`
          : `Zoho refused the refresh token (invalid_code) at ${accountsServer}; reconnect the account`,
      );
    case 'invalid_token':
      return new SyncError('AUTH_REVOKED', `Zoho no longer knows the refresh token (invalid_token): it was revoked or evicted; reconnect the account`);
    case 'invalid_client':
    case 'invalid_client_secret':
      return new SyncError(
        'AUTH_REVOKED',
        `Zoho refused the client credentials (${error}) at ${accountsServer}: check the client id and secret, and that the client is enabled in this data centre`,
      );
    case 'invalid_redirect_uri':
      return new SyncError('AUTH_REVOKED', 'Zoho refused the redirect URI (invalid_redirect_uri): it must match the one registered in the API console exactly');
    default:
      return new SyncError('AUTH_REVOKED', `Zoho Accounts refused the token ${step} ("${error}"${description ? `: ${description}` : ''})`);
  }
}

function apiDomainOf(body: TokenBody, dc: DataCentre | null): string {
  const given = stringField(body, 'api_domain');
  if (given) return trimSlash(given);
  if (dc) return manifest.dataCentres[dc].apiDomain;
  throw new SyncError('TRANSIENT', 'Zoho Accounts answered without api_domain, and the accounts server is not a known data centre');
}

// ---------------------------------------------------------------- small helpers

function stringField(body: { raw: Record<string, unknown> }, key: string): string | undefined {
  const value = body.raw[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function configString(connection: Connection, key: string, required = true): string {
  const value = connection.config[key];
  if (typeof value === 'string' && value !== '') return value;
  if (!required) return '';
  throw new SyncError('AUTH_REVOKED', `the Zoho Books connection has no ${key} in its config; reconnect it`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
