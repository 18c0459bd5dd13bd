/**
 * Accounts and everything in them, and every change the simulator can make. Each account holds its own stores,
 * orders, customers, shipments, fulfillments and webhook subscriptions, reached only through its own keys, so
 * one account's keys never see another's data. Changes that the real service announces by webhook emit a
 * `SimEvent`; edits, cancellations, voids and deletions emit nothing (notes §4, pitfall 5).
 */
import type { SimClock } from '../_kit/clock.ts';
import type { ShipStationSimConfig } from './config.ts';
import { seedCatalog } from './catalog.ts';
import { SimInputError, notFound } from './errors.ts';
import { Ids, guid, hexKey } from './ids.ts';
import { bool, decimal, int, obj, oneOf, optDateOnly, optInstant, optInt, optObj, optStr, str } from './input.ts';
import { readOrder, type OrderInput, type ParsedOrder, type WeightInput } from './order-input.ts';
import { pacificDate, type AmbiguousTimeRule } from './pacific-time.ts';
import {
  LOCKED_STATUSES,
  WEBHOOK_EVENTS,
  WEIGHT_UNITS,
  type AccountRecord,
  type CustomerRecord,
  type FulfillmentRecord,
  type OrderFields,
  type OrderItem,
  type OrderRecord,
  type ShipmentRecord,
  type StoreRecord,
  type WebhookEvent,
  type WebhookSubscription,
} from './types.ts';

export type SimEvent =
  | { kind: 'ORDER_NOTIFY'; account: AccountRecord; storeId: number; importBatch: string }
  | { kind: 'SHIP_NOTIFY'; account: AccountRecord; storeIds: number[]; batchId: number }
  | { kind: 'FULFILLMENT_SHIPPED'; account: AccountRecord; storeIds: number[]; fulfillmentId: number };

export interface CreateAccountInput {
  name?: string;
  /** Fixed credentials, e.g. the docs' test vector `ShipStation` / `Rocks` (notes §1). Generated when absent. */
  apiKey?: string;
  apiSecret?: string;
  v2ApiKey?: string;
  /** `sample` (default): three carriers with services and a few products (catalog.ts); `none`: an empty catalog. */
  catalog?: 'sample' | 'none';
}

export interface AccountKeys {
  accountId: number;
  name: string;
  apiKey: string;
  apiSecret: string;
  /** `Basic base64(key:secret)`, ready for the Authorization header. */
  authorization: string;
  v2ApiKey: string;
  /** The account's first manual store, where orders go when no store is named (notes §7). */
  manualStoreId: number;
}

export interface CreateStoreInput {
  accountId: number;
  storeName: string;
  marketplaceName?: string;
  marketplaceId?: number;
}

export interface ImportOrdersInput {
  accountId: number;
  /** The store the orders arrive from; the manual store when absent. */
  storeId?: number;
  orders: OrderInput[];
}

export interface ImportOrderInput {
  accountId: number;
  storeId?: number;
  order: OrderInput;
}

/** Fields a store-side or UI edit may change; status changes have their own methods. */
export type OrderPatch = Omit<OrderInput, 'orderKey' | 'orderStatus' | 'orderTotal'>;

export interface ShipmentInput {
  orderId: number;
  carrierCode: string;
  serviceCode: string;
  packageCode?: string;
  trackingNumber?: string;
  /** Label cost, decimal text. */
  shipmentCost: string;
  insuranceCost?: string;
  /** `YYYY-MM-DD`; today in Pacific time when absent. */
  shipDate?: string;
  confirmation?: string | null;
  weight?: WeightInput;
  isReturnLabel?: boolean;
}

export interface MarkShippedInput {
  accountId: number;
  orderId: number;
  /** Free text on fulfillments, e.g. `USPS` (notes §3). */
  carrierCode: string;
  trackingNumber?: string | null;
  shipDate?: string;
  notifyCustomer?: boolean;
  notifySalesChannel?: boolean;
  /** Set when a fill provider (FBA etc.) shipped it: that is what fires FULFILLMENT_SHIPPED (notes §4). */
  fillProvider?: { id: number; name: string; serviceCode?: string; providerCode?: string };
  fulfillmentFee?: string;
}

export interface SubscribeInput {
  accountId: number;
  event: WebhookEvent;
  targetUrl: string;
  storeId?: number | null;
  friendlyName?: string | null;
}

