/**
 * Intuit OAuth 2.0 (api notes §1): the authorize page (auto-consent as a sandbox user; 302 to the redirect URI with
 * `code`, `state` and `realmId`, the only place the realm id is given), the token endpoint (Basic client auth, form
 * body, authorization_code and refresh_token grants), revoke (JSON or form `token`), and the OpenID discovery
 * documents that name them. Token errors are `{"error_description":"Token invalid","error":"invalid_grant"}` with
 * HTTP 400 [src S2]; bad client credentials `invalid_client` with 401 [mem].
 */
import type { SimRequest, SimResponse } from '../_kit/server.ts';
import { ACCOUNTING_SCOPE } from './api.ts';
import type { SimContext } from './context.ts';
import { intuitTid } from './ids.ts';
import { isObject, parseJson, str } from './json.ts';
import type { AccessRecord, AppRecord, Environment, GrantRecord, RefreshRecord } from './tokens.ts';

/** Path prefixes standing for Intuit's hosts on the simulator. */
export const HOSTS = {
  appcenter: '/appcenter.intuit.com',
  oauth: '/oauth.platform.intuit.com',
  developerApi: '/developer.api.intuit.com',
  developer: '/developer.intuit.com',
  production: '/quickbooks.api.intuit.com',
  sandbox: '/sandbox-quickbooks.api.intuit.com',
} as const;

export const PATHS = {
  authorize: `${HOSTS.appcenter}/connect/oauth2`,
  token: `${HOSTS.oauth}/oauth2/v1/tokens/bearer`,
  revoke: `${HOSTS.developerApi}/v2/oauth2/tokens/revoke`,
  discoveryProduction: `${HOSTS.developerApi}/.well-known/openid_configuration`,
  discoverySandbox: `${HOSTS.developer}/.well-known/openid_sandbox_configuration`,
} as const;

/** Scopes the authorize page accepts (api notes §1.3). */
export const KNOWN_SCOPES = [
  ACCOUNTING_SCOPE,
  'com.intuit.quickbooks.payment',
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'payroll.compensation.read',
  'project-management.project',
  'app-foundations.custom-dimensions.read',
  'app-foundations.custom-field-definitions',
  'time-tracking.time-entry',
  'indirect-tax.tax-calculation.quickbooks',
];

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in?: number;
}

function jsonAnswer(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', intuit_tid: intuitTid(), 'cache-control': 'no-cache, no-store' }, body: JSON.stringify(body) };
}

export function tokenBody(now: number, access: AccessRecord, refresh: RefreshRecord, grant: GrantRecord, includeHard: boolean): TokenResponse {
  const body: TokenResponse = {
    access_token: access.token,
    refresh_token: refresh.token,
    token_type: 'bearer',
    expires_in: Math.round((access.expiresAt - now) / 1000),
    x_refresh_token_expires_in: Math.round((refresh.expiresAt - now) / 1000),
  };
  if (includeHard) body.x_refresh_token_hard_expires_in = Math.round((grant.hardExpiresAt - now) / 1000);
  return body;
}

/** `Authorization: Basic base64(client_id:client_secret)`; the only client authentication Intuit documents [src S1]. */
function clientOf(ctx: SimContext, req: SimRequest): AppRecord | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers['authorization'] ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const app = ctx.tokens.apps.get(decoded.slice(0, colon));
  return app && app.clientSecret === decoded.slice(colon + 1) ? app : undefined;
}

export function handleOAuth(ctx: SimContext, req: SimRequest): SimResponse | undefined {
  const path = req.path.replace(/\/+$/, '');
  if (path === PATHS.authorize && req.method === 'GET') return authorize(ctx, req);
  if (path === PATHS.token && req.method === 'POST') return token(ctx, req);
  if (path === PATHS.revoke && req.method === 'POST') return revoke(ctx, req);
  if (path === PATHS.discoveryProduction && req.method === 'GET') return jsonAnswer(200, discovery(ctx.baseUrl(), 'production'));
  if (path === PATHS.discoverySandbox && req.method === 'GET') return jsonAnswer(200, discovery(ctx.baseUrl(), 'sandbox'));
  return undefined;
}

