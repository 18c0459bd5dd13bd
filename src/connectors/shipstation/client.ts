/**
 * The ShipStation HTTP client: V1 with Basic auth (key:secret) and V2 with the `api-key` header, over the
 * injected HttpCall only (never fetch). Every body is read with parseJsonExact, and every failure becomes a
 * SyncError of the right class (core/errors.ts):
 *
 *   429            → RATE_LIMITED, retryAfterMs from `X-Rate-Limit-Reset` (seconds, notes §5), else
 *                    `Retry-After` (V2), else a minute. The engine's runtime already paused the shared budget.
 *   401 / 403      → AUTH_REVOKED: the keys are wrong or were regenerated; the merchant must re-enter them.
 *   404            → NOT_FOUND (callers that look a record up turn it into null)
 *   5xx            → TRANSIENT
 *   other 4xx      → VALIDATION with ShipStation's own message (`{"message"}` V1, `{errors:[{message}]}` V2)
 *   2xx, not JSON  → TRANSIENT (a proxy or maintenance page); a shape we cannot read → SOURCE_PAYLOAD_INVALID
 */
import { SyncError } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { ApiRequest, ApiResponse, ConnectorContext } from '../../sync/ports.ts';
import { retryAfterMs } from '../_kit/http.ts';
import { manifest, v1BaseUrl, v2BaseUrl } from './connector.ts';
import { ErrorBody, PageMeta } from './schemas.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface ListPage {
  records: unknown[];
  total: number;
  page: number;
  /** Pages in the whole list, recomputed from total ÷ pageSize when ShipStation says 0 (a doc slip, notes §2). */
  pages: number;
}

export interface ShipStationClient {
  /** The V1 root (`https://ssapi.shipstation.com` or config.apiBaseUrl). */
  readonly baseUrl: string;
  /** The V2 root (paths add `/v2/…`). */
  readonly v2BaseUrl: string;
  /** True when a V2 key is stored. */
  readonly hasV2: boolean;
  /** GET a V1 path (`/orders/1`) or an absolute V1 URL already checked by the caller; the parsed body. */
  get(pathOrUrl: string, query: Query, op: string): Promise<unknown>;
  /** GET one page of a V1 list and read its envelope under `listKey`. */
  list(pathOrUrl: string, listKey: string, query: Query, op: string): Promise<ListPage>;
  post(path: string, body: unknown, op: string): Promise<unknown>;
  delete(path: string, op: string): Promise<void>;
  /** GET a V2 path (`/v2/shipments`) with the `api-key` header. */
  v2Get(path: string, query: Query, op: string): Promise<unknown>;
}

/** `Basic base64("<key>:<secret>")` (notes §1). */
export function basicAuthorization(apiKey: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`, 'utf8').toString('base64')}`;
}

export function createShipStationClient(ctx: ConnectorContext): ShipStationClient {
  const { connection } = ctx;
  const baseUrl = v1BaseUrl(connection);
  const v2Base = v2BaseUrl(connection);
  const v2Key = connection.secrets['v2ApiKey'];

  function v1Headers(): Record<string, string> {
    const apiKey = connection.secrets['apiKey'];
    const apiSecret = connection.secrets['apiSecret'];
    if (!apiKey || !apiSecret) {
      throw new SyncError('AUTH_REVOKED', 'no ShipStation API key and secret are stored for this connection; the merchant must enter them (ShipStation → Settings → Account → API Settings)');
    }
    return { Authorization: basicAuthorization(apiKey, apiSecret), Accept: 'application/json', 'User-Agent': 'ml-connector' };
  }

  async function send(request: ApiRequest, version: 'V1' | 'V2'): Promise<unknown> {
    const response = await ctx.http(request);
    if (response.status >= 200 && response.status < 300) {
      if (response.text.trim() === '') return null;
      try {
        return parseJsonExact(response.text);
      } catch (error) {
        if (error instanceof JsonSyntaxError) {
          throw new SyncError('TRANSIENT', `ShipStation ${version} ${request.op} answered HTTP ${response.status} with a body that is not JSON`);
        }
        throw error;
      }
    }
    throw errorFor(response, request, version, ctx.now().getTime());
  }

  async function v1(method: ApiRequest['method'], pathOrUrl: string, query: Query, op: string, body?: unknown): Promise<unknown> {
    const headers = v1Headers();
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return send({ method, url: buildUrl(baseUrl, pathOrUrl, query), headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), op }, 'V1');
  }

  return {
    baseUrl,
    v2BaseUrl: v2Base,
    hasV2: Boolean(v2Key),

    get: (pathOrUrl, query, op) => v1('GET', pathOrUrl, query, op),

    async list(pathOrUrl, listKey, query, op) {
      const body = await v1('GET', pathOrUrl, query, op);
      return readList(body, listKey, op, query);
    },

    post: (path, body, op) => v1('POST', path, {}, op, body),

    async delete(path, op) {
      await v1('DELETE', path, {}, op);
    },

    async v2Get(path, query, op) {
      if (!v2Key) throw new SyncError('AUTH_REVOKED', 'no ShipStation V2 API key is stored for this connection');
      return send({ method: 'GET', url: buildUrl(v2Base, path, query), headers: { 'api-key': v2Key, Accept: 'application/json', 'User-Agent': 'ml-connector' }, op }, 'V2');
    },
  };
}

