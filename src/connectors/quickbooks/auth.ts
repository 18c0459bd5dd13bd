/**
 * Intuit OAuth 2.0 for QuickBooks Online (/work/shared/api/quickbooks-online.md §1).
 *
 * - Token requests use HTTP Basic client authentication and a form body (§1.4).
 * - The realmId comes only on the consent redirect (§1.2): `exchangeCode` stores it in the connection config.
 * - Refresh tokens ROTATE (§1.5): every refresh answer's `refresh_token` is returned in `secrets`, so the engine
 *   stores it before the new access token is used (token-manager.ts). An answer without one keeps the stored
 *   token (never blanked: node-quickbooks#171).
 * - `invalid_grant` means the grant is dead (rotated away, revoked, or past its 100-day / 5-year life): the user
 *   must reconnect, so it is AUTH_REVOKED with a sentence saying so, never retried.
 */
import { SyncError } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { AuthFlow, Connection, HttpCall, Json, OAuthTokens } from '../../sync/ports.ts';
import { buildAuthorizeUrl, expiryFrom } from '../_kit/oauth.ts';
import { manifest, oauthEndpoints, type Environment } from './connector.ts';

export interface AuthorizeUrlInput {
  clientId: string;
  /** Must match a URI registered for the app's environment exactly (§1.2). */
  redirectUri: string;
  state: string;
  /** Defaults to the accounting scope. */
  scopes?: readonly string[];
  /** The simulator's root, when not Intuit's hosts (see connector.ts). */
  oauthBaseUrl?: string;
}

/** The Intuit consent URL (§1.2). The redirect comes back with `code`, `state` and `realmId`. */
export function authorizeUrl(input: AuthorizeUrlInput): string {
  return buildAuthorizeUrl({
    authorizeEndpoint: oauthEndpoints(input.oauthBaseUrl).authorize,
    clientId: input.clientId,
    redirectUri: input.redirectUri,
    scope: (input.scopes ?? manifest.scopes).join(manifest.oauth.scopeSeparator),
    state: input.state,
  });
}

export interface ExchangeCodeInput {
  code: string;
  /** From the redirect's query: the only place Intuit names the company (§1.2). */
  realmId: string;
  redirectUri: string;
  clientId: string;
  clientSecret: string;
  /** Which API host the company lives on; one key pair belongs to one environment (§1.1). */
  environment: Environment;
  now: Date;
  oauthBaseUrl?: string;
  apiBaseUrl?: string;
}

export interface QuickBooksTokenSecrets extends Record<string, string> {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

/** Exchanges the consent code for the first token pair; realmId and environment go into the config. */
export async function exchangeCode(http: HttpCall, input: ExchangeCodeInput): Promise<OAuthTokens & { secrets: QuickBooksTokenSecrets & { clientId: string; clientSecret: string } }> {
  if (!/^\S+$/.test(input.realmId)) throw new SyncError('AUTH_REVOKED', 'the QuickBooks redirect carried no realmId; start the connection again');
  const answer = await postToken(
    http,
    oauthEndpoints(input.oauthBaseUrl).token,
    { clientId: input.clientId, clientSecret: input.clientSecret },
    { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri },
    'quickbooks.oauth.exchange',
  );
  const body = tokenBody(answer, 'exchange');
  if (!body.refreshToken) throw new SyncError('AUTH_REVOKED', 'Intuit issued no refresh token for the code; start the connection again');
  const config: Record<string, Json> = { realmId: input.realmId, environment: input.environment };
  if (input.oauthBaseUrl) config['oauthBaseUrl'] = input.oauthBaseUrl;
  if (input.apiBaseUrl) config['apiBaseUrl'] = input.apiBaseUrl;
  return {
    secrets: {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      ...secretsFrom(body, input.now),
      refreshToken: body.refreshToken,
    },
    config,
  };
}

export interface QuickBooksAuthOptions {
  /** The clock for token expiry; defaults to the system clock. */
  now?: () => Date;
}

/** The AuthFlow the engine uses to keep a QuickBooks connection's access token fresh. */
export function createQuickBooksAuth(options: QuickBooksAuthOptions = {}): AuthFlow {
  const now = options.now ?? (() => new Date());
  return {
    refreshDueAt(connection: Connection): Date | null {
      const expiresAt = Date.parse(connection.secrets['accessTokenExpiresAt'] ?? '');
      if (!Number.isFinite(expiresAt)) return new Date(0);
      return new Date(expiresAt - manifest.oauth.refreshAheadMs);
    },

    async refresh(connection: Connection, http: HttpCall): Promise<OAuthTokens> {
      const { refreshToken, clientId, clientSecret } = connection.secrets;
      if (!refreshToken || !clientId || !clientSecret) {
        throw new SyncError('AUTH_REVOKED', 'the QuickBooks connection has no refresh token or client credentials; reconnect QuickBooks');
      }
      const issuedAt = now();
      const answer = await postToken(
        http,
        oauthEndpoints(configString(connection, 'oauthBaseUrl')).token,
        { clientId, clientSecret },
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        'quickbooks.oauth.refresh',
      );
      const body = tokenBody(answer, 'refresh');
      // Rotation: the answer's refresh token replaces the stored one, and must be stored before use.
      return { secrets: { ...secretsFrom(body, issuedAt), refreshToken: body.refreshToken ?? refreshToken } };
    },

    accessTokenOf(connection: Connection): string | undefined {
      return connection.secrets['accessToken'];
    },
  };
}

/** The default AuthFlow, on the system clock. */
export const quickbooksAuth: AuthFlow = createQuickBooksAuth();

/**
 * Disconnects the app from the company (§1.7): revoking the refresh token kills every token of the grant.
 * Intuit answers 200; an error answer is a SyncError with Intuit's words.
 */
export async function revoke(http: HttpCall, connection: Connection): Promise<void> {
  const { refreshToken, accessToken, clientId, clientSecret } = connection.secrets;
  const token = refreshToken ?? accessToken;
  if (!token || !clientId || !clientSecret) return;
  const response = await http({
    method: 'POST',
    url: oauthEndpoints(configString(connection, 'oauthBaseUrl')).revoke,
    headers: { authorization: basic(clientId, clientSecret), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ token }),
    op: 'quickbooks.oauth.revoke',
  });
  if (response.status >= 200 && response.status < 300) return;
  tokenBody({ status: response.status, json: parseOrNull(response.text), headers: response.headers }, 'revoke');
  throw new SyncError('TRANSIENT', `Intuit answered HTTP ${response.status} to the revoke`);
}

