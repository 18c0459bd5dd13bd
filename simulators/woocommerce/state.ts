/**
 * Every store and every change to it. A change stamps `date_modified` with the sim clock (whole seconds, so two
 * changes in one second share it) and announces the webhook topics the real hooks would fire (notes §8.1); the
 * webhook engine decides who gets what. One method call is one "PHP request": a topic fires at most once per
 * resource per call.
 */
import type { SimClock } from '../_kit/clock.ts';
import type { WooSimConfig } from './config.ts';
import { cmp, fixed, isZero, sub, sum } from '../_kit/decimal-text.ts';
import { cartHash, consumerKey, consumerSecret, orderKey, webhookSecret } from './ids.ts';
import {
  SimInputError,
  computeOrder,
  money,
  refundLines,
  refundLinesAmount,
  remainingRefund,
  type CouponInput,
  type FeeInput,
  type PricedLine,
  type RefundLineInput,
  type ShippingInput,
} from './order-math.ts';
import { SiteState } from './site.ts';
import { isValidTimezone, parseInstant, webhookNameDate, wholeSeconds } from './time.ts';
import { isValidTopic } from './topics.ts';
import {
  ORDER_STATUSES,
  type Address,
  type ApiKey,
  type CustomerRecord,
  type MetaEntry,
  type OrderRecord,
  type OrderStatus,
  type Permissions,
  type ProductRecord,
  type RefundRecord,
  type TaxRate,
  type WebhookRecord,
  type WebhookStatus,
} from './types.ts';

export interface SimEvent {
  site: SiteState;
  topic: string;
  resourceId: number;
}

export interface TaxRateInput {
  /** Percent, e.g. "7.5". */
  rate: string;
  name?: string;
  country?: string;
  state?: string;
  priority?: number;
  compound?: boolean;
  /** Applies to shipping (default true). */
  shipping?: boolean;
}

export interface CreateSiteInput {
  /** Path segment under `/sites/`; default `shop-N`. */
  siteId?: string;
  name?: string;
  currency?: string;
  pricesIncludeTax?: boolean;
  /** IANA name or `±HH:MM` (default America/New_York, so local and GMT dates differ). */
  timezone?: string;
  /** The store runs behind TLS (`is_ssl()`): Basic and query-string keys are accepted. */
  https?: boolean;
  /** Default: one 7.5 % rate "US-CA-STATE TAX", as in the docs' example. */
  taxRates?: TaxRateInput[];
  /** First post id (orders, refunds and products share the sequence). Default 100. */
  firstPostId?: number;
}

export interface SiteCredentials {
  siteId: string;
  /** Where to send requests: `${url}/sites/<siteId>`. */
  siteUrl: string;
  /** What the store calls itself (`home_url()`): https:// for an https store. */
  homeUrl: string;
  keyId: number;
  consumerKey: string;
  consumerSecret: string;
}

export interface CreateKeyInput {
  permissions?: Permissions;
  description?: string;
  /** False: the key's user lacks the shop capabilities (REST answers 403 woocommerce_rest_cannot_*). */
  capable?: boolean;
}

export interface LineItemInput {
  productId?: number;
  /** A SKU the catalogue lacks creates the product (silently) so line items always have one. */
  sku?: string;
  name?: string;
  quantity: number;
  /** Unit price in the store's price basis (gross when prices include tax). Default: the product's price. */
  price?: string;
  taxable?: boolean;
  variationId?: number;
  metaData?: { key: string; value: unknown }[];
}

export interface PlaceOrderInput {
  lineItems: LineItemInput[];
  shippingLines?: ShippingInput[];
  feeLines?: FeeInput[];
  coupons?: CouponInput[];
  /** Default: `processing` when `setPaid`, else `pending`. */
  status?: OrderStatus;
  /** Paid at checkout: `date_paid` set, status processing; also fires order.updated (payment_complete saves again). */
  setPaid?: boolean;
  /** 0 (default) is a guest. */
  customerId?: number;
  billing?: Partial<Address>;
  shipping?: Partial<Address>;
  currency?: string;
  paymentMethod?: string;
  paymentMethodTitle?: string;
  transactionId?: string;
  customerNote?: string;
  customerIpAddress?: string;
  customerUserAgent?: string;
  createdVia?: string;
  /** ISO with offset or epoch ms; default now. */
  dateCreated?: string | number;
  parentId?: number;
  metaData?: { key: string; value: unknown }[];
}

