/**
 * `/_sim/shipstation/<method>`: every in-process method of the simulator as a JSON route, so a launcher in another
 * process drives the simulator the way a test does. POST a JSON object of named arguments (the method's one
 * argument); read-only methods also answer GET with the same names as query parameters. Bodies are read with the
 * exact-number reader, so an amount sent as a JSON number keeps its digits. Errors: `{ "error": "…" }` with
 * 400 (bad input), 404 (unknown account/order/shipment), 409 (state conflict).
 */
import { json, type SimRequest, type SimResponse } from '../_kit/server.ts';
import type { ConfigPatch } from './config.ts';
import { SimInputError } from './errors.ts';
import { isObject, type Loose } from './input.ts';
import { JsonNumber, JsonSyntaxError, readJson, type JsonIn } from './json-read.ts';
import type { ShipStationSimApi } from './index.ts';
import type { WebhookSwitches } from './webhooks-out.ts';

type Body = Loose;

/** Route name → how to call the method with its body. Arguments are validated by the state, not here. */
const ROUTES: Record<string, { read?: boolean; call: (api: ShipStationSimApi, b: Body) => unknown }> = {
  createAccount: { call: (api, b) => api.createAccount(b as never) },
  createStore: { call: (api, b) => api.createStore(b as never) },
  listStores: { read: true, call: (api, b) => api.listStores(b as never) },
  importOrder: { call: (api, b) => api.importOrder(b as never) },
  importOrders: { call: (api, b) => api.importOrders(b as never) },
  updateOrder: { call: (api, b) => api.updateOrder(b as never) },
  payOrder: { call: (api, b) => api.payOrder(b as never) },
  cancelOrder: { call: (api, b) => api.cancelOrder(b as never) },
  shipOrder: { call: (api, b) => api.shipOrder(b as never) },
  shipOrders: { call: (api, b) => api.shipOrders(b as never) },
  markShipped: { call: (api, b) => api.markShipped(b as never) },
  voidShipment: { call: (api, b) => api.voidShipment(b as never) },
  getOrder: { read: true, call: (api, b) => api.getOrder(b as never) },
  listOrders: { read: true, call: (api, b) => api.listOrders(b as never) },
  listShipments: { read: true, call: (api, b) => api.listShipments(b as never) },
  listFulfillments: { read: true, call: (api, b) => api.listFulfillments(b as never) },
  listCustomers: { read: true, call: (api, b) => api.listCustomers(b as never) },
  addProduct: { call: (api, b) => api.addProduct(b as never) },
  updateProduct: { call: (api, b) => api.updateProduct(b as never) },
  deleteProduct: { call: (api, b) => api.deleteProduct(b as never) },
  listProducts: { read: true, call: (api, b) => api.listProducts(b as never) },
  addCarrier: { call: (api, b) => api.addCarrier(b as never) },
  addService: { call: (api, b) => api.addService(b as never) },
  listCarriers: { read: true, call: (api, b) => api.listCarriers(b as never) },
  subscribeWebhook: { call: (api, b) => api.subscribeWebhook(b as never) },
  unsubscribeWebhook: { call: (api, b) => api.unsubscribeWebhook(b as never) },
  listWebhooks: { read: true, call: (api, b) => api.listWebhooks(b as never) },
  deliveries: { read: true, call: (api) => api.deliveries() },
  settleWebhooks: { call: async (api) => (await api.settleWebhooks(), { ok: true }) },
  setWebhookSwitches: { call: (api, b) => api.setWebhookSwitches(plain(b) as WebhookSwitches) },
  releaseWebhooks: { call: (api, b) => api.releaseWebhooks({ reverse: b.reverse === true }) },
  rateLimitStatus: { read: true, call: (api, b) => api.rateLimitStatus(b as never) },
  config: { read: true, call: (api) => api.config() },
  configure: { call: (api, b) => api.configure(plain(b) as ConfigPatch) },
};

/** Every method name with a route (`reset` is the kit's `POST /_sim/reset`). */
export const CONTROL_METHODS = [...Object.keys(ROUTES), 'reset'];

export function controlRoutes(api: ShipStationSimApi, req: SimRequest, sub: string): SimResponse | Promise<SimResponse> | undefined {
  if (!sub.startsWith('shipstation/')) return undefined;
  return call(api, req, sub.slice('shipstation/'.length));
}

async function call(api: ShipStationSimApi, req: SimRequest, name: string): Promise<SimResponse> {
  if (name === 'reset' && req.method === 'POST') {
    api.reset();
    return json(200, { ok: true });
  }
  const route = ROUTES[name];
  if (!route) return json(404, { error: `no such method ${name}; one of ${CONTROL_METHODS.join(', ')}` });
  let body: Body;
  if (req.method === 'GET' && route.read) body = Object.fromEntries(req.query);
  else if (req.method === 'POST') {
    let parsed: JsonIn = {};
    try {
      if (req.text.trim()) parsed = readJson(req.text);
    } catch (e) {
      if (e instanceof JsonSyntaxError) return json(400, { error: `body is not JSON: ${e.message}` });
      throw e;
    }
    if (!isObject(parsed)) return json(400, { error: 'body must be a JSON object' });
    body = parsed;
  } else return json(405, { error: `${name} takes ${route.read ? 'GET or POST' : 'POST'}` });
  try {
    return json(200, await route.call(api, body));
  } catch (e) {
    if (e instanceof SimInputError) return json(e.status, { error: e.message });
    throw e;
  }
}

/** Settings and switches are plain numbers, not amounts: turn exact numbers back into JS numbers. */
function plain(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
