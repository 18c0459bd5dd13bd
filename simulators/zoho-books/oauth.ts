/**
 * The Zoho Accounts server of one data centre (api notes §1): `/oauth/v2/auth` (auto-consent as a sandbox
 * user), `/oauth/v2/token` (code exchange and refresh; parameters from the query string or a form body),
 * `/oauth/v2/token/revoke` and `/oauth/serverinfo`. Token-endpoint errors come back as `{"error": …}`,
 * by default with HTTP 200 as Zoho does (api notes §1.7).
 */
import { json, type SimRequest, type SimResponse } from '../_kit/server.ts';
import type { SimContext } from './context.ts';
import { accountsServer, apiDomain, DATA_CENTRE_IDS, type DataCentre } from './data-centres.ts';
import { parseScopes } from './scopes.ts';
import type { User } from './state.ts';
import type { AccessTokenRecord, RefreshTokenRecord } from './tokens.ts';

export const ACCESS_DENIED = {
  error: 'Access Denied',
  error_description: 'You have made too many requests continuously. Please try again after some time.',
};

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  api_domain: string;
  token_type: 'Bearer';
  expires_in: number;
}

export function handleAccounts(ctx: SimContext, req: SimRequest, dc: DataCentre, sub: string): SimResponse {
  if (sub === '/oauth/v2/auth' && (req.method === 'GET' || req.method === 'POST')) return authorize(ctx, req);
  if (sub === '/oauth/v2/token' && req.method === 'POST') return token(ctx, req, dc);
  if (sub === '/oauth/v2/token/revoke' && req.method === 'POST') return revoke(ctx, req, dc);
  if (sub === '/oauth/serverinfo' && req.method === 'GET') {
    // The location → accounts-server map Zoho publishes for Multi-DC apps [src S6]; body shape [mem].
    const locations = Object.fromEntries(DATA_CENTRE_IDS.map((id) => [id, accountsServer(ctx.baseUrl(), id)]));
    return json(200, { result: 'success', locations });
  }
  return json(404, { error: 'invalid_request', error_description: `no accounts route ${req.method} ${sub}` });
}

/** Query parameters merged with a form-encoded body: Zoho documents both placements [src S8, S15]. */
function params(req: SimRequest): URLSearchParams {
  const merged = new URLSearchParams(req.query);
  if ((req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.text)) merged.set(k, v);
  }
  return merged;
}

/** The consent page cannot redirect to an unverified URI, so these errors are shown to the browser. */
function errorPage(error: string, description: string): SimResponse {
  return json(400, { error, error_description: description });
}

function pickUser(ctx: SimContext, wanted: string | null): User | undefined {
  if (wanted) return ctx.store.userByEmail(wanted) ?? ctx.store.users.get(wanted);
  return ctx.store.users.values().next().value;
}

function authorize(ctx: SimContext, req: SimRequest): SimResponse {
  const q = params(req);
  const codes = ctx.config().oauthErrors;
  const client = ctx.store.clients.get(q.get('client_id') ?? '');
  if (!client) return errorPage(codes.unknownClient, 'Invalid Client ID');
  if (q.get('response_type') !== 'code') return errorPage('unsupported_response_type', 'response_type must be code');
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!client.redirectUris.includes(redirectUri)) return errorPage(codes.badRedirectUri, 'Invalid Redirect Uri');
  const scopes = parseScopes(q.get('scope'));
  if (!scopes) return errorPage(codes.badScope, 'Invalid OAuth Scope');
  const user = pickUser(ctx, q.get('sim_user'));
  if (!user) return errorPage('access_denied', 'the simulator has no such user; create one first');

  const target = new URL(redirectUri);
  const state = q.get('state');
  if (state !== null) target.searchParams.set('state', state);
  if (q.get('sim_deny') === '1' || q.get('sim_deny') === 'true') {
    target.searchParams.set('error', 'access_denied'); // [mem]
    return { status: 302, headers: { location: target.toString() } };
  }
  const offline = (q.get('access_type') ?? 'online').toLowerCase() === 'offline';
  const forced = (q.get('prompt') ?? '').toLowerCase() === 'consent';
  const firstConsent = ctx.tokens.consent(user.userId, client.clientId, scopes, forced);
  // The code belongs to the user's own DC, whichever accounts server the app started at (Multi-DC, §1.2).
  const code = ctx.tokens.issueCode(
    { clientId: client.clientId, userId: user.userId, dc: user.dc, redirectUri, scopes, issueRefresh: offline && firstConsent },
    ctx.clock.now(),
  );
  target.searchParams.set('code', code.code);
  target.searchParams.set('location', user.dc);
  target.searchParams.set('accounts-server', accountsServer(ctx.baseUrl(), user.dc));
  return { status: 302, headers: { location: target.toString() } };
}