export interface UpdateOrderPatch {
  status?: OrderStatus;
  billing?: Partial<Address>;
  shipping?: Partial<Address>;
  customerNote?: string;
  customerId?: number;
  paymentMethod?: string;
  paymentMethodTitle?: string;
  transactionId?: string;
  metaData?: { id?: number; key: string; value: unknown }[];
  setPaid?: boolean;
}

export interface RefundInput {
  /** Default: what the refunded lines add up to. */
  amount?: string;
  reason?: string;
  lineItems?: RefundLineInput[];
  /** The gateway refunded the money (`refunded_payment`). */
  refundedPayment?: boolean;
  refundedBy?: number;
}

export interface OverrideTotals {
  total?: string;
  totalTax?: string;
  cartTax?: string;
  shippingTotal?: string;
  shippingTax?: string;
  discountTotal?: string;
  discountTax?: string;
  lineItems?: { id: number; total?: string; subtotal?: string; totalTax?: string; subtotalTax?: string }[];
  /** Bump date_modified and fire order.updated (default false: the numbers change silently). */
  notify?: boolean;
}

export interface CustomerInput {
  email: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  role?: string;
  billing?: Partial<Address>;
  shipping?: Partial<Address>;
  metaData?: { key: string; value: unknown }[];
}

export interface CustomerPatch {
  email?: string;
  firstName?: string;
  lastName?: string;
  billing?: Partial<Address>;
  shipping?: Partial<Address>;
  metaData?: { id?: number; key: string; value: unknown }[];
}

export interface ProductInput {
  name: string;
  sku?: string;
  regularPrice?: string;
  salePrice?: string;
  type?: ProductRecord['type'];
  status?: ProductRecord['status'];
  taxStatus?: ProductRecord['taxStatus'];
  manageStock?: boolean;
  stockQuantity?: number | null;
  description?: string;
}

export interface WebhookInput {
  topic: string;
  deliveryUrl: string;
  secret?: string;
  name?: string;
  status?: WebhookStatus;
  userId?: number;
}

export interface WebhookPatch {
  topic?: string;
  deliveryUrl?: string;
  secret?: string;
  name?: string;
  status?: WebhookStatus;
}

export const EMPTY_ADDRESS: Address = {
  first_name: '',
  last_name: '',
  company: '',
  address_1: '',
  address_2: '',
  city: '',
  state: '',
  postcode: '',
  country: '',
  email: '',
  phone: '',
};

const ADDRESS_KEYS = Object.keys(EMPTY_ADDRESS) as (keyof Address)[];

function mergeAddress(base: Address, patch: Partial<Address> | undefined): Address {
  const next = { ...base };
  for (const key of ADDRESS_KEYS) {
    const v = patch?.[key];
    if (v !== undefined) next[key] = String(v);
  }
  return next;
}

const GATEWAY_TITLES: Record<string, string> = {
  bacs: 'Direct bank transfer',
  cheque: 'Check payments',
  cod: 'Cash on delivery',
  stripe: 'Credit Card (Stripe)',
  ppcp: 'PayPal',
};

