/**
 * The Admin GraphQL client: one POST per operation over the injected HttpCall (never fetch), every failure
 * turned into a SyncError of the right class (core/errors.ts):
 *
 *   THROTTLED (HTTP 200 with errors, or 429)  → wait (requested − available) ÷ restoreRate once in the call when
 *                                               that is ≤ 2 s, else RATE_LIMITED with retryAfterMs for the engine
 *   401                                       → AUTH_REVOKED: a refused static token is dead; reconnect
 *   403, ACCESS_DENIED                        → PERMISSION_DENIED naming the missing scope
 *   402 / 423 (shop frozen / locked), 404     → PERMISSION_DENIED with what to check
 *   5xx, INTERNAL_SERVER_ERROR                → TRANSIENT
 *   other GraphQL errors, other 4xx           → VALIDATION with Shopify's messages
 *   a body we cannot read as our shape        → SOURCE_PAYLOAD_INVALID
 * The last `throttleStatus` seen is kept for budget decisions (`client.throttleStatus()`).
 * @see https://shopify.dev/docs/api/usage/limits#rate-limits (notes §3)
 */
import type { z } from 'zod';
import { SyncError } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { ConnectorContext } from '../../sync/ports.ts';
import { retryAfterMs } from '../_kit/http.ts';
import { manifest, normalizeShopDomain } from './connector.ts';
import type { OperationName } from './queries.ts';
import { QUERIES } from './queries.ts';
import { GraphqlEnvelope } from './schemas.ts';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
  /** When Shopify reported it (ISO). */
  at: string;
}

export interface ShopifyClientOptions {
  /** How the client sleeps through a short THROTTLED wait. @defaultValue setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** @defaultValue manifest.graphql.maxInCallThrottleWaitMs (2000) */
  maxInCallWaitMs?: number;
}

export interface ShopifyClient {
  /** Runs one of our documents and returns its `data`, checked against `schema`. */
  request<S extends z.ZodType>(operation: OperationName, variables: Record<string, unknown>, schema: S): Promise<z.infer<S>>;
  /** The last throttle status Shopify reported, or null before the first answer. */
  throttleStatus(): ThrottleStatus | null;
  /** `https://<shop>/admin/api/<version>/graphql.json` (or the apiBaseUrl override). */
  readonly endpoint: string;
  readonly shopDomain: string;
}

