/**
 * `/_sim/woocommerce/<method>`: every in-process method as a JSON route, so a launcher in another process drives
 * the simulator as a test does. POST a JSON object of named arguments; read-only methods also answer GET with the
 * same names as query parameters. Errors: `{ "error": "…" }` with 400 (bad input), 404 (unknown site or record),
 * 409 (state conflict), 410/500 as the underlying rule says.
 */
import { controlDispatcher, type ControlRoute } from '../_kit/control.ts';
import { json } from '../_kit/server.ts';
import { DecimalError } from '../_kit/decimal-text.ts';
import type { WooCommerceSimApi } from './index.ts';
import { SimInputError } from './order-math.ts';
import type { OrderStatus, Permissions } from './types.ts';

type Body = Record<string, unknown>;

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new SimInputError(`"${key}" (string) is required`);
  return v;
}

function num(body: Body, key: string): number {
  const v = body[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  if (!Number.isInteger(n)) throw new SimInputError(`"${key}" (integer) is required`);
  return n;
}

function obj<T>(body: Body, key: string, optional = false): T {
  const v = body[key];
  if (v === undefined && optional) return {} as T;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SimInputError(`"${key}" (object) is required`);
  return v as T;
}

type Route = ControlRoute<WooCommerceSimApi>;

/** Route name → how to call the method with a body of named arguments. */
const ROUTES: Record<string, Route> = {
  createSite: { call: (api, b) => api.createSite(b) },
  listSites: { read: true, call: (api) => api.listSites() },
  createKey: {
    call: (api, b) =>
      api.createKey(str(b, 'siteId'), {
        ...(typeof b.permissions === 'string' ? { permissions: b.permissions as Permissions } : {}),
        ...(typeof b.description === 'string' ? { description: b.description } : {}),
        ...(typeof b.capable === 'boolean' ? { capable: b.capable } : {}),
      }),
  },
  revokeKey: { call: (api, b) => ({ revoked: api.revokeKey(str(b, 'siteId'), num(b, 'keyId')) }) },
  placeOrder: { call: (api, b) => api.placeOrder(str(b, 'siteId'), obj(b, 'order')) },
  updateOrder: { call: (api, b) => api.updateOrder(str(b, 'siteId'), num(b, 'orderId'), obj(b, 'patch')) },
  setStatus: { call: (api, b) => api.setStatus(str(b, 'siteId'), num(b, 'orderId'), str(b, 'status') as OrderStatus) },
  refund: { call: (api, b) => api.refund(str(b, 'siteId'), num(b, 'orderId'), obj(b, 'refund', true)) },
  deleteOrder: { call: (api, b) => api.deleteOrder(str(b, 'siteId'), num(b, 'orderId'), { force: b.force === true }) },
  restoreOrder: { call: (api, b) => api.restoreOrder(str(b, 'siteId'), num(b, 'orderId')) },
  overrideTotals: { call: (api, b) => api.overrideTotals(str(b, 'siteId'), num(b, 'orderId'), obj(b, 'totals')) },
  touchOrder: {
    call: (api, b) => api.touchOrder(str(b, 'siteId'), num(b, 'orderId'), typeof b.at === 'string' || typeof b.at === 'number' ? b.at : undefined),
  },
  getOrder: { read: true, call: (api, b) => api.getOrder(str(b, 'siteId'), num(b, 'orderId')) },
  listOrders: { read: true, call: (api, b) => api.listOrders(str(b, 'siteId')) },
  createCustomer: { call: (api, b) => api.createCustomer(str(b, 'siteId'), obj(b, 'customer')) },
  updateCustomer: { call: (api, b) => api.updateCustomer(str(b, 'siteId'), num(b, 'customerId'), obj(b, 'patch')) },
  getCustomer: { read: true, call: (api, b) => api.getCustomer(str(b, 'siteId'), num(b, 'customerId')) },
  listCustomers: { read: true, call: (api, b) => api.listCustomers(str(b, 'siteId')) },
  createProduct: { call: (api, b) => api.createProduct(str(b, 'siteId'), obj(b, 'product')) },
  updateProduct: { call: (api, b) => api.updateProduct(str(b, 'siteId'), num(b, 'productId'), obj(b, 'patch')) },
  listProducts: { read: true, call: (api, b) => api.listProducts(str(b, 'siteId')) },
  subscribeWebhook: { call: (api, b) => api.subscribeWebhook(str(b, 'siteId'), obj(b, 'webhook')) },
  updateWebhook: { call: (api, b) => api.updateWebhook(str(b, 'siteId'), num(b, 'webhookId'), obj(b, 'patch')) },
  deleteWebhook: { call: (api, b) => api.deleteWebhook(str(b, 'siteId'), num(b, 'webhookId')) },
  getWebhook: { read: true, call: (api, b) => api.getWebhook(str(b, 'siteId'), num(b, 'webhookId')) },
  listWebhooks: { read: true, call: (api, b) => api.listWebhooks(str(b, 'siteId')) },
  deliveries: {
    read: true,
    call: (api, b) =>
      api.deliveries({
        ...(typeof b.siteId === 'string' ? { siteId: b.siteId } : {}),
        ...(b.webhookId !== undefined ? { webhookId: num(b, 'webhookId') } : {}),
      }),
  },
  disabledWebhooks: { read: true, call: (api) => api.disabledWebhooks() },
  pendingJobs: { read: true, call: (api) => api.pendingJobs() },
  runWebhookQueue: { call: (api) => api.runWebhookQueue() },
  settleWebhooks: { call: async (api) => (await api.settleWebhooks(), { ok: true }) },
  setWebhookSwitches: { call: (api, b) => api.setWebhookSwitches(b) },
  releaseWebhooks: { call: (api, b) => api.releaseWebhooks({ reverse: b.reverse === true }) },
  configure: { call: (api, b) => api.configure(b) },
  getConfig: { read: true, call: (api) => api.getConfig() },
};

export const CONTROL_METHODS = Object.keys(ROUTES);

export const controlRoutes = controlDispatcher<WooCommerceSimApi>('woocommerce', ROUTES, (e) => {
  if (e instanceof SimInputError) return json(e.status, { error: e.message, ...(e.code ? { code: e.code } : {}) });
  if (e instanceof DecimalError || (e instanceof Error && /unknown setting|not an ISO date/.test(e.message))) return json(400, { error: e.message });
  return undefined;
});
