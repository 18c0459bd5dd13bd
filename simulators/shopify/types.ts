/**
 * The simulator's state records and the inputs tests use to create them. Money is a pair of decimal strings
 * (shop currency, presentment currency) fixed at 2 dp; timestamps are epoch milliseconds on whole seconds.
 */

export interface Money2 {
  shop: string;
  presentment: string;
}

export type FinancialStatus =
  | 'PENDING'
  | 'AUTHORIZED'
  | 'PARTIALLY_PAID'
  | 'PAID'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED'
  | 'VOIDED'
  | 'EXPIRED';

export type CancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'STAFF' | 'OTHER';
export type CustomerState = 'DECLINED' | 'DISABLED' | 'ENABLED' | 'INVITED';

export interface AddressRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
}

export interface TaxLineRecord {
  title: string;
  /** Decimal proportion, e.g. "0.0825". */
  rate: string;
  price: Money2;
  channelLiable: boolean;
  /** Part of `price` given back by refunds so far. */
  refunded: Money2;
}

export interface DiscountApplicationRecord {
  index: number;
  type: 'discount_code' | 'manual';
  code: string | null;
  title: string;
  description: string | null;
  valueType: 'fixed_amount' | 'percentage';
  /** The application's value: an amount (fixed) or a percentage number as a decimal string. */
  value: string;
  allocationMethod: 'ACROSS' | 'EACH';
  targetSelection: 'ALL' | 'EXPLICIT';
  targetType: 'LINE_ITEM';
}

export interface DiscountAllocationRecord {
  applicationIndex: number;
  amount: Money2;
}

export interface LineItemRecord {
  id: string;
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  name: string;
  vendor: string | null;
  quantity: number;
  currentQuantity: number;
  taxable: boolean;
  requiresShipping: boolean;
  unitPrice: Money2;
  /** unitPrice × quantity */
  originalTotal: Money2;
  /** Discounts on this line only (manual/line-level); order-level code discounts are in allocations only. */
  lineDiscount: Money2;
  discountAllocations: DiscountAllocationRecord[];
  taxLines: TaxLineRecord[];
  refunded: { quantity: number; subtotal: Money2; discounts: Money2 };
}

export interface ShippingLineRecord {
  id: string;
  title: string;
  code: string | null;
  source: string;
  price: Money2;
  discountedPrice: Money2;
  taxLines: TaxLineRecord[];
  refunded: Money2;
}

/** The money totals an order states. Kept as stored values so a test can make them wrong on purpose. */
export interface OrderTotals {
  lineItems: Money2;
  subtotal: Money2;
  discounts: Money2;
  shipping: Money2;
  tax: Money2;
  total: Money2;
}

export type TotalKey = keyof OrderTotals;

export interface TransactionRecord {
  id: string;
  kind: 'SALE' | 'AUTHORIZATION' | 'CAPTURE' | 'VOID' | 'REFUND';
  status: 'SUCCESS';
  gateway: string;
  amount: Money2;
  createdAt: number;
  parentId: string | null;
  test: boolean;
}

export interface RefundLineRecord {
  id: string;
  lineItemId: string;
  quantity: number;
  restockType: 'RETURN' | 'CANCEL' | 'NO_RESTOCK';
  /** Unit price after all discounts. */
  price: Money2;
  subtotal: Money2;
  totalTax: Money2;
}

export interface RefundShippingRecord {
  id: string;
  shippingLineId: string;
  subtotal: Money2;
  tax: Money2;
}

export interface RefundRecord {
  id: string;
  orderId: string;
  createdAt: number;
  note: string | null;
  lineItems: RefundLineRecord[];
  shippingLines: RefundShippingRecord[];
  transactions: TransactionRecord[];
  totalRefunded: Money2;
}

export interface OrderRecord {
  id: string;
  shop: string;
  /** Order number, e.g. 1001; `name` is "#1001". */
  orderNumber: number;
  name: string;
  email: string | null;
  phone: string | null;
  customerId: string | null;
  createdAt: number;
  updatedAt: number;
  processedAt: number;
  cancelledAt: number | null;
  cancelReason: CancelReason | null;
  closedAt: number | null;
  currency: string;
  presentmentCurrency: string;
  /** Presentment units per shop unit. */
  presentmentRate: string;
  taxesIncluded: boolean;
  taxExempt: boolean;
  test: boolean;
  sourceName: string;
  note: string | null;
  tags: string[];
  financialStatus: FinancialStatus;
  gateway: string;
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  discountApplications: DiscountApplicationRecord[];
  discountCodes: { code: string; amount: Money2; type: 'fixed_amount' | 'percentage' }[];
  billingAddress: AddressRecord | null;
  shippingAddress: AddressRecord | null;
  /** As stated at creation and after refunds; overrides (if any) already applied. */
  original: OrderTotals;
  current: OrderTotals;
  overrides: { original: Partial<OrderTotals>; current: Partial<OrderTotals> };
  totalReceived: Money2;
  totalRefunded: Money2;
  totalRefundedShipping: Money2;
  refunds: RefundRecord[];
  transactions: TransactionRecord[];
}

