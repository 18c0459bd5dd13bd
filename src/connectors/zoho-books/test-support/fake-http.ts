/**
 * Test support: a scripted HttpCall and TokenProvider, and a ConnectorContext built from them. Responses are
 * canned the way /work/shared/api/zoho-books.md shows them (string ids, `code`/`message` envelopes).
 */
import type { ApiRequest, ApiResponse, Connection, ConnectorContext, HttpCall, Json, TokenProvider } from '../../../sync/ports.ts';

export interface Seen extends ApiRequest {
  parsedUrl: URL;
}

export type Route = (request: Seen) => ApiResponse | undefined;

export interface FakeHttp {
  call: HttpCall;
  /** Every request, in order. */
  seen: Seen[];
  /** Adds a handler; the newest matching handler answers. `times` limits how often it answers. */
  on(method: ApiRequest['method'], pathSuffix: string | RegExp, reply: ApiResponse | ((request: Seen) => ApiResponse), times?: number): void;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

export function fakeHttp(): FakeHttp {
  const seen: Seen[] = [];
  const routes: Array<{ method: string; path: string | RegExp; reply: ApiResponse | ((r: Seen) => ApiResponse); left: number }> = [];
  return {
    seen,
    on(method, path, reply, times = Infinity) {
      routes.unshift({ method, path, reply, left: times });
    },
    async call(request) {
      const entry: Seen = { ...request, parsedUrl: new URL(request.url) };
      seen.push(entry);
      const path = entry.parsedUrl.pathname;
      const route = routes.find(
        (r) => r.left > 0 && r.method === request.method && (typeof r.path === 'string' ? path.endsWith(r.path) : r.path.test(path)),
      );
      if (!route) return json(404, { code: 5, message: 'Invalid URL Passed' });
      route.left -= 1;
      return typeof route.reply === 'function' ? route.reply(entry) : route.reply;
    },
  };
}

export interface FakeTokens extends TokenProvider {
  refreshes: string[];
}

/** Tokens `tok-1`, `tok-2`, ...: each `afterRejection` hands out the next one. */
export function fakeTokens(): FakeTokens {
  let n = 1;
  const refreshes: string[] = [];
  return {
    refreshes,
    async accessToken() {
      return `tok-${n}`;
    },
    async afterRejection(rejected) {
      refreshes.push(rejected);
      n += 1;
      return `tok-${n}`;
    },
  };
}

export const FROZEN_NOW = new Date('2026-03-02T10:15:30.000Z');

export function connection(config: Record<string, Json> = {}, secrets: Record<string, string> = {}): Connection {
  return {
    id: 'conn-1',
    tenantId: 'tenant-1',
    system: 'zoho-books',
    role: 'target',
    label: 'Zoho Books',
    status: 'active',
    statusReason: null,
    config: { apiDomain: 'https://www.zohoapis.eu', accountsServer: 'https://accounts.zoho.eu', dc: 'eu', organizationId: '10234695', ...config },
    secrets: { accessToken: 'tok-1', refreshToken: '1000.refresh', clientId: '1000.client', clientSecret: 'shh', ...secrets },
    webhookKey: 'wk',
    createdAt: FROZEN_NOW.toISOString(),
    updatedAt: FROZEN_NOW.toISOString(),
  };
}

export function context(http: FakeHttp, config: Record<string, Json> = {}, tokens: FakeTokens = fakeTokens()): ConnectorContext & { tokens: FakeTokens } {
  return { connection: connection(config), http: http.call, tokens, now: () => FROZEN_NOW };
}
