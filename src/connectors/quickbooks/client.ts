/**
 * The QuickBooks Online request helper (/work/shared/api/quickbooks-online.md §2, §4, §8, §9):
 * - every call goes to `${apiBase}/v3/company/${realmId}/${path}?minorversion=75`, with `Authorization: Bearer`,
 *   `Accept: application/json` and, for entity bodies, `Content-Type: application/json`;
 * - a 401 is refreshed once through the TokenProvider and the call retried once (then AUTH_EXPIRED);
 * - answers are parsed with `parseJsonExact` (ids and amounts keep every digit) and judged by their Fault, which
 *   a 200 may carry too;
 * - the query language is built here only, with every string literal escaped, so a customer named
 *   `O'Brien' OR …` is a name and never a clause (§4: single quotes, an embedded quote escaped with a backslash).
 */
import { SyncError } from '../../core/errors.ts';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { ApiResponse, ConnectorContext } from '../../sync/ports.ts';
import { apiBaseUrl, manifest, MINOR_VERSION, QuickBooksConfig } from './connector.ts';
import { faultOf, isRecord, parseFault, QboError, qboError } from './errors.ts';
import { writeJson, type BodyObject } from '../_kit/json-body.ts';

export type QboRecord = Record<string, unknown>;

export interface QboRequest {
  method: 'GET' | 'POST';
  /** Relative to `/v3/company/{realmId}/`, e.g. `invoice`, `invoice/12`, `companyinfo/123`. */
  path: string;
  /** Extra query parameters (`operation`, `include`); minorversion and requestid are added here. */
  query?: Record<string, string | undefined>;
  body?: BodyObject;
  /** A non-JSON body (the query language: `application/text`). */
  text?: { body: string; contentType: string };
  /** §9: the same id for the same company replays the first answer instead of running the call again. */
  requestId?: string;
  /** Audit label, e.g. `quickbooks.invoice.create`. */
  op: string;
}

export type BatchOperation =
  | { operation: 'create' | 'update' | 'delete' | 'void'; entity: EntityName; body: BodyObject }
  | { query: string };

export type BatchResult =
  | { ok: true; entity: EntityName | 'QueryResponse'; record: QboRecord }
  | { ok: false; error: QboError };

export type EntityName = 'Customer' | 'Vendor' | 'Item' | 'Account' | 'Invoice' | 'TaxCode' | 'TaxRate' | 'JournalEntry' | 'Payment' | 'CreditMemo';

export interface QboClient {
  readonly realmId: string;
  /** `${apiBase}/v3/company/${realmId}` */
  readonly companyUrl: string;
  /** The parsed answer (never a Fault). */
  request(request: QboRequest): Promise<QboRecord>;
  /** `GET /{entity}/{id}`; null when QBO answers 610 (deleted, never existed). */
  read(entity: EntityName, id: string): Promise<QboRecord | null>;
  /** `POST /{entity}[?operation=…]` and the entity from the answer. */
  write(entity: EntityName, body: BodyObject, options?: { operation?: 'update' | 'delete' | 'void'; requestId?: string; op?: string }): Promise<QboRecord>;
  /** One page of a query: the rows, `[]` for QBO's "no rows" answer (`{"QueryResponse":{}}`). */
  query(statement: string, op: string): Promise<QboRecord[]>;
  /** Every row, page by page (STARTPOSITION / MAXRESULTS), stopping at a short page or `maxPages`. */
  queryAll(entity: EntityName, where: readonly Condition[], op: string, options?: { pageSize?: number; maxPages?: number; orderBy?: string }): Promise<QboRecord[]>;
  /** `POST /batch`, at most 30 items a request, one result per operation in the order given (§8). */
  batch(operations: readonly BatchOperation[], options?: { requestId?: string; op?: string }): Promise<BatchResult[]>;
}

/** Reads and checks the connection config once; a broken config fails every call with a sentence. */
export function readConfig(ctx: ConnectorContext): QuickBooksConfig {
  const parsed = QuickBooksConfig.safeParse(ctx.connection.config);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'config'))].join(', ');
  throw new SyncError('AUTH_REVOKED', `the QuickBooks connection's config is incomplete or invalid (${fields}); reconnect QuickBooks`);
}

