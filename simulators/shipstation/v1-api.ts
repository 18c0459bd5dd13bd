/**
 * The V1 API (`ssapi.shipstation.com`, notes §1–§4, §7): HTTP Basic auth with key:secret, a 40/min window per key
 * with `X-Rate-Limit-*` on every authenticated answer, and the order, shipment, fulfillment, customer and webhook
 * endpoints, plus the product and carrier endpoints of catalog-v1.ts. Paths and parameter names match case-insensitively, as the ASP.NET service behind them does [inf].
 */
import type { SimClock } from '../_kit/clock.ts';
import type { SimRequest, SimResponse } from '../_kit/server.ts';
import { Catalog } from './catalog.ts';
import { CatalogV1 } from './catalog-v1.ts';
import type { ShipStationSimConfig } from './config.ts';
import { SimInputError } from './errors.ts';
import { array, bool, int, obj } from './input.ts';
import { JsonSyntaxError, readJson, type JsonIn } from './json-read.ts';
import { writeJsonText, type JsonValue } from '../_kit/json-text.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { ShipStationState } from './state.ts';
import { ORDER_STATUSES, WEBHOOK_EVENTS, type AccountRecord, type WebhookEvent } from './types.ts';
import { V1Query } from './v1-query.ts';
import type { V1Shapes } from './v1-shape.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

export interface V1Deps {
  state: ShipStationState;
  shapes: V1Shapes;
  limiter: RateLimiter;
  clock: SimClock;
  config: () => ShipStationSimConfig;
}

type Handler = (account: AccountRecord, req: SimRequest, q: V1Query, id: number | undefined) => { status?: number; body: JsonValue | undefined };

interface Route {
  method: string;
  /** Lower-case path; `{id}` matches an integer segment. */
  pattern: string;
  handler: Handler;
}

export class V1Api {
  private readonly routes: Route[];

  constructor(private readonly deps: V1Deps) {
    const catalog = new CatalogV1(new Catalog(deps.state, deps.clock), deps.shapes);
    this.routes = [
      { method: 'GET', pattern: '/orders', handler: (a, _r, q) => ({ body: this.listOrders(a, q) }) },
      { method: 'GET', pattern: '/orders/{id}', handler: (a, _r, _q, id) => ({ body: deps.shapes.order(deps.state.order(a, id!)) }) },
      { method: 'DELETE', pattern: '/orders/{id}', handler: (a, _r, _q, id) => this.deleteOrder(a, id!) },
      { method: 'POST', pattern: '/orders/createorder', handler: (a, r) => ({ body: deps.shapes.order(deps.state.createOrderFromApi(a, body(r))) }) },
      { method: 'POST', pattern: '/orders/createorders', handler: (a, r) => this.createOrders(a, r) },
      { method: 'POST', pattern: '/orders/markasshipped', handler: (a, r) => this.markAsShipped(a, r) },
      { method: 'GET', pattern: '/shipments', handler: (a, _r, q) => ({ body: this.listShipments(a, q) }) },
      { method: 'POST', pattern: '/shipments/voidlabel', handler: (a, r) => this.voidLabel(a, r) },
      { method: 'GET', pattern: '/fulfillments', handler: (a, _r, q) => ({ body: this.listFulfillments(a, q) }) },
      { method: 'GET', pattern: '/customers', handler: (a, _r, q) => ({ body: this.listCustomers(a, q) }) },
      { method: 'GET', pattern: '/customers/{id}', handler: (a, _r, _q, id) => ({ body: this.getCustomer(a, id!) }) },
      { method: 'GET', pattern: '/webhooks', handler: (a) => ({ body: { webhooks: [...a.webhooks.values()].map((w) => deps.shapes.webhook(a, w)) } }) },
      { method: 'POST', pattern: '/webhooks/subscribe', handler: (a, r) => this.subscribe(a, r) },
      { method: 'DELETE', pattern: '/webhooks/{id}', handler: (a, _r, _q, id) => this.unsubscribe(a, id!) },
      { method: 'GET', pattern: '/products', handler: (a, _r, q) => ({ body: catalog.listProducts(a, q) }) },
      { method: 'GET', pattern: '/products/{id}', handler: (a, _r, _q, id) => ({ body: catalog.getProduct(a, id!) }) },
      { method: 'PUT', pattern: '/products/{id}', handler: (a, r, _q, id) => ({ body: catalog.putProduct(a, id!, body(r)) }) },
      { method: 'GET', pattern: '/carriers', handler: (a) => ({ body: catalog.listCarriers(a) }) },
      { method: 'GET', pattern: '/carriers/getcarrier', handler: (a, _r, q) => ({ body: catalog.getCarrier(a, q) }) },
      { method: 'GET', pattern: '/carriers/listservices', handler: (a, _r, q) => ({ body: catalog.listServices(a, q) }) },
    ];
  }