export function tokenJson(ctx: SimContext, access: AccessTokenRecord, refresh?: RefreshTokenRecord): TokenResponse {
  const cfg = ctx.config();
  const body: TokenResponse = {
    access_token: access.token,
    ...(refresh ? { refresh_token: refresh.token } : {}),
    ...(cfg.includeScopeInTokenResponse ? { scope: access.scopes.join(' ') } : {}),
    api_domain: apiDomain(ctx.baseUrl(), access.dc),
    token_type: 'Bearer',
    expires_in: Math.round((access.expiresAt - access.createdAt) / 1000),
  };
  return body;
}

function token(ctx: SimContext, req: SimRequest, dc: DataCentre): SimResponse {
  const q = params(req);
  const cfg = ctx.config();
  const now = ctx.clock.now();
  const error = (code: string): SimResponse => json(cfg.tokenErrorStatus, { error: code });
  const denied = (): SimResponse => json(cfg.accessDeniedStatus, ACCESS_DENIED);

  const grant = q.get('grant_type');
  if (grant !== 'authorization_code' && grant !== 'refresh_token') return error(cfg.oauthErrors.unsupportedGrant);
  const client = ctx.store.clients.get(q.get('client_id') ?? '');
  // A client not enabled in this DC is unknown here (api notes §1.7).
  if (!client || !client.dataCentres.includes(dc)) return error(cfg.oauthErrors.unknownClient);
  if (q.get('client_secret') !== client.clientSecret) return error(cfg.oauthErrors.wrongSecret);

  if (grant === 'authorization_code') {
    const code = ctx.tokens.usableCode(q.get('code') ?? '', dc, now);
    if (!code || code.clientId !== client.clientId) return error(cfg.oauthErrors.badCode);
    if (q.get('redirect_uri') !== code.redirectUri) return error(cfg.oauthErrors.badRedirectUri);
    const base = { clientId: client.clientId, userId: code.userId, dc, scopes: code.scopes };
    let refresh: RefreshTokenRecord | undefined;
    if (code.issueRefresh) {
      const minted = ctx.tokens.mintRefreshToken(base, now);
      if (!minted.ok) return denied();
      refresh = minted.value;
    }
    code.used = true;
    const access = ctx.tokens.mintAccessToken(base, refresh, now);
    return json(200, tokenJson(ctx, access, refresh));
  }

  const refresh = ctx.tokens.liveRefreshToken(q.get('refresh_token') ?? '', dc);
  if (!refresh || refresh.clientId !== client.clientId) return error(cfg.oauthErrors.badRefreshToken);
  const minted = ctx.tokens.refreshAccessToken(refresh, now);
  if (!minted.ok) return denied();
  // The refresh token does not rotate: the answer carries no refresh_token (api notes §1.5).
  return json(200, tokenJson(ctx, minted.value));
}

function revoke(ctx: SimContext, req: SimRequest, dc: DataCentre): SimResponse {
  const value = params(req).get('token') ?? '';
  const cfg = ctx.config();
  const refresh = ctx.tokens.liveRefreshToken(value, dc);
  const access = ctx.tokens.accessTokens.get(value);
  if (refresh) ctx.tokens.revokeRefresh(refresh);
  else if (access && access.dc === dc && !access.revoked) access.revoked = true;
  else if (cfg.revokeUnknownToken === 'error') return json(cfg.tokenErrorStatus, { error: cfg.oauthErrors.badRefreshToken });
  return json(200, { status: 'success' });
}
