/**
 * One server, many stores: `/sites/<siteId>` is a store's home; its REST API answers at
 * `/sites/<siteId>/wp-json/<route>` and, as with plain permalinks, at `/sites/<siteId>/?rest_route=<route>`.
 *
 * The order of checks is WordPress's: authentication errors (401) → the key's read/write permission (401) →
 * route and method (404 `rest_no_route`) → JSON body and argument validation (400) → the endpoint's permission
 * check (401 anonymous / 403) → the handler. `_method` and `X-HTTP-Method-Override` replace the request method;
 * `_fields` trims the answer.
 */
import type { SimClock } from '../../_kit/clock.ts';
import type { SimRequest, SimResponse } from '../../_kit/server.ts';
import { authenticate, checkKeyPermission } from '../auth.ts';
import type { WooSimConfig } from '../config.ts';
import { WpError, errorResponse, noRoute, restJson } from '../errors.ts';
import { SimInputError } from '../order-math.ts';
import { Args } from '../params.ts';
import type { JsonValue } from '../../_kit/json-text.ts';
import type { WooState } from '../state.ts';
import type { WooWebhooks } from '../webhooks-out.ts';
import type { Method, RestContext, RestResult, RouteDef } from './context.ts';
import { CUSTOMER_ROUTES } from './customers.ts';
import { ORDER_ROUTES } from './orders.ts';
import { PRODUCT_ROUTES } from './products.ts';
import { REFUND_ROUTES } from './refunds.ts';
import { WEBHOOK_ROUTES } from './webhooks.ts';

const ROUTES: RouteDef[] = [...ORDER_ROUTES, ...REFUND_ROUTES, ...CUSTOMER_ROUTES, ...PRODUCT_ROUTES, ...WEBHOOK_ROUTES];
const NAMESPACE = '/wc/v3';

export interface RestDeps {
  state: WooState;
  webhooks: WooWebhooks;
  clock: SimClock;
  config: () => WooSimConfig;
}

function notFoundPage(): SimResponse {
  return { status: 404, headers: { 'content-type': 'text/html; charset=UTF-8' }, body: '<!doctype html><title>Page not found</title><h1>Not Found</h1>' };
}

function formPairs(req: SimRequest): [string, string][] {
  const type = req.headers['content-type'] ?? '';
  return type.startsWith('application/x-www-form-urlencoded') ? [...new URLSearchParams(req.text)] : [];
}

/** The JSON body as WordPress reads it; an unparsable JSON body fails validation later, not authentication. */
function jsonBody(req: SimRequest): Record<string, unknown> | WpError | undefined {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('json') || req.text.trim() === '') return undefined;
  try {
    const value = JSON.parse(req.text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch (e) {
    return new WpError('rest_invalid_json', 'Invalid JSON body passed.', 400, { json_error_code: 4, json_error_message: e instanceof Error ? e.message : 'Syntax error' });
  }
}

export async function handleRest(deps: RestDeps, req: SimRequest): Promise<SimResponse> {
  const m = /^\/sites\/([^/]+)(\/.*)?$/.exec(req.path);
  const site = m ? deps.state.findSite(decodeURIComponent(m[1] ?? '')) : undefined;
  if (!m || !site) return notFoundPage();
  const sitePath = m[2] ?? '/';

  let route: string;
  if (sitePath === '/wp-json' || sitePath.startsWith('/wp-json/')) route = sitePath.slice('/wp-json'.length) || '/';
  else if ((sitePath === '/' || sitePath === '/index.php') && req.query.has('rest_route')) route = req.query.get('rest_route') ?? '/';
  else return notFoundPage();
  route = route.length > 1 ? route.replace(/\/+$/, '') : route;

  // WordPress lets `_method` or the override header replace the method; OAuth still signs the real one.
  let method = req.method;
  const override = req.query.get('_method') ?? req.headers['x-http-method-override'];
  if (override) method = override.toUpperCase();

  const config = deps.config();
  try {
    const isWooRoute = route.startsWith('/wc/') || route.startsWith('/wc-');
    let key;
    if (isWooRoute) {
      const auth = authenticate(site, { req, sitePath, formPairs: formPairs(req), nowMs: deps.clock.now() });
      if (auth.error) throw auth.error;
      key = auth.key;
      if (key) {
        const denied = checkKeyPermission(key, method);
        if (denied) throw denied;
      }
    }
    if (!route.startsWith(`${NAMESPACE}/`)) throw noRoute();
    const sub = route.slice(NAMESPACE.length);
    let handler;
    let ids: number[] = [];
    for (const def of ROUTES) {
      const match = def.path.exec(sub);
      if (!match) continue;
      handler = def.handlers[method as Method];
      ids = match.slice(1).map((x) => Number(x));
      break;
    }
    if (!handler) throw noRoute();

    const body = jsonBody(req);
    if (body instanceof WpError) throw body;
    const form = Object.fromEntries(formPairs(req));
    const ctx: RestContext = { state: deps.state, site, config, webhooks: deps.webhooks, clock: deps.clock, req, method, args: new Args(req.query, { ...form, ...body }), key };
    const result = await handler(ctx, ids);
    return respond(result, req.query.get('_fields'));
  } catch (e) {
    if (e instanceof WpError) return errorResponse(e);
    if (e instanceof SimInputError) return errorResponse(new WpError(e.code ?? 'woocommerce_rest_invalid_request', e.message, e.status));
    throw e;
  }
}

function pick(value: JsonValue, fields: readonly string[]): JsonValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('id' in value || '_links' in value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => fields.includes(k)));
}

function respond(result: RestResult, fieldsParam: string | null): SimResponse {
  let body = result.body;
  if (fieldsParam) {
    const fields = fieldsParam.split(',').map((f) => f.trim().split('.')[0] ?? '');
    body = Array.isArray(body) ? body.map((item) => pick(item, fields)) : pick(body, fields);
  }
  return restJson(result.status, body, result.headers);
}