export interface CreateOrdersResult {
  orderId: number | null;
  orderKey: string | null;
  orderNumber: string | null;
  success: boolean;
  errorMessage: string | null;
}

export class ShipStationState {
  readonly ids = new Ids();
  private accounts = new Map<number, AccountRecord>();
  private byV1Key = new Map<string, AccountRecord>();
  private byV2Key = new Map<string, AccountRecord>();

  constructor(
    private readonly clock: SimClock,
    private readonly config: () => ShipStationSimConfig,
    private readonly emit: (event: SimEvent) => void,
  ) {}

  reset(): void {
    this.accounts.clear();
    this.byV1Key.clear();
    this.byV2Key.clear();
    this.ids.reset();
  }

  private now(): number {
    return this.clock.now();
  }

  /** The instant an offset-less input names; in `wall` mode the earlier one (PDT) of a repeated hour. */
  private inputRule(): AmbiguousTimeRule {
    const mode = this.config().ambiguousTime;
    return mode === 'wall' ? 'earlier' : mode;
  }

  // ---- accounts and stores -------------------------------------------------------------------------------

  createAccount(input: CreateAccountInput = {}): AccountKeys {
    const apiKey = input.apiKey ?? hexKey();
    const apiSecret = input.apiSecret ?? hexKey();
    const v2ApiKey = input.v2ApiKey ?? hexKey(40);
    if (this.byV1Key.has(apiKey)) throw new SimInputError(`API key ${apiKey} is taken`, 409);
    if (this.byV2Key.has(v2ApiKey)) throw new SimInputError('V2 API key is taken', 409);
    const accountId = this.ids.take('account');
    const account: AccountRecord = {
      accountId,
      name: input.name ?? `Account ${accountId}`,
      apiKey,
      apiSecret,
      v2ApiKey,
      userId: guid(),
      manualStoreId: 0,
      stores: new Map(),
      orders: new Map(),
      orderIdsByKey: new Map(),
      customers: new Map(),
      customerIdsByUsername: new Map(),
      shipments: new Map(),
      fulfillments: new Map(),
      webhooks: new Map(),
      v2CarrierIds: new Map(),
      v2WarehouseId: this.ids.se(),
      products: new Map(),
      carriers: [],
    };
    this.accounts.set(accountId, account);
    this.byV1Key.set(apiKey, account);
    this.byV2Key.set(v2ApiKey, account);
    account.manualStoreId = this.addStore(account, 'Manual Orders', 'ShipStation', 0).storeId;
    if (input.catalog !== 'none') seedCatalog(account, this.ids, this.now());
    return this.keys(account);
  }

  private keys(account: AccountRecord): AccountKeys {
    return {
      accountId: account.accountId,
      name: account.name,
      apiKey: account.apiKey,
      apiSecret: account.apiSecret,
      authorization: `Basic ${Buffer.from(`${account.apiKey}:${account.apiSecret}`, 'utf8').toString('base64')}`,
      v2ApiKey: account.v2ApiKey,
      manualStoreId: account.manualStoreId,
    };
  }

  private addStore(account: AccountRecord, storeName: string, marketplaceName: string, marketplaceId: number): StoreRecord {
    const store: StoreRecord = { storeId: this.ids.take('store'), storeName, marketplaceName, marketplaceId, v2StoreId: this.ids.se() };
    account.stores.set(store.storeId, store);
    return store;
  }

  createStore(input: CreateStoreInput): StoreRecord {
    const account = this.account(input.accountId);
    return this.addStore(account, str(input.storeName, 'storeName'), optStr(input.marketplaceName, 'marketplaceName') ?? 'Shopify', optInt(input.marketplaceId, 'marketplaceId') ?? 69);
  }

  listStores(accountId: number): StoreRecord[] {
    return [...this.account(accountId).stores.values()];
  }

  account(accountId: number): AccountRecord {
    const account = this.accounts.get(int(accountId, 'accountId'));
    if (!account) throw notFound(`no account ${accountId}`);
    return account;
  }

  accountByV1Key(apiKey: string): AccountRecord | undefined {
    return this.byV1Key.get(apiKey);
  }

  accountByV2Key(apiKey: string): AccountRecord | undefined {
    return this.byV2Key.get(apiKey);
  }

  store(account: AccountRecord, storeId: number): StoreRecord {
    const store = account.stores.get(storeId);
    if (!store) throw new SimInputError(`storeId ${storeId} is not a store of this account`);
    return store;
  }

