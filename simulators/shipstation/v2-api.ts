/**
 * The V2 subset for shipments and labels, plus carriers and products (catalog-v2.ts) (notes §1, §5, §6 [src S11]): `api-key` header (any case), 200 requests a
 * minute per key with `Retry-After` on 429, the V2 error envelope, `page`/`page_size`/`sort_dir`/`sort_by` paging
 * with `links`, and UTC ISO date filters (V2 has no Pacific-time quirk). V1 credentials do not open V2.
 */
import type { SimClock } from '../_kit/clock.ts';
import type { SimRequest, SimResponse } from '../_kit/server.ts';
import { CatalogV2 } from './catalog-v2.ts';
import type { ShipStationSimConfig } from './config.ts';
import { writeJsonText, type JsonValue } from '../_kit/json-text.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { ShipStationState } from './state.ts';
import type { AccountRecord, OrderRecord, ShipmentRecord } from './types.ts';
import { V2Error, v2ErrorResponse } from './v2-errors.ts';
import type { V2Shapes } from './v2-shape.ts';

export interface V2Deps {
  state: ShipStationState;
  shapes: V2Shapes;
  limiter: RateLimiter;
  clock: SimClock;
  config: () => ShipStationSimConfig;
  baseUrl: () => string;
}

type Answer = { status: number; body?: JsonValue | string };

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

export class V2Api {
  private readonly catalog: CatalogV2;

  constructor(private readonly deps: V2Deps) {
    this.catalog = new CatalogV2(deps.shapes, deps.baseUrl);
  }

  handle(req: SimRequest): SimResponse {
    const key = req.headers['api-key'];
    const account = key ? this.deps.state.accountByV2Key(key) : undefined;
    if (!account) return v2ErrorResponse(new V2Error(401, 'security', 'unauthorized', 'The API key is invalid. Please see https://www.shipengine.com/docs/auth'));
    const config = this.deps.config();
    const rate = this.deps.limiter.take(`v2:${account.v2ApiKey}`, this.deps.clock.now(), config.v2PerMinute, config.rateWindow);
    if (!rate.ok) {
      return v2ErrorResponse(new V2Error(429, 'system', 'rate_limit_exceeded', 'You have exceeded the rate limit. Please see https://www.shipengine.com/docs/rate-limits'), {
        'Retry-After': String(rate.resetSeconds),
      });
    }
    try {
      const answer = this.dispatch(account, req);
      if (answer.body === undefined) return { status: answer.status, body: '' };
      return { status: answer.status, headers: { 'content-type': 'application/json' }, body: typeof answer.body === 'string' ? answer.body : writeJsonText(answer.body) };
    } catch (e) {
      if (e instanceof V2Error) return v2ErrorResponse(e);
      throw e;
    }
  }

  private dispatch(account: AccountRecord, req: SimRequest): Answer {
    const parts = req.path.replace(/\/+$/, '').split('/').slice(2);
    const [resource, a, b, c] = parts;
    const m = req.method;
    if (resource === 'shipments') {
      if (a === undefined && m === 'GET') return { status: 200, body: this.listShipments(account, req) };
      if (a === 'external_shipment_id' && b !== undefined && c === undefined && m === 'GET') {
        const order = [...account.orders.values()].find((o) => o.active && o.orderKey === decodeURIComponent(b));
        if (!order) throw notFound(`external_shipment_id ${b}`);
        return { status: 200, body: this.deps.shapes.shipment(account, order) };
      }
      if (a !== undefined && b === undefined && m === 'GET') return { status: 200, body: this.deps.shapes.shipment(account, this.shipment(account, a)) };
      if (a !== undefined && b === 'cancel' && c === undefined && m === 'PUT') return this.cancelShipment(account, a);
    }
    if (resource === 'labels') {
      if (a === undefined && m === 'GET') return { status: 200, body: this.listLabels(account, req) };
      if (a !== undefined && b === undefined && m === 'GET') {
        const label = this.label(account, a);
        // The spec's 404 for an unknown label_id is an empty body, not the error envelope.
        return label ? { status: 200, body: this.deps.shapes.label(account, label) } : { status: 404, body: '' };
      }
      if (a !== undefined && b === 'void' && c === undefined && m === 'PUT') return this.voidLabel(account, a);
    }
    const catalog = this.catalog.handle(account, req, parts);
    if (catalog) return catalog;
    throw new V2Error(404, 'validation', 'unspecified', `No resource at ${m} ${req.path}`);
  }

  private shipment(account: AccountRecord, shipmentId: string): OrderRecord {
    const order = [...account.orders.values()].find((o) => o.active && o.v2ShipmentId === shipmentId);
    if (!order) throw notFound(`shipment_id ${shipmentId}`);
    return order;
  }

  private label(account: AccountRecord, labelId: string): ShipmentRecord | undefined {
    return [...account.shipments.values()].find((s) => s.labelId === labelId);
  }

  /** Cancels the shipment (and so the V1 order); a live label must be voided first (spec). */
  private cancelShipment(account: AccountRecord, shipmentId: string): Answer {
    const order = this.shipment(account, shipmentId);
    if (this.deps.shapes.liveLabel(account, order)) throw new V2Error(400, 'business_rules', 'invalid_status', `Shipment ${shipmentId} has a label; void it before cancelling.`);
    this.deps.state.cancelOrder({ accountId: account.accountId, orderId: order.orderId });
    return { status: 204 };
  }

