/**
 * The simulator's store: shops, their orders, customers and webhook subscriptions, and every mutation a test
 * (or the GraphQL mutation) can make. Each mutation bumps `updatedAt` and reports an event; rendering and
 * delivering webhooks is webhooks-out.ts's job.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../_kit/clock.ts';
import { add, cmp, fixed, isBareDecimal, sub } from '../_kit/decimal-text.ts';
import { COUNTRY_CODES, COUNTRY_NAMES, isCurrency } from './codes.ts';
import { IdSource, legacyId } from './ids.ts';
import { addM, convert, subM, ZERO } from './money2.ts';
import { applyRefund, buildLines, restate, SimInputError, TOTAL_KEYS } from './order-math.ts';
import { wholeSeconds } from './time.ts';
import type {
  AddressInput,
  AddressRecord,
  CancelOrderInput,
  CreateShopInput,
  CustomerInput,
  CustomerRecord,
  OrderRecord,
  OrderTotals,
  OverrideTotalsInput,
  PlaceOrderInput,
  RefundInput,
  RefundRecord,
  ShopCredentials,
  ShopRecord,
  SubscriptionRecord,
  TransactionRecord,
  UpdateOrderInput,
} from './types.ts';

export { SimInputError };

/** The topics this simulator can deliver (notes §4.1), REST spelling. */
export const TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'customers/create',
  'customers/update',
  'refunds/create',
  'fulfillments/create',
  'inventory_levels/update',
  'app/uninstalled',
] as const;

export type Topic = (typeof TOPICS)[number];

/** `ORDERS_CREATE` or `orders/create` → `orders/create`; undefined when not a known topic. */
export function normaliseTopic(topic: string): Topic | undefined {
  if (topic.includes('/')) return TOPICS.find((t) => t === topic.toLowerCase());
  return TOPICS.find((t) => graphqlTopic(t) === topic.toUpperCase());
}

export function graphqlTopic(topic: Topic): string {
  return topic.replace('/', '_').toUpperCase();
}

export type SimEvent =
  | { topic: 'orders/create' | 'orders/updated' | 'orders/paid' | 'orders/cancelled'; shop: ShopRecord; order: OrderRecord; at: number }
  | { topic: 'customers/create' | 'customers/update'; shop: ShopRecord; customer: CustomerRecord; at: number }
  | { topic: 'refunds/create'; shop: ShopRecord; order: OrderRecord; refund: RefundRecord; at: number };

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function emptyTotals(): OrderTotals {
  return { lineItems: ZERO, subtotal: ZERO, discounts: ZERO, shipping: ZERO, tax: ZERO, total: ZERO };
}

function snapshot<T>(value: T): T {
  return structuredClone(value);
}

export class ShopifyState {
  readonly ids = new IdSource();
  private shops = new Map<string, ShopRecord>();
  private tokens = new Map<string, ShopRecord>();

  constructor(
    private readonly clock: SimClock,
    private readonly emit: (event: SimEvent) => void,
  ) {}

  now(): number {
    return wholeSeconds(this.clock.now());
  }

  reset(): void {
    this.shops.clear();
    this.tokens.clear();
    this.ids.reset();
  }

  // ---- shops ------------------------------------------------------------------------------------------

  createShop(input: CreateShopInput): ShopCredentials {
    const domain = input.domain?.trim().toLowerCase();
    if (!domain) throw new SimInputError('domain is required');
    if (this.shops.has(domain)) throw new SimInputError(`shop ${domain} already exists`, 409);
    const currency = input.currency ?? 'USD';
    if (!isCurrency(currency)) throw new SimInputError(`currency ${currency} is not in the simulator's CurrencyCode subset`);
    const accessToken = input.accessToken ?? `shpat_${hex(16)}`;
    if (this.tokens.has(accessToken)) throw new SimInputError('that access token already belongs to another shop', 409);
    const utcOffset = input.utcOffset ?? '-04:00';
    if (!/^[+-]\d{2}:\d{2}$/.test(utcOffset)) throw new SimInputError('utcOffset must look like -04:00');
    const shop: ShopRecord = {
      id: this.ids.take(),
      domain,
      name: input.name ?? domain.replace(/\.myshopify\.com$/, ''),
      currency,
      clientSecret: input.clientSecret ?? hex(16),
      accessToken,
      utcOffset,
      ianaTimezone: input.ianaTimezone ?? 'America/New_York',
      email: input.email ?? `owner@${domain}`,
      nextOrderNumber: 1001,
      orders: new Map(),
      customers: new Map(),
      subscriptions: new Map(),
      catalogue: new Map(),
    };
    this.shops.set(domain, shop);
    this.tokens.set(accessToken, shop);
    return { domain, accessToken, clientSecret: shop.clientSecret };
  }