  // ---- orders --------------------------------------------------------------------------------------------

  order(account: AccountRecord, orderId: number): OrderRecord {
    const order = account.orders.get(orderId);
    if (!order) throw notFound(`Order ${orderId} not found`);
    return order;
  }

  private parse(account: AccountRecord, input: unknown, mode: 'api' | 'import'): ParsedOrder {
    return readOrder(input, {
      mode,
      rule: this.inputRule(),
      now: this.now(),
      customsItemId: () => this.ids.take('customsItem'),
      nextOrderNumber: () => String(account.orders.size + 1001),
    });
  }

  private stampItems(fields: OrderFields, previous: readonly OrderItem[], now: number): OrderItem[] {
    const byKey = new Map(previous.filter((i) => i.lineItemKey !== null).map((i) => [i.lineItemKey, i]));
    return fields.items.map((item) => {
      const before = item.lineItemKey === null ? undefined : byKey.get(item.lineItemKey);
      return { ...item, orderItemId: before?.orderItemId ?? this.ids.take('orderItem'), createDate: before?.createDate ?? now, modifyDate: now };
    });
  }

  private createOrder(account: AccountRecord, parsed: ParsedOrder, storeId: number, importBatch: string): OrderRecord {
    const now = this.now();
    const orderKey = parsed.orderKey ?? guid();
    const { items: _items, advancedOptions, ...rest } = parsed.fields;
    const order: OrderRecord = {
      ...rest,
      orderId: this.ids.take('order'),
      orderKey,
      createDate: now,
      modifyDate: now,
      customerId: null,
      items: this.stampItems(parsed.fields, [], now),
      advancedOptions: { ...advancedOptions, storeId, mergedOrSplit: false, mergedIds: [], parentId: null },
      statedOrderTotal: parsed.statedOrderTotal,
      active: true,
      importBatch,
      v2ShipmentId: this.ids.se(),
      v2CreatedAt: now,
    };
    account.orders.set(order.orderId, order);
    account.orderIdsByKey.set(orderKey, order.orderId);
    this.linkCustomer(account, order);
    return order;
  }

  /** Replaces the writable fields, keeping ids, key, createDate, storeId (creation-only, notes §7). */
  private replaceOrder(account: AccountRecord, order: OrderRecord, fields: OrderFields): void {
    const now = this.now();
    const { items: _items, advancedOptions, ...rest } = fields;
    const items = this.stampItems(fields, order.items, now);
    Object.assign(order, rest, {
      items,
      advancedOptions: { ...order.advancedOptions, ...advancedOptions },
      modifyDate: now,
    });
    this.linkCustomer(account, order);
  }

  /** Creates or refreshes the customer an order names by `customerUsername` (notes §3: customers are implicit). */
  private linkCustomer(account: AccountRecord, order: OrderRecord): void {
    if (!order.customerUsername) return;
    const now = order.modifyDate;
    const store = account.stores.get(order.advancedOptions.storeId);
    const marketplace = store?.marketplaceName ?? 'ShipStation';
    const marketplaceId = store?.marketplaceId ?? 0;
    const existingId = account.customerIdsByUsername.get(order.customerUsername);
    const address = {
      name: order.shipTo.name,
      company: order.shipTo.company,
      street1: order.shipTo.street1,
      street2: order.shipTo.street2,
      city: order.shipTo.city,
      state: order.shipTo.state,
      postalCode: order.shipTo.postalCode,
      countryCode: order.shipTo.country,
      phone: order.shipTo.phone,
      email: order.customerEmail,
      addressVerified: order.shipTo.addressVerified === null ? null : 'Verified',
    };
    let customer: CustomerRecord;
    if (existingId === undefined) {
      const customerId = this.ids.take('customer');
      customer = { customerId, createDate: now, modifyDate: now, ...address, marketplaceUsernames: [], tags: [] };
      account.customers.set(customerId, customer);
      account.customerIdsByUsername.set(order.customerUsername, customerId);
    } else {
      customer = account.customers.get(existingId)!;
      const changed = (Object.keys(address) as (keyof typeof address)[]).some((k) => customer[k] !== address[k]);
      if (changed) Object.assign(customer, address, { modifyDate: now });
    }
    if (!customer.marketplaceUsernames.some((m) => m.marketplaceId === marketplaceId && m.username === order.customerUsername)) {
      customer.marketplaceUsernames.push({
        customerUserId: this.ids.take('customerUser'),
        customerId: customer.customerId,
        createDate: now,
        modifyDate: now,
        marketplaceId,
        marketplace,
        username: order.customerUsername,
      });
      customer.modifyDate = now;
    }
    order.customerId = customer.customerId;
  }

