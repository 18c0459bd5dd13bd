/**
 * The simulator's records. Money is held as exact decimal strings at the precision WooCommerce stores (line
 * amounts up to 6 places, order totals at 2); the REST layer formats them (`dp`). Dates are epoch ms in whole
 * seconds. Field names follow WooCommerce's getters so the REST shapes read naturally off them.
 */

export type OrderStatus = 'pending' | 'processing' | 'on-hold' | 'completed' | 'cancelled' | 'refunded' | 'failed' | 'trash' | 'checkout-draft';

export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'];

/** API-shaped address; the order's billing address also has email and phone, shipping (newer WC) phone. */
export interface Address {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email: string;
  phone: string;
}

export type Permissions = 'read' | 'write' | 'read_write';

export interface ApiKey {
  keyId: number;
  consumerKey: string;
  consumerSecret: string;
  permissions: Permissions;
  description: string;
  /** The WP user the key belongs to (1 = the shop owner). */
  userId: number;
  /** The user holds the capabilities the endpoints check (shop manager/admin); false → 403 cannot_view. */
  capable: boolean;
  /** Used OAuth nonces keyed by their timestamp (seconds), pruned after the 15-minute window, as WooCommerce stores them. */
  nonces: Map<number, string>;
}

export interface TaxRate {
  id: number;
  country: string;
  state: string;
  /** Percent with 4 places, as WooCommerce stores it ("7.5000"). */
  rate: string;
  name: string;
  priority: number;
  compound: boolean;
  shipping: boolean;
}

export interface MetaEntry {
  id: number;
  key: string;
  value: unknown;
}

export interface ItemTax {
  rateId: number;
  total: string;
  subtotal: string;
}

export interface LineItemRecord {
  id: number;
  name: string;
  productId: number;
  variationId: number;
  quantity: number;
  taxClass: string;
  /** Net of tax, before coupons. */
  subtotal: string;
  subtotalTax: string;
  /** Net of tax, after coupons. */
  total: string;
  totalTax: string;
  taxes: ItemTax[];
  sku: string;
  meta: MetaEntry[];
}

export interface ShippingLineRecord {
  id: number;
  methodTitle: string;
  methodId: string;
  instanceId: string;
  total: string;
  totalTax: string;
  taxes: ItemTax[];
  meta: MetaEntry[];
}

export interface FeeLineRecord {
  id: number;
  name: string;
  taxClass: string;
  taxStatus: 'taxable' | 'none';
  total: string;
  totalTax: string;
  taxes: ItemTax[];
  meta: MetaEntry[];
}

export interface CouponLineRecord {
  id: number;
  code: string;
  discount: string;
  discountTax: string;
  discountType: 'fixed_cart';
  nominalAmount: string;
  meta: MetaEntry[];
}

export interface TaxLineRecord {
  id: number;
  rateId: number;
  rateCode: string;
  label: string;
  compound: boolean;
  taxTotal: string;
  shippingTaxTotal: string;
  ratePercent: string;
  meta: MetaEntry[];
}

export interface OrderRecord {
  id: number;
  parentId: number;
  number: string;
  orderKey: string;
  createdVia: string;
  version: string;
  status: OrderStatus;
  currency: string;
  pricesIncludeTax: boolean;
  createdAt: number;
  modifiedAt: number;
  paidAt: number | null;
  completedAt: number | null;
  discountTotal: string;
  discountTax: string;
  shippingTotal: string;
  shippingTax: string;
  cartTax: string;
  total: string;
  totalTax: string;
  customerId: number;
  customerIpAddress: string;
  customerUserAgent: string;
  customerNote: string;
  billing: Address;
  shipping: Address;
  paymentMethod: string;
  paymentMethodTitle: string;
  transactionId: string;
  cartHash: string;
  meta: MetaEntry[];
  lineItems: LineItemRecord[];
  taxLines: TaxLineRecord[];
  shippingLines: ShippingLineRecord[];
  feeLines: FeeLineRecord[];
  couponLines: CouponLineRecord[];
  refundIds: number[];
}

export interface RefundLineRecord {
  id: number;
  /** The order's line item this refunds. */
  refundedItemId: number;
  name: string;
  productId: number;
  variationId: number;
  /** Negative, as WooCommerce stores refund lines. */
  quantity: number;
  taxClass: string;
  subtotal: string;
  subtotalTax: string;
  total: string;
  totalTax: string;
  taxes: ItemTax[];
  sku: string;
  /** Positive amount refunded for the line, net of tax. */
  refundTotal: string;
}

export interface RefundRecord {
  id: number;
  orderId: number;
  createdAt: number;
  /** Positive, 2 places. */
  amount: string;
  reason: string;
  refundedBy: number;
  refundedPayment: boolean;
  lines: RefundLineRecord[];
  meta: MetaEntry[];
}

export interface CustomerRecord {
  id: number;
  createdAt: number;
  modifiedAt: number;
  email: string;
  firstName: string;
  lastName: string;
  role: string;
  username: string;
  billing: Address;
  shipping: Address;
  isPayingCustomer: boolean;
  meta: MetaEntry[];
}

export interface ProductRecord {
  id: number;
  name: string;
  slug: string;
  type: 'simple' | 'grouped' | 'external' | 'variable';
  status: 'draft' | 'pending' | 'private' | 'publish';
  sku: string;
  regularPrice: string;
  salePrice: string;
  taxStatus: 'taxable' | 'shipping' | 'none';
  taxClass: string;
  manageStock: boolean;
  stockQuantity: number | null;
  stockStatus: 'instock' | 'outofstock' | 'onbackorder';
  description: string;
  shortDescription: string;
  createdAt: number;
  modifiedAt: number;
  totalSales: number;
  meta: MetaEntry[];
}

export type WebhookStatus = 'active' | 'paused' | 'disabled';

export interface WebhookRecord {
  id: number;
  name: string;
  status: WebhookStatus;
  topic: string;
  deliveryUrl: string;
  secret: string;
  userId: number;
  failureCount: number;
  pendingDelivery: boolean;
  apiVersion: 'wp_api_v3';
  createdAt: number;
  modifiedAt: number;
}