// ---------------------------------------------------------------- catalog (V1 apiary spec: /products, /carriers)

export interface ProductListOptions {
  /** @defaultValue 500, the V1 maximum: fewest calls against 40 a minute. */
  pageSize?: number;
  /** A runaway guard. @defaultValue 200 (100,000 products) */
  maxPages?: number;
  /** @defaultValue 3 */
  maxRestarts?: number;
}

/**
 * Every product, inactive ones included (`GET /products?showInactive=true`), every page, in ShipStation's default
 * order. The list is live: a product added or deleted while we read shifts the pages, and a product skipped that
 * way would look vanished in a catalog snapshot. So a `total` that changes between pages restarts the scan from
 * page 1 (at most `maxRestarts` times, then TRANSIENT: the next poll tries again), and records are deduplicated by
 * productId. Records are returned as ShipStation sent them (to-canonical.ts reads them).
 */
export async function listProducts(client: ShipStationClient, options: ProductListOptions = {}): Promise<unknown[]> {
  const pageSize = options.pageSize ?? 500;
  const maxPages = options.maxPages ?? 200;
  const maxRestarts = options.maxRestarts ?? 3;
  for (let restart = 0; restart <= maxRestarts; restart += 1) {
    const byId = new Map<string, unknown>();
    let firstTotal: number | null = null;
    for (let page = 1; ; page += 1) {
      const list = await client.list('/products', 'products', { showInactive: true, page, pageSize }, 'shipstation.products.list');
      firstTotal ??= list.total;
      // The set changed under us: start over (the outer loop).
      if (list.total !== firstTotal) break;
      for (const record of list.records) byId.set(isRecord(record) ? String(record['productId']) : String(byId.size), record);
      if (page >= list.pages || list.records.length === 0) return [...byId.values()];
      if (page >= maxPages) {
        throw new SyncError('VALIDATION', `ShipStation still listed more products after ${maxPages} pages of ${pageSize}; the catalog is too large to poll whole`);
      }
    }
  }
  throw new SyncError('TRANSIENT', `ShipStation's product list kept changing while it was read (${maxRestarts + 1} attempts); the next catalog poll tries again`);
}

/** `GET /carriers`: the carriers connected to the account, a bare array (V1 spec). */
export async function listCarriers(client: ShipStationClient): Promise<unknown[]> {
  return bareArray(await client.get('/carriers', {}, 'shipstation.carriers.list'), 'GET /carriers');
}

/** `GET /carriers/listservices?carrierCode=`: one carrier's shipping services, a bare array (V1 spec). */
export async function listServices(client: ShipStationClient, carrierCode: string): Promise<unknown[]> {
  return bareArray(await client.get('/carriers/listservices', { carrierCode }, 'shipstation.carriers.services'), 'GET /carriers/listservices');
}

function bareArray(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw new SyncError('SOURCE_PAYLOAD_INVALID', `ShipStation ${what} did not answer with a list`);
  return body;
}