  /** An import from a store: one action, one import batch, one ORDER_NOTIFY for its paid orders (notes §4). */
  importOrders(input: ImportOrdersInput): OrderRecord[] {
    const account = this.account(input.accountId);
    const storeId = input.storeId === undefined || input.storeId === null ? account.manualStoreId : int(input.storeId, 'storeId');
    this.store(account, storeId);
    if (!Array.isArray(input.orders) || input.orders.length === 0) throw new SimInputError('orders must be a non-empty array');
    const parsed = input.orders.map((o) => this.parse(account, o, 'import'));
    const keys = new Set<string>();
    for (const p of parsed) {
      if (p.orderKey === null) continue;
      if (account.orderIdsByKey.has(p.orderKey) || keys.has(p.orderKey)) throw new SimInputError(`orderKey ${p.orderKey} already exists`, 409);
      keys.add(p.orderKey);
    }
    const importBatch = guid();
    const created = parsed.map((p) => this.createOrder(account, p, storeId, importBatch));
    if (created.some((o) => o.orderStatus !== 'awaiting_payment')) this.emit({ kind: 'ORDER_NOTIFY', account, storeId, importBatch });
    return created;
  }

  importOrder(input: ImportOrderInput): OrderRecord {
    return this.importOrders({ accountId: input.accountId, ...(input.storeId !== undefined ? { storeId: input.storeId } : {}), orders: [input.order] })[0]!;
  }

  /**
   * `POST /orders/createorder`: upsert by `orderKey` (or by `orderId`, per a third-party note), create otherwise
   * with a generated key. Shipped and cancelled orders refuse updates (notes §7).
   */
  createOrUpdateOrder(account: AccountRecord, body: unknown): { order: OrderRecord; created: boolean; notify: boolean } {
    const parsed = this.parse(account, body, 'api');
    const existingId = parsed.orderKey !== null ? account.orderIdsByKey.get(parsed.orderKey) : parsed.orderId !== null && account.orders.has(parsed.orderId) ? parsed.orderId : undefined;
    if (existingId === undefined) {
      const storeId = parsed.storeId ?? account.manualStoreId;
      this.store(account, storeId);
      const order = this.createOrder(account, parsed, storeId, guid());
      return { order, created: true, notify: order.orderStatus !== 'awaiting_payment' };
    }
    const order = account.orders.get(existingId)!;
    if (LOCKED_STATUSES.includes(order.orderStatus)) {
      const locked = this.config().lockedOrder;
      throw new SimInputError(locked.message, locked.status);
    }
    const wasAwaitingPayment = order.orderStatus === 'awaiting_payment';
    this.replaceOrder(account, order, parsed.fields);
    const notify = wasAwaitingPayment && order.orderStatus !== 'awaiting_payment' && order.orderStatus !== 'cancelled';
    if (notify) order.importBatch = guid();
    return { order, created: false, notify };
  }

  /** createorder for one order, announcing it when the trigger rules say so. */
  createOrderFromApi(account: AccountRecord, body: unknown): OrderRecord {
    const result = this.createOrUpdateOrder(account, body);
    if (result.notify) this.emit({ kind: 'ORDER_NOTIFY', account, storeId: result.order.advancedOptions.storeId, importBatch: result.order.importBatch! });
    return result.order;
  }