  /**
   * Revokes the shop's access token (uninstall, secret rotation or a dead refresh in real life) and issues a new
   * one, so a test can check the client parks the connection on 401 and recovers with the new token.
   */
  revokeAccessToken(domain: string): ShopCredentials {
    const shop = this.shop(domain);
    this.tokens.delete(shop.accessToken);
    shop.accessToken = `shpat_${hex(16)}`;
    this.tokens.set(shop.accessToken, shop);
    return { domain: shop.domain, accessToken: shop.accessToken, clientSecret: shop.clientSecret };
  }

  shop(domain: string): ShopRecord {
    const shop = this.shops.get(domain?.trim().toLowerCase());
    if (!shop) throw new SimInputError(`no shop ${domain}`, 404);
    return shop;
  }

  shopByToken(token: string): ShopRecord | undefined {
    return this.tokens.get(token);
  }

  allShops(): ShopRecord[] {
    return [...this.shops.values()];
  }

  // ---- webhook subscriptions ----------------------------------------------------------------------------

  subscribe(domain: string, topicInput: string, uri: string, apiVersion: string): SubscriptionRecord {
    const shop = this.shop(domain);
    const topic = normaliseTopic(topicInput);
    if (!topic) throw new SubscriptionError(['topic'], `Topic ${topicInput} is not supported by the simulator`);
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new SubscriptionError(['webhookSubscription', 'uri'], 'Address is invalid');
    }
    // Shopify only delivers over HTTPS; loopback http is let through so tests can use a local receiver.
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new SubscriptionError(['webhookSubscription', 'uri'], 'Address protocol http:// is not supported');
    }
    for (const s of shop.subscriptions.values()) {
      if (s.topic === topic && s.uri === uri) {
        throw new SubscriptionError(['webhookSubscription', 'callbackUrl'], 'Address for this topic has already been taken');
      }
    }
    const at = this.now();
    const sub: SubscriptionRecord = { id: this.ids.take(), shop: shop.domain, topic, uri, format: 'JSON', apiVersion, createdAt: at, updatedAt: at };
    shop.subscriptions.set(sub.id, sub);
    return snapshot(sub);
  }

  unsubscribe(domain: string, id: string): boolean {
    const shop = this.shop(domain);
    const key = legacyId('WebhookSubscription', id);
    return key !== undefined && shop.subscriptions.delete(key);
  }

  listSubscriptions(domain: string): SubscriptionRecord[] {
    return [...this.shop(domain).subscriptions.values()].map(snapshot);
  }

  /** Live subscriptions of a topic (for delivery). */
  subscriptionsFor(shop: ShopRecord, topic: string): SubscriptionRecord[] {
    return [...shop.subscriptions.values()].filter((s) => s.topic === topic);
  }

  // ---- customers ----------------------------------------------------------------------------------------

  createCustomer(domain: string, input: CustomerInput): CustomerRecord {
    const shop = this.shop(domain);
    const customer = this.newCustomer(shop, input);
    return snapshot(customer);
  }

  private newCustomer(shop: ShopRecord, input: CustomerInput): CustomerRecord {
    if (!input.email && !input.phone && !input.lastName) throw new SimInputError('a customer needs an email, phone or last name');
    if (input.email && this.findCustomerByEmail(shop, input.email)) throw new SimInputError('Email has already been taken', 409);
    const at = this.now();
    const customer: CustomerRecord = {
      id: this.ids.take(),
      shop: shop.domain,
      email: input.email ?? null,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      phone: input.phone ?? null,
      state: input.state ?? 'DISABLED',
      tags: input.tags ?? [],
      taxExempt: input.taxExempt ?? false,
      note: input.note ?? null,
      verifiedEmail: true,
      createdAt: at,
      updatedAt: at,
      numberOfOrders: 0,
      amountSpent: '0.00',
      addresses: input.address ? [this.address(input.address)] : [],
      lastOrderId: null,
    };
    shop.customers.set(customer.id, customer);
    this.emit({ topic: 'customers/create', shop, customer, at });
    return customer;
  }

  updateCustomer(domain: string, id: string, patch: CustomerInput): CustomerRecord {
    const shop = this.shop(domain);
    const customer = this.customerRecord(shop, id);
    if (patch.email !== undefined && patch.email !== customer.email) {
      const other = this.findCustomerByEmail(shop, patch.email);
      if (other && other.id !== customer.id) throw new SimInputError('Email has already been taken', 409);
      customer.email = patch.email;
    }
    if (patch.firstName !== undefined) customer.firstName = patch.firstName;
    if (patch.lastName !== undefined) customer.lastName = patch.lastName;
    if (patch.phone !== undefined) customer.phone = patch.phone;
    if (patch.tags !== undefined) customer.tags = patch.tags;
    if (patch.note !== undefined) customer.note = patch.note;
    if (patch.taxExempt !== undefined) customer.taxExempt = patch.taxExempt;
    if (patch.state !== undefined) customer.state = patch.state;
    if (patch.address !== undefined) customer.addresses = [this.address(patch.address), ...customer.addresses.slice(1)];
    customer.updatedAt = this.now();
    this.emit({ topic: 'customers/update', shop, customer, at: customer.updatedAt });
    return snapshot(customer);
  }

  getCustomer(domain: string, id: string): CustomerRecord {
    return snapshot(this.customerRecord(this.shop(domain), id));
  }

  listCustomers(domain: string): CustomerRecord[] {
    return [...this.shop(domain).customers.values()].map(snapshot);
  }

  customerRecord(shop: ShopRecord, id: string): CustomerRecord {
    const key = legacyId('Customer', id);
    const customer = key ? shop.customers.get(key) : undefined;
    if (!customer) throw new SimInputError(`no customer ${id} in ${shop.domain}`, 404);
    return customer;
  }

  private findCustomerByEmail(shop: ShopRecord, email: string): CustomerRecord | undefined {
    const wanted = email.trim().toLowerCase();
    return [...shop.customers.values()].find((c) => c.email?.toLowerCase() === wanted);
  }

  private address(input: AddressInput): AddressRecord {
    const countryCode = input.countryCode?.toUpperCase() ?? null;
    if (countryCode && !COUNTRY_CODES.includes(countryCode)) {
      throw new SimInputError(`countryCode ${countryCode} is not in the simulator's CountryCode subset (codes.ts)`);
    }
    return {
      id: this.ids.take(),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      company: input.company ?? null,
      address1: input.address1 ?? null,
      address2: input.address2 ?? null,
      city: input.city ?? null,
      province: input.province ?? null,
      provinceCode: input.provinceCode ?? null,
      zip: input.zip ?? null,
      country: input.country ?? (countryCode ? (COUNTRY_NAMES[countryCode] ?? null) : null),
      countryCode,
      phone: input.phone ?? null,
    };
  }

  // ---- orders -------------------------------------------------------------------------------------------

  placeOrder(domain: string, input: PlaceOrderInput): OrderRecord {
    const shop = this.shop(domain);
    if (input.currency !== undefined && input.currency !== shop.currency) {
      throw new SimInputError(`orders are stated in the shop currency ${shop.currency}; use presentmentCurrency for ${input.currency}`);
    }
    const presentmentCurrency = input.presentmentCurrency ?? shop.currency;
    if (!isCurrency(presentmentCurrency)) throw new SimInputError(`presentmentCurrency ${presentmentCurrency} is not in the CurrencyCode subset`);
    const rate = input.presentmentRate ?? '1';
    if (!isBareDecimal(rate) || cmp(rate, '0') <= 0) throw new SimInputError('presentmentRate must be a positive decimal string');
    if (presentmentCurrency === shop.currency && cmp(rate, '1') !== 0) throw new SimInputError('presentmentRate must be 1 when presentment and shop currency are the same');

    const nextId = () => this.ids.take();
    const built = buildLines(input, rate, nextId, (sku) => this.variantFor(shop, sku));
    const at = this.now();
    let processedAt = at;
    if (input.processedAt !== undefined) {
      const parsed = Date.parse(input.processedAt);
      if (Number.isNaN(parsed)) throw new SimInputError('processedAt must be an ISO-8601 timestamp');
      processedAt = wholeSeconds(parsed);
    }

    let customer: CustomerRecord | undefined;
    if (input.customer) {
      const email = input.customer.email ?? input.email;
      customer = email ? this.findCustomerByEmail(shop, email) : undefined;
      customer ??= this.newCustomer(shop, { ...input.customer, ...(email ? { email } : {}) });
    }

    const orderNumber = shop.nextOrderNumber++;
    const order: OrderRecord = {
      id: this.ids.take(),
      shop: shop.domain,
      orderNumber,
      name: `#${orderNumber}`,
      email: input.email ?? customer?.email ?? null,
      phone: input.phone ?? null,
      customerId: customer?.id ?? null,
      createdAt: at,
      updatedAt: at,
      processedAt,
      cancelledAt: null,
      cancelReason: null,
      closedAt: null,
      currency: shop.currency,
      presentmentCurrency,
      presentmentRate: rate,
      taxesIncluded: input.taxesIncluded ?? false,
      taxExempt: input.taxExempt ?? false,
      test: input.test ?? false,
      sourceName: input.sourceName ?? 'web',
      note: input.note ?? null,
      tags: input.tags ?? [],
      financialStatus: 'PENDING',
      gateway: input.gateway ?? 'shopify_payments',
      ...built,
      billingAddress: input.billingAddress ? this.address(input.billingAddress) : null,
      shippingAddress: input.shippingAddress ? this.address(input.shippingAddress) : null,
      // Filled in by restate() just below.
      original: emptyTotals(),
      current: emptyTotals(),
      overrides: { original: {}, current: {} },
      totalReceived: { ...ZERO },
      totalRefunded: { ...ZERO },
      totalRefundedShipping: { ...ZERO },
      refunds: [],
      transactions: [],
    };
    restate(order);
    const status = input.financialStatus ?? 'PENDING';
    if (status === 'AUTHORIZED') {
      order.financialStatus = 'AUTHORIZED';
      order.transactions.push(this.transaction(order, 'AUTHORIZATION', order.current.total, null));
    } else if (status === 'PAID') {
      this.pay(order);
    }
    shop.orders.set(order.id, order);
    if (customer) {
      customer.numberOfOrders += 1;
      customer.lastOrderId = order.id;
      customer.updatedAt = at;
      if (status === 'PAID') customer.amountSpent = fixed(add(customer.amountSpent, order.totalReceived.shop));
    }
    this.emit({ topic: 'orders/create', shop, order, at });
    if (status === 'PAID') this.emit({ topic: 'orders/paid', shop, order, at });
    return snapshot(order);
  }

  updateOrder(domain: string, id: string, patch: UpdateOrderInput): OrderRecord {
    const shop = this.shop(domain);
    const order = this.orderRecord(shop, id);
    if (patch.email !== undefined) order.email = patch.email;
    if (patch.phone !== undefined) order.phone = patch.phone;
    if (patch.note !== undefined) order.note = patch.note;
    if (patch.tags !== undefined) order.tags = patch.tags;
    if (patch.shippingAddress !== undefined) order.shippingAddress = patch.shippingAddress ? this.address(patch.shippingAddress) : null;
    if (patch.billingAddress !== undefined) order.billingAddress = patch.billingAddress ? this.address(patch.billingAddress) : null;
    this.touch(order);
    this.emit({ topic: 'orders/updated', shop, order, at: order.updatedAt });
    return snapshot(order);
  }

  markPaid(domain: string, id: string): OrderRecord {
    const shop = this.shop(domain);
    const order = this.orderRecord(shop, id);
    if (order.cancelledAt !== null) throw new SimInputError('a cancelled order cannot be marked as paid', 409);
    if (!['PENDING', 'AUTHORIZED', 'PARTIALLY_PAID'].includes(order.financialStatus)) {
      throw new SimInputError(`order is ${order.financialStatus}, not payable`, 409);
    }
    const before = order.totalReceived.shop;
    this.pay(order);
    const customer = order.customerId ? shop.customers.get(order.customerId) : undefined;
    if (customer) customer.amountSpent = fixed(add(customer.amountSpent, sub(order.totalReceived.shop, before)));
    this.touch(order);
    this.emit({ topic: 'orders/paid', shop, order, at: order.updatedAt });
    this.emit({ topic: 'orders/updated', shop, order, at: order.updatedAt });
    return snapshot(order);
  }

  cancelOrder(domain: string, id: string, input: CancelOrderInput = {}): OrderRecord {
    const shop = this.shop(domain);
    const order = this.orderRecord(shop, id);
    if (order.cancelledAt !== null) throw new SimInputError('order is already cancelled', 409);
    const at = this.now();
    let refund: RefundRecord | undefined;
    if (input.refund && ['PAID', 'PARTIALLY_REFUNDED', 'PARTIALLY_PAID'].includes(order.financialStatus)) {
      refund = this.refund(shop, order, {
        lineItems: order.lineItems.filter((li) => li.currentQuantity > 0).map((li) => ({ lineItemId: li.id, quantity: li.currentQuantity, restockType: 'CANCEL' as const })),
        shipping: { full: true },
        note: 'Order canceled',
      }, true);
    } else if (order.financialStatus === 'AUTHORIZED') {
      const auth = order.transactions.find((t) => t.kind === 'AUTHORIZATION');
      order.transactions.push(this.transaction(order, 'VOID', auth?.amount ?? ZERO, auth?.id ?? null));
      order.financialStatus = 'VOIDED';
    }
    order.cancelledAt = at;
    order.closedAt = at;
    order.cancelReason = input.reason ?? 'OTHER';
    this.touch(order);
    if (refund) this.emit({ topic: 'refunds/create', shop, order, refund, at });
    this.emit({ topic: 'orders/cancelled', shop, order, at });
    this.emit({ topic: 'orders/updated', shop, order, at });
    return snapshot(order);
  }

  refundOrder(domain: string, id: string, input: RefundInput): RefundRecord {
    const shop = this.shop(domain);
    const order = this.orderRecord(shop, id);
    const refund = this.refund(shop, order, input, false);
    this.emit({ topic: 'refunds/create', shop, order, refund, at: refund.createdAt });
    this.emit({ topic: 'orders/updated', shop, order, at: order.updatedAt });
    return snapshot(refund);
  }

  private refund(shop: ShopRecord, order: OrderRecord, input: RefundInput, partOfCancel: boolean): RefundRecord {
    if (!['PAID', 'PARTIALLY_REFUNDED', 'PARTIALLY_PAID'].includes(order.financialStatus)) {
      throw new SimInputError(`order is ${order.financialStatus}; only paid orders can be refunded`, 409);
    }
    // Work on a copy so a refused refund leaves the order untouched.
    const draft = structuredClone(order);
    const computed = applyRefund(draft, input, () => this.ids.take());
    if (cmp(addM(order.totalRefunded, computed.total).shop, order.totalReceived.shop) > 0) {
      throw new SimInputError('refund exceeds what was received', 409);
    }
    order.lineItems = draft.lineItems;
    order.shippingLines = draft.shippingLines;
    const sale = order.transactions.find((t) => t.kind === 'SALE' || t.kind === 'CAPTURE');
    const at = this.now();
    const transaction = this.transaction(order, 'REFUND', computed.total, sale?.id ?? null);
    const refund: RefundRecord = {
      id: this.ids.take(),
      orderId: order.id,
      createdAt: at,
      note: input.note ?? null,
      lineItems: computed.lineItems,
      shippingLines: computed.shippingLines,
      transactions: [transaction],
      totalRefunded: computed.total,
    };
    order.refunds.push(refund);
    order.transactions.push(transaction);
    order.totalRefunded = addM(order.totalRefunded, computed.total);
    order.totalRefundedShipping = addM(order.totalRefundedShipping, computed.shippingTotal);
    order.financialStatus = cmp(order.totalRefunded.shop, order.totalReceived.shop) >= 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
    const customer = order.customerId ? shop.customers.get(order.customerId) : undefined;
    if (customer) customer.amountSpent = fixed(sub(customer.amountSpent, computed.total.shop));
    restate(order);
    if (!partOfCancel) this.touch(order);
    return refund;
  }

  /**
   * Makes the order state wrong totals on purpose (the sim's way to test our conflict detection). The lines stay
   * as they are, so the stated total no longer equals lines + shipping + tax.
   */
  overrideTotals(domain: string, id: string, input: OverrideTotalsInput): OrderRecord {
    const shop = this.shop(domain);
    const order = this.orderRecord(shop, id);
    const patch: Partial<OrderTotals> = {};
    for (const key of TOTAL_KEYS) {
      const value = input[key];
      if (value === undefined) continue;
      if (!isBareDecimal(value)) throw new SimInputError(`${key} must be a decimal string`);
      const presentment = input.presentment?.[key];
      patch[key] = presentment !== undefined ? { shop: fixed(value), presentment: fixed(presentment) } : convert(value, order.presentmentRate);
    }
    const scope = input.scope ?? 'both';
    if (scope !== 'current') order.overrides.original = { ...order.overrides.original, ...patch };
    if (scope !== 'original') order.overrides.current = { ...order.overrides.current, ...patch };
    restate(order);
    this.touch(order);
    if (input.notify) this.emit({ topic: 'orders/updated', shop, order, at: order.updatedAt });
    return snapshot(order);
  }

  getOrder(domain: string, id: string): OrderRecord {
    return snapshot(this.orderRecord(this.shop(domain), id));
  }

  listOrders(domain: string): OrderRecord[] {
    return [...this.shop(domain).orders.values()].map(snapshot);
  }

  orderRecord(shop: ShopRecord, id: string): OrderRecord {
    const key = legacyId('Order', id);
    const order = key ? shop.orders.get(key) : undefined;
    if (!order) throw new SimInputError(`no order ${id} in ${shop.domain}`, 404);
    return order;
  }

  private touch(order: OrderRecord): void {
    order.updatedAt = this.now();
  }

  private pay(order: OrderRecord): void {
    const outstanding = subM(order.current.total, order.totalReceived);
    const auth = order.transactions.find((t) => t.kind === 'AUTHORIZATION');
    order.transactions.push(this.transaction(order, auth ? 'CAPTURE' : 'SALE', outstanding, auth?.id ?? null));
    order.totalReceived = addM(order.totalReceived, outstanding);
    order.financialStatus = 'PAID';
  }

  private transaction(order: OrderRecord, kind: TransactionRecord['kind'], amount: TransactionRecord['amount'], parentId: string | null): TransactionRecord {
    return { id: this.ids.take(), kind, status: 'SUCCESS', gateway: order.gateway, amount, createdAt: this.now(), parentId, test: order.test };
  }

  private variantFor(shop: ShopRecord, sku: string | null): { productId: string | null; variantId: string | null } {
    if (!sku) return { productId: null, variantId: null };
    let ids = shop.catalogue.get(sku);
    if (!ids) {
      ids = { productId: this.ids.take(), variantId: this.ids.take() };
      shop.catalogue.set(sku, ids);
    }
    return ids;
  }
}

/** A subscription input problem, reported as a GraphQL `userErrors` entry (or a 400 on the control route). */
export class SubscriptionError extends SimInputError {
  constructor(
    readonly field: string[],
    message: string,
  ) {
    super(message, 422);
  }
}
