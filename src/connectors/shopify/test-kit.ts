/**
 * Test helpers for the Shopify connector: a connection, and a fake HttpCall that answers from a script and
 * records what was asked. Used by the *.test.ts files only.
 */
import type { ApiRequest, ApiResponse, Connection, ConnectorContext, HttpCall } from '../../sync/ports.ts';

export function testConnection(overrides: Partial<Pick<Connection, 'config' | 'secrets'>> = {}): Connection {
  return {
    id: 'conn-1',
    tenantId: 'tenant-1',
    system: 'shopify',
    role: 'source',
    label: 'Shop',
    status: 'active',
    statusReason: null,
    config: { shopDomain: 'example.myshopify.com' },
    secrets: { accessToken: 'shpat_secret_token', webhookSecret: 'shpss_secret' },
    webhookKey: 'key',
    createdAt: '2026-04-01T00:00:00Z',
    updatedAt: '2026-04-01T00:00:00Z',
    ...overrides,
  };
}

export type Responder = (request: ApiRequest, body: { query: string; variables: Record<string, unknown>; operationName: string }) => ApiResponse | Promise<ApiResponse>;

export interface FakeHttp {
  http: HttpCall;
  requests: ApiRequest[];
  /** The operation names called, in order. */
  operations: () => string[];
}

/** Answers each request with the next responder in `script` (the last one repeats). */
export function fakeHttp(...script: Responder[]): FakeHttp {
  const requests: ApiRequest[] = [];
  const http: HttpCall = async (request) => {
    requests.push(request);
    const body = JSON.parse(request.body ?? '{}') as { query: string; variables: Record<string, unknown>; operationName: string };
    const responder = script[Math.min(requests.length - 1, script.length - 1)];
    if (!responder) throw new Error('no response scripted');
    return responder(request, body);
  };
  return {
    http,
    requests,
    operations: () => requests.map((r) => (JSON.parse(r.body ?? '{}') as { operationName: string }).operationName),
  };
}

export function answer(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

/** A successful GraphQL answer with a cost extension. */
export function data(value: unknown, available = 1990): ApiResponse {
  return answer(200, {
    data: value,
    extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 5, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: available, restoreRate: 100 } } },
  });
}

export function context(http: HttpCall, connection: Connection = testConnection()): ConnectorContext {
  return {
    connection,
    http,
    tokens: {
      accessToken: async () => connection.secrets['accessToken'] ?? '',
      afterRejection: async () => connection.secrets['accessToken'] ?? '',
    },
    now: () => new Date('2026-04-02T14:00:00Z'),
  };
}