  /**
   * `POST /orders/createorders`: up to 100, each succeeding or failing alone. The orders this call announces share
   * one import batch per store, so one ORDER_NOTIFY per store covers them (notes §4: one payload per import action).
   */
  createOrders(account: AccountRecord, bodies: unknown[]): { hasErrors: boolean; results: CreateOrdersResult[] } {
    if (bodies.length > 100) throw new SimInputError('createorders takes at most 100 orders');
    const results: CreateOrdersResult[] = [];
    const batches = new Map<number, { importBatch: string; orders: OrderRecord[] }>();
    for (const body of bodies) {
      try {
        const { order, notify } = this.createOrUpdateOrder(account, body);
        results.push({ orderId: order.orderId, orderKey: order.orderKey, orderNumber: order.orderNumber, success: true, errorMessage: null });
        if (notify) {
          const storeId = order.advancedOptions.storeId;
          const batch = batches.get(storeId) ?? { importBatch: guid(), orders: [] };
          batch.orders.push(order);
          batches.set(storeId, batch);
        }
      } catch (e) {
        if (!(e instanceof SimInputError)) throw e;
        const o = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
        results.push({
          orderId: null,
          orderKey: typeof o.orderKey === 'string' ? o.orderKey : null,
          orderNumber: typeof o.orderNumber === 'string' ? o.orderNumber : null,
          success: false,
          errorMessage: e.message,
        });
      }
    }
    for (const [storeId, batch] of batches) {
      for (const order of batch.orders) order.importBatch = batch.importBatch;
      this.emit({ kind: 'ORDER_NOTIFY', account, storeId, importBatch: batch.importBatch });
    }
    return { hasErrors: results.some((r) => !r.success), results };
  }

  /** An edit (store or UI). Bumps modifyDate; announces nothing — V1 has no webhook for edits (notes §4). */
  updateOrder(input: { accountId: number; orderId: number; patch: OrderPatch }): OrderRecord {
    const account = this.account(input.accountId);
    const order = this.order(account, int(input.orderId, 'orderId'));
    const patch = obj(input.patch, 'patch');
    for (const refused of ['orderKey', 'orderStatus', 'orderTotal']) {
      if (refused in patch) throw new SimInputError(`${refused} cannot be patched; use payOrder, cancelOrder, shipOrder or markShipped for status changes`);
    }
    const read = this.parse(account, patch, 'import').fields;
    const now = this.now();
    for (const key of Object.keys(patch) as (keyof OrderFields)[]) {
      if (!(key in read)) throw new SimInputError(`unknown order field ${String(key)}`);
      if (key === 'items') order.items = this.stampItems(read, order.items, now);
      else if (key === 'advancedOptions') order.advancedOptions = { ...order.advancedOptions, ...read.advancedOptions, storeId: order.advancedOptions.storeId };
      else Object.assign(order, { [key]: read[key] });
    }
    order.modifyDate = now;
    this.linkCustomer(account, order);
    return order;
  }

  /** awaiting_payment → awaiting_shipment: the one status change that announces an order (notes §4). */
  payOrder(input: { accountId: number; orderId: number; paymentDate?: string }): OrderRecord {
    const account = this.account(input.accountId);
    const order = this.order(account, int(input.orderId, 'orderId'));
    if (order.orderStatus !== 'awaiting_payment') throw new SimInputError(`order ${order.orderId} is ${order.orderStatus}, not awaiting_payment`, 409);
    order.orderStatus = 'awaiting_shipment';
    order.paymentDate = optInstant(input.paymentDate, 'paymentDate', this.inputRule()) ?? this.now();
    order.modifyDate = this.now();
    order.importBatch = guid();
    this.emit({ kind: 'ORDER_NOTIFY', account, storeId: order.advancedOptions.storeId, importBatch: order.importBatch });
    return order;
  }

  /** Cancels an open order. No webhook (notes §4). */
  cancelOrder(input: { accountId: number; orderId: number }): OrderRecord {
    const account = this.account(input.accountId);
    const order = this.order(account, int(input.orderId, 'orderId'));
    if (order.orderStatus === 'shipped') throw new SimInputError(`order ${order.orderId} is shipped; void its labels first`, 409);
    if (order.orderStatus !== 'cancelled') {
      order.orderStatus = 'cancelled';
      order.modifyDate = this.now();
    }
    return order;
  }

  /** `DELETE /orders/{id}`: a soft delete; the order leaves every list but stays readable by id (notes §7). */
  deleteOrder(account: AccountRecord, orderId: number): void {
    const order = this.order(account, orderId);
    order.active = false;
    order.modifyDate = this.now();
  }

  // ---- labels and fulfillments ---------------------------------------------------------------------------

