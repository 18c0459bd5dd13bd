/**
 * The `/wc/v3` REST client: one signed request per call over the injected HttpCall (never fetch), bodies read
 * with parseJsonExact, every failure turned into a SyncError of the right class (core/errors.ts). WooCommerce
 * errors are `{ code, message, data: { status } }` (notes §3):
 *
 *   401 woocommerce_rest_authentication_error,     → AUTH_REVOKED: the keys are wrong, revoked, or their user was
 *       woocommerce_rest_cannot_view (anonymous),     deleted; the sentence says to re-enter them
 *       …_missing_parameter                           ("Invalid timestamp." says to check this server's clock)
 *   401 "Invalid nonce"                            → TRANSIENT (the next attempt has a new nonce)
 *   401/403 "does not have read|write permissions", → PERMISSION_DENIED: the key works but may not do this
 *       403 woocommerce_rest_cannot_*
 *   404 rest_no_route, or a page that is not JSON  → PERMISSION_DENIED: no WooCommerce REST API at this address
 *   404 (any other code)                           → NOT_FOUND (fetchOrder/fetchCustomer turn it into null)
 *   429, 503 with Retry-After                      → RATE_LIMITED with the wait the host asked for
 *   5xx                                            → TRANSIENT
 *   3xx                                            → VALIDATION naming where the store redirects (fix the URL)
 *   other 4xx                                      → VALIDATION with WooCommerce's message
 *   2xx that is not JSON or not our shape          → TRANSIENT / SOURCE_PAYLOAD_INVALID
 *
 * Pagination (§4.1): `page`/`per_page`, continued while `Link` has rel="next" or `X-WP-TotalPages` says more
 * pages follow. The `Link` URLs themselves are not followed: they repeat the credentials and would need a new
 * OAuth signature anyway; the next page is the same request with `page` + 1.
 */
import type { z } from 'zod';
import { SyncError } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { ApiResponse, ConnectorContext } from '../../sync/ports.ts';
import { retryAfterMs } from '../_kit/http.ts';
import { authModeFor, signRequest, type AuthMode, type SignatureMethod } from './auth.ts';
import { manifest, normalizeSiteUrl } from './connector.ts';
import { WooError } from './schemas.ts';

export type QueryValue = string | number | boolean;

export interface WooCommerceClientOptions {
  /** OAuth nonce source (tests pin it). */
  nonce?: () => string;
}

export interface RequestOptions {
  query?: Record<string, QueryValue | undefined>;
  body?: unknown;
  /** Audit label, e.g. 'woocommerce.orders.get'. */
  op: string;
}

export interface WooResponse {
  status: number;
  headers: Record<string, string>;
  json: unknown;
}

export interface Page<T> {
  items: T[];
  page: number;
  /** From X-WP-TotalPages, when sent. */
  totalPages: number | null;
}

export interface WooCommerceClient {
  /** `https://shop.example`: the store as WordPress knows it (OAuth base strings, webhook Source). */
  readonly siteUrl: string;
  /** `${apiBaseUrl ?? siteUrl}/wp-json/wc/v3`. */
  readonly apiRoot: string;
  readonly authMode: AuthMode;
  /** One call; a non-2xx status throws the SyncError of the table above. */
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options: RequestOptions): Promise<WooResponse>;
  /** GET and check the body against `schema`. */
  get<S extends z.ZodType>(path: string, schema: S, options: RequestOptions): Promise<z.infer<S>>;
  /** Every page of a list, `per_page` = 100 unless given, each item checked against `item`. */
  pages<S extends z.ZodType>(path: string, item: S, options: RequestOptions): AsyncGenerator<Page<z.infer<S>>>;
}

