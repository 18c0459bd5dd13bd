/**
 * Shopify simulator entry point: a loopback Admin GraphQL API plus signed outbound webhooks, built on the
 * simulators' kit. Tests drive it in process through the returned object; a launcher in another process
 * drives the same methods over HTTP under `/_sim/shopify/<method>` (control.ts).
 */
import { SimClock } from '../_kit/clock.ts';
import { startSimServer, type SimServer } from '../_kit/server.ts';
import type { WebhookDelivery } from '../_kit/webhook-sender.ts';
import { controlRoutes } from './control.ts';
import { DEFAULT_THROTTLE, type ThrottleConfig, type ThrottleStatus } from './cost.ts';
import { fixed, plainWithPoint } from '../_kit/decimal-text.ts';
import { GraphQLEndpoint } from './graphql-endpoint.ts';
import { ShopifyState } from './state.ts';
import type {
  CancelOrderInput,
  CreateShopInput,
  CustomerInput,
  CustomerRecord,
  OrderRecord,
  OverrideTotalsInput,
  PlaceOrderInput,
  RefundInput,
  RefundRecord,
  ShopCredentials,
  SubscriptionRecord,
  UpdateOrderInput,
} from './types.ts';
import { DEFAULT_RETRY_SCHEDULE, ShopifyWebhooks, type DeliveryInfo, type WebhookOptions } from './webhooks-out.ts';

export type * from './types.ts';
export type { ThrottleConfig, ThrottleStatus } from './cost.ts';
export type { DeliveryInfo, WebhookOptions } from './webhooks-out.ts';
export { DEFAULT_RETRY_SCHEDULE, sign } from './webhooks-out.ts';
export { DEFAULT_THROTTLE } from './cost.ts';
export { INVALID_TOKEN_BODY } from './graphql-endpoint.ts';
export { SimInputError } from './order-math.ts';

/** Admin API version stamped on webhooks created through the control API; the shared schema copy is 2026-01. */
export const DEFAULT_API_VERSION = '2026-01';
/** Versions answered as asked; older ones fall forward to the oldest (notes §1.1). Date-dependent, so configurable. */
export const DEFAULT_SUPPORTED_VERSIONS: readonly string[] = ['2025-07', '2025-10', '2026-01', '2026-04'];

export interface ShopifySimOptions {
  port?: number;
  clock?: SimClock;
  /** API version for subscriptions made through the control API (GraphQL ones take the request's version). */
  apiVersion?: string;
  supportedVersions?: readonly string[];
  throttle?: Partial<ThrottleConfig>;
  /** HTTP status of THROTTLED answers (default 200). */
  throttledHttpStatus?: number;
  /** THROTTLED body without a `data` key (default) or with `"data": null`. */
  throttledData?: 'absent' | 'null';
  webhooks?: Partial<WebhookOptions>;
  /** GraphQL Decimal rendering: "29.0" (default, as the notes record) or "29.00". */
  decimalStyle?: 'graphql' | 'fixed2';
}

export interface WebhookSwitches {
  /** Probability 0..1 that a delivery is never sent. */
  dropRate?: number;
  /** Probability 0..1 that a delivery is sent twice with the same ids. */
  duplicateRate?: number;
  /** Hold new deliveries until releaseWebhooks(). */
  hold?: boolean;
}

export interface ThrottleSettings extends Partial<ThrottleConfig> {
  throttledHttpStatus?: number;
  throttledData?: 'absent' | 'null';
}

export type ShopifyDelivery = WebhookDelivery & { info: DeliveryInfo | undefined };

export interface ShopifySimApi {
  createShop(input: CreateShopInput): ShopCredentials;
  /** Invalidates the shop's token (→ 401) and returns a freshly issued one. */
  revokeAccessToken(shop: string): ShopCredentials;
  subscribeWebhook(input: { shop: string; topic: string; address: string; apiVersion?: string }): SubscriptionRecord;
  unsubscribeWebhook(input: { shop: string; id: string }): boolean;
  listWebhooks(shop: string): SubscriptionRecord[];
  placeOrder(shop: string, input: PlaceOrderInput): OrderRecord;
  updateOrder(shop: string, orderId: string, patch: UpdateOrderInput): OrderRecord;
  markPaid(shop: string, orderId: string): OrderRecord;
  cancelOrder(shop: string, orderId: string, options?: CancelOrderInput): OrderRecord;
  refundOrder(shop: string, orderId: string, input: RefundInput): RefundRecord;
  overrideTotals(shop: string, orderId: string, totals: OverrideTotalsInput): OrderRecord;
  createCustomer(shop: string, input: CustomerInput): CustomerRecord;
  updateCustomer(shop: string, customerId: string, patch: CustomerInput): CustomerRecord;
  getOrder(shop: string, orderId: string): OrderRecord;
  listOrders(shop: string): OrderRecord[];
  getCustomer(shop: string, customerId: string): CustomerRecord;
  listCustomers(shop: string): CustomerRecord[];
  deliveries(): readonly ShopifyDelivery[];
  removedSubscriptions(): readonly { subscriptionId: string; shop: string; at: string }[];
  settleWebhooks(): Promise<void>;
  setWebhookSwitches(switches: WebhookSwitches): WebhookSwitches;
  releaseWebhooks(options?: { reverse?: boolean }): number;
  setThrottle(settings: ThrottleSettings): ThrottleSettings;
  setBucket(input: { accessToken: string; currentlyAvailable: number }): ThrottleStatus;
  throttleStatus(accessToken: string): ThrottleStatus;
  reset(): void;
}