export function createQuickBooksClient(ctx: ConnectorContext): QboClient {
  const config = readConfig(ctx);
  const companyUrl = `${apiBaseUrl(config)}/v3/company/${encodeURIComponent(config.realmId)}`;

  function urlOf(request: QboRequest): string {
    const params = new URLSearchParams({ minorversion: String(MINOR_VERSION) });
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) params.set(key, value);
    if (request.requestId !== undefined) params.set('requestid', request.requestId);
    return `${companyUrl}/${request.path}?${params.toString()}`;
  }

  async function send(request: QboRequest, token: string): Promise<ApiResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = writeJson(request.body);
    } else if (request.text !== undefined) {
      headers['content-type'] = request.text.contentType;
      body = request.text.body;
    }
    return ctx.http({ method: request.method, url: urlOf(request), headers, ...(body !== undefined ? { body } : {}), op: request.op });
  }

  async function request(req: QboRequest): Promise<QboRecord> {
    if (req.requestId !== undefined && (req.requestId === '' || req.requestId.length > manifest.requestIdMaxLength)) {
      throw new SyncError('VALIDATION', `requestid "${req.requestId}" is not 1 to ${manifest.requestIdMaxLength} characters`);
    }
    let token = await ctx.tokens.accessToken();
    let response = await send(req, token);
    if (response.status === 401) {
      token = await ctx.tokens.afterRejection(token);
      response = await send(req, token);
      if (response.status === 401) {
        const refused = qboError({ status: 401, fault: parseFault(response.text), headers: response.headers, write: false, op: req.op });
        throw new QboError('AUTH_EXPIRED', `QuickBooks refused a freshly refreshed access token (${refused.message}); reconnect QuickBooks`, {
          qboCode: refused.qboCode,
          status: 401,
        });
      }
    }
    const write = req.method !== 'GET';
    const ok = response.status >= 200 && response.status < 300;
    let parsed: unknown;
    try {
      parsed = response.text.trim() === '' ? null : parseJsonExact(response.text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      // Gateway faults may be XML even though JSON was asked for (§2, §6.1).
      if (!ok) throw qboError({ status: response.status, fault: parseFault(response.text), headers: response.headers, write, op: req.op });
      throw new SyncError('TRANSIENT', `QuickBooks answered HTTP ${response.status} to ${req.op} with a body that is not JSON`, { uncertain: write });
    }
    const fault = faultOf(parsed);
    if (!ok || fault) throw qboError({ status: response.status, fault, headers: response.headers, write, op: req.op });
    if (!isRecord(parsed)) throw new SyncError('TRANSIENT', `QuickBooks answered HTTP ${response.status} to ${req.op} without a JSON object`, { uncertain: write });
    return parsed;
  }

  async function read(entity: EntityName, id: string): Promise<QboRecord | null> {
    try {
      const body = await request({ method: 'GET', path: `${entity.toLowerCase()}/${encodeURIComponent(id)}`, op: `quickbooks.${entity.toLowerCase()}.read` });
      return entityOf(body, entity);
    } catch (error) {
      if (error instanceof QboError && error.qboCode === '610') return null;
      throw error;
    }
  }

  async function write(
    entity: EntityName,
    body: BodyObject,
    options: { operation?: 'update' | 'delete' | 'void'; requestId?: string; op?: string } = {},
  ): Promise<QboRecord> {
    const op = options.op ?? `quickbooks.${entity.toLowerCase()}.${options.operation ?? 'create'}`;
    const answer = await request({
      method: 'POST',
      path: entity.toLowerCase(),
      ...(options.operation ? { query: { operation: options.operation } } : {}),
      body,
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      op,
    });
    return entityOf(answer, entity);
  }

  async function query(statement: string, op: string): Promise<QboRecord[]> {
    // POST with the statement as an `application/text` body (§4): names and emails stay out of URLs and logs.
    const answer = await request({ method: 'POST', path: 'query', text: { body: statement, contentType: 'application/text' }, op });
    return rowsOf(answer['QueryResponse']);
  }

  async function queryAll(
    entity: EntityName,
    where: readonly Condition[],
    op: string,
    options: { pageSize?: number; maxPages?: number; orderBy?: string } = {},
  ): Promise<QboRecord[]> {
    const pageSize = Math.min(options.pageSize ?? manifest.query.maxResults, manifest.query.maxResults);
    const maxPages = options.maxPages ?? 20;
    const out: QboRecord[] = [];
    for (let page = 0; page < maxPages; page += 1) {
      const statement = selectQuery(entity, where, {
        startPosition: page * pageSize + 1,
        maxResults: pageSize,
        ...(options.orderBy ? { orderBy: options.orderBy } : {}),
      });
      const rows = await query(statement, op);
      out.push(...rows);
      if (rows.length < pageSize) break;
    }
    return out;
  }

  async function batch(operations: readonly BatchOperation[], options: { requestId?: string; op?: string } = {}): Promise<BatchResult[]> {
    const results: BatchResult[] = [];
    const size = manifest.batch.maxItems;
    for (let start = 0, chunk = 0; start < operations.length; start += size, chunk += 1) {
      const slice = operations.slice(start, start + size);
      const requestId = options.requestId === undefined ? undefined : `${options.requestId}.${chunk}`;
      if (requestId !== undefined && requestId.length > manifest.batch.maxRequestIdLength) {
        throw new SyncError('VALIDATION', `a batch requestid may have at most ${manifest.batch.maxRequestIdLength} characters; "${requestId}" has ${requestId.length}`);
      }
      // bIds are the item's place in the chunk: short enough for the 10-character limit that applies with a requestid.
      const items = slice.map((operation, i) =>
        'query' in operation
          ? { bId: String(i), Query: operation.query }
          : { bId: String(i), operation: operation.operation, [operation.entity]: operation.body },
      );
      const op = options.op ?? 'quickbooks.batch';
      const answer = await request({
        method: 'POST',
        path: 'batch',
        body: { BatchItemRequest: items as unknown as BodyObject[] },
        ...(requestId !== undefined ? { requestId } : {}),
        op,
      });
      const byId = new Map<string, QboRecord>();
      for (const item of rowsOf({ list: answer['BatchItemResponse'] }, 'list')) {
        const bId = item['bId'];
        if (typeof bId === 'string') byId.set(bId, item);
      }
      slice.forEach((operation, i) => {
        const item = byId.get(String(i));
        const label = `${op} item ${start + i + 1}`;
        if (!item) {
          results.push({ ok: false, error: new QboError('TRANSIENT', `QuickBooks gave no answer for ${label}`, { qboCode: undefined, status: 200, uncertain: true }) });
          return;
        }
        const fault = faultOf(item);
        if (fault) {
          results.push({ ok: false, error: qboError({ status: 200, fault, headers: {}, write: !('query' in operation), op: label }) });
          return;
        }
        const key: EntityName | 'QueryResponse' = 'query' in operation ? 'QueryResponse' : operation.entity;
        const record = item[key];
        results.push(
          isRecord(record)
            ? { ok: true, entity: key, record }
            : { ok: false, error: new QboError('TRANSIENT', `QuickBooks answered ${label} without "${key}"`, { qboCode: undefined, status: 200, uncertain: true }) },
        );
      });
    }
    return results;
  }

  return { realmId: config.realmId, companyUrl, request, read, write, query, queryAll, batch };
}