  handle(req: SimRequest): SimResponse {
    const account = this.authenticate(req);
    const config = this.deps.config();
    if (!account) return { status: 401, headers: { 'content-type': config.unauthorized.contentType }, body: config.unauthorized.body };
    const rate = this.deps.limiter.take(`v1:${account.apiKey}`, this.deps.clock.now(), config.v1PerMinute, config.rateWindow);
    const headers = {
      'content-type': JSON_TYPE,
      'X-Rate-Limit-Limit': String(rate.limit),
      'X-Rate-Limit-Remaining': String(rate.remaining),
      'X-Rate-Limit-Reset': String(rate.resetSeconds),
    };
    // The real 429 body (notes §5 [src S2]).
    if (!rate.ok) return { status: 429, headers, body: '{"message":"Too Many Requests"}' };
    try {
      const { status, body: out } = this.dispatch(account, req);
      return { status: status ?? 200, headers, body: out === undefined ? '' : writeJsonText(out) };
    } catch (e) {
      // V1's documented error statuses have no 409; a state conflict is a 400 there (notes §1).
      if (e instanceof SimInputError) return { status: e.status === 409 ? 400 : e.status, headers, body: writeJsonText({ message: e.message }) };
      if (e instanceof JsonSyntaxError) return { status: 400, headers, body: writeJsonText({ message: `The request body is not valid JSON: ${e.message}` }) };
      throw e;
    }
  }

  /** `Authorization: Basic base64(key:secret)` (notes §1). Only the V1 pair opens V1; a V2 key does not. */
  private authenticate(req: SimRequest): AccountRecord | undefined {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const account = this.deps.state.accountByV1Key(decoded.slice(0, colon));
    return account && account.apiSecret === decoded.slice(colon + 1) ? account : undefined;
  }

  private dispatch(account: AccountRecord, req: SimRequest): { status?: number; body: JsonValue | undefined } {
    const path = req.path.toLowerCase().replace(/\/+$/, '') || '/';
    const q = new V1Query(req, this.deps.config());
    let pathMatched = false;
    for (const route of this.routes) {
      const id = match(route.pattern, path);
      if (id === false) continue;
      pathMatched = true;
      if (route.method === req.method) return route.handler(account, req, q, id);
    }
    if (pathMatched) throw new SimInputError(`The requested resource does not support http method '${req.method}'.`, 405);
    throw new SimInputError(`No HTTP resource was found that matches the request URI '${req.path}'.`, 404);
  }