export interface CustomerRecord {
  id: string;
  shop: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  state: CustomerState;
  tags: string[];
  taxExempt: boolean;
  note: string | null;
  verifiedEmail: boolean;
  createdAt: number;
  updatedAt: number;
  numberOfOrders: number;
  /** Shop currency, 2 dp. */
  amountSpent: string;
  addresses: AddressRecord[];
  lastOrderId: string | null;
}

export interface SubscriptionRecord {
  id: string;
  shop: string;
  /** REST spelling, e.g. `orders/create`. */
  topic: string;
  uri: string;
  format: 'JSON';
  apiVersion: string;
  createdAt: number;
  updatedAt: number;
}

export interface ShopRecord {
  id: string;
  domain: string;
  name: string;
  currency: string;
  clientSecret: string;
  accessToken: string;
  /** Fixed UTC offset used in REST/webhook timestamps, e.g. "-04:00" (no DST modelled). */
  utcOffset: string;
  ianaTimezone: string;
  email: string;
  nextOrderNumber: number;
  orders: Map<string, OrderRecord>;
  customers: Map<string, CustomerRecord>;
  subscriptions: Map<string, SubscriptionRecord>;
  /** SKU → product/variant ids, so the same SKU keeps its variant across orders. */
  catalogue: Map<string, { productId: string; variantId: string }>;
}

// ---- inputs ---------------------------------------------------------------------------------------------

export interface CreateShopInput {
  domain: string;
  name?: string;
  currency?: string;
  clientSecret?: string;
  accessToken?: string;
  utcOffset?: string;
  ianaTimezone?: string;
  email?: string;
}

export interface ShopCredentials {
  domain: string;
  accessToken: string;
  clientSecret: string;
}

export interface TaxLineInput {
  title: string;
  rate: string;
  /** Tax amount in shop currency, taken as stated (Shopify's own tax engine result), not recomputed. */
  amount: string;
  channelLiable?: boolean;
}

export interface AddressInput {
  firstName?: string;
  lastName?: string;
  company?: string;
  address1?: string;
  address2?: string;
  city?: string;
  province?: string;
  provinceCode?: string;
  zip?: string;
  country?: string;
  countryCode?: string;
  phone?: string;
}

export interface LineItemInput {
  sku?: string;
  title: string;
  variantTitle?: string;
  vendor?: string;
  quantity: number;
  /** Unit price in shop currency. */
  price: string;
  /** Line-level discount for the whole line (not per unit), shop currency. */
  discount?: string | { amount: string; title?: string; description?: string };
  taxLines?: TaxLineInput[];
  taxable?: boolean;
  requiresShipping?: boolean;
}

export interface ShippingLineInput {
  title: string;
  code?: string;
  price: string;
  taxLines?: TaxLineInput[];
}

export interface DiscountCodeInput {
  code: string;
  /** Total order-level discount in shop currency; spread over the lines in proportion. */
  amount: string;
  type?: 'fixed_amount' | 'percentage';
  /** For `percentage`: the percentage shown in the discount application (e.g. "10"). */
  percentage?: string;
}

export interface CustomerInput {
  email?: string;
  firstName?: string;
  lastName?: string;
  phone?: string;
  tags?: string[];
  note?: string;
  taxExempt?: boolean;
  state?: CustomerState;
  address?: AddressInput;
}

export interface PlaceOrderInput {
  lineItems: LineItemInput[];
  taxesIncluded?: boolean;
  shippingLines?: ShippingLineInput[];
  discountCodes?: DiscountCodeInput[];
  customer?: CustomerInput;
  email?: string;
  phone?: string;
  billingAddress?: AddressInput;
  shippingAddress?: AddressInput;
  /** Must equal the shop currency when given: Shopify states orders in the shop's currency. */
  currency?: string;
  presentmentCurrency?: string;
  /** Presentment units per shop unit (default "1"). */
  presentmentRate?: string;
  note?: string;
  tags?: string[];
  financialStatus?: 'PENDING' | 'AUTHORIZED' | 'PAID';
  gateway?: string;
  processedAt?: string;
  sourceName?: string;
  test?: boolean;
  taxExempt?: boolean;
}

export interface UpdateOrderInput {
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[];
  shippingAddress?: AddressInput | null;
  billingAddress?: AddressInput | null;
}

export interface CancelOrderInput {
  reason?: CancelReason;
  /** Refund what was paid (full refund) as part of the cancellation. */
  refund?: boolean;
}

export interface RefundInput {
  lineItems?: { lineItemId: string; quantity: number; restockType?: 'RETURN' | 'CANCEL' | 'NO_RESTOCK' }[];
  /** Refund all remaining shipping (with its tax), or a pre-tax amount of it. */
  shipping?: { full?: boolean; amount?: string };
  note?: string;
}

export type OverrideTotalsInput = Partial<Record<TotalKey, string>> & {
  /** Presentment amounts; default: the shop amounts converted at the order's rate. */
  presentment?: Partial<Record<TotalKey, string>>;
  /** Which stated totals to overwrite: at-creation (`totalPriceSet`…), current, or both (default). */
  scope?: 'original' | 'current' | 'both';
  /** Fire orders/updated for the change (default false: the wrong total just sits there). */
  notify?: boolean;
};