// ---------------------------------------------------------------- token answers

interface TokenAnswer {
  status: number;
  json: unknown;
  headers: Record<string, string>;
}

async function postToken(
  http: HttpCall,
  url: string,
  client: { clientId: string; clientSecret: string },
  form: Record<string, string>,
  op: string,
): Promise<TokenAnswer> {
  const response = await http({
    method: 'POST',
    url,
    headers: {
      authorization: basic(client.clientId, client.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      [manifest.oauth.hardExpiryHeader]: 'true',
    },
    // Secrets travel in the body and the Basic header, never in the URL (the audit log records URLs).
    body: new URLSearchParams(form).toString(),
    op,
  });
  return { status: response.status, json: parseOrNull(response.text), headers: response.headers };
}

interface TokenBody {
  accessToken: string;
  refreshToken: string | undefined;
  expiresIn: number;
  refreshExpiresIn: number | undefined;
  hardExpiresIn: number | undefined;
}

function tokenBody(answer: TokenAnswer, step: 'exchange' | 'refresh' | 'revoke'): TokenBody {
  const raw = isRecord(answer.json) ? answer.json : null;
  const error = raw ? stringOf(raw['error']) : undefined;
  const description = raw ? stringOf(raw['error_description']) : undefined;
  const tid = answer.headers['intuit_tid'];
  const said = `${error ?? `HTTP ${answer.status}`}${description ? `: ${description}` : ''}${tid ? `; intuit_tid ${tid}` : ''}`;
  if (answer.status === 429) {
    throw new SyncError('RATE_LIMITED', `Intuit throttled the token ${step} (${said})`, { retryAfterMs: manifest.rateLimits.throttleWaitMs });
  }
  if (answer.status >= 500) throw new SyncError('TRANSIENT', `Intuit failed the token ${step} (${said}); it is retried`);
  if (error !== undefined || answer.status >= 400) throw tokenError(error, said, step);
  const accessToken = raw ? stringOf(raw['access_token']) : undefined;
  if (!raw || !accessToken) throw new SyncError('TRANSIENT', `Intuit answered the token ${step} with HTTP ${answer.status} but no access_token`);
  return {
    accessToken,
    refreshToken: stringOf(raw['refresh_token']),
    expiresIn: seconds(raw['expires_in']) ?? manifest.oauth.accessTokenLifetimeMs / 1000,
    refreshExpiresIn: seconds(raw['x_refresh_token_expires_in']),
    hardExpiresIn: seconds(raw['x_refresh_token_hard_expires_in']),
  };
}

function tokenError(error: string | undefined, said: string, step: 'exchange' | 'refresh' | 'revoke'): SyncError {
  switch (error) {
    case 'invalid_grant':
      return new SyncError(
        'AUTH_REVOKED',
        step === 'exchange'
          ? `Intuit refused the authorization code (${said}): a code works once, for a few minutes, with the same redirect URI; start the connection again`
          : `Intuit refused the refresh token (${said}): it was replaced by a newer one that was not saved, revoked by a disconnect, or is past its 100-day or 5-year life; reconnect QuickBooks`,
      );
    case 'invalid_client':
      return new SyncError(
        'AUTH_REVOKED',
        `Intuit refused the client id and secret (${said}): check them, and that they are the keys of the same environment (sandbox or production) as the company`,
      );
    default:
      return new SyncError('AUTH_REVOKED', `Intuit refused the token ${step} (${said}); reconnect QuickBooks`);
  }
}

function secretsFrom(body: TokenBody, issuedAt: Date): QuickBooksTokenSecrets & Record<string, string> {
  const secrets: Record<string, string> = {
    accessToken: body.accessToken,
    accessTokenExpiresAt: expiryFrom(issuedAt, body.expiresIn),
  };
  if (body.refreshExpiresIn !== undefined) secrets['refreshTokenExpiresAt'] = expiryFrom(issuedAt, body.refreshExpiresIn);
  if (body.hardExpiresIn !== undefined) secrets['refreshTokenHardExpiresAt'] = expiryFrom(issuedAt, body.hardExpiresIn);
  return secrets as QuickBooksTokenSecrets & Record<string, string>;
}

// ---------------------------------------------------------------- small helpers

function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

function parseOrNull(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return parseJsonExact(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return null;
    throw error;
  }
}

function seconds(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function configString(connection: Connection, key: string): string | undefined {
  const value = connection.config[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