/**
 * `base + path` or an absolute URL, with `query` set on it. Parameters already in an absolute URL keep their
 * place unless `query` names them (compared case-insensitively, as ShipStation does: `storeID` vs `storeId`).
 * Values are percent-encoded (`2026-11-01 00:25:00` → `2026-11-01%2000:25:00`), never with `+` for a space.
 */
export function buildUrl(base: string, pathOrUrl: string, query: Query): string {
  const url = /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(`${base}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`);
  const given = Object.entries(query).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined);
  const names = new Set(given.map(([name]) => name.toLowerCase()));
  const kept = [...url.searchParams.entries()].filter(([name]) => !names.has(name.toLowerCase()));
  const pairs = [...kept, ...given.map(([name, value]) => [name, String(value)] as const)];
  url.search = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
  return url.toString();
}

function readList(body: unknown, listKey: string, op: string, query: Query): ListPage {
  const records = isRecord(body) ? body[listKey] : undefined;
  const meta = PageMeta.safeParse(body);
  if (!Array.isArray(records) || !meta.success) {
    throw new SyncError('SOURCE_PAYLOAD_INVALID', `ShipStation ${op} did not answer with a "${listKey}" list envelope`);
  }
  const pageSize = Number(query['pageSize']) > 0 ? Number(query['pageSize']) : Math.max(records.length, 1);
  const total = meta.data.total ?? records.length;
  const page = meta.data.page ?? Number(query['page'] ?? 1);
  const pages = Math.max(meta.data.pages ?? 0, Math.ceil(total / pageSize));
  return { records, total, page, pages };
}

function errorFor(response: ApiResponse, request: ApiRequest, version: 'V1' | 'V2', now: number): SyncError {
  const where = `ShipStation ${version} ${request.method} ${pathOf(request.url)}`;
  const status = response.status;
  if (status === 429) {
    const waitMs = rateLimitWaitMs(response.headers, now);
    return new SyncError('RATE_LIMITED', `${where} was refused: the limit of ${manifest.rateLimits.perMinute} calls a minute for this API key is spent; it resets in ${Math.ceil(waitMs / 1000)} s`, { retryAfterMs: waitMs });
  }
  if (status === 401 || status === 403) {
    return new SyncError(
      'AUTH_REVOKED',
      version === 'V1'
        ? `ShipStation refused the API key and secret (HTTP ${status}): they are wrong or were regenerated, and the merchant must re-enter them in the connection settings`
        : `ShipStation refused the V2 API key (HTTP ${status}): it is wrong or was revoked, and the merchant must re-enter it in the connection settings`,
    );
  }
  if (status === 404) return new SyncError('NOT_FOUND', `${where} found nothing (HTTP 404)`);
  if (status >= 500) return new SyncError('TRANSIENT', `${where} failed with HTTP ${status}`);
  return new SyncError('VALIDATION', `${where} was refused with HTTP ${status}: ${messageOf(response.text)}`);
}

/** Seconds in `X-Rate-Limit-Reset` (V1), else `Retry-After` (V2), else a minute; at least one second. */
export function rateLimitWaitMs(headers: Record<string, string>, now: number): number {
  const reset = Number(headers['x-rate-limit-reset']);
  if (headers['x-rate-limit-reset'] !== undefined && Number.isFinite(reset) && reset >= 0) return Math.max(1000, Math.ceil(reset * 1000));
  const after = retryAfterMs(headers, now);
  return Math.max(1000, after ?? manifest.rateLimits.windowMs);
}

function messageOf(text: string): string {
  let body: unknown;
  try {
    body = parseJsonExact(text);
  } catch {
    return plain(text) || 'no message';
  }
  const parsed = ErrorBody.safeParse(body);
  if (parsed.success) {
    const { message, Message, ExceptionMessage, errors } = parsed.data;
    const v2 = (errors ?? []).map((e) => e.message ?? e.error_code ?? '').filter((m) => m !== '');
    const found = message ?? Message ?? ExceptionMessage ?? (v2.length > 0 ? v2.join('; ') : undefined);
    if (found) return plain(found);
  }
  return plain(text) || 'no message';
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** One line, at most 300 characters: error text goes into audit rows and operator messages. */
function plain(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
