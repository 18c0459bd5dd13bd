/**
 * Test helpers for the ShipStation connector: a connection, and a fake HttpCall that answers from routes and
 * records what was asked. Used by the *.test.ts files only.
 */
import type { ApiRequest, ApiResponse, Connection, ConnectorContext, HttpCall, Json } from '../../sync/ports.ts';

export const NOW = new Date('2026-04-02T14:00:00Z');

export function testConnection(config: Record<string, Json> = {}, secrets: Record<string, string> = {}): Connection {
  return {
    id: 'conn-ss',
    tenantId: 'tenant-1',
    system: 'shipstation',
    role: 'source',
    label: 'ShipStation',
    status: 'active',
    statusReason: null,
    config,
    secrets: { apiKey: 'ShipStation', apiSecret: 'Rocks', ...secrets },
    webhookKey: 'wk',
    createdAt: '2026-04-01T00:00:00Z',
    updatedAt: '2026-04-01T00:00:00Z',
  };
}

export interface Seen extends ApiRequest {
  parsed: URL;
  /** Query parameters, names as sent. */
  query: Record<string, string>;
}

export type Reply = ApiResponse | ((request: Seen) => ApiResponse);

export interface FakeHttp {
  http: HttpCall;
  seen: Seen[];
  /** Adds a route; the newest matching one answers. `times` limits how often. */
  on(method: ApiRequest['method'], path: string | RegExp, reply: Reply, times?: number): FakeHttp;
}

export function fakeHttp(): FakeHttp {
  const seen: Seen[] = [];
  const routes: Array<{ method: string; path: string | RegExp; reply: Reply; left: number }> = [];
  const fake: FakeHttp = {
    seen,
    on(method, path, reply, times = Infinity) {
      routes.unshift({ method, path, reply, left: times });
      return fake;
    },
    async http(request) {
      const parsed = new URL(request.url);
      const entry: Seen = { ...request, parsed, query: Object.fromEntries(parsed.searchParams) };
      seen.push(entry);
      const route = routes.find(
        (r) => r.left > 0 && r.method === request.method && (typeof r.path === 'string' ? parsed.pathname === r.path : r.path.test(parsed.pathname)),
      );
      if (!route) return answer(404, { message: `No HTTP resource was found that matches the request URI '${parsed.pathname}'.` });
      route.left -= 1;
      return typeof route.reply === 'function' ? route.reply(entry) : route.reply;
    },
  };
  return fake;
}

/** A JSON answer; `body` may be raw text (to keep exact numbers such as 12.50). */
export function answer(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-rate-limit-limit': '40', 'x-rate-limit-remaining': '39', 'x-rate-limit-reset': '59', ...headers },
    text: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A V1 list envelope with pages = ceil(total / pageSize). */
export function envelope(key: string, records: unknown[], page: number, pageSize: number, total = records.length): ApiResponse {
  return answer(200, { [key]: records, total, page, pages: Math.ceil(total / pageSize) });
}

export function context(http: HttpCall, connection: Connection = testConnection(), now: () => Date = () => NOW): ConnectorContext {
  return {
    connection,
    http,
    tokens: { accessToken: async () => '', afterRejection: async () => '' },
    now,
  };
}

/** Every page of an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
