/**
 * Test helpers for the WooCommerce connector: connections (http and https stores), a fake HttpCall that routes
 * by method and path and records what was asked, and answers shaped the way WooCommerce sends them
 * (`{ code, message, data: { status } }` errors, `X-WP-Total`/`X-WP-TotalPages`/`Link` on lists).
 * Used by the *.test.ts files only.
 */
import type { ApiRequest, ApiResponse, Connection, ConnectorContext, HttpCall, Json } from '../../sync/ports.ts';

export const NOW = new Date('2026-04-02T14:00:00Z');
export const KEY = 'ck_0123456789abcdef0123456789abcdef01234567';
export const SECRET = 'cs_76543210fedcba9876543210fedcba9876543210';
export const HOOK_SECRET = 'whsec-ml-connector-test';

export function testConnection(config: Record<string, Json> = {}, secrets: Record<string, string> = {}): Connection {
  return {
    id: 'conn-woo',
    tenantId: 'tenant-1',
    system: 'woocommerce',
    role: 'source',
    label: 'Woo shop',
    status: 'active',
    statusReason: null,
    config: { siteUrl: 'https://shop.example', ...config },
    secrets: { consumerKey: KEY, consumerSecret: SECRET, webhookSecret: HOOK_SECRET, ...secrets },
    webhookKey: 'key',
    createdAt: '2026-04-01T00:00:00Z',
    updatedAt: '2026-04-01T00:00:00Z',
  };
}

export interface Seen extends ApiRequest {
  parsed: URL;
  /** Path below `/wp-json/wc/v3`. */
  route: string;
  /** The query as decoded pairs. */
  query: Record<string, string>;
}

type Reply = ApiResponse | ((request: Seen) => ApiResponse | Promise<ApiResponse>);

export interface FakeHttp {
  http: HttpCall;
  seen: Seen[];
  /** Adds a handler; the newest matching one answers; `times` limits how often. Unmatched: 404 rest_no_route. */
  on(method: ApiRequest['method'], route: string | RegExp, reply: Reply, times?: number): FakeHttp;
}

export function fakeHttp(): FakeHttp {
  const seen: Seen[] = [];
  const routes: Array<{ method: string; route: string | RegExp; reply: Reply; left: number }> = [];
  const fake: FakeHttp = {
    seen,
    on(method, route, reply, times = Infinity) {
      routes.unshift({ method, route, reply, left: times });
      return fake;
    },
    async http(request) {
      const parsed = new URL(request.url);
      const route = parsed.pathname.replace(/^.*\/wp-json\/wc\/v3/, '');
      const entry: Seen = { ...request, parsed, route, query: Object.fromEntries(parsed.searchParams) };
      seen.push(entry);
      const match = routes.find((r) => r.left > 0 && r.method === request.method && (typeof r.route === 'string' ? r.route === route : r.route.test(route)));
      if (!match) return wooError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
      match.left -= 1;
      return typeof match.reply === 'function' ? match.reply(entry) : match.reply;
    },
  };
  return fake;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

export function wooError(status: number, code: string, message: string): ApiResponse {
  return json(status, { code, message, data: { status } });
}

/** One page of a list with WordPress's paging headers. */
export function listPage(items: unknown[], page: number, totalPages: number, total = items.length, link = true): ApiResponse {
  const headers: Record<string, string> = { 'x-wp-total': String(total), 'x-wp-totalpages': String(totalPages) };
  if (link && page < totalPages) headers['link'] = `<https://shop.example/wp-json/wc/v3/orders?page=${page + 1}>; rel="next"`;
  return json(200, items, headers);
}

export function context(http: HttpCall, connection: Connection = testConnection(), now: () => Date = () => NOW): ConnectorContext {
  return {
    connection,
    http,
    tokens: { accessToken: async () => '', afterRejection: async () => '' },
    now,
  };
}