  private listOrders(account: AccountRecord, q: V1Query): JsonValue {
    const { shapes } = this.deps;
    q.paging();
    const status = q.choice('orderStatus', ORDER_STATUSES);
    const storeId = q.int('storeId');
    const orderNumber = q.get('orderNumber')?.toLowerCase();
    const customerName = q.get('customerName')?.toLowerCase();
    const keyword = q.get('itemKeyword')?.toLowerCase();
    const importBatch = q.get('importBatch')?.toLowerCase();
    const created = q.timeRange('createDateStart', 'createDateEnd');
    const modified = q.timeRange('modifyDateStart', 'modifyDateEnd');
    const ordered = q.timeRange('orderDateStart', 'orderDateEnd');
    const paid = q.timeRange('paymentDateStart', 'paymentDateEnd');
    const sortBy = q.choice('sortBy', ['OrderDate', 'ModifyDate', 'CreateDate'] as const);
    const has = (text: string | null, needle: string) => text !== null && text.toLowerCase().includes(needle);
    const rows = [...account.orders.values()].filter(
      (o) =>
        o.active &&
        (status === undefined || o.orderStatus === status) &&
        (storeId === undefined || o.advancedOptions.storeId === storeId) &&
        // A prefix match, not equality (notes §2, pitfall 3).
        (orderNumber === undefined || o.orderNumber.toLowerCase().startsWith(orderNumber)) &&
        (customerName === undefined || has(o.billTo.name, customerName) || has(o.shipTo.name, customerName)) &&
        (keyword === undefined || o.items.some((i) => has(i.sku, keyword) || has(i.name, keyword) || i.options.some((op) => has(op.name, keyword) || has(op.value, keyword)))) &&
        (importBatch === undefined || o.importBatch?.toLowerCase() === importBatch) &&
        created(o.createDate) &&
        modified(o.modifyDate) &&
        ordered(o.orderDate) &&
        paid(o.paymentDate),
    );
    const time = sortBy === 'OrderDate' ? (o: (typeof rows)[number]) => o.orderDate : sortBy === 'ModifyDate' ? (o: (typeof rows)[number]) => o.modifyDate : sortBy === 'CreateDate' ? (o: (typeof rows)[number]) => o.createDate : undefined;
    q.sort(rows, (o) => o.orderId, time, q.descending());
    return q.envelope('orders', rows, (o) => shapes.order(o));
  }

  private deleteOrder(account: AccountRecord, orderId: number): { body: JsonValue } {
    this.deps.state.deleteOrder(account, orderId);
    return { body: { success: true, message: 'The requested order has been deleted (Refresh the page to view changes).' } };
  }

  private createOrders(account: AccountRecord, req: SimRequest): { body: JsonValue } {
    const bodies = array(body(req), 'body');
    const { hasErrors, results } = this.deps.state.createOrders(account, bodies);
    return {
      body: {
        hasErrors,
        results: results.map((r) => ({ orderId: r.orderId, orderNumber: r.orderNumber, orderKey: r.orderKey, success: r.success, errorMessage: r.errorMessage })),
      },
    };
  }

  /** `POST /orders/markasshipped` → a fulfillment, not a shipment (notes §3); answers `{orderId, orderNumber}`. */
  private markAsShipped(account: AccountRecord, req: SimRequest): { body: JsonValue } {
    const b = obj(body(req), 'body');
    if (b.orderId === undefined || b.orderId === null) throw new SimInputError('orderId is required');
    if (typeof b.carrierCode !== 'string' || b.carrierCode === '') throw new SimInputError('carrierCode is required');
    const f = this.deps.state.markShipped({
      accountId: account.accountId,
      orderId: int(b.orderId, 'orderId'),
      carrierCode: b.carrierCode,
      trackingNumber: typeof b.trackingNumber === 'string' ? b.trackingNumber : null,
      ...(typeof b.shipDate === 'string' ? { shipDate: b.shipDate } : {}),
      notifyCustomer: bool(b.notifyCustomer, 'notifyCustomer'),
      notifySalesChannel: bool(b.notifySalesChannel, 'notifySalesChannel'),
    });
    return { body: { orderId: f.orderId, orderNumber: f.orderNumber } };
  }

