/**
 * WooCommerce simulator: many stores on one loopback server, each with the `/wc/v3` REST API under its own path
 * (`${url}/sites/<siteId>/wp-json/wc/v3/...`), WooCommerce's three ways to authenticate, and its webhooks
 * (Action Scheduler queue, signatures, auto-disable). Written from shared/api/woocommerce.md, never from our
 * client code; imports only the simulators' kit. See README.md.
 */
import { SimClock } from '../_kit/clock.ts';
import { startSimServer, type SimServer } from '../_kit/server.ts';
import { DEFAULT_CONFIG, mergeConfig, type ConfigPatch, type WooSimConfig } from './config.ts';
import { controlRoutes } from './control.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { toPlain } from './php-json.ts';
import { handleRest } from './rest/router.ts';
import { orderJson, refundJson } from './shape-order.ts';
import { customerJson, productJson, webhookJson } from './shape-other.ts';
import type { SiteState } from './site.ts';
import {
  WooState,
  type CreateKeyInput,
  type CreateSiteInput,
  type CustomerInput,
  type CustomerPatch,
  type OverrideTotals,
  type PlaceOrderInput,
  type ProductInput,
  type RefundInput,
  type SiteCredentials,
  type UpdateOrderPatch,
  type WebhookInput,
  type WebhookPatch,
} from './state.ts';
import type { OrderStatus, Permissions, WebhookRecord } from './types.ts';
import type { CustomerJson, OrderJson, ProductJson, RefundJson, WebhookJson, WebhookState } from './views.ts';
import { WooWebhooks, type PingResult, type WooDelivery, type WebhookSwitches } from './webhooks-out.ts';

export interface WooCommerceSimOptions extends ConfigPatch {
  port?: number;
  host?: string;
  clock?: SimClock;
}

export interface SiteSummary {
  siteId: string;
  name: string;
  siteUrl: string;
  homeUrl: string;
  currency: string;
  pricesIncludeTax: boolean;
  timezone: string;
  https: boolean;
}

/** The in-process API; each method is also `POST /_sim/woocommerce/<method>` (reads also answer GET). */
export interface WooCommerceSimApi {
  createSite(input?: CreateSiteInput): SiteCredentials;
  listSites(): SiteSummary[];
  createKey(siteId: string, input?: CreateKeyInput): { keyId: number; consumerKey: string; consumerSecret: string; permissions: Permissions };
  revokeKey(siteId: string, keyId: number): boolean;
  placeOrder(siteId: string, input: PlaceOrderInput): OrderJson;
  updateOrder(siteId: string, orderId: number, patch: UpdateOrderPatch): OrderJson;
  setStatus(siteId: string, orderId: number, status: OrderStatus): OrderJson;
  refund(siteId: string, orderId: number, input?: RefundInput): RefundJson;
  deleteOrder(siteId: string, orderId: number, options?: { force?: boolean }): OrderJson;
  restoreOrder(siteId: string, orderId: number): OrderJson;
  overrideTotals(siteId: string, orderId: number, totals: OverrideTotals): OrderJson;
  touchOrder(siteId: string, orderId: number, at?: string | number): OrderJson;
  getOrder(siteId: string, orderId: number): OrderJson;
  listOrders(siteId: string): OrderJson[];
  createCustomer(siteId: string, input: CustomerInput): CustomerJson;
  updateCustomer(siteId: string, customerId: number, patch: CustomerPatch): CustomerJson;
  getCustomer(siteId: string, customerId: number): CustomerJson;
  listCustomers(siteId: string): CustomerJson[];
  createProduct(siteId: string, input: ProductInput): ProductJson;
  updateProduct(siteId: string, productId: number, patch: Partial<ProductInput>): ProductJson;
  listProducts(siteId: string): ProductJson[];
  /** Creates a webhook as POST /webhooks does, ping included. */
  subscribeWebhook(siteId: string, input: WebhookInput): Promise<{ webhook: WebhookState; ping: PingResult }>;
  updateWebhook(siteId: string, webhookId: number, patch: WebhookPatch): WebhookState;
  deleteWebhook(siteId: string, webhookId: number): WebhookState;
  getWebhook(siteId: string, webhookId: number): WebhookState;
  listWebhooks(siteId: string): WebhookState[];
  /** Every delivery and ping attempted (kit records plus which site, webhook, topic and resource). */
  deliveries(filter?: { siteId?: string; webhookId?: number }): WooDelivery[];
  /** Webhooks switched off after failed deliveries, in order. */
  disabledWebhooks(): readonly { siteId: string; webhookId: number; at: string }[];
  /** Queued Action Scheduler jobs not yet run. */
  pendingJobs(): ReturnType<WooWebhooks['pendingJobs']>;
  /** Runs every queued job now (as `wp action-scheduler run`). */
  runWebhookQueue(): { ran: number };
  /** Runs the queue and waits until no delivery or ping is in flight. */
  settleWebhooks(): Promise<void>;
  setWebhookSwitches(switches: WebhookSwitches): Required<WebhookSwitches>;
  releaseWebhooks(options?: { reverse?: boolean }): { released: number };
  configure(patch: ConfigPatch): WooSimConfig;
  getConfig(): WooSimConfig;
  /** Forgets every site, key, record, delivery and queued job (also POST /_sim/reset). */
  reset(): void;
}

