/**
 * ShipStation simulator: the V1 API (Basic auth, Pacific-time timestamps, pointer webhooks, 40/min) and the V2
 * shipments/labels subset (`api-key`), on one loopback server built on the simulators' kit. Written from
 * shared/api/shipstation.md and the V2 OpenAPI file, never from our client code; imports nothing from src/.
 */
import { SimClock } from '../_kit/clock.ts';
import type { WebhookDelivery } from '../_kit/webhook-sender.ts';
import { startSimServer, type SimRequest, type SimResponse, type SimServer } from '../_kit/server.ts';
import { DEFAULT_CONFIG, mergeConfig, type ConfigPatch, type ShipStationSimConfig } from './config.ts';
import { Catalog, type CarrierInput, type CarrierRecord, type ProductInput, type ProductRecord, type ServiceRecord } from './catalog.ts';
import { controlRoutes } from './control.ts';
import { int } from './input.ts';
import { RateLimiter, type RateDecision } from './rate-limit.ts';
import {
  ShipStationState,
  type AccountKeys,
  type CreateAccountInput,
  type CreateStoreInput,
  type ImportOrderInput,
  type ImportOrdersInput,
  type MarkShippedInput,
  type OrderPatch,
  type ShipmentInput,
  type SubscribeInput,
} from './state.ts';
import type { CustomerRecord, FulfillmentRecord, OrderRecord, ShipmentRecord, StoreRecord, WebhookSubscription } from './types.ts';
import { V1Api } from './v1-api.ts';
import { V1Shapes } from './v1-shape.ts';
import { V2Api } from './v2-api.ts';
import { V2Shapes } from './v2-shape.ts';
import { ShipStationWebhooks, type DeliveryInfo, type WebhookSwitches } from './webhooks-out.ts';

export type ShipStationSimOptions = { port?: number; clock?: SimClock } & ConfigPatch;

export type { ConfigPatch, ShipStationSimConfig, WebhookConfig } from './config.ts';
export type { OrderInput, OrderItemInput, AddressInput } from './order-input.ts';
export type {
  AccountKeys,
  CreateAccountInput,
  CreateStoreInput,
  ImportOrderInput,
  ImportOrdersInput,
  MarkShippedInput,
  OrderPatch,
  ShipmentInput,
  SubscribeInput,
} from './state.ts';
export type { CustomerRecord, FulfillmentRecord, OrderRecord, ShipmentRecord, StoreRecord, WebhookSubscription } from './types.ts';
export type { DeliveryInfo, WebhookSwitches } from './webhooks-out.ts';
export type { CarrierInput, CarrierRecord, ProductInput, ProductRecord, ServiceRecord } from './catalog.ts';
export { DEFAULT_CONFIG } from './config.ts';

type AccountRef = { accountId: number };

export type ShipStationDelivery = WebhookDelivery & { info: DeliveryInfo | undefined };

/** Every in-process method; each has a `/_sim/shipstation/<method>` route (control.ts). */
export interface ShipStationSimApi {
  createAccount(input?: CreateAccountInput): AccountKeys;
  createStore(input: CreateStoreInput): StoreRecord;
  listStores(input: AccountRef): StoreRecord[];
  /** An order arriving from a store; fires ORDER_NOTIFY unless it is awaiting_payment. */
  importOrder(input: ImportOrderInput): OrderRecord;
  /** One import action with several orders: one batch, one ORDER_NOTIFY. */
  importOrders(input: ImportOrdersInput): OrderRecord[];
  /** An edit; bumps modifyDate, fires no webhook. */
  updateOrder(input: AccountRef & { orderId: number; patch: OrderPatch }): OrderRecord;
  /** awaiting_payment → awaiting_shipment; fires ORDER_NOTIFY. */
  payOrder(input: AccountRef & { orderId: number; paymentDate?: string }): OrderRecord;
  /** Fires no webhook. */
  cancelOrder(input: AccountRef & { orderId: number }): OrderRecord;
  /** A label: a shipment with carrier, service, tracking and cost; fires SHIP_NOTIFY. */
  shipOrder(input: AccountRef & ShipmentInput): ShipmentRecord;
  /** Several labels in one batch; one SHIP_NOTIFY. */
  shipOrders(input: AccountRef & { shipments: ShipmentInput[] }): ShipmentRecord[];
  /** A fulfillment (not a shipment); FULFILLMENT_SHIPPED when a fill provider shipped it. */
  markShipped(input: MarkShippedInput): FulfillmentRecord;
  /** Fires no webhook. */
  voidShipment(input: AccountRef & { shipmentId: number }): ShipmentRecord;
  getOrder(input: AccountRef & { orderId: number }): OrderRecord;
  listOrders(input: AccountRef): OrderRecord[];
  listShipments(input: AccountRef): ShipmentRecord[];
  listFulfillments(input: AccountRef): FulfillmentRecord[];
  listCustomers(input: AccountRef): CustomerRecord[];
  /** A product added in the UI (amounts as decimal text); `name` is required. */
  addProduct(input: AccountRef & { product: ProductInput }): ProductRecord;
  /** A UI edit of the fields given; bumps modifyDate. `{ active: false }` deactivates it. */
  updateProduct(input: AccountRef & { productId: number; patch: ProductInput }): ProductRecord;
  /** Removes a product outright (it leaves every list, inactive ones included). */
  deleteProduct(input: AccountRef & { productId: number }): { deleted: boolean };
  listProducts(input: AccountRef): ProductRecord[];
  /** Connects a carrier, optionally with services. */
  addCarrier(input: CarrierInput): CarrierRecord;
  addService(input: AccountRef & { carrierCode: string; code: string; name: string; domestic?: boolean; international?: boolean }): ServiceRecord;
  listCarriers(input: AccountRef): CarrierRecord[];
  subscribeWebhook(input: SubscribeInput): WebhookSubscription;
  unsubscribeWebhook(input: AccountRef & { webHookId: number }): { deleted: boolean };
  listWebhooks(input: AccountRef): WebhookSubscription[];
  deliveries(): ShipStationDelivery[];
  settleWebhooks(): Promise<void>;
  setWebhookSwitches(input: WebhookSwitches): Required<WebhookSwitches>;
  releaseWebhooks(input?: { reverse?: boolean }): { released: number };
  /** The current window of a V1 key (`version: 'v1'`, default) or V2 key, without counting a request. */
  rateLimitStatus(input: { apiKey: string; version?: 'v1' | 'v2' }): RateDecision;
  config(): ShipStationSimConfig;
  configure(patch: ConfigPatch): ShipStationSimConfig;
  /** Forgets every account, delivery and rate window (also `POST /_sim/reset`). */
  reset(): void;
}