  /**
   * Creates labels for one or more orders in one batch: each order becomes `shipped`; one SHIP_NOTIFY covers the
   * batch (notes §4: "a single label gives one webhook each; a batch gives one webhook per batch").
   */
  shipOrders(input: { accountId: number; shipments: ShipmentInput[] }): ShipmentRecord[] {
    const account = this.account(input.accountId);
    if (!Array.isArray(input.shipments) || input.shipments.length === 0) throw new SimInputError('shipments must be a non-empty array');
    const prepared = input.shipments.map((raw, n) => {
      const s = obj(raw, `shipments[${n}]`);
      const order = this.order(account, int(s.orderId, 'orderId'));
      if (order.orderStatus === 'cancelled') throw new SimInputError(`order ${order.orderId} is cancelled`, 409);
      return { s, order };
    });
    const batchId = this.ids.take('batch');
    const now = this.now();
    const created = prepared.map(({ s, order }) => {
      const carrierCode = str(s.carrierCode, 'carrierCode');
      const serviceCode = str(s.serviceCode, 'serviceCode');
      const weightInput = optObj(s.weight, 'weight');
      const shipment: ShipmentRecord = {
        shipmentId: this.ids.take('shipment'),
        orderId: order.orderId,
        orderKey: order.orderKey,
        orderNumber: order.orderNumber,
        userId: account.userId,
        customerEmail: order.customerEmail,
        createDate: now,
        shipDate: optDateOnly(s.shipDate, 'shipDate') ?? pacificDate(now),
        shipmentCost: decimal(s.shipmentCost, 'shipmentCost'),
        insuranceCost: decimal(s.insuranceCost ?? '0', 'insuranceCost'),
        trackingNumber: optStr(s.trackingNumber, 'trackingNumber') ?? `1Z${String(batchId)}${String(order.orderId).slice(-6)}`,
        isReturnLabel: bool(s.isReturnLabel, 'isReturnLabel'),
        batchId,
        batchNumber: prepared.length > 1 ? String(batchId) : null,
        carrierCode,
        serviceCode,
        packageCode: optStr(s.packageCode, 'packageCode') ?? order.packageCode ?? 'package',
        confirmation: s.confirmation === undefined ? order.confirmation : optStr(s.confirmation, 'confirmation'),
        warehouseId: order.advancedOptions.warehouseId,
        voided: false,
        voidDate: null,
        marketplaceNotified: false,
        notifyErrorMessage: null,
        shipTo: { ...order.shipTo },
        weight: weightInput ? { value: decimal(weightInput.value, 'weight.value'), units: oneOf(weightInput.units ?? order.weight.units, WEIGHT_UNITS, 'weight.units') } : { ...order.weight },
        dimensions: order.dimensions ? { ...order.dimensions } : null,
        insuranceOptions: { ...order.insuranceOptions },
        storeId: order.advancedOptions.storeId,
        items: order.items.map((i) => ({ ...i })),
        labelId: this.ids.se(),
      };
      if (!account.v2CarrierIds.has(carrierCode)) account.v2CarrierIds.set(carrierCode, this.ids.se());
      account.shipments.set(shipment.shipmentId, shipment);
      order.orderStatus = 'shipped';
      order.shipDate = shipment.shipDate;
      order.carrierCode = carrierCode;
      order.serviceCode = serviceCode;
      order.modifyDate = now;
      return shipment;
    });
    if (!created.every((s) => s.isReturnLabel)) {
      this.emit({ kind: 'SHIP_NOTIFY', account, storeIds: [...new Set(created.map((s) => s.storeId))], batchId });
    }
    return created;
  }

  shipOrder(input: { accountId: number } & ShipmentInput): ShipmentRecord {
    const { accountId, ...shipment } = input;
    return this.shipOrders({ accountId, shipments: [shipment] })[0]!;
  }