  private listShipments(account: AccountRecord, q: V1Query): JsonValue {
    q.paging();
    const orderId = q.int('orderId');
    const storeId = q.int('storeId');
    const batchId = q.int('batchId');
    const recipientName = q.get('recipientName')?.toLowerCase();
    const country = q.get('recipientCountryCode')?.toLowerCase();
    const orderNumber = q.get('orderNumber');
    const carrierCode = q.get('carrierCode');
    const serviceCode = q.get('serviceCode');
    const tracking = q.get('trackingNumber');
    const created = q.timeRange('createDateStart', 'createDateEnd');
    const voided = q.timeRange('voidDateStart', 'voidDateEnd');
    const shipped = q.dateRange('shipDateStart', 'shipDateEnd');
    const includeItems = q.bool('includeShipmentItems', false);
    const sortBy = q.choice('sortBy', ['ShipDate', 'CreateDate'] as const);
    const rows = [...account.shipments.values()].filter(
      (s) =>
        (orderId === undefined || s.orderId === orderId) &&
        (storeId === undefined || s.storeId === storeId) &&
        (batchId === undefined || s.batchId === batchId) &&
        (recipientName === undefined || (s.shipTo.name ?? '').toLowerCase().includes(recipientName)) &&
        (country === undefined || (s.shipTo.country ?? '').toLowerCase() === country) &&
        (orderNumber === undefined || s.orderNumber === orderNumber) &&
        (carrierCode === undefined || s.carrierCode === carrierCode) &&
        (serviceCode === undefined || s.serviceCode === serviceCode) &&
        (tracking === undefined || s.trackingNumber === tracking) &&
        created(s.createDate) &&
        voided(s.voidDate) &&
        shipped(s.shipDate),
    );
    // Default order: ascending createDate (notes §3); ids grow with createDate, so ties keep creation order.
    const time = sortBy === 'ShipDate' ? (s: (typeof rows)[number]) => Date.parse(`${s.shipDate}T12:00:00Z`) : (s: (typeof rows)[number]) => s.createDate;
    q.sort(rows, (s) => s.shipmentId, time, q.descending());
    return q.envelope('shipments', rows, (s) => this.deps.shapes.shipment(account, s, includeItems));
  }

  private voidLabel(account: AccountRecord, req: SimRequest): { body: JsonValue } {
    const b = obj(body(req), 'body');
    const shipmentId = int(b.shipmentId, 'shipmentId');
    const shipment = account.shipments.get(shipmentId);
    if (!shipment) throw new SimInputError(`Shipment ${shipmentId} not found`, 404);
    if (shipment.voided) return { body: { approved: false, message: 'Label has already been voided.' } };
    this.deps.state.voidShipment({ accountId: account.accountId, shipmentId });
    return { body: { approved: true, message: 'Label voided successfully' } };
  }

  private listFulfillments(account: AccountRecord, q: V1Query): JsonValue {
    q.paging();
    const fulfillmentId = q.int('fulfillmentId');
    const orderId = q.int('orderId');
    const orderNumber = q.get('orderNumber');
    const tracking = q.get('trackingNumber');
    const recipientName = q.get('recipientName')?.toLowerCase();
    const created = q.timeRange('createDateStart', 'createDateEnd');
    const shipped = q.dateRange('shipDateStart', 'shipDateEnd');
    const sortBy = q.choice('sortBy', ['ShipDate', 'CreateDate'] as const);
    const rows = [...account.fulfillments.values()].filter(
      (f) =>
        (fulfillmentId === undefined || f.fulfillmentId === fulfillmentId) &&
        (orderId === undefined || f.orderId === orderId) &&
        (orderNumber === undefined || f.orderNumber === orderNumber) &&
        (tracking === undefined || f.trackingNumber === tracking) &&
        (recipientName === undefined || (f.shipTo.name ?? '').toLowerCase().includes(recipientName)) &&
        created(f.createDate) &&
        shipped(f.shipDate),
    );
    const time = sortBy === 'ShipDate' ? (f: (typeof rows)[number]) => Date.parse(`${f.shipDate}T12:00:00Z`) : (f: (typeof rows)[number]) => f.createDate;
    q.sort(rows, (f) => f.fulfillmentId, time, q.descending());
    return q.envelope('fulfillments', rows, (f) => this.deps.shapes.fulfillment(f));
  }