// ---------------------------------------------------------------- lists for mapping choices

/** Item types an invoice line can carry (§3.2): Category, Group and Bundle items hold no amount of their own. */
export const LINE_ITEM_TYPES: readonly string[] = ['Service', 'NonInventory', 'Inventory'];

/**
 * Account types offered for mapping (§3.5): where item sales go (Income, Other Income), what a shipment journal
 * debits (Cost of Goods Sold, Expense, Other Expense) and credits (Bank, Credit Card, Accounts Payable, Other
 * Current Liability, Other Current Asset for a clearing account).
 */
export const MAPPING_ACCOUNT_TYPES: readonly string[] = [
  'Income',
  'Other Income',
  'Cost of Goods Sold',
  'Expense',
  'Other Expense',
  'Bank',
  'Credit Card',
  'Accounts Payable',
  'Other Current Liability',
  'Other Current Asset',
];

export interface ListOptions {
  /** Rows a page (MAXRESULTS, at most 1000, §4). @defaultValue 1000 */
  pageSize?: number;
  /** A runaway guard. @defaultValue 50 */
  maxPages?: number;
}

/** Every active item, by name: `SELECT * FROM Item WHERE Active = true ORDERBY Name`, paged by STARTPOSITION/MAXRESULTS. */
export function listItems(client: QboClient, options: ListOptions = {}): Promise<QboRecord[]> {
  return client.queryAll('Item', [{ field: 'Active', op: '=', value: true }], 'quickbooks.item.list', { pageSize: options.pageSize ?? manifest.query.maxResults, maxPages: options.maxPages ?? 50, orderBy: 'Name' });
}