export function discovery(base: string, env: Environment): Record<string, unknown> {
  return {
    issuer: 'https://oauth.platform.intuit.com/op/v1',
    authorization_endpoint: `${base}${PATHS.authorize}`,
    token_endpoint: `${base}${PATHS.token}`,
    revocation_endpoint: `${base}${PATHS.revoke}`,
    userinfo_endpoint: `${base}/${env === 'sandbox' ? 'sandbox-' : ''}accounts.platform.intuit.com/v1/openid_connect/userinfo`,
    jwks_uri: `${base}${HOSTS.oauth}/op/v1/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
    token_endpoint_auth_methods_supported: ['client_secret_basic'],
  };
}

/** Errors the consent page shows to the browser because the redirect URI cannot be trusted yet. */
function errorPage(error: string, description: string): SimResponse {
  return jsonAnswer(400, { error, error_description: description });
}

function redirect(uri: string, params: Record<string, string | undefined>): SimResponse {
  const target = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) target.searchParams.set(k, v);
  return { status: 302, headers: { location: target.toString(), intuit_tid: intuitTid() } };
}

function authorize(ctx: SimContext, req: SimRequest): SimResponse {
  const q = req.query;
  const app = ctx.tokens.apps.get(q.get('client_id') ?? '');
  if (!app) return errorPage('invalid_client', 'Unknown client_id');
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!app.redirectUris.includes(redirectUri)) return errorPage('invalid_request', 'The redirect_uri is not registered for this app and environment.');
  const state = q.get('state') ?? undefined;
  if (q.get('response_type') !== 'code') return redirect(redirectUri, { error: 'unsupported_response_type', state });
  const scopes = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
  if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.includes(s))) return redirect(redirectUri, { error: 'invalid_scope', state });
  if (q.get('sim_deny') === '1' || q.get('sim_deny') === 'true') return redirect(redirectUri, { error: 'access_denied', state });

  // Auto-consent as the sandbox user: the company named by `sim_realm`, else the newest of the app's environment.
  const wanted = q.get('sim_realm');
  const companies = [...ctx.companies.values()].filter((c) => c.options.environment === app.environment);
  const company = wanted ? ctx.companies.get(wanted) : companies[companies.length - 1];
  if (!company) return errorPage('access_denied', `No ${app.environment} company to connect; create one first.`);
  if (company.options.environment !== app.environment) return errorPage('access_denied', `Company ${company.realmId} is a ${company.options.environment} company; these are ${app.environment} keys.`);
  const code = ctx.tokens.issueCode({ clientId: app.clientId, realmId: company.realmId, redirectUri, scopes }, ctx.clock.now());
  return redirect(redirectUri, { code: code.code, state, realmId: company.realmId });
}

function token(ctx: SimContext, req: SimRequest): SimResponse {
  const cfg = ctx.config();
  const now = ctx.clock.now();
  const app = clientOf(ctx, req);
  if (!app) return jsonAnswer(401, { error: 'invalid_client' });
  if (!(req.headers['content-type'] ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
    return jsonAnswer(400, { error_description: 'Content-Type must be application/x-www-form-urlencoded', error: 'invalid_request' });
  }
  const form = new URLSearchParams(req.text);
  const invalidGrant = () => jsonAnswer(400, { error_description: cfg.invalidGrantDescription, error: 'invalid_grant' });
  const includeHard = (req.headers['x-include-refresh-token-hard-expires-in'] ?? '').toLowerCase() === 'true';
  const grantType = form.get('grant_type');

  if (grantType === 'authorization_code') {
    const code = ctx.tokens.codes.get(form.get('code') ?? '');
    if (!code || code.used || now >= code.expiresAt || code.clientId !== app.clientId || code.redirectUri !== form.get('redirect_uri')) return invalidGrant();
    code.used = true;
    const { grant, access, refresh } = ctx.tokens.openGrant(app.clientId, code.realmId, code.scopes, now);
    return jsonAnswer(200, tokenBody(now, access, refresh, grant, includeHard));
  }
  if (grantType === 'refresh_token') {
    const outcome = ctx.tokens.refresh(form.get('refresh_token') ?? '', app.clientId, now);
    if (!outcome.ok) return invalidGrant();
    return jsonAnswer(200, tokenBody(now, outcome.access, outcome.refresh, outcome.grant, includeHard));
  }
  return jsonAnswer(400, { error: 'unsupported_grant_type' });
}

function revoke(ctx: SimContext, req: SimRequest): SimResponse {
  const app = clientOf(ctx, req);
  if (!app) return jsonAnswer(401, { error: 'invalid_client' });
  // oauth-jsclient sends JSON, node-quickbooks a form (api notes §1.7): both are read.
  let value: string | undefined;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      const body = parseJson(req.text);
      value = isObject(body) ? str(body['token']) : undefined;
    } catch {
      value = undefined;
    }
  } else value = new URLSearchParams(req.text).get('token') ?? undefined;
  if (!value) return jsonAnswer(400, { error: 'invalid_request' });
  const grant = ctx.tokens.grantOf(value);
  if (grant && grant.clientId === app.clientId) {
    ctx.tokens.disconnect(grant.clientId, grant.realmId);
    return { status: 200, headers: { intuit_tid: intuitTid() }, body: '' };
  }
  if (ctx.config().revokeUnknownToken === 'error') return jsonAnswer(400, { error_description: ctx.config().invalidGrantDescription, error: 'invalid_grant' });
  return { status: 200, headers: { intuit_tid: intuitTid() }, body: '' };
}
