/**
 * Orders and refunds as `/wc/v3` renders them (`get_formatted_item_data`, `get_order_item_data`, notes §4.2):
 * money as strings at `dp` places (default 2) except `line_items[].price`, a JSON number (total ÷ quantity), and
 * the raw per-rate `taxes[]` amounts ("0.45"); `rate_id` an integer; dates site-local and `_gmt`, neither with an
 * offset; `customer_id` 0 for guests; `refunds[].total` negative. Key order follows the current v3 output.
 */
import type { WooSimConfig } from './config.ts';
import { cmp, fixed, plain, quotientText } from '../_kit/decimal-text.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { RawNumber } from './php-json.ts';
import type { SiteState } from './site.ts';
import { gmtWall, localWall } from './time.ts';
import type { Address, ItemTax, LineItemRecord, MetaEntry, OrderRecord, RefundLineRecord, RefundRecord } from './types.ts';

/** Unpadded amounts print at most 12 places, the precision `quotientText` also works to. */
const PRINT_DP = 12;

export interface ShapeOptions {
  dp: number;
  config: WooSimConfig;
}

export function dates(site: SiteState, key: string, ms: number | null): { [key: string]: JsonValue } {
  return { [key]: ms === null ? null : localWall(ms, site.timezone), [`${key}_gmt`]: ms === null ? null : gmtWall(ms) };
}

export function metaJson(meta: readonly MetaEntry[]): JsonValue[] {
  return meta.map((m) => ({ id: m.id, key: m.key, value: m.value as JsonValue }));
}

function itemMetaJson(meta: readonly MetaEntry[], modern: boolean): JsonValue[] {
  return meta.map((m): JsonValue => {
    const value = m.value as JsonValue;
    return modern ? { id: m.id, key: m.key, value, display_key: m.key, display_value: value } : { id: m.id, key: m.key, value };
  });
}

export function addressJson(a: Address, kind: 'billing' | 'shipping', modern: boolean): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    first_name: a.first_name,
    last_name: a.last_name,
    company: a.company,
    address_1: a.address_1,
    address_2: a.address_2,
    city: a.city,
    state: a.state,
    postcode: a.postcode,
    country: a.country,
  };
  if (kind === 'billing') {
    out.email = a.email;
    out.phone = a.phone;
  } else if (modern) out.phone = a.phone;
  return out;
}

/** Item taxes as WooCommerce stores them: unrounded, trailing zeros dropped; "" when the item keeps no subtotal. */
function taxesJson(taxes: readonly ItemTax[], withSubtotal: boolean): JsonValue[] {
  return taxes.map((t) => ({ id: t.rateId, total: plain(t.total, PRINT_DP), subtotal: withSubtotal ? plain(t.subtotal, PRINT_DP) : '' }));
}

const CURRENCY_SYMBOLS: Record<string, string> = { USD: '$', CAD: '$', AUD: '$', NZD: '$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹', CHF: 'CHF', SEK: 'kr' };

function lineItemJson(site: SiteState, line: LineItemRecord, o: ShapeOptions): { [key: string]: JsonValue } {
  const product = line.productId ? site.products.get(line.productId) : undefined;
  const modern = o.config.modernFields;
  const out: { [key: string]: JsonValue } = {
    id: line.id,
    name: line.name,
    product_id: line.productId,
    variation_id: line.variationId,
    quantity: line.quantity,
    tax_class: line.taxClass,
    subtotal: fixed(line.subtotal, o.dp),
    subtotal_tax: fixed(line.subtotalTax, o.dp),
    total: fixed(line.total, o.dp),
    total_tax: fixed(line.totalTax, o.dp),
    taxes: taxesJson(line.taxes, true),
    meta_data: itemMetaJson(line.meta, modern),
    sku: product ? product.sku : null,
    price: new RawNumber(quotientText(line.total, line.quantity)),
  };
  if (modern) {
    out.image = { id: 0, src: '' };
    out.parent_name = null;
  }
  return out;
}

