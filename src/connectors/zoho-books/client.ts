/**
 * The Zoho Books request helper (/work/shared/api/zoho-books.md §2): every call goes to the connection's own
 * `api_domain` + `/books/v3`, carries `organization_id` (except `GET /organizations`) and
 * `Authorization: Zoho-oauthtoken <token>`, and is judged by Zoho's envelope (`code !== 0` is an error,
 * whatever the status). A refused token is refreshed once through the TokenProvider and the call retried once.
 */
import { SyncError } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { ApiRequest, ApiResponse, ConnectorContext } from '../../sync/ports.ts';
import { manifest } from './connector.ts';
import { isTokenRejection, zohoError } from './errors.ts';
import { writeJson, type BodyObject } from '../_kit/json-body.ts';

export type ZohoRecord = Record<string, unknown>;
export type Query = Record<string, string | number | boolean | undefined>;

export interface ZohoRequest {
  method: ApiRequest['method'];
  /** Relative to `{api_domain}/books/v3`, e.g. `/invoices/123`. */
  path: string;
  query?: Query;
  body?: BodyObject;
  /** Audit label, e.g. `zoho.invoices.create`. */
  op: string;
  /** False only for `GET /organizations`, the one call without `organization_id`. */
  withOrganization?: boolean;
}

export interface ZohoResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed envelope (`code` is 0). Ids stay strings or bigints, amounts stay decimal text. */
  body: ZohoRecord;
}

export interface ZohoClient {
  request(request: ZohoRequest): Promise<ZohoResponse>;
  /** Every record of a paged list (`page` / `per_page=200` until `has_more_page` is false). */
  list(path: string, key: string, query: Query, op: string, options?: { maxPages?: number }): Promise<ZohoRecord[]>;
  /** `config.organizationId`, or the one found through `GET /organizations` (once per client). */
  organizationId(): Promise<string>;
  /** The organizations this token can see (`GET /organizations`). */
  organizations(): Promise<ZohoRecord[]>;
  /** The connection's api_domain without a trailing slash ('' when the config lacks it). */
  readonly apiDomain: string;
}

export function createZohoClient(ctx: ConnectorContext): ZohoClient {
  // Checked per call, not here, so that ping can answer with a sentence instead of throwing.
  const apiDomain = (optionalConfigString(ctx, 'apiDomain') ?? '').replace(/\/+$/, '');
  const configuredOrg = optionalConfigString(ctx, 'organizationId');
  let resolvedOrg: Promise<string> | null = configuredOrg ? Promise.resolve(configuredOrg) : null;

  async function send(request: ZohoRequest, token: string, orgId: string | undefined): Promise<ApiResponse> {
    const params = new URLSearchParams();
    if (orgId !== undefined) params.set('organization_id', orgId);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.toString();
    const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = writeJson(request.body);
    }
    return ctx.http({
      method: request.method,
      url: `${apiDomain}${manifest.apiBasePath}${request.path}${search ? `?${search}` : ''}`,
      headers,
      ...(body !== undefined ? { body } : {}),
      op: request.op,
    });
  }

  async function request(req: ZohoRequest): Promise<ZohoResponse> {
    if (apiDomain === '') {
      throw new SyncError('AUTH_REVOKED', 'the Zoho Books connection has no apiDomain in its config; reconnect it');
    }
    const orgId = req.withOrganization === false ? undefined : await organizationId();
    let token = await ctx.tokens.accessToken();
    let response = await send(req, token, orgId);
    let envelope = readEnvelope(response);
    if (isTokenRejection(response.status, envelope.code, envelope.message)) {
      token = await ctx.tokens.afterRejection(token);
      response = await send(req, token, orgId);
      envelope = readEnvelope(response);
      if (isTokenRejection(response.status, envelope.code, envelope.message)) {
        throw new SyncError(
          'AUTH_EXPIRED',
          `Zoho Books refused a freshly refreshed access token at ${apiDomain} (HTTP ${response.status}${envelope.message ? ` "${envelope.message}"` : ''}); the token may belong to another data centre`,
        );
      }
    }
    const ok = response.status >= 200 && response.status < 300 && envelope.code === 0 && envelope.body !== null;
    if (!ok) {
      if (envelope.body === null && response.status >= 200 && response.status < 300) {
        throw new SyncError('TRANSIENT', `Zoho Books answered HTTP ${response.status} with a body that is not its JSON envelope`, {
          uncertain: req.method !== 'GET',
        });
      }
      throw zohoError({
        status: response.status,
        zohoCode: envelope.code,
        message: envelope.message,
        headers: response.headers,
        now: ctx.now(),
        organizationId: orgId,
        apiDomain,
        write: req.method !== 'GET',
      });
    }
    return { status: response.status, headers: response.headers, body: envelope.body as ZohoRecord };
  }

  async function organizations(): Promise<ZohoRecord[]> {
    const { body } = await request({ method: 'GET', path: '/organizations', op: 'zoho.organizations.list', withOrganization: false });
    return records(body['organizations']);
  }

  function organizationId(): Promise<string> {
    resolvedOrg ??= pickOrganization().catch((error: unknown) => {
      resolvedOrg = null;
      throw error;
    });
    return resolvedOrg;
  }

  async function pickOrganization(): Promise<string> {
    return chooseOrganization(await organizations(), apiDomain);
  }

  async function list(path: string, key: string, query: Query, op: string, options: { maxPages?: number } = {}): Promise<ZohoRecord[]> {
    const maxPages = options.maxPages ?? 50;
    const out: ZohoRecord[] = [];
    for (let page = 1; page <= maxPages; page += 1) {
      const { body } = await request({ method: 'GET', path, query: { ...query, page, per_page: manifest.pagination.perPage }, op });
      out.push(...records(body[key]));
      const context = body['page_context'];
      const more = isRecord(context) && context['has_more_page'] === true;
      if (!more) return out;
    }
    return out;
  }

  return { request, list, organizationId, organizations, apiDomain };
}