/** Every active account of the given types (default MAPPING_ACCOUNT_TYPES), by name, paged like listItems. */
export function listAccounts(client: QboClient, types: readonly string[] = MAPPING_ACCOUNT_TYPES, options: ListOptions = {}): Promise<QboRecord[]> {
  return client.queryAll(
    'Account',
    [
      { field: 'AccountType', op: 'IN', value: types },
      { field: 'Active', op: '=', value: true },
    ],
    'quickbooks.account.list',
    { pageSize: options.pageSize ?? manifest.query.maxResults, maxPages: options.maxPages ?? 50, orderBy: 'Name' },
  );
}

// ---------------------------------------------------------------- query language

export type QueryValue = string | boolean | bigint | number;

export interface Condition {
  field: string;
  op: '=' | '<' | '>' | '<=' | '>=' | 'LIKE' | 'IN';
  value: QueryValue | readonly QueryValue[];
}

const NAME = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*$/;

/**
 * A literal of the query language. Strings are single-quoted with `\` and `'` escaped by a backslash (§4), so
 * no value can end the literal early; numbers must be integers; booleans are bare.
 */
export function queryLiteral(value: QueryValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`refusing to put ${value} in a query: pass decimals as strings`);
    return String(value);
  }
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `SELECT * FROM <entity> [WHERE …] [ORDERBY …] [STARTPOSITION n] [MAXRESULTS n]`, every value a literal. */
export function selectQuery(
  entity: string,
  where: readonly Condition[] = [],
  options: { orderBy?: string; startPosition?: number; maxResults?: number } = {},
): string {
  if (!NAME.test(entity)) throw new TypeError(`not an entity name: ${entity}`);
  const parts = [`SELECT * FROM ${entity}`];
  if (where.length > 0) {
    const clauses = where.map((c) => {
      if (!NAME.test(c.field)) throw new TypeError(`not a property name: ${c.field}`);
      if (c.op === 'IN') {
        const values = Array.isArray(c.value) ? (c.value as readonly QueryValue[]) : [c.value as QueryValue];
        if (values.length === 0) throw new TypeError('IN needs at least one value');
        return `${c.field} IN (${values.map(queryLiteral).join(', ')})`;
      }
      if (Array.isArray(c.value)) throw new TypeError(`${c.op} takes one value`);
      return `${c.field} ${c.op} ${queryLiteral(c.value as QueryValue)}`;
    });
    parts.push(`WHERE ${clauses.join(' AND ')}`);
  }
  if (options.orderBy !== undefined) {
    const [field, direction] = options.orderBy.split(/\s+/);
    if (!field || !NAME.test(field) || (direction !== undefined && !/^(ASC|DESC)$/i.test(direction))) throw new TypeError(`not an ORDERBY: ${options.orderBy}`);
    parts.push(`ORDERBY ${field}${direction ? ` ${direction.toUpperCase()}` : ''}`);
  }
  if (options.startPosition !== undefined) parts.push(`STARTPOSITION ${positive(options.startPosition)}`);
  if (options.maxResults !== undefined) parts.push(`MAXRESULTS ${positive(options.maxResults)}`);
  return parts.join(' ');
}

function positive(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new TypeError(`not a positive integer: ${n}`);
  return n;
}

// ---------------------------------------------------------------- answers

/** The entity under its name in an answer (`{"Invoice":{…},"time":…}`). */
export function entityOf(body: QboRecord, entity: string): QboRecord {
  const value = body[entity];
  if (isRecord(value)) return value;
  throw new SyncError('TRANSIENT', `QuickBooks answered without "${entity}"`, { uncertain: true });
}

/** The rows of a QueryResponse: the one array it holds (the entity's), or none for `{}`. */
function rowsOf(value: unknown, key?: string): QboRecord[] {
  if (!isRecord(value)) return [];
  if (key !== undefined) return Array.isArray(value[key]) ? (value[key] as unknown[]).filter(isRecord) : [];
  for (const entry of Object.values(value)) if (Array.isArray(entry)) return entry.filter(isRecord);
  return [];
}

/** An id as QBO sent it (a string; digits when a sample sent a number) → string. */
export function idOf(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  throw new SyncError('TRANSIENT', `QuickBooks answered without a usable ${what}`);
}

export function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** `{"value": "…"}` → "…". */
export function refValue(value: unknown): string | undefined {
  return isRecord(value) ? stringOf(value['value']) : undefined;
}

export { isRecord };