export function createWooCommerceClient(ctx: ConnectorContext, options: WooCommerceClientOptions = {}): WooCommerceClient {
  const { config, secrets } = ctx.connection;
  const siteUrl = typeof config['siteUrl'] === 'string' && config['siteUrl'].trim() !== '' ? normalizeSiteUrl(config['siteUrl']) : '';
  const apiBase = typeof config['apiBaseUrl'] === 'string' && config['apiBaseUrl'].trim() !== '' ? normalizeSiteUrl(config['apiBaseUrl']) : siteUrl;
  const authMode = authModeFor(siteUrl, config['queryStringAuth'] === true);
  const signatureMethod: SignatureMethod = config['signatureMethod'] === 'HMAC-SHA1' ? 'HMAC-SHA1' : manifest.auth.signatureMethod;
  const apiRoot = `${apiBase}${manifest.restPrefix}`;
  const label = siteUrl || 'this WooCommerce store';

  async function request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: RequestOptions): Promise<WooResponse> {
    if (!siteUrl) throw new SyncError('VALIDATION', 'the WooCommerce connection has no site URL: set config.siteUrl (https://shop.example)');
    const consumerKey = secrets['consumerKey'];
    const consumerSecret = secrets['consumerSecret'];
    if (!consumerKey || !consumerSecret) {
      throw new SyncError('AUTH_REVOKED', `no WooCommerce API keys are stored for ${label}: enter the consumer key and secret (WooCommerce › Settings › Advanced › REST API)`);
    }
    const query: [string, string][] = [];
    for (const [key, value] of Object.entries(opts.query ?? {})) if (value !== undefined) query.push([key, String(value)]);
    const signed = signRequest({
      method,
      siteUrl,
      baseUrl: apiBase,
      path: `${manifest.restPrefix}${path}`,
      query,
      credentials: { consumerKey, consumerSecret },
      mode: authMode,
      now: ctx.now(),
      signatureMethod,
      ...(options.nonce ? { nonce: options.nonce } : {}),
    });
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'ml-connector', ...signed.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const response = await ctx.http({ method, url: signed.url, headers, ...(body !== undefined ? { body } : {}), timeoutMs: manifest.request.timeoutMs, op: opts.op });
    const json = readJson(response.text);
    if (response.status >= 200 && response.status < 300) {
      if (json === undefined) {
        throw new SyncError('TRANSIENT', `${where(method, path)} answered HTTP ${response.status} with a body that is not JSON (${snippet(response.text)})`);
      }
      return { status: response.status, headers: response.headers, json };
    }
    throw errorFor(response, json, { label, method, path, apiRoot, now: ctx.now().getTime() });
  }

  function where(method: string, path: string): string {
    return `WooCommerce ${method} ${path.split('?')[0]} on ${label}`;
  }

  return {
    siteUrl,
    apiRoot,
    authMode,
    request,
    async get(path, schema, opts) {
      const { json } = await request('GET', path, opts);
      return parseBody(schema, json, where('GET', path));
    },
    async *pages(path, item, opts) {
      const perPage = opts.query?.['per_page'] ?? manifest.polling.pageSize;
      for (let page = 1; page <= manifest.polling.maxPages; page += 1) {
        const response = await request('GET', path, { ...opts, query: { ...opts.query, per_page: perPage, page } });
        if (!Array.isArray(response.json)) {
          throw new SyncError('SOURCE_PAYLOAD_INVALID', `${where('GET', path)} page ${page} is not a list`);
        }
        const items = response.json.map((raw, i) => parseBody(item, raw, `${where('GET', path)} page ${page} item ${i + 1}`));
        const totalPages = headerInt(response.headers, 'x-wp-totalpages');
        yield { items, page, totalPages };
        if (!hasNextPage(response.headers, page, items.length, Number(perPage))) return;
      }
      throw new SyncError('SOURCE_PAYLOAD_INVALID', `${where('GET', path)} still had more pages after ${manifest.polling.maxPages}; the store seems to ignore the page parameter`);
    },
  };
}

/** rel="next" in Link, else X-WP-TotalPages, else a full page (a server that sends neither header). */
export function hasNextPage(headers: Record<string, string>, page: number, itemCount: number, perPage: number): boolean {
  const link = headers['link'];
  if (link !== undefined && /rel="?next"?/i.test(link)) return true;
  const total = headerInt(headers, 'x-wp-totalpages');
  if (total !== null) return page < total;
  if (link !== undefined) return false;
  return itemCount >= perPage && itemCount > 0;
}