export interface ShopifySim extends ShopifySimApi {
  readonly server: SimServer;
  readonly url: string;
  readonly clock: SimClock;
  /** `${url}/admin/api/${version}/graphql.json` */
  graphqlUrl(version?: string): string;
  close(): Promise<void>;
}

export async function startShopifySim(options: ShopifySimOptions = {}): Promise<ShopifySim> {
  const clock = options.clock ?? new SimClock();
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const throttle: ThrottleConfig = { ...DEFAULT_THROTTLE, ...options.throttle };
  const response = { status: options.throttledHttpStatus ?? 200, data: options.throttledData ?? ('absent' as 'absent' | 'null') };
  const decimal = options.decimalStyle === 'fixed2' ? (a: string) => fixed(a) : plainWithPoint;

  let webhooks: ShopifyWebhooks | undefined;
  const state = new ShopifyState(clock, (event) => webhooks?.handle(event));
  webhooks = new ShopifyWebhooks(clock, () => state, {
    retrySchedule: DEFAULT_RETRY_SCHEDULE,
    timeoutMs: 5_000,
    minRealTimeoutMs: 250,
    removeSubscriptionOnGiveUp: true,
    rubyEscapes: true,
    ...options.webhooks,
  });
  const out = webhooks;
  const endpoint = new GraphQLEndpoint(state, clock, {
    supportedVersions: () => options.supportedVersions ?? DEFAULT_SUPPORTED_VERSIONS,
    throttle: () => throttle,
    throttledHttpStatus: () => response.status,
    throttledData: () => response.data,
    decimal,
  });

  const api: ShopifySimApi = {
    createShop: (input) => state.createShop(input),
    revokeAccessToken: (shop) => state.revokeAccessToken(shop),
    subscribeWebhook: (input) => state.subscribe(input.shop, input.topic, input.address, input.apiVersion ?? apiVersion),
    unsubscribeWebhook: (input) => state.unsubscribe(input.shop, input.id),
    listWebhooks: (shop) => state.listSubscriptions(shop),
    placeOrder: (shop, input) => state.placeOrder(shop, input),
    updateOrder: (shop, id, patch) => state.updateOrder(shop, id, patch),
    markPaid: (shop, id) => state.markPaid(shop, id),
    cancelOrder: (shop, id, opts) => state.cancelOrder(shop, id, opts),
    refundOrder: (shop, id, input) => state.refundOrder(shop, id, input),
    overrideTotals: (shop, id, totals) => state.overrideTotals(shop, id, totals),
    createCustomer: (shop, input) => state.createCustomer(shop, input),
    updateCustomer: (shop, id, patch) => state.updateCustomer(shop, id, patch),
    getOrder: (shop, id) => state.getOrder(shop, id),
    listOrders: (shop) => state.listOrders(shop),
    getCustomer: (shop, id) => state.getCustomer(shop, id),
    listCustomers: (shop) => state.listCustomers(shop),
    deliveries: () => out.deliveries(),
    removedSubscriptions: () => out.removedSubscriptions(),
    settleWebhooks: () => out.settle(),
    setWebhookSwitches: (switches) => {
      if (switches.dropRate !== undefined) out.sender.dropRate = switches.dropRate;
      if (switches.duplicateRate !== undefined) out.sender.duplicateRate = switches.duplicateRate;
      if (switches.hold === true) out.hold();
      if (switches.hold === false) out.release();
      return { dropRate: out.sender.dropRate, duplicateRate: out.sender.duplicateRate, hold: switches.hold ?? false };
    },
    releaseWebhooks: (opts) => out.release(opts),
    setThrottle: (settings) => {
      if (settings.maximumAvailable !== undefined) throttle.maximumAvailable = settings.maximumAvailable;
      if (settings.restoreRate !== undefined) throttle.restoreRate = settings.restoreRate;
      if (settings.singleQueryMaxCost !== undefined) throttle.singleQueryMaxCost = settings.singleQueryMaxCost;
      if (settings.throttledHttpStatus !== undefined) response.status = settings.throttledHttpStatus;
      if (settings.throttledData !== undefined) response.data = settings.throttledData;
      return { ...throttle, throttledHttpStatus: response.status, throttledData: response.data };
    },
    setBucket: ({ accessToken, currentlyAvailable }) => {
      const bucket = endpoint.bucket(accessToken);
      bucket.set(currentlyAvailable);
      return bucket.status();
    },
    throttleStatus: (accessToken) => endpoint.bucket(accessToken).status(),
    reset: () => {
      state.reset();
      out.reset();
      endpoint.resetBuckets();
    },
  };

  const server = await startSimServer({
    name: 'shopify',
    ...(options.port !== undefined ? { port: options.port } : {}),
    clock,
    handle: (req) => endpoint.handle(req),
    control: (req, sub) => controlRoutes(api, req, sub),
    reset: () => api.reset(),
    maskHeaders: ['x-shopify-access-token'],
  });

  return {
    ...api,
    server,
    url: server.url,
    clock,
    graphqlUrl: (version = apiVersion) => `${server.url}/admin/api/${version}/graphql.json`,
    close: async () => {
      await server.close();
    },
  };
}