export interface ShipStationSim extends ShipStationSimApi {
  readonly server: SimServer;
  readonly url: string;
  readonly clock: SimClock;
  close(): Promise<void>;
}

export async function startShipStationSim(options: ShipStationSimOptions = {}): Promise<ShipStationSim> {
  const { port, clock: givenClock, ...patch } = options;
  const clock = givenClock ?? new SimClock();
  let config = mergeConfig(DEFAULT_CONFIG, patch);
  const getConfig = () => config;
  let baseUrl = '';
  const getBaseUrl = () => baseUrl;

  let webhooks: ShipStationWebhooks | undefined;
  const state = new ShipStationState(clock, getConfig, (event) => webhooks?.handle(event));
  const out = new ShipStationWebhooks(clock, () => state, getConfig, getBaseUrl);
  webhooks = out;
  const limiter = new RateLimiter();
  const catalog = new Catalog(state, clock);
  const v1 = new V1Api({ state, shapes: new V1Shapes(getConfig), limiter, clock, config: getConfig });
  const v2 = new V2Api({ state, shapes: new V2Shapes(getConfig, getBaseUrl), limiter, clock, config: getConfig, baseUrl: getBaseUrl });

  const api: ShipStationSimApi = {
    createAccount: (input) => state.createAccount(input),
    createStore: (input) => state.createStore(input),
    listStores: (input) => state.listStores(input.accountId),
    importOrder: (input) => state.importOrder(input),
    importOrders: (input) => state.importOrders(input),
    updateOrder: (input) => state.updateOrder(input),
    payOrder: (input) => state.payOrder(input),
    cancelOrder: (input) => state.cancelOrder(input),
    shipOrder: (input) => state.shipOrder(input),
    shipOrders: (input) => state.shipOrders(input),
    markShipped: (input) => state.markShipped(input),
    voidShipment: (input) => state.voidShipment(input),
    getOrder: (input) => state.order(state.account(input.accountId), int(input.orderId, 'orderId')),
    listOrders: (input) => [...state.account(input.accountId).orders.values()],
    listShipments: (input) => [...state.account(input.accountId).shipments.values()],
    listFulfillments: (input) => [...state.account(input.accountId).fulfillments.values()],
    listCustomers: (input) => [...state.account(input.accountId).customers.values()],
    addProduct: (input) => catalog.addProduct(input),
    updateProduct: (input) => catalog.updateProduct(input),
    deleteProduct: (input) => catalog.deleteProduct(input),
    listProducts: (input) => catalog.listProducts(input),
    addCarrier: (input) => catalog.addCarrier(input),
    addService: (input) => catalog.addService(input),
    listCarriers: (input) => catalog.listCarriers(input),
    subscribeWebhook: (input) => state.subscribe(input),
    unsubscribeWebhook: (input) => ({ deleted: state.unsubscribe(input) }),
    listWebhooks: (input) => [...state.account(input.accountId).webhooks.values()],
    deliveries: () => out.deliveries(),
    settleWebhooks: () => out.settle(),
    setWebhookSwitches: (input) => out.setSwitches(input),
    releaseWebhooks: (input = {}) => ({ released: out.release(input) }),
    rateLimitStatus: ({ apiKey, version = 'v1' }) =>
      limiter.peek(`${version}:${apiKey}`, clock.now(), version === 'v1' ? config.v1PerMinute : config.v2PerMinute),
    config: () => config,
    configure: (next) => {
      config = mergeConfig(config, next);
      return config;
    },
    reset: () => {
      state.reset();
      out.reset();
      limiter.reset();
    },
  };

  const handle = (req: SimRequest): SimResponse => (req.path === '/v2' || req.path.startsWith('/v2/') ? v2.handle(req) : v1.handle(req));

  const server = await startSimServer({
    name: 'shipstation',
    ...(port !== undefined ? { port } : {}),
    clock,
    handle,
    control: (req, sub) => controlRoutes(api, req, sub),
    reset: () => api.reset(),
    maskHeaders: ['api-key'],
  });
  baseUrl = server.url;

  return {
    ...api,
    server,
    url: server.url,
    clock,
    close: () => server.close(),
  };
}
