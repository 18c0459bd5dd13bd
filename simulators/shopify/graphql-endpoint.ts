/**
 * `POST /admin/api/{version}/graphql.json` (notes §1, §3): token auth, version echo and fall-forward, cost
 * check and bucket before execution, real execution with graphql-js against the simulator's schema, cost refund
 * and `extensions.cost` after.
 */
import { randomUUID } from 'node:crypto';
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
} from 'graphql';
import { json, type SimRequest, type SimResponse } from '../_kit/server.ts';
import type { SimClock } from '../_kit/clock.ts';
import { actualQueryCost, CostBucket, requestedQueryCost, type ThrottleConfig, type ThrottleStatus } from './cost.ts';
import { shopifySchema } from './graphql-schema.ts';
import { rootValue, type GraphQLContext } from './resolvers.ts';
import type { ShopifyState } from './state.ts';

const PATH = /^\/admin\/api\/([^/]+)\/graphql\.json$/;

/** Body Shopify sends for a missing or unknown token ([mem], notes §1.2). */
export const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

const RATE_LIMIT_DOCS = 'https://shopify.dev/api/usage/rate-limits';

export interface GraphQLEndpointOptions {
  /** Versions served as asked; older well-formed ones fall forward to the oldest of these. */
  supportedVersions: () => readonly string[];
  throttle: () => ThrottleConfig;
  /** HTTP status of a THROTTLED answer: 200 as most clients report; some see 429 (notes §3). */
  throttledHttpStatus: () => number;
  /** Whether a THROTTLED body carries `"data": null` or no `data` key at all. */
  throttledData: () => 'absent' | 'null';
  decimal: (amount: string) => string;
}

export class GraphQLEndpoint {
  private readonly buckets = new Map<string, CostBucket>();

  constructor(
    private readonly state: ShopifyState,
    private readonly clock: SimClock,
    private readonly options: GraphQLEndpointOptions,
  ) {}

  bucket(token: string): CostBucket {
    let b = this.buckets.get(token);
    if (!b) {
      b = new CostBucket(this.options.throttle, this.clock);
      this.buckets.set(token, b);
    }
    return b;
  }

  resetBuckets(): void {
    this.buckets.clear();
  }

  /** Resolves the version that serves a request, or undefined (404) for a version Shopify would not know. */
  resolveVersion(requested: string): string | undefined {
    const supported = [...this.options.supportedVersions()].filter((v) => v !== 'unstable').sort();
    if (requested === 'unstable' || supported.includes(requested)) return requested;
    const oldest = supported[0];
    if (oldest && /^\d{4}-(01|04|07|10)$/.test(requested) && requested < oldest) return oldest;
    return undefined;
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const m = PATH.exec(req.path);
    if (!m || req.method !== 'POST') return json(404, { errors: 'Not Found' });
    const version = this.resolveVersion(m[1] ?? '');
    if (!version) return json(404, { errors: 'Not Found' });
    const headers = { 'X-Shopify-API-Version': version, 'X-Request-Id': randomUUID() };

    const token = req.headers['x-shopify-access-token'] ?? '';
    const shop = token ? this.state.shopByToken(token) : undefined;
    const host = (req.headers['host'] ?? '').split(':')[0] ?? '';
    // On a real shop host the token must belong to that shop; the loopback host is shared by all shops.
    if (!shop || (host.endsWith('.myshopify.com') && host !== shop.domain)) return json(401, INVALID_TOKEN_BODY, headers);

    const body = this.readBody(req);
    if (!body) return json(400, { errors: { query: 'Required parameter missing or invalid' } }, headers);

    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (e) {
      return json(200, { errors: [toJson(e)] }, headers);
    }
    const schema = shopifySchema();
    const validationErrors = validate(schema, document);
    if (validationErrors.length > 0) return json(200, { errors: validationErrors.map(toJson) }, headers);
    const op = getOperationAST(document, body.operationName);
    if (!op) return json(200, { errors: [{ message: body.operationName ? `No operation named "${body.operationName}"` : 'An operation name is required' }] }, headers);
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], body.variables ?? {});
    if (coerced.errors) return json(200, { errors: coerced.errors.map(toJson) }, headers);

    const bucket = this.bucket(token);
    const limits = this.options.throttle();
    const requested = requestedQueryCost(schema, document, op, coerced.coerced);
    if (requested > limits.singleQueryMaxCost) {
      return json(200, {
        errors: [
          {
            message:
              `Query cost is ${requested}, which exceeds the single query max cost limit (${limits.singleQueryMaxCost}).\n\n` +
              'See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\n' +
              'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
              'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n',
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: limits.singleQueryMaxCost, documentation: RATE_LIMIT_DOCS },
          },
        ],
        extensions: { cost: costExtension(requested, null, bucket.status()) },
      }, headers);
    }
    if (!bucket.take(requested)) {
      const throttled: Record<string, unknown> = {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMIT_DOCS } }],
        extensions: { cost: costExtension(requested, null, bucket.status()) },
      };
      if (this.options.throttledData() === 'null') throttled['data'] = null;
      return json(this.options.throttledHttpStatus(), throttled, headers);
    }

    const ctx: GraphQLContext = { state: this.state, shop, apiVersion: version, decimal: this.options.decimal, searchWarnings: [] };
    const result = (await execute({ schema, document, rootValue, contextValue: ctx, variableValues: body.variables ?? {}, operationName: body.operationName })) as ExecutionResult;
    const actual = Math.min(requested, actualQueryCost(schema, document, op, coerced.coerced, result.data as Record<string, unknown> | null | undefined));
    bucket.refund(requested - actual);

    const extensions: Record<string, unknown> = { cost: costExtension(requested, actual, bucket.status()) };
    if (ctx.searchWarnings.length > 0) extensions['search'] = ctx.searchWarnings;
    const answer: Record<string, unknown> = {};
    if (result.errors) answer['errors'] = result.errors.map(toJson);
    answer['data'] = result.data ?? null;
    answer['extensions'] = extensions;
    return json(200, answer, headers);
  }

  private readBody(req: SimRequest): { query: string; variables?: Record<string, unknown>; operationName?: string } | undefined {
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('application/graphql')) return req.text ? { query: req.text } : undefined;
    try {
      const parsed = JSON.parse(req.text) as { query?: unknown; variables?: unknown; operationName?: unknown };
      if (typeof parsed.query !== 'string' || parsed.query === '') return undefined;
      const variables = parsed.variables && typeof parsed.variables === 'object' ? (parsed.variables as Record<string, unknown>) : undefined;
      const operationName = typeof parsed.operationName === 'string' ? parsed.operationName : undefined;
      return { query: parsed.query, ...(variables ? { variables } : {}), ...(operationName ? { operationName } : {}) };
    } catch {
      return undefined;
    }
  }
}

function costExtension(requested: number, actual: number | null, status: ThrottleStatus): Record<string, unknown> {
  return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status };
}

function toJson(e: unknown): unknown {
  if (e instanceof GraphQLError) return e.toJSON();
  return { message: e instanceof Error ? e.message : String(e) };
}
