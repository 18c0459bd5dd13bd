/**
 * Types of the JSON the simulator serves (the `/wc/v3` shapes), as the in-process API returns them to tests.
 * Only what tests commonly read is spelled out; every record also carries the rest of the real keys.
 */

export interface AddressJson {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone?: string;
}

export interface TaxJson {
  id: number;
  total: string;
  subtotal: string;
}

export interface MetaJson {
  id: number;
  key: string;
  value: unknown;
}

export interface LineItemJson {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  tax_class: string;
  subtotal: string;
  subtotal_tax: string;
  total: string;
  total_tax: string;
  taxes: TaxJson[];
  meta_data: MetaJson[];
  sku: string | null;
  price: number;
}

export interface TaxLineJson {
  id: number;
  rate_code: string;
  rate_id: number;
  label: string;
  compound: boolean;
  tax_total: string;
  shipping_tax_total: string;
}

export interface ShippingLineJson {
  id: number;
  method_title: string;
  method_id: string;
  total: string;
  total_tax: string;
  taxes: TaxJson[];
}

export interface FeeLineJson {
  id: number;
  name: string;
  tax_status: string;
  total: string;
  total_tax: string;
  taxes: TaxJson[];
}

export interface CouponLineJson {
  id: number;
  code: string;
  discount: string;
  discount_tax: string;
}

export interface OrderJson {
  id: number;
  parent_id: number;
  number: string;
  order_key: string;
  created_via: string;
  version: string;
  status: string;
  currency: string;
  prices_include_tax: boolean;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  date_paid: string | null;
  date_paid_gmt: string | null;
  date_completed: string | null;
  date_completed_gmt: string | null;
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
  customer_id: number;
  customer_note: string;
  billing: AddressJson;
  shipping: AddressJson;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  meta_data: MetaJson[];
  line_items: LineItemJson[];
  tax_lines: TaxLineJson[];
  shipping_lines: ShippingLineJson[];
  fee_lines: FeeLineJson[];
  coupon_lines: CouponLineJson[];
  refunds: { id: number; reason?: string; refund?: string; total: string }[];
  [key: string]: unknown;
}

export interface RefundJson {
  id: number;
  date_created: string;
  date_created_gmt: string;
  amount: string;
  reason: string;
  refunded_by: number;
  refunded_payment: boolean;
  line_items: (Omit<LineItemJson, 'taxes'> & { refund_total: number; taxes: (TaxJson & { refund_total: number })[] })[];
  [key: string]: unknown;
}

export interface CustomerJson {
  id: number;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  username: string;
  billing: AddressJson;
  shipping: AddressJson;
  is_paying_customer: boolean;
  [key: string]: unknown;
}

export interface ProductJson {
  id: number;
  name: string;
  sku: string;
  price: string;
  regular_price: string;
  sale_price: string;
  status: string;
  date_modified_gmt: string;
  [key: string]: unknown;
}

export interface WebhookJson {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  resource: string;
  event: string;
  hooks: string[];
  delivery_url: string;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  [key: string]: unknown;
}

/** A webhook as the control API shows it: the REST view plus what REST never shows. */
export interface WebhookState extends WebhookJson {
  secret: string;
  failure_count: number;
  pending_delivery: boolean;
}
