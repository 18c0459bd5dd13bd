/**
 * The Books API host of one data centre (`/api/{dc}/books/v3/...`). Order of checks: URL and method, the
 * `Zoho-oauthtoken` header and the token's DC, scope, `organization_id` and membership, the org's rate
 * budget, the body; then the route. Failures use the configured error catalogue (api notes §2.4).
 */
import type { SimRequest, SimResponse } from '../_kit/server.ts';
import type { SimContext } from './context.ts';
import type { DataCentre } from './data-centres.ts';
import { renderError, ZohoApiError } from './envelope.ts';
import { readBody } from './request-body.ts';
import { chartOfAccountsRoutes } from './routes/chart-of-accounts.ts';
import { contactRoutes } from './routes/contacts.ts';
import { creditNoteRoutes } from './routes/credit-notes.ts';
import { customerPaymentRoutes } from './routes/customer-payments.ts';
import { invoiceCommentRoutes } from './routes/invoice-comments.ts';
import { invoiceRoutes } from './routes/invoices.ts';
import { itemRoutes } from './routes/items.ts';
import { journalRoutes } from './routes/journals.ts';
import { organizationRoutes } from './routes/organizations.ts';
import { settingsRoutes } from './routes/settings.ts';
import type { RouteDef } from './routes/types.ts';
import { hasScope } from './scopes.ts';

const ROUTES: RouteDef[] = [
  ...organizationRoutes,
  ...contactRoutes,
  ...itemRoutes,
  ...invoiceRoutes,
  ...invoiceCommentRoutes,
  ...customerPaymentRoutes,
  ...creditNoteRoutes,
  ...journalRoutes,
  ...chartOfAccountsRoutes,
  ...settingsRoutes,
];

const BASE = '/books/v3';

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(got[i]!);
      } catch {
        return undefined; // a malformed %-escape is an invalid URL, not a crash
      }
    } else if (w !== got[i]) return undefined;
  }
  return params;
}

/** Literal segments beat parameters, so `/contacts/contactpersons` is not read as a contact id. */
function literalCount(pattern: string): number {
  return pattern.split('/').filter((s) => s && !s.startsWith(':')).length;
}

function findRoute(method: string, path: string): { route: RouteDef; params: Record<string, string> } | 'no-method' | undefined {
  const candidates = ROUTES.map((route) => ({ route, params: matchPath(route.path, path) }))
    .filter((c): c is { route: RouteDef; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => literalCount(b.route.path) - literalCount(a.route.path));
  if (candidates.length === 0) return undefined;
  return candidates.find((c) => c.route.method === method) ?? 'no-method';
}

export function handleApi(ctx: SimContext, req: SimRequest, dc: DataCentre, sub: string): SimResponse {
  const cfg = ctx.config();
  const error = (e: ZohoApiError, headers: Record<string, string> = {}): SimResponse => renderError(cfg.errors[e.kind], e.details, headers);
  if (!sub.startsWith(`${BASE}/`)) return error(new ZohoApiError('invalidUrl'));
  const path = sub.slice(BASE.length).replace(/\/+$/, '') || '/';
  const found = findRoute(req.method, path);
  if (!found) return error(new ZohoApiError('invalidUrl'));
  if (found === 'no-method') return error(new ZohoApiError('methodNotAllowed', { method: req.method }));
  const { route, params } = found;

  // Only the header carries the token, and only under the Zoho-oauthtoken scheme (api notes §2.1).
  const auth = /^(\S+)\s+(\S+)$/.exec((req.headers.authorization ?? '').trim());
  const scheme = auth?.[1]?.toLowerCase();
  if (!auth || !(scheme === 'zoho-oauthtoken' || (cfg.acceptBearer && scheme === 'bearer'))) {
    return error(new ZohoApiError('missingAuth'));
  }
  const now = ctx.clock.now();
  const token = ctx.tokens.liveAccessToken(auth[2]!, dc, now);
  const user = token ? ctx.store.users.get(token.userId) : undefined;
  if (!token || !user) return error(new ZohoApiError('invalidToken'));
  if (!hasScope(token.scopes, route.scope[0], route.scope[1])) return error(new ZohoApiError('scopeMissing'));

  let rateHeaders: Record<string, string> = {};
  try {
    if (route.kind === 'user') {
      return route.handle({ ctx, cfg, user, params, query: req.query, headers: req.headers, body: {}, now });
    }
    const orgId = req.query.get('organization_id');
    if (!orgId || !/^\d+$/.test(orgId)) throw new ZohoApiError('orgInvalid');
    const org = ctx.store.orgs.get(orgId);
    // An org of another DC, or one the user does not belong to, is indistinguishable from an unknown id.
    if (!org || org.dc !== dc || !user.organizations.includes(orgId)) throw new ZohoApiError('orgNotMember', { id: orgId });
    const dailyCap = cfg.dailyCap ?? cfg.dailyCapByPlan[org.plan];
    const decision = ctx.limiter.take(orgId, now, cfg.perMinute, dailyCap);
    rateHeaders = decision.headers;
    if (!decision.ok) throw new ZohoApiError(decision.which === 'minute' ? 'perMinuteLimit' : 'dailyLimit');
    const body = req.method === 'POST' || req.method === 'PUT' ? readBody(req) : {};
    const response = route.handle({ ctx, cfg, user, org, params, query: req.query, headers: req.headers, body, now });
    return { ...response, headers: { ...response.headers, ...rateHeaders } };
  } catch (e) {
    if (e instanceof ZohoApiError) return error(e, rateHeaders);
    throw e;
  }
}