export class WooState {
  private sites = new Map<string, SiteState>();
  private siteCounter = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly config: () => WooSimConfig,
    private readonly baseUrl: () => string,
    private readonly emit: (event: SimEvent) => void,
  ) {}

  private now(): number {
    return wholeSeconds(this.clock.now());
  }

  reset(): void {
    this.sites.clear();
    this.siteCounter = 0;
  }

  // ---- sites and keys -------------------------------------------------------------------------------------

  createSite(input: CreateSiteInput = {}): SiteCredentials {
    const id = input.siteId ?? `shop-${++this.siteCounter}`;
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(id)) throw new SimInputError(`siteId must be letters, digits and dashes: ${id}`);
    if (this.sites.has(id)) throw new SimInputError(`site ${id} exists`, 409);
    const timezone = input.timezone ?? 'America/New_York';
    if (!isValidTimezone(timezone)) throw new SimInputError(`unknown time zone ${timezone}`);
    const rateInputs = input.taxRates ?? [{ rate: '7.5', name: 'State Tax', country: 'US', state: 'CA' }];
    const taxRates: TaxRate[] = rateInputs.map((r, i) => ({
      id: i + 1,
      country: r.country ?? '',
      state: r.state ?? '',
      rate: fixed(money(r.rate, 'tax rate'), 4),
      name: r.name ?? 'Tax',
      priority: r.priority ?? 1,
      compound: r.compound ?? false,
      shipping: r.shipping ?? true,
    }));
    const siteUrl = `${this.baseUrl()}/sites/${id}`;
    const homeUrl = input.https ? siteUrl.replace(/^http:/, 'https:') : siteUrl;
    const site = new SiteState(
      id,
      input.name ?? `Shop ${id}`,
      input.currency ?? 'USD',
      input.pricesIncludeTax ?? false,
      timezone,
      input.https ?? false,
      taxRates,
      siteUrl,
      homeUrl,
      input.firstPostId ?? 100,
    );
    this.sites.set(id, site);
    const key = this.addKey(site, { permissions: 'read_write', description: 'ml-connector' });
    return { siteId: id, siteUrl, homeUrl, keyId: key.keyId, consumerKey: key.consumerKey, consumerSecret: key.consumerSecret };
  }

  site(siteId: string): SiteState {
    const site = this.sites.get(siteId);
    if (!site) throw new SimInputError(`no site ${siteId}`, 404);
    return site;
  }

  findSite(siteId: string): SiteState | undefined {
    return this.sites.get(siteId);
  }

  listSites(): SiteState[] {
    return [...this.sites.values()];
  }

  createKey(siteId: string, input: CreateKeyInput = {}): { keyId: number; consumerKey: string; consumerSecret: string; permissions: Permissions } {
    const key = this.addKey(this.site(siteId), input);
    return { keyId: key.keyId, consumerKey: key.consumerKey, consumerSecret: key.consumerSecret, permissions: key.permissions };
  }

  revokeKey(siteId: string, keyId: number): boolean {
    const site = this.site(siteId);
    const i = site.keys.findIndex((k) => k.keyId === keyId);
    if (i < 0) return false;
    site.keys.splice(i, 1);
    return true;
  }

  private addKey(site: SiteState, input: CreateKeyInput): ApiKey {
    const permissions = input.permissions ?? 'read_write';
    if (!['read', 'write', 'read_write'].includes(permissions)) throw new SimInputError(`permissions must be read, write or read_write`);
    const key: ApiKey = {
      keyId: site.nextKeyId(),
      consumerKey: consumerKey(),
      consumerSecret: consumerSecret(),
      permissions,
      description: input.description ?? '',
      userId: 1,
      capable: input.capable ?? true,
      nonces: new Map(),
    };
    site.keys.push(key);
    return key;
  }

  // ---- products ------------------------------------------------------------------------------------------

  createProduct(siteId: string, input: ProductInput, options: { silent?: boolean } = {}): ProductRecord {
    const site = this.site(siteId);
    if (!input.name) throw new SimInputError('product name is required');
    if (input.sku && site.productBySku(input.sku)) throw new SimInputError(`Invalid or duplicated SKU.`, 400, 'product_invalid_sku');
    const now = this.now();
    const product: ProductRecord = {
      id: site.nextPostId(),
      name: input.name,
      slug: input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''),
      type: input.type ?? 'simple',
      status: input.status ?? 'publish',
      sku: input.sku ?? '',
      regularPrice: input.regularPrice !== undefined ? money(input.regularPrice, 'regular price') : '',
      salePrice: input.salePrice !== undefined ? money(input.salePrice, 'sale price') : '',
      taxStatus: input.taxStatus ?? 'taxable',
      taxClass: '',
      manageStock: input.manageStock ?? false,
      stockQuantity: input.stockQuantity ?? null,
      stockStatus: 'instock',
      description: input.description ?? '',
      shortDescription: '',
      createdAt: now,
      modifiedAt: now,
      totalSales: 0,
      meta: [],
    };
    site.products.set(product.id, product);
    if (!options.silent) this.emit({ site, topic: 'product.created', resourceId: product.id });
    return product;
  }

  updateProduct(siteId: string, productId: number, patch: Partial<ProductInput>): ProductRecord {
    const site = this.site(siteId);
    const product = this.product(site, productId);
    if (patch.sku !== undefined && patch.sku !== product.sku && site.productBySku(patch.sku)) throw new SimInputError('Invalid or duplicated SKU.', 400, 'product_invalid_sku');
    if (patch.name !== undefined) product.name = patch.name;
    if (patch.sku !== undefined) product.sku = patch.sku;
    if (patch.regularPrice !== undefined) product.regularPrice = money(patch.regularPrice, 'regular price');
    if (patch.salePrice !== undefined) product.salePrice = patch.salePrice === '' ? '' : money(patch.salePrice, 'sale price');
    if (patch.status !== undefined) product.status = patch.status;
    if (patch.taxStatus !== undefined) product.taxStatus = patch.taxStatus;
    if (patch.manageStock !== undefined) product.manageStock = patch.manageStock;
    if (patch.stockQuantity !== undefined) product.stockQuantity = patch.stockQuantity;
    if (patch.description !== undefined) product.description = patch.description;
    product.modifiedAt = this.now();
    this.emit({ site, topic: 'product.updated', resourceId: product.id });
    return product;
  }

  product(site: SiteState, productId: number): ProductRecord {
    const product = site.products.get(productId);
    if (!product) throw new SimInputError('Invalid ID.', 404, 'woocommerce_rest_product_invalid_id');
    return product;
  }

  // ---- customers -----------------------------------------------------------------------------------------

  createCustomer(siteId: string, input: CustomerInput): CustomerRecord {
    const site = this.site(siteId);
    const email = (input.email ?? '').trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new SimInputError('Please provide a valid email address.', 400, 'registration-error-invalid-email');
    for (const c of site.customers.values()) {
      if (c.email.toLowerCase() === email.toLowerCase()) throw new SimInputError('An account is already registered with your email address.', 400, 'registration-error-email-exists');
    }
    const now = this.now();
    const customer: CustomerRecord = {
      id: site.nextUserId(),
      createdAt: now,
      modifiedAt: now,
      email,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      role: input.role ?? 'customer',
      username: input.username ?? email.split('@')[0] ?? email,
      billing: mergeAddress(EMPTY_ADDRESS, input.billing),
      shipping: mergeAddress(EMPTY_ADDRESS, input.shipping),
      isPayingCustomer: false,
      meta: [],
    };
    this.setMeta(site, customer.meta, input.metaData);
    site.customers.set(customer.id, customer);
    this.emit({ site, topic: 'customer.created', resourceId: customer.id });
    return customer;
  }

  updateCustomer(siteId: string, customerId: number, patch: CustomerPatch): CustomerRecord {
    const site = this.site(siteId);
    const customer = this.customer(site, customerId);
    if (patch.email !== undefined) customer.email = patch.email;
    if (patch.firstName !== undefined) customer.firstName = patch.firstName;
    if (patch.lastName !== undefined) customer.lastName = patch.lastName;
    customer.billing = mergeAddress(customer.billing, patch.billing);
    customer.shipping = mergeAddress(customer.shipping, patch.shipping);
    this.setMeta(site, customer.meta, patch.metaData);
    customer.modifiedAt = this.now();
    this.emit({ site, topic: 'customer.updated', resourceId: customer.id });
    return customer;
  }

  customer(site: SiteState, customerId: number): CustomerRecord {
    const customer = site.customers.get(customerId);
    if (!customer) throw new SimInputError('Invalid resource ID.', 404, 'woocommerce_rest_invalid_id');
    return customer;
  }

  // ---- orders --------------------------------------------------------------------------------------------

  placeOrder(siteId: string, input: PlaceOrderInput, via = 'checkout'): OrderRecord {
    const site = this.site(siteId);
    if (!Array.isArray(input.lineItems)) throw new SimInputError('lineItems (array) is required');
    const customerId = input.customerId ?? 0;
    const customer = customerId ? site.customers.get(customerId) : undefined;
    if (customerId && !customer) throw new SimInputError('Customer ID is invalid.', 400, 'woocommerce_rest_invalid_customer_id');
    const status = input.status ?? (input.setPaid ? 'processing' : 'pending');
    this.checkStatus(status);

    const lines: PricedLine[] = input.lineItems.map((line, i) => this.priceLine(site, line, i));
    const math = computeOrder(
      { lines, shipping: input.shippingLines ?? [], fees: input.feeLines ?? [], coupons: input.coupons ?? [] },
      site,
      site.nextItemId,
    );
    const created = input.dateCreated !== undefined ? wholeSeconds(parseInstant(input.dateCreated)) : this.now();
    const paymentMethod = input.paymentMethod ?? 'bacs';
    const id = site.nextPostId();
    const order: OrderRecord = {
      id,
      parentId: input.parentId ?? 0,
      number: String(id),
      orderKey: orderKey(),
      createdVia: input.createdVia ?? via,
      version: this.config().wcVersion,
      status,
      currency: input.currency ?? site.currency,
      pricesIncludeTax: site.pricesIncludeTax,
      createdAt: created,
      modifiedAt: Math.max(created, this.now()),
      paidAt: null,
      completedAt: null,
      discountTotal: math.discountTotal,
      discountTax: math.discountTax,
      shippingTotal: math.shippingTotal,
      shippingTax: math.shippingTax,
      cartTax: math.cartTax,
      total: math.total,
      totalTax: math.totalTax,
      customerId,
      customerIpAddress: input.customerIpAddress ?? (via === 'checkout' ? '203.0.113.7' : ''),
      customerUserAgent: input.customerUserAgent ?? (via === 'checkout' ? 'Mozilla/5.0 (X11; Linux x86_64)' : ''),
      customerNote: input.customerNote ?? '',
      billing: mergeAddress(customer ? { ...customer.billing, email: customer.billing.email || customer.email } : EMPTY_ADDRESS, input.billing),
      shipping: mergeAddress(customer ? customer.shipping : EMPTY_ADDRESS, input.shipping),
      paymentMethod,
      paymentMethodTitle: input.paymentMethodTitle ?? GATEWAY_TITLES[paymentMethod] ?? paymentMethod,
      transactionId: input.transactionId ?? '',
      cartHash: via === 'checkout' ? cartHash() : '',
      meta: [],
      lineItems: math.lineItems,
      taxLines: math.taxLines,
      shippingLines: math.shippingLines,
      feeLines: math.feeLines,
      couponLines: math.couponLines,
      refundIds: [],
    };
    this.setMeta(site, order.meta, input.metaData);
    this.applyStatusDates(site, order, 'pending', status, created);
    if (input.setPaid && order.paidAt === null) order.paidAt = created;
    site.orders.set(order.id, order);
    this.emit({ site, topic: 'order.created', resourceId: order.id });
    if (input.setPaid) this.emit({ site, topic: 'order.updated', resourceId: order.id });
    return order;
  }

  private priceLine(site: SiteState, line: LineItemInput, i: number): PricedLine {
    let product = line.productId ? site.products.get(line.productId) : line.sku ? site.productBySku(line.sku) : undefined;
    if (line.productId && !product) throw new SimInputError(`line ${i + 1}: no product ${line.productId}`, 400, 'woocommerce_rest_invalid_product_id');
    if (!product && line.sku) {
      if (!line.name || line.price === undefined) throw new SimInputError(`line ${i + 1}: a new SKU needs name and price`);
      product = this.createProduct(site.id, { name: line.name, sku: line.sku, regularPrice: line.price }, { silent: true });
    }
    const price = line.price ?? (product ? currentPrice(product) : undefined);
    if (price === undefined || price === '') throw new SimInputError(`line ${i + 1}: price is required`);
    const name = line.name ?? product?.name;
    if (!name) throw new SimInputError(`line ${i + 1}: name is required`);
    return {
      name,
      productId: product?.id ?? 0,
      variationId: line.variationId ?? 0,
      sku: product?.sku ?? '',
      quantity: line.quantity,
      price: money(price, `line ${i + 1} price`),
      taxable: line.taxable ?? (product ? product.taxStatus === 'taxable' : true),
      meta: line.metaData ?? [],
    };
  }

  order(site: SiteState, orderId: number): OrderRecord {
    const order = site.orders.get(orderId);
    if (!order) throw new SimInputError('Invalid ID.', 404, 'woocommerce_rest_shop_order_invalid_id');
    return order;
  }

  updateOrder(siteId: string, orderId: number, patch: UpdateOrderPatch): OrderRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    if (patch.customerId !== undefined && patch.customerId !== 0 && !site.customers.has(patch.customerId)) {
      throw new SimInputError('Customer ID is invalid.', 400, 'woocommerce_rest_invalid_customer_id');
    }
    if (patch.status !== undefined) this.checkStatus(patch.status);
    if (patch.billing) order.billing = mergeAddress(order.billing, patch.billing);
    if (patch.shipping) order.shipping = mergeAddress(order.shipping, patch.shipping);
    if (patch.customerNote !== undefined) order.customerNote = patch.customerNote;
    if (patch.customerId !== undefined) order.customerId = patch.customerId;
    if (patch.paymentMethod !== undefined) order.paymentMethod = patch.paymentMethod;
    if (patch.paymentMethodTitle !== undefined) order.paymentMethodTitle = patch.paymentMethodTitle;
    if (patch.transactionId !== undefined) order.transactionId = patch.transactionId;
    this.setMeta(site, order.meta, patch.metaData);
    const now = this.now();
    if (patch.status !== undefined && patch.status !== order.status) {
      const from = order.status;
      order.status = patch.status;
      this.applyStatusDates(site, order, from, patch.status, now);
    }
    if (patch.setPaid && (order.status === 'pending' || order.status === 'failed' || order.status === 'on-hold')) {
      const from = order.status;
      order.status = 'processing';
      this.applyStatusDates(site, order, from, 'processing', now);
    }
    order.modifiedAt = now;
    this.emit({ site, topic: 'order.updated', resourceId: order.id });
    return order;
  }

  setStatus(siteId: string, orderId: number, status: OrderStatus): OrderRecord {
    return this.updateOrder(siteId, orderId, { status });
  }

  /** Paid and completed dates follow status changes (`maybe_set_date_paid`, `maybe_set_date_completed`). */
  private applyStatusDates(site: SiteState, order: OrderRecord, from: OrderStatus, to: OrderStatus, at: number): void {
    if ((to === 'processing' || to === 'completed') && order.paidAt === null && from !== 'processing') order.paidAt = at;
    if (to === 'completed') order.completedAt = at;
    if ((to === 'processing' || to === 'completed') && order.customerId) {
      const customer = site.customers.get(order.customerId);
      if (customer) customer.isPayingCustomer = true;
    }
  }

  private checkStatus(status: string): void {
    if (!(ORDER_STATUSES as readonly string[]).includes(status)) throw new SimInputError(`status must be one of ${ORDER_STATUSES.join(', ')}`, 400, 'rest_invalid_param');
  }

  refund(siteId: string, orderId: number, input: RefundInput): RefundRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    const lines = refundLines(order, input.lineItems ?? [], site.nextItemId);
    const amount = input.amount !== undefined ? fixed(money(input.amount, 'amount')) : refundLinesAmount(lines);
    if (cmp(amount, '0') <= 0) throw new SimInputError('Refund amount must be greater than zero.', 400, 'woocommerce_rest_invalid_order_refund');
    const remaining = remainingRefund(order, site.refundsOf(order).map((r) => r.amount));
    if (cmp(amount, remaining) > 0) throw new SimInputError('Invalid refund amount.', 500, 'woocommerce_rest_cannot_create_order_refund');
    const now = this.now();
    const refund: RefundRecord = {
      id: site.nextPostId(),
      orderId: order.id,
      createdAt: now,
      amount,
      reason: input.reason ?? '',
      refundedBy: input.refundedBy ?? 1,
      refundedPayment: input.refundedPayment ?? false,
      lines,
      meta: [],
    };
    site.refunds.set(refund.id, refund);
    order.refundIds.unshift(refund.id);
    // A full refund moves the order to refunded (`wc_order_fully_refunded`).
    if (isZero(sub(remaining, amount))) order.status = 'refunded';
    order.modifiedAt = now;
    this.emit({ site, topic: 'order.updated', resourceId: order.id });
    return refund;
  }

  refundedTotal(site: SiteState, order: OrderRecord): string {
    return fixed(sum(site.refundsOf(order).map((r) => r.amount)));
  }

  deleteRefund(siteId: string, orderId: number, refundId: number): RefundRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    const refund = site.refunds.get(refundId);
    if (!refund || refund.orderId !== order.id) throw new SimInputError('Invalid ID.', 404, 'woocommerce_rest_shop_order_refund_invalid_id');
    site.refunds.delete(refundId);
    order.refundIds = order.refundIds.filter((id) => id !== refundId);
    order.modifiedAt = this.now();
    // `woocommerce_delete_order_refund` re-sends the parent order (notes §8.1).
    this.emit({ site, topic: 'order.updated', resourceId: order.id });
    return refund;
  }

  /** Trash (default) or delete for good; both fire order.deleted, whose payload is just `{ "id": N }`. */
  deleteOrder(siteId: string, orderId: number, options: { force?: boolean } = {}): OrderRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    if (options.force) {
      site.orders.delete(order.id);
      for (const id of order.refundIds) site.refunds.delete(id);
    } else {
      if (order.status === 'trash') throw new SimInputError('The shop_order has already been deleted.', 410, 'woocommerce_rest_already_trashed');
      site.trashedFrom.set(order.id, order.status);
      order.status = 'trash';
      order.modifiedAt = this.now();
    }
    this.emit({ site, topic: 'order.deleted', resourceId: order.id });
    return order;
  }

  restoreOrder(siteId: string, orderId: number): OrderRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    if (order.status !== 'trash') throw new SimInputError(`order ${orderId} is not in the trash`, 409);
    order.status = site.trashedFrom.get(order.id) ?? 'pending';
    site.trashedFrom.delete(order.id);
    order.modifiedAt = this.now();
    this.emit({ site, topic: 'order.restored', resourceId: order.id });
    return order;
  }

  /** Makes the stated numbers disagree with the lines on purpose (conflict and tie-out tests). */
  overrideTotals(siteId: string, orderId: number, totals: OverrideTotals): OrderRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    const set = (value: string | undefined, what: string): string | undefined => (value === undefined ? undefined : money(value, what, true));
    order.total = set(totals.total, 'total') ?? order.total;
    order.totalTax = set(totals.totalTax, 'totalTax') ?? order.totalTax;
    order.cartTax = set(totals.cartTax, 'cartTax') ?? order.cartTax;
    order.shippingTotal = set(totals.shippingTotal, 'shippingTotal') ?? order.shippingTotal;
    order.shippingTax = set(totals.shippingTax, 'shippingTax') ?? order.shippingTax;
    order.discountTotal = set(totals.discountTotal, 'discountTotal') ?? order.discountTotal;
    order.discountTax = set(totals.discountTax, 'discountTax') ?? order.discountTax;
    for (const patch of totals.lineItems ?? []) {
      const line = order.lineItems.find((l) => l.id === patch.id);
      if (!line) throw new SimInputError(`line item ${patch.id} is not on order ${order.id}`);
      line.total = set(patch.total, 'line total') ?? line.total;
      line.subtotal = set(patch.subtotal, 'line subtotal') ?? line.subtotal;
      line.totalTax = set(patch.totalTax, 'line totalTax') ?? line.totalTax;
      line.subtotalTax = set(patch.subtotalTax, 'line subtotalTax') ?? line.subtotalTax;
    }
    if (totals.notify) {
      order.modifiedAt = this.now();
      this.emit({ site, topic: 'order.updated', resourceId: order.id });
    }
    return order;
  }

  /** Changes date_modified only (e.g. to line two orders up on one second). */
  touchOrder(siteId: string, orderId: number, at?: string | number): OrderRecord {
    const site = this.site(siteId);
    const order = this.order(site, orderId);
    order.modifiedAt = at !== undefined ? wholeSeconds(parseInstant(at)) : this.now();
    return order;
  }

  // ---- webhooks ------------------------------------------------------------------------------------------

  createWebhook(siteId: string, input: WebhookInput): WebhookRecord {
    const site = this.site(siteId);
    const topic = (input.topic ?? '').toLowerCase();
    if (!topic || !isValidTopic(topic)) throw new SimInputError('Webhook topic is required and must be valid.', 400, 'woocommerce_rest_shop_webhook_invalid_topic');
    if (!isValidUrl(input.deliveryUrl)) {
      throw new SimInputError('Webhook delivery URL must be a valid URL starting with http:// or https://.', 400, 'woocommerce_rest_shop_webhook_invalid_delivery_url');
    }
    const status = input.status ?? 'active';
    if (!['active', 'paused', 'disabled'].includes(status)) throw new SimInputError('Webhook status must be valid.', 400, 'woocommerce_rest_shop_webhook_invalid_status');
    const now = this.now();
    const hook: WebhookRecord = {
      id: site.nextWebhookId(),
      name: input.name || `Webhook created on ${webhookNameDate(now)}`,
      status,
      topic,
      deliveryUrl: input.deliveryUrl,
      secret: input.secret || webhookSecret(),
      userId: input.userId ?? 1,
      failureCount: 0,
      pendingDelivery: status === 'active',
      apiVersion: 'wp_api_v3',
      createdAt: now,
      modifiedAt: now,
    };
    site.webhooks.set(hook.id, hook);
    return hook;
  }

  webhook(site: SiteState, webhookId: number, missingStatus = 404): WebhookRecord {
    const hook = site.webhooks.get(webhookId);
    if (!hook) throw new SimInputError(missingStatus === 404 ? 'Invalid ID.' : 'ID is invalid.', missingStatus, 'woocommerce_rest_shop_webhook_invalid_id');
    return hook;
  }

  updateWebhook(siteId: string, webhookId: number, patch: WebhookPatch): WebhookRecord {
    const site = this.site(siteId);
    const hook = this.webhook(site, webhookId, 400);
    if (patch.topic) {
      if (!isValidTopic(patch.topic)) throw new SimInputError('Webhook topic must be valid.', 400, 'woocommerce_rest_shop_webhook_invalid_topic');
      hook.topic = patch.topic.toLowerCase();
    }
    if (patch.deliveryUrl) {
      if (!isValidUrl(patch.deliveryUrl)) {
        throw new SimInputError('Webhook delivery URL must be a valid URL starting with http:// or https://.', 400, 'woocommerce_rest_shop_webhook_invalid_delivery_url');
      }
      hook.deliveryUrl = patch.deliveryUrl;
    }
    if (patch.secret) hook.secret = patch.secret;
    if (patch.status) {
      if (!['active', 'paused', 'disabled'].includes(patch.status)) throw new SimInputError('Webhook status must be valid.', 400, 'woocommerce_rest_shop_webhook_invalid_status');
      if (patch.status === 'active' && hook.status !== 'active' && this.config().resetFailuresOnReactivate) hook.failureCount = 0;
      hook.status = patch.status;
    }
    if (patch.name) hook.name = patch.name;
    hook.modifiedAt = this.now();
    return hook;
  }

  deleteWebhook(siteId: string, webhookId: number): WebhookRecord {
    const site = this.site(siteId);
    const hook = this.webhook(site, webhookId);
    site.webhooks.delete(webhookId);
    return hook;
  }

  /** Active webhooks of a site subscribed to a topic. */
  subscribers(site: SiteState, topic: string): WebhookRecord[] {
    return [...site.webhooks.values()].filter((w) => w.topic === topic && w.status === 'active');
  }

  private setMeta(site: SiteState, meta: MetaEntry[], entries: { id?: number; key: string; value: unknown }[] | undefined): void {
    for (const entry of entries ?? []) {
      const existing = meta.find((m) => (entry.id !== undefined ? m.id === entry.id : m.key === entry.key));
      if (existing) existing.value = entry.value;
      else meta.push({ id: site.nextItemId(), key: entry.key, value: entry.value });
    }
  }
}

/** The price a product sells at now: the sale price when set. */
export function currentPrice(product: ProductRecord): string {
  return product.salePrice !== '' ? product.salePrice : product.regularPrice;
}

/** `wc_is_valid_url`: http(s) scheme and a host. */
function isValidUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