// ---------------------------------------------------------------- envelope and values

interface Envelope {
  body: ZohoRecord | null;
  code: number | undefined;
  message: string | undefined;
}

function readEnvelope(response: ApiResponse): Envelope {
  if (response.text.trim() === '') return { body: null, code: undefined, message: undefined };
  let parsed: unknown;
  try {
    parsed = parseJsonExact(response.text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { body: null, code: undefined, message: undefined };
    throw error;
  }
  if (!isRecord(parsed)) return { body: null, code: undefined, message: undefined };
  const code = parsed['code'];
  const message = parsed['message'];
  return {
    body: parsed,
    code: typeof code === 'number' ? code : typeof code === 'string' && /^-?\d+$/.test(code) ? Number(code) : undefined,
    message: typeof message === 'string' ? message : undefined,
  };
}

export function isRecord(value: unknown): value is ZohoRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function records(value: unknown): ZohoRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** An id as Zoho sent it (string, or a number/bigint when an OAS-style sample sent digits) → string. */
export function idOf(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new SyncError('TRANSIENT', `Zoho Books answered without a usable ${what}`);
}

export function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'bigint' || typeof value === 'number' ? String(value) : null;
}

/**
 * The organization to use when config names none: the only one, or the one flagged default. Several and no
 * default: fail with a sentence listing them (picking `organizations[0]` would read the wrong ledger).
 */
export function chooseOrganization(orgs: readonly ZohoRecord[], apiDomain: string): string {
  if (orgs.length === 0) {
    throw new SyncError('PERMISSION_DENIED', `this Zoho user has no Zoho Books organization at ${apiDomain}; create one, or connect the data centre that holds it`);
  }
  if (orgs.length === 1) return idOf(orgs[0]?.['organization_id'], 'organization_id');
  const defaults = orgs.filter((o) => o['is_default_org'] === true);
  if (defaults.length === 1) return idOf(defaults[0]?.['organization_id'], 'organization_id');
  throw new SyncError(
    'PERMISSION_DENIED',
    `this Zoho user belongs to ${orgs.length} organizations and none is the default; set organizationId to one of ${describeOrgs(orgs)}`,
  );
}

export function describeOrgs(orgs: readonly ZohoRecord[]): string {
  return orgs
    .map((o) => `${optionalString(o['organization_id']) ?? '?'} (${optionalString(o['name']) ?? 'unnamed'})`)
    .join(', ');
}

function optionalConfigString(ctx: ConnectorContext, key: string): string | undefined {
  const value = ctx.connection.config[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