function headerInt(headers: Record<string, string>, name: string): number | null {
  const value = headers[name];
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

function readJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parseJsonExact(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
}

function parseBody<S extends z.ZodType>(schema: S, json: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `${where}: unexpected answer at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
}

interface ErrorContext {
  label: string;
  method: string;
  path: string;
  apiRoot: string;
  now: number;
}

const REENTER = 're-enter the consumer key and secret (WooCommerce › Settings › Advanced › REST API, a key with Read/Write permission)';

/** The SyncError for a non-2xx answer; `json` is the parsed body or undefined. Exported for tests. */
export function errorFor(response: ApiResponse, json: unknown, c: ErrorContext): SyncError {
  const status = response.status;
  const parsed = WooError.safeParse(json);
  const code = parsed.success ? parsed.data.code : '';
  const message = parsed.success ? plain(parsed.data.message ?? '') : '';
  const said = code ? `${code}${message ? `: ${message}` : ''}` : `HTTP ${status}`;
  const where = `WooCommerce ${c.method} ${c.path.split('?')[0]} on ${c.label}`;

  if (status >= 300 && status < 400) {
    const location = response.headers['location'];
    return new SyncError('VALIDATION', `${c.label} redirects the API (HTTP ${status}${location ? ` to ${location}` : ''}): set the site URL to the address the store redirects to${location ? ` (${originOf(location)})` : ''}`);
  }
  if (status === 429 || (status === 503 && response.headers['retry-after'] !== undefined)) {
    const after = retryAfterMs(response.headers, c.now) ?? 60_000;
    return new SyncError('RATE_LIMITED', `${c.label} (or its host) is throttling requests (HTTP ${status}); waiting ${Math.ceil(after / 1000)} s`, { retryAfterMs: after });
  }
  if (status >= 500) {
    return new SyncError('TRANSIENT', `${where} failed with HTTP ${status}${code ? ` (${said})` : ''}`);
  }
  if (/does not have (read|write) permissions/i.test(message)) {
    return new SyncError('PERMISSION_DENIED', `${c.label} refused: ${message} Give the API key Read/Write permission, or create a new key that has it.`);
  }
  if (status === 401) {
    if (/nonce/i.test(message)) return new SyncError('TRANSIENT', `${where}: ${message}`);
    if (/timestamp/i.test(message)) {
      return new SyncError('AUTH_REVOKED', `${c.label} refused the request time (${message}): this server's clock and the store's differ by more than 15 minutes; correct the clock`);
    }
    return new SyncError('AUTH_REVOKED', `${c.label} refused the API keys (${said}): the key was revoked or its user deleted, or the keys were mistyped; ${REENTER}`);
  }
  if (status === 403) {
    return new SyncError('PERMISSION_DENIED', `${where} was forbidden (${said}): the API key's user lacks the shop-manager capability this needs`);
  }
  if (status === 404) {
    if (code === 'rest_no_route' || json === undefined) {
      return new SyncError('PERMISSION_DENIED', `no WooCommerce REST API answers at ${c.apiRoot} (${code === 'rest_no_route' ? 'rest_no_route' : 'HTTP 404, not JSON'}): check the site URL, that WooCommerce 3.5+ is active, and that WordPress uses pretty permalinks`);
    }
    return new SyncError('NOT_FOUND', `${where}: ${said}`);
  }
  return new SyncError('VALIDATION', `${where} was refused with HTTP ${status}: ${message || said}`);
}

function originOf(url: string): string {
  try {
    return normalizeSiteUrl(url).replace(/\/wp-json\/.*$/, '');
  } catch {
    return url;
  }
}

function snippet(text: string): string {
  return plain(text).slice(0, 80) || 'empty';
}

/** One line, at most 300 characters: error text goes into audit rows and operator messages. */
function plain(text: string): string {
  const line = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