export interface WooCommerceSim extends WooCommerceSimApi {
  readonly server: SimServer;
  readonly url: string;
  readonly clock: SimClock;
  /** `${url}/sites/<siteId>`. */
  siteUrl(siteId: string): string;
  close(): Promise<void>;
}

export { DEFAULT_CONFIG } from './config.ts';
export type { ConfigPatch, WooSimConfig } from './config.ts';
export type * from './state.ts';
export type * from './views.ts';
export type { PingResult, WooDelivery, WebhookSwitches, DeliveryInfo } from './webhooks-out.ts';
export { signBody } from './webhooks-out.ts';
export { signRequest } from './oauth1.ts';

function plain<T>(value: JsonValue): T {
  return toPlain(value) as T;
}

export async function startWooCommerceSim(options: WooCommerceSimOptions = {}): Promise<WooCommerceSim> {
  const { port, host, clock: givenClock, ...patch } = options;
  const clock = givenClock ?? new SimClock();
  let config = mergeConfig(DEFAULT_CONFIG, patch);
  let baseUrl = '';
  let webhooks: WooWebhooks | undefined;
  const state = new WooState(
    clock,
    () => config,
    () => baseUrl,
    (event) => webhooks?.handle(event),
  );
  const out = new WooWebhooks(clock, () => state, () => config);
  webhooks = out;

  const orderView = (site: SiteState, id: number): OrderJson => plain(orderJson(site, state.order(site, id), { dp: 2, config }));
  const hookState = (site: SiteState, hook: WebhookRecord): WebhookState => ({
    ...plain<WebhookJson>(webhookJson(site, hook)),
    secret: hook.secret,
    failure_count: hook.failureCount,
    pending_delivery: hook.pendingDelivery,
  });

  const api: WooCommerceSimApi = {
    createSite: (input) => state.createSite(input),
    listSites: () =>
      state.listSites().map((s) => ({
        siteId: s.id,
        name: s.name,
        siteUrl: s.siteUrl,
        homeUrl: s.homeUrl,
        currency: s.currency,
        pricesIncludeTax: s.pricesIncludeTax,
        timezone: s.timezone,
        https: s.https,
      })),
    createKey: (siteId, input) => state.createKey(siteId, input),
    revokeKey: (siteId, keyId) => state.revokeKey(siteId, keyId),
    placeOrder: (siteId, input) => orderView(state.site(siteId), state.placeOrder(siteId, input).id),
    updateOrder: (siteId, orderId, p) => orderView(state.site(siteId), state.updateOrder(siteId, orderId, p).id),
    setStatus: (siteId, orderId, status) => orderView(state.site(siteId), state.setStatus(siteId, orderId, status).id),
    refund: (siteId, orderId, input = {}) => {
      const site = state.site(siteId);
      return plain(refundJson(site, state.refund(siteId, orderId, input), { dp: 2, config }));
    },
    deleteOrder: (siteId, orderId, opts = {}) => {
      const site = state.site(siteId);
      const before = orderView(site, orderId);
      state.deleteOrder(siteId, orderId, opts);
      return opts.force ? before : orderView(site, orderId);
    },
    restoreOrder: (siteId, orderId) => orderView(state.site(siteId), state.restoreOrder(siteId, orderId).id),
    overrideTotals: (siteId, orderId, totals) => orderView(state.site(siteId), state.overrideTotals(siteId, orderId, totals).id),
    touchOrder: (siteId, orderId, at) => orderView(state.site(siteId), state.touchOrder(siteId, orderId, at).id),
    getOrder: (siteId, orderId) => orderView(state.site(siteId), orderId),
    listOrders: (siteId) => {
      const site = state.site(siteId);
      return [...site.orders.keys()].map((id) => orderView(site, id));
    },
    createCustomer: (siteId, input) => plain(customerJson(state.site(siteId), state.createCustomer(siteId, input), config.modernFields)),
    updateCustomer: (siteId, customerId, p) => plain(customerJson(state.site(siteId), state.updateCustomer(siteId, customerId, p), config.modernFields)),
    getCustomer: (siteId, customerId) => {
      const site = state.site(siteId);
      return plain(customerJson(site, state.customer(site, customerId), config.modernFields));
    },
    listCustomers: (siteId) => {
      const site = state.site(siteId);
      return [...site.customers.values()].map((c) => plain<CustomerJson>(customerJson(site, c, config.modernFields)));
    },
    createProduct: (siteId, input) => plain(productJson(state.site(siteId), state.createProduct(siteId, input))),
    updateProduct: (siteId, productId, p) => plain(productJson(state.site(siteId), state.updateProduct(siteId, productId, p))),
    listProducts: (siteId) => {
      const site = state.site(siteId);
      return [...site.products.values()].map((p) => plain<ProductJson>(productJson(site, p)));
    },
    subscribeWebhook: async (siteId, input) => {
      const site = state.site(siteId);
      const hook = state.createWebhook(siteId, input);
      const ping = await out.ping(site, hook);
      return { webhook: hookState(site, hook), ping };
    },
    updateWebhook: (siteId, webhookId, p) => hookState(state.site(siteId), state.updateWebhook(siteId, webhookId, p)),
    deleteWebhook: (siteId, webhookId) => hookState(state.site(siteId), state.deleteWebhook(siteId, webhookId)),
    getWebhook: (siteId, webhookId) => {
      const site = state.site(siteId);
      return hookState(site, state.webhook(site, webhookId));
    },
    listWebhooks: (siteId) => {
      const site = state.site(siteId);
      return [...site.webhooks.values()].map((w) => hookState(site, w));
    },
    deliveries: (filter = {}) =>
      out.deliveries().filter((d) => (filter.siteId === undefined || d.info.siteId === filter.siteId) && (filter.webhookId === undefined || d.info.webhookId === Number(filter.webhookId))),
    disabledWebhooks: () => out.disabled(),
    pendingJobs: () => out.pendingJobs(),
    runWebhookQueue: () => ({ ran: out.runQueue() }),
    settleWebhooks: () => out.settle(),
    setWebhookSwitches: (switches) => out.switches(switches),
    releaseWebhooks: (opts) => ({ released: out.release(opts) }),
    configure: (p) => {
      config = mergeConfig(config, p);
      out.refreshConfig();
      return config;
    },
    getConfig: () => config,
    reset: () => {
      state.reset();
      out.reset();
    },
  };

  const server = await startSimServer({
    name: 'woocommerce',
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
    clock,
    handle: (req) => handleRest({ state, webhooks: out, clock, config: () => config }, req),
    control: (req, sub) => controlRoutes(api, req, sub),
    reset: () => api.reset(),
  });
  baseUrl = server.url;

  return {
    ...api,
    server,
    url: server.url,
    clock,
    siteUrl: (siteId) => `${server.url}/sites/${siteId}`,
    close: async () => {
      out.reset();
      await server.close();
    },
  };
}