  private listCustomers(account: AccountRecord, q: V1Query): JsonValue {
    q.paging();
    const stateCode = q.get('stateCode')?.toLowerCase();
    const countryCode = q.get('countryCode')?.toLowerCase();
    const marketplaceId = q.int('marketplaceId');
    const tagId = q.int('tagId');
    const sortBy = q.choice('sortBy', ['Name', 'ModifyDate', 'CreateDate'] as const);
    const rows = [...account.customers.values()].filter(
      (c) =>
        (stateCode === undefined || (c.state ?? '').toLowerCase() === stateCode) &&
        (countryCode === undefined || (c.countryCode ?? '').toLowerCase() === countryCode) &&
        (marketplaceId === undefined || c.marketplaceUsernames.some((m) => m.marketplaceId === marketplaceId)) &&
        (tagId === undefined || c.tags.some((t) => t.tagId === tagId)),
    );
    const descending = q.descending();
    if (sortBy === 'Name') {
      rows.sort((a, b) => ((a.name ?? '').localeCompare(b.name ?? '') || a.customerId - b.customerId) * (descending ? -1 : 1));
    } else {
      const time = sortBy === 'ModifyDate' ? (c: (typeof rows)[number]) => c.modifyDate : sortBy === 'CreateDate' ? (c: (typeof rows)[number]) => c.createDate : undefined;
      q.sort(rows, (c) => c.customerId, time, descending);
    }
    return q.envelope('customers', rows, (c) => this.deps.shapes.customer(c));
  }

  private getCustomer(account: AccountRecord, customerId: number): JsonValue {
    const customer = account.customers.get(customerId);
    if (!customer) throw new SimInputError(`Customer ${customerId} not found`, 404);
    return this.deps.shapes.customer(customer);
  }

  private subscribe(account: AccountRecord, req: SimRequest): { status: number; body: JsonValue } {
    const b = obj(body(req), 'body');
    if (typeof b.event !== 'string' || !(WEBHOOK_EVENTS as readonly string[]).includes(b.event)) {
      throw new SimInputError(`event must be one of ${WEBHOOK_EVENTS.join(', ')}`);
    }
    const sub = this.deps.state.subscribe({
      accountId: account.accountId,
      event: b.event as WebhookEvent,
      targetUrl: typeof b.target_url === 'string' ? b.target_url : '',
      storeId: b.store_id === undefined || b.store_id === null ? null : int(b.store_id, 'store_id'),
      friendlyName: typeof b.friendly_name === 'string' ? b.friendly_name : null,
    });
    const out: JsonValue =
      this.deps.config().subscribeResponse === 'pascal' ? { WebHookID: sub.webHookId, HookType: sub.event, Url: sub.targetUrl, Name: sub.friendlyName } : { id: sub.webHookId };
    return { status: 201, body: out };
  }

  private unsubscribe(account: AccountRecord, webHookId: number): { body: undefined } {
    if (!this.deps.state.unsubscribe({ accountId: account.accountId, webHookId })) throw new SimInputError(`Webhook ${webHookId} not found`, 404);
    return { body: undefined };
  }
}

/** The parsed JSON body; numbers stay exact text (see json-read.ts). */
function body(req: SimRequest): JsonIn {
  if (!req.text.trim()) throw new SimInputError('A request body is required');
  return readJson(req.text);
}

/** `false` when the path does not match; the `{id}` segment (or undefined) when it does. */
function match(pattern: string, path: string): number | undefined | false {
  const p = pattern.split('/');
  const s = path.split('/');
  if (p.length !== s.length) return false;
  let id: number | undefined;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '{id}') {
      if (!/^\d+$/.test(s[i]!)) return false;
      id = Number(s[i]);
    } else if (p[i] !== s[i]) return false;
  }
  return id;
}
