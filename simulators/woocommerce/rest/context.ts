/**
 * What a `/wc/v3` handler gets: the store, the authenticated key (if any), the request arguments, and the
 * services it may call. Handlers return data (not text) so the router can apply `_fields` and write PHP JSON.
 */
import type { SimClock } from '../../_kit/clock.ts';
import type { SimRequest } from '../../_kit/server.ts';
import type { WooSimConfig } from '../config.ts';
import { CANNOT, WpError } from '../errors.ts';
import { SimInputError } from '../order-math.ts';
import type { Args } from '../params.ts';
import type { JsonValue } from '../../_kit/json-text.ts';
import type { SiteState } from '../site.ts';
import type { WooState } from '../state.ts';
import type { ApiKey } from '../types.ts';
import type { WooWebhooks } from '../webhooks-out.ts';

export interface RestContext {
  state: WooState;
  site: SiteState;
  config: WooSimConfig;
  webhooks: WooWebhooks;
  clock: SimClock;
  req: SimRequest;
  /** After `_method` / `X-HTTP-Method-Override`. */
  method: string;
  args: Args;
  key: ApiKey | undefined;
}

export interface RestResult {
  status: number;
  body: JsonValue;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RestContext, ids: number[]) => RestResult | Promise<RestResult>;

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDef {
  /** Matched against the route after `/wc/v3`, e.g. `/orders/(\d+)`; captured groups are ids. */
  path: RegExp;
  handlers: Partial<Record<Method, Handler>>;
}

/** `WP_REST_Server::EDITABLE`: POST, PUT and PATCH all update. */
export function editable(handler: Handler): Partial<Record<Method, Handler>> {
  return { POST: handler, PUT: handler, PATCH: handler };
}

/** The permission callback: anonymous → 401, a key whose user lacks the capability → 403. */
export function requireCap(ctx: RestContext, action: keyof typeof CANNOT): void {
  if (ctx.key && ctx.key.capable) return;
  const { code, message } = CANNOT[action];
  throw new WpError(code, message, ctx.key ? 403 : 401);
}

/** Simulator-state errors carry WooCommerce's code when one applies. */
export function asWpError(error: SimInputError, fallbackCode = 'woocommerce_rest_invalid_request'): WpError {
  return new WpError(error.code ?? fallbackCode, error.message, error.status);
}

export function ok(body: JsonValue, headers?: Record<string, string>): RestResult {
  return { status: 200, body, ...(headers ? { headers } : {}) };
}

/** An object argument from the body, or undefined. */
export function objectArg(ctx: RestContext, name: string): Record<string, unknown> | undefined {
  const v = ctx.args.body[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function arrayArg(ctx: RestContext, name: string): Record<string, unknown>[] | undefined {
  const v = ctx.args.body[name];
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : undefined;
}

export function stringField(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function intField(o: Record<string, unknown>, name: string): number | undefined {
  const v = o[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number.parseInt(String(v), 10);
  return Number.isFinite(n) ? n : undefined;
}