export function createShopifyClient(ctx: ConnectorContext, options: ShopifyClientOptions = {}): ShopifyClient {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxInCallWaitMs = options.maxInCallWaitMs ?? manifest.graphql.maxInCallThrottleWaitMs;
  const { config, secrets } = ctx.connection;
  const shopDomain = typeof config['shopDomain'] === 'string' ? normalizeShopDomain(config['shopDomain']) : '';
  const apiBaseUrl = typeof config['apiBaseUrl'] === 'string' && config['apiBaseUrl'] !== '' ? config['apiBaseUrl'] : null;
  const base = (apiBaseUrl ?? `https://${shopDomain}`).replace(/\/+$/, '');
  const endpoint = `${base}${manifest.graphqlPath}`;
  let lastThrottle: ThrottleStatus | null = null;

  async function attempt(operation: OperationName, variables: Record<string, unknown>): Promise<Outcome> {
    if (!shopDomain && !apiBaseUrl) throw new SyncError('VALIDATION', 'the Shopify connection has no shop domain: set config.shopDomain (example.myshopify.com)');
    const token = secrets['accessToken'];
    if (!token) throw new SyncError('AUTH_REVOKED', `no Shopify access token is stored for ${shopDomain}: reconnect the shop`);
    const response = await ctx.http({
      method: 'POST',
      url: endpoint,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-Shopify-Access-Token': token,
        'User-Agent': 'ml-connector',
      },
      body: JSON.stringify({ query: QUERIES[operation], variables, operationName: operation }),
      op: `shopify.graphql.${operation}`,
    });

    const envelope = readEnvelope(response.text);
    const cost = envelope?.extensions?.cost;
    if (cost?.throttleStatus) lastThrottle = { ...cost.throttleStatus, at: ctx.now().toISOString() };
    const errors = Array.isArray(envelope?.errors) ? envelope.errors : [];
    const where = `Shopify ${operation} on ${shopDomain || base}`;

    const throttled = response.status === 429 || errors.some((e) => e.extensions?.code === 'THROTTLED');
    if (throttled) {
      const requested = cost?.requestedQueryCost ?? null;
      const status = cost?.throttleStatus ?? null;
      let waitMs: number;
      if (status && requested !== null && status.restoreRate > 0) {
        waitMs = Math.ceil((Math.max(0, requested - status.currentlyAvailable) / status.restoreRate) * 1000);
      } else {
        waitMs = retryAfterMs(response.headers, ctx.now().getTime()) ?? 1000;
      }
      return { kind: 'throttled', waitMs: Math.max(waitMs, 1), where };
    }

    if (response.status === 401) {
      throw new SyncError('AUTH_REVOKED', `Shopify refused the access token for ${shopDomain} (HTTP 401): the app was uninstalled or its token revoked; reconnect the shop`);
    }
    if (response.status === 403) {
      const scope = scopeIn(stringErrors(envelope) ?? response.text);
      throw new SyncError('PERMISSION_DENIED', `${where} was forbidden (HTTP 403)${scope ? `: the app needs the ${scope} scope` : ''}; ${plain(stringErrors(envelope) ?? response.text)}`);
    }
    if (response.status === 402 || response.status === 423) {
      throw new SyncError('PERMISSION_DENIED', `${where}: the shop is ${response.status === 402 ? 'frozen (unpaid plan)' : 'locked'} (HTTP ${response.status}); the merchant must restore it`);
    }
    if (response.status === 404) {
      throw new SyncError('PERMISSION_DENIED', `no Shopify Admin API answers at ${endpoint} (HTTP 404): check the shop domain`);
    }
    if (response.status >= 500) {
      const after = retryAfterMs(response.headers, ctx.now().getTime());
      throw new SyncError('TRANSIENT', `${where} failed with HTTP ${response.status}`, after !== undefined ? { retryAfterMs: after } : {});
    }
    if (response.status < 200 || response.status >= 300) {
      throw new SyncError('VALIDATION', `${where} was refused with HTTP ${response.status}: ${plain(stringErrors(envelope) ?? messages(errors) ?? response.text)}`);
    }
    if (!envelope) throw new SyncError('TRANSIENT', `${where} answered HTTP ${response.status} with a body that is not JSON`);

    if (errors.length > 0) {
      const denied = errors.find((e) => e.extensions?.code === 'ACCESS_DENIED');
      if (denied) {
        const scope = scopeIn(`${denied.message} ${JSON.stringify(denied.extensions ?? {})}`);
        throw new SyncError('PERMISSION_DENIED', `${where}: access denied${scope ? `, the app needs the ${scope} scope` : ''} (${plain(denied.message)})`);
      }
      if (errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
        throw new SyncError('TRANSIENT', `${where}: Shopify reported an internal error (${plain(messages(errors) ?? '')})`);
      }
      throw new SyncError('VALIDATION', `${where}: ${plain(messages(errors) ?? 'unknown GraphQL error')}`);
    }
    if (typeof envelope.errors === 'string') {
      throw new SyncError('VALIDATION', `${where}: ${plain(envelope.errors)}`);
    }
    return { kind: 'data', data: envelope.data, where };
  }

  return {
    endpoint,
    shopDomain,
    throttleStatus: () => lastThrottle,
    async request(operation, variables, schema) {
      let outcome = await attempt(operation, variables);
      if (outcome.kind === 'throttled' && outcome.waitMs <= maxInCallWaitMs) {
        await sleep(outcome.waitMs);
        outcome = await attempt(operation, variables);
      }
      if (outcome.kind === 'throttled') {
        throw new SyncError('RATE_LIMITED', `${outcome.where} was throttled; the cost budget refills in ${outcome.waitMs} ms`, { retryAfterMs: outcome.waitMs });
      }
      const parsed = schema.safeParse(outcome.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new SyncError('SOURCE_PAYLOAD_INVALID', `${outcome.where}: unexpected answer at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
      }
      return parsed.data;
    },
  };
}

type Outcome = { kind: 'data'; data: unknown; where: string } | { kind: 'throttled'; waitMs: number; where: string };

function readEnvelope(text: string): GraphqlEnvelope | null {
  let raw: unknown;
  try {
    raw = parseJsonExact(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return null;
    throw error;
  }
  const parsed = GraphqlEnvelope.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** REST-style `{"errors": "..."}` (401/403 bodies), as text. */
function stringErrors(envelope: GraphqlEnvelope | null): string | undefined {
  return typeof envelope?.errors === 'string' ? envelope.errors : undefined;
}

function messages(errors: readonly { message: string }[]): string | undefined {
  const list = errors.map((e) => e.message).filter((m) => m !== '');
  return list.length > 0 ? list.join('; ') : undefined;
}

/** The first access scope named in a message (`read_orders`, `read_all_orders`, …). */
function scopeIn(text: string): string | undefined {
  return /\b((?:read|write)_[a-z_]+)\b/.exec(text)?.[1];
}

/** One line, at most 300 characters: error text goes into audit rows and operator messages. */
function plain(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