  /**
   * "Mark as shipped" (UI, API, or a fill provider): a fulfillment, not a shipment; the order becomes `shipped`.
   * Only a fill provider's shipment fires FULFILLMENT_SHIPPED (notes §4), unless configured otherwise.
   */
  markShipped(input: MarkShippedInput): FulfillmentRecord {
    const account = this.account(input.accountId);
    const order = this.order(account, int(input.orderId, 'orderId'));
    if (order.orderStatus === 'cancelled') throw new SimInputError(`order ${order.orderId} is cancelled`, 409);
    const now = this.now();
    const provider = optObj(input.fillProvider, 'fillProvider');
    const fulfillment: FulfillmentRecord = {
      fulfillmentId: this.ids.take('fulfillment'),
      orderId: order.orderId,
      orderNumber: order.orderNumber,
      userId: account.userId,
      customerEmail: order.customerEmail,
      trackingNumber: optStr(input.trackingNumber, 'trackingNumber'),
      createDate: now,
      shipDate: optDateOnly(input.shipDate, 'shipDate') ?? pacificDate(now),
      voidDate: null,
      deliveryDate: null,
      carrierCode: str(input.carrierCode, 'carrierCode'),
      sellerFillProviderId: provider ? int(provider.id, 'fillProvider.id') : null,
      sellerFillProviderName: provider ? str(provider.name, 'fillProvider.name') : null,
      fulfillmentServiceCode: provider ? optStr(provider.serviceCode, 'fillProvider.serviceCode') : null,
      fulfillmentProviderCode: provider ? optStr(provider.providerCode, 'fillProvider.providerCode') : null,
      fulfillmentFee: decimal(input.fulfillmentFee ?? '0', 'fulfillmentFee'),
      voidRequested: false,
      voided: false,
      marketplaceNotified: bool(input.notifySalesChannel, 'notifySalesChannel'),
      notifyErrorMessage: null,
      shipTo: { ...order.shipTo },
      storeId: order.advancedOptions.storeId,
    };
    account.fulfillments.set(fulfillment.fulfillmentId, fulfillment);
    order.orderStatus = 'shipped';
    order.shipDate = fulfillment.shipDate;
    order.modifyDate = now;
    if (provider) {
      order.externallyFulfilled = true;
      order.externallyFulfilledBy = fulfillment.sellerFillProviderName;
      order.externallyFulfilledById = fulfillment.sellerFillProviderId;
      order.externallyFulfilledByName = fulfillment.sellerFillProviderName;
    }
    if (provider || this.config().fulfillmentShippedOnMarkAsShipped) {
      this.emit({ kind: 'FULFILLMENT_SHIPPED', account, storeIds: [fulfillment.storeId], fulfillmentId: fulfillment.fulfillmentId });
    }
    return fulfillment;
  }

  /** Voids a label. No webhook. The order goes back to awaiting_shipment when nothing else ships it [inf]. */
  voidShipment(input: { accountId: number; shipmentId: number }): ShipmentRecord {
    const account = this.account(input.accountId);
    const shipmentId = int(input.shipmentId, 'shipmentId');
    const shipment = account.shipments.get(shipmentId);
    if (!shipment) throw notFound(`Shipment ${shipmentId} not found`);
    if (shipment.voided) throw new SimInputError(`shipment ${shipmentId} is already voided`, 409);
    const now = this.now();
    shipment.voided = true;
    shipment.voidDate = now;
    const order = account.orders.get(shipment.orderId);
    if (order) {
      const stillShipped =
        [...account.shipments.values()].some((s) => s.orderId === order.orderId && !s.voided) ||
        [...account.fulfillments.values()].some((f) => f.orderId === order.orderId && !f.voided);
      if (this.config().voidRestoresAwaitingShipment && order.orderStatus === 'shipped' && !stillShipped) {
        order.orderStatus = 'awaiting_shipment';
        order.shipDate = null;
      }
      order.modifyDate = now;
    }
    return shipment;
  }

  // ---- webhooks ------------------------------------------------------------------------------------------

  subscribe(input: SubscribeInput): WebhookSubscription {
    const account = this.account(input.accountId);
    const event = input.event;
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) throw new SimInputError(`event must be one of ${WEBHOOK_EVENTS.join(', ')}`);
    const targetUrl = str(input.targetUrl, 'target_url');
    if (!/^https?:\/\/\S+$/.test(targetUrl)) throw new SimInputError('target_url must be an http(s) URL');
    const storeId = optInt(input.storeId, 'store_id');
    if (storeId !== null) this.store(account, storeId);
    const sub: WebhookSubscription = {
      webHookId: this.ids.take('webhook'),
      event,
      targetUrl,
      storeId,
      friendlyName: optStr(input.friendlyName, 'friendly_name'),
      active: true,
    };
    account.webhooks.set(sub.webHookId, sub);
    return sub;
  }

  unsubscribe(input: { accountId: number; webHookId: number }): boolean {
    return this.account(input.accountId).webhooks.delete(int(input.webHookId, 'webHookId'));
  }

  /** Subscriptions an event reaches: by hook type, and by store when the hook names one. */
  subscriptionsFor(account: AccountRecord, events: readonly WebhookEvent[], storeIds: readonly number[]): WebhookSubscription[] {
    return [...account.webhooks.values()].filter((s) => s.active && events.includes(s.event) && (s.storeId === null || storeIds.includes(s.storeId)));
  }
}