  private voidLabel(account: AccountRecord, labelId: string): Answer {
    const label = this.label(account, labelId);
    if (!label) throw notFound(`label_id ${labelId}`);
    if (label.voided) return { status: 200, body: { approved: false, message: 'This label has already been voided.', reason_code: 'label_already_voided' } };
    this.deps.state.voidShipment({ accountId: account.accountId, shipmentId: label.shipmentId });
    return { status: 200, body: { approved: true, message: 'Request for refund submitted.  This label has been voided.' } };
  }

  private listShipments(account: AccountRecord, req: SimRequest): JsonValue {
    const q = req.query;
    const shapes = this.deps.shapes;
    const status = choice(q, 'shipment_status', ['pending', 'processing', 'label_purchased', 'cancelled']);
    const created = range(q, 'created_at_start', 'created_at_end');
    const modified = range(q, 'modified_at_start', 'modified_at_end');
    const number = q.get('shipment_number');
    const external = q.get('external_shipment_id');
    const storeId = q.get('store_id');
    const rows = [...account.orders.values()].filter(
      (o) =>
        o.active &&
        (status === undefined || shapes.shipmentStatus(account, o) === status) &&
        created(o.v2CreatedAt) &&
        modified(o.modifyDate) &&
        (number === null || o.orderNumber === number) &&
        (external === null || o.orderKey === external) &&
        (storeId === null || account.stores.get(o.advancedOptions.storeId)?.v2StoreId === storeId),
    );
    const sortBy = choice(q, 'sort_by', ['modified_at', 'created_at']) ?? 'created_at';
    const time = (o: OrderRecord) => (sortBy === 'modified_at' ? o.modifyDate : o.v2CreatedAt);
    return this.page(req, 'shipments', rows, time, (o) => o.orderId, (o) => shapes.shipment(account, o));
  }

  private listLabels(account: AccountRecord, req: SimRequest): JsonValue {
    const q = req.query;
    const status = choice(q, 'label_status', ['processing', 'completed', 'error', 'voided']);
    const created = range(q, 'created_at_start', 'created_at_end');
    const tracking = q.get('tracking_number');
    const service = q.get('service_code');
    const carrierId = q.get('carrier_id');
    const shipmentId = q.get('shipment_id');
    const rows = [...account.shipments.values()].filter(
      (s) =>
        (status === undefined || (s.voided ? 'voided' : 'completed') === status) &&
        created(s.createDate) &&
        (tracking === null || s.trackingNumber === tracking) &&
        (service === null || s.serviceCode === service) &&
        (carrierId === null || account.v2CarrierIds.get(s.carrierCode) === carrierId) &&
        (shipmentId === null || account.orders.get(s.orderId)?.v2ShipmentId === shipmentId),
    );
    // Labels have no modified_at of their own; a void is their only change [inf].
    const sortBy = choice(q, 'sort_by', ['modified_at', 'created_at']) ?? 'created_at';
    const time = (s: ShipmentRecord) => (sortBy === 'modified_at' ? (s.voidDate ?? s.createDate) : s.createDate);
    return this.page(req, 'labels', rows, time, (s) => s.shipmentId, (s) => this.deps.shapes.label(account, s));
  }

  /** Sorted page in the V2 envelope; newest first by default (`sort_dir` default `desc`, spec). */
  private page<T>(req: SimRequest, name: string, rows: T[], time: (row: T) => number, id: (row: T) => number, render: (row: T) => JsonValue): JsonValue {
    const q = req.query;
    const page = positive(q, 'page') ?? 1;
    const pageSize = positive(q, 'page_size') ?? this.deps.config().v2DefaultPageSize;
    const dir = (choice(q, 'sort_dir', ['asc', 'desc']) ?? 'desc') === 'desc' ? -1 : 1;
    rows.sort((a, b) => (time(a) - time(b) || id(a) - id(b)) * dir);
    const total = rows.length;
    const pages = Math.ceil(total / pageSize);
    const href = (p: number) => {
      const u = new URL(`${this.deps.baseUrl()}${req.path}`);
      for (const [k, v] of q) if (k !== 'page') u.searchParams.append(k, v);
      u.searchParams.set('page', String(p));
      u.searchParams.set('page_size', String(pageSize));
      return { href: u.toString() };
    };
    return {
      [name]: rows.slice((page - 1) * pageSize, page * pageSize).map(render),
      total,
      page,
      pages,
      links: { first: href(1), last: href(Math.max(1, pages)), prev: page > 1 ? href(page - 1) : {}, next: page < pages ? href(page + 1) : {} },
    };
  }
}

function notFound(what: string): V2Error {
  return new V2Error(404, 'validation', 'invalid_identifier', `${what} was not found`);
}

function positive(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new V2Error(400, 'validation', 'invalid_field_value', `${name} must be a positive integer`);
  return Number(v);
}

function choice<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new V2Error(400, 'validation', 'invalid_field_value', `${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Inclusive UTC range; a value without an offset is read as UTC [inf], never as the host's local time. */
function range(q: URLSearchParams, startName: string, endName: string): (ms: number) => boolean {
  const read = (name: string): number | undefined => {
    const v = q.get(name);
    if (v === null || v === '') return undefined;
    if (!ISO.test(v)) throw new V2Error(400, 'validation', 'invalid_field_value', `${name} must be an ISO 8601 date-time`);
    const withZone = /T/.test(v) && !/(Z|[+-]\d{2}:\d{2})$/.test(v) ? `${v}Z` : v;
    const ms = Date.parse(withZone);
    if (Number.isNaN(ms)) throw new V2Error(400, 'validation', 'invalid_field_value', `${name} must be an ISO 8601 date-time`);
    return ms;
  };
  const start = read(startName);
  const end = read(endName);
  return (ms) => (start === undefined || ms >= start) && (end === undefined || ms <= end);
}
