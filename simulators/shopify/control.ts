/**
 * `/_sim/shopify/<method>` — every in-process method of the simulator as a JSON route, so a launcher in another
 * process drives the simulator the same way a test does. POST with a JSON body of named arguments; the read-only
 * methods also answer GET with the same names as query parameters. Errors: `{ "error": "…" }` with 400/404/409.
 */
import { controlDispatcher, type ControlRoute } from '../_kit/control.ts';
import { json } from '../_kit/server.ts';
import { SimInputError } from './order-math.ts';
import type { ShopifySimApi } from './index.ts';
import type { CreateShopInput } from './types.ts';

type Body = Record<string, unknown>;

function str(body: Body, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new SimInputError(`"${key}" (string) is required`);
  return v;
}

function obj<T>(body: Body, key: string, optional = false): T {
  const v = body[key];
  if (v === undefined && optional) return {} as T;
  if (typeof v !== 'object' || v === null) throw new SimInputError(`"${key}" (object) is required`);
  return v as T;
}

/** Route name → how to call the method with a body of named arguments. */
const ROUTES: Record<string, ControlRoute<ShopifySimApi>> = {
  createShop: { call: (api, b) => api.createShop({ ...(b as Partial<CreateShopInput>), domain: str(b, 'domain') }) },
  revokeAccessToken: { call: (api, b) => api.revokeAccessToken(str(b, 'shop')) },
  subscribeWebhook: {
    call: (api, b) =>
      api.subscribeWebhook({ shop: str(b, 'shop'), topic: str(b, 'topic'), address: str(b, 'address'), ...(typeof b['apiVersion'] === 'string' ? { apiVersion: b['apiVersion'] } : {}) }),
  },
  unsubscribeWebhook: { call: (api, b) => ({ deleted: api.unsubscribeWebhook({ shop: str(b, 'shop'), id: str(b, 'id') }) }) },
  listWebhooks: { read: true, call: (api, b) => api.listWebhooks(str(b, 'shop')) },
  placeOrder: { call: (api, b) => api.placeOrder(str(b, 'shop'), obj(b, 'order')) },
  updateOrder: { call: (api, b) => api.updateOrder(str(b, 'shop'), str(b, 'orderId'), obj(b, 'patch')) },
  markPaid: { call: (api, b) => api.markPaid(str(b, 'shop'), str(b, 'orderId')) },
  cancelOrder: { call: (api, b) => api.cancelOrder(str(b, 'shop'), str(b, 'orderId'), obj(b, 'options', true)) },
  refundOrder: { call: (api, b) => api.refundOrder(str(b, 'shop'), str(b, 'orderId'), obj(b, 'refund')) },
  overrideTotals: { call: (api, b) => api.overrideTotals(str(b, 'shop'), str(b, 'orderId'), obj(b, 'totals')) },
  createCustomer: { call: (api, b) => api.createCustomer(str(b, 'shop'), obj(b, 'customer')) },
  updateCustomer: { call: (api, b) => api.updateCustomer(str(b, 'shop'), str(b, 'customerId'), obj(b, 'patch')) },
  getOrder: { read: true, call: (api, b) => api.getOrder(str(b, 'shop'), str(b, 'orderId')) },
  listOrders: { read: true, call: (api, b) => api.listOrders(str(b, 'shop')) },
  getCustomer: { read: true, call: (api, b) => api.getCustomer(str(b, 'shop'), str(b, 'customerId')) },
  listCustomers: { read: true, call: (api, b) => api.listCustomers(str(b, 'shop')) },
  deliveries: { read: true, call: (api) => api.deliveries() },
  removedSubscriptions: { read: true, call: (api) => api.removedSubscriptions() },
  settleWebhooks: { call: async (api) => (await api.settleWebhooks(), { ok: true }) },
  setWebhookSwitches: { call: (api, b) => api.setWebhookSwitches(b) },
  releaseWebhooks: { call: (api, b) => ({ released: api.releaseWebhooks({ reverse: b['reverse'] === true }) }) },
  setThrottle: { call: (api, b) => api.setThrottle(b) },
  setBucket: { call: (api, b) => api.setBucket({ accessToken: str(b, 'accessToken'), currentlyAvailable: Number(b['currentlyAvailable']) }) },
  throttleStatus: { read: true, call: (api, b) => api.throttleStatus(str(b, 'accessToken')) },
};

export const CONTROL_METHODS = Object.keys(ROUTES);

export const controlRoutes = controlDispatcher<ShopifySimApi>('shopify', ROUTES, (e) => (e instanceof SimInputError ? json(e.status, { error: e.message }) : undefined));