export function orderJson(site: SiteState, order: OrderRecord, o: ShapeOptions): { [key: string]: JsonValue } {
  const modern = o.config.modernFields;
  const refunds = site.refundsOf(order);
  const out: { [key: string]: JsonValue } = {
    id: order.id,
    parent_id: order.parentId,
    status: order.status,
    currency: order.currency,
    version: order.version,
    prices_include_tax: order.pricesIncludeTax,
    date_created: localWall(order.createdAt, site.timezone),
    date_modified: localWall(order.modifiedAt, site.timezone),
    discount_total: fixed(order.discountTotal, o.dp),
    discount_tax: fixed(order.discountTax, o.dp),
    shipping_total: fixed(order.shippingTotal, o.dp),
    shipping_tax: fixed(order.shippingTax, o.dp),
    cart_tax: fixed(order.cartTax, o.dp),
    total: fixed(order.total, o.dp),
    total_tax: fixed(order.totalTax, o.dp),
    customer_id: order.customerId,
    order_key: order.orderKey,
    billing: addressJson(order.billing, 'billing', modern),
    shipping: addressJson(order.shipping, 'shipping', modern),
    payment_method: order.paymentMethod,
    payment_method_title: order.paymentMethodTitle,
    transaction_id: order.transactionId,
    customer_ip_address: order.customerIpAddress,
    customer_user_agent: order.customerUserAgent,
    created_via: order.createdVia,
    customer_note: order.customerNote,
    date_completed: order.completedAt === null ? null : localWall(order.completedAt, site.timezone),
    date_paid: order.paidAt === null ? null : localWall(order.paidAt, site.timezone),
    cart_hash: order.cartHash,
    number: order.number,
    meta_data: metaJson(order.meta),
    line_items: order.lineItems.map((l) => lineItemJson(site, l, o)),
    tax_lines: order.taxLines.map((t) => {
      const line: { [key: string]: JsonValue } = {
        id: t.id,
        rate_code: t.rateCode,
        rate_id: t.rateId,
        label: t.label,
        compound: t.compound,
        tax_total: fixed(t.taxTotal, o.dp),
        shipping_tax_total: fixed(t.shippingTaxTotal, o.dp),
      };
      if (modern) line.rate_percent = new RawNumber(plain(t.ratePercent, PRINT_DP));
      line.meta_data = metaJson(t.meta);
      return line;
    }),
    shipping_lines: order.shippingLines.map((s) => {
      const line: { [key: string]: JsonValue } = { id: s.id, method_title: s.methodTitle, method_id: s.methodId };
      if (modern) line.instance_id = s.instanceId;
      return { ...line, total: fixed(s.total, o.dp), total_tax: fixed(s.totalTax, o.dp), taxes: taxesJson(s.taxes, false), meta_data: itemMetaJson(s.meta, modern) };
    }),
    fee_lines: order.feeLines.map((f) => ({
      id: f.id,
      name: f.name,
      tax_class: f.taxClass,
      tax_status: f.taxStatus,
      total: fixed(f.total, o.dp),
      total_tax: fixed(f.totalTax, o.dp),
      taxes: taxesJson(f.taxes, false),
      meta_data: itemMetaJson(f.meta, modern),
    })),
    coupon_lines: order.couponLines.map((c) => {
      const line: { [key: string]: JsonValue } = {
        id: c.id,
        code: c.code,
        discount: fixed(c.discount, o.dp),
        discount_tax: fixed(c.discountTax, o.dp),
        meta_data: itemMetaJson(c.meta, modern),
      };
      if (modern) {
        line.discount_type = c.discountType;
        line.nominal_amount = new RawNumber(plain(c.nominalAmount, PRINT_DP));
        line.free_shipping = false;
      }
      return line;
    }),
    refunds: refunds.map((r) => ({ id: r.id, [o.config.refundSummaryKey]: r.reason, total: `-${fixed(r.amount, o.dp)}` })),
  };
  if (modern) {
    out.payment_url = `${site.siteUrl}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`;
    out.is_editable = ['pending', 'on-hold', 'checkout-draft'].includes(order.status);
    out.needs_payment = ['pending', 'failed'].includes(order.status) && cmp(order.total, '0') > 0;
    out.needs_processing = true;
  }
  out.date_created_gmt = gmtWall(order.createdAt);
  out.date_modified_gmt = gmtWall(order.modifiedAt);
  out.date_completed_gmt = order.completedAt === null ? null : gmtWall(order.completedAt);
  out.date_paid_gmt = order.paidAt === null ? null : gmtWall(order.paidAt);
  if (modern) out.currency_symbol = CURRENCY_SYMBOLS[order.currency] ?? order.currency;
  const links: { [key: string]: JsonValue } = {
    self: [{ href: site.restUrl(`/wc/v3/orders/${order.id}`) }],
    collection: [{ href: site.restUrl('/wc/v3/orders') }],
  };
  if (order.customerId !== 0) links.customer = [{ href: site.restUrl(`/wc/v3/customers/${order.customerId}`) }];
  if (order.parentId !== 0) links.up = [{ href: site.restUrl(`/wc/v3/orders/${order.parentId}`) }];
  out._links = links;
  return out;
}

function refundLineJson(site: SiteState, line: RefundLineRecord, o: ShapeOptions): { [key: string]: JsonValue } {
  const product = line.productId ? site.products.get(line.productId) : undefined;
  return {
    id: line.id,
    name: line.name,
    product_id: line.productId,
    variation_id: line.variationId,
    quantity: line.quantity,
    tax_class: line.taxClass,
    subtotal: fixed(line.subtotal, o.dp),
    subtotal_tax: fixed(line.subtotalTax, o.dp),
    total: fixed(line.total, o.dp),
    total_tax: fixed(line.totalTax, o.dp),
    taxes: line.taxes.map((t) => ({ id: t.rateId, total: plain(t.total, PRINT_DP), subtotal: plain(t.subtotal, PRINT_DP), refund_total: new RawNumber(plain(t.total.replace(/^-/, ''), PRINT_DP)) })),
    meta_data: [],
    sku: product ? product.sku : null,
    price: new RawNumber(line.quantity === 0 ? '0' : quotientText(line.total, line.quantity)),
    refund_total: new RawNumber(plain(line.refundTotal, PRINT_DP)),
  };
}

export function refundJson(site: SiteState, refund: RefundRecord, o: ShapeOptions): { [key: string]: JsonValue } {
  return {
    id: refund.id,
    date_created: localWall(refund.createdAt, site.timezone),
    date_created_gmt: gmtWall(refund.createdAt),
    amount: fixed(refund.amount, o.dp),
    reason: refund.reason,
    refunded_by: refund.refundedBy,
    refunded_payment: refund.refundedPayment,
    meta_data: metaJson(refund.meta),
    line_items: refund.lines.map((l) => refundLineJson(site, l, o)),
    _links: {
      self: [{ href: site.restUrl(`/wc/v3/orders/${refund.orderId}/refunds/${refund.id}`) }],
      collection: [{ href: site.restUrl(`/wc/v3/orders/${refund.orderId}/refunds`) }],
      up: [{ href: site.restUrl(`/wc/v3/orders/${refund.orderId}`) }],
    },
  };
}
