/**
 * REST/webhook JSON shapes (snake_case, money as "29.00" strings, `*_set` pairs, ids as bare numbers,
 * timestamps in the shop's offset), after the public orders/create payload in the notes §4.5.
 */
import { createHash } from 'node:crypto';
import { fixed, plainWithPoint } from '../_kit/decimal-text.ts';
import { gid } from './ids.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { jsonDecimal, jsonId, jsonIdOrNull } from './json-text.ts';
import { subM } from './money2.ts';
import { aggregateTaxLines } from './order-math.ts';
import { restDateTime } from './time.ts';
import type {
  AddressRecord,
  CustomerRecord,
  LineItemRecord,
  Money2,
  OrderRecord,
  RefundRecord,
  ShippingLineRecord,
  ShopRecord,
  TaxLineRecord,
  TransactionRecord,
} from './types.ts';

type Obj = { [key: string]: JsonValue };

function when(shop: ShopRecord, ms: number | null): string | null {
  return ms === null ? null : restDateTime(ms, shop.utcOffset);
}

function moneySet(order: Pick<OrderRecord, 'currency' | 'presentmentCurrency'>, m: Money2): Obj {
  return {
    shop_money: { amount: fixed(m.shop), currency_code: order.currency },
    presentment_money: { amount: fixed(m.presentment), currency_code: order.presentmentCurrency },
  };
}

/** `{ name: "29.00", name_set: {...} }` — the pair Shopify writes for nearly every amount. */
function money(order: OrderRecord, name: string, m: Money2): Obj {
  return { [name]: fixed(m.shop), [`${name}_set`]: moneySet(order, m) };
}

function taxLine(order: OrderRecord, t: Pick<TaxLineRecord, 'title' | 'rate' | 'price' | 'channelLiable'>): Obj {
  return { channel_liable: t.channelLiable, ...money(order, 'price', t.price), rate: jsonDecimal(t.rate), title: t.title };
}

export function restAddress(a: AddressRecord | null): Obj | null {
  if (!a) return null;
  const name = [a.firstName, a.lastName].filter(Boolean).join(' ');
  return {
    first_name: a.firstName,
    address1: a.address1,
    phone: a.phone,
    city: a.city,
    zip: a.zip,
    province: a.province,
    country: a.country,
    last_name: a.lastName,
    address2: a.address2,
    company: a.company,
    latitude: null,
    longitude: null,
    name: name || null,
    country_code: a.countryCode,
    province_code: a.provinceCode,
  };
}

function customerAddress(c: CustomerRecord, a: AddressRecord, isDefault: boolean): Obj {
  return {
    id: jsonId(a.id),
    customer_id: jsonId(c.id),
    ...(restAddress(a) ?? {}),
    country_name: a.country,
    default: isDefault,
  };
}

export function restCustomer(shop: ShopRecord, c: CustomerRecord): Obj {
  const first = c.addresses[0];
  return {
    id: jsonId(c.id),
    email: c.email,
    created_at: when(shop, c.createdAt),
    updated_at: when(shop, c.updatedAt),
    first_name: c.firstName,
    last_name: c.lastName,
    state: c.state.toLowerCase(),
    note: c.note,
    verified_email: c.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: c.taxExempt,
    phone: c.phone,
    currency: shop.currency,
    tags: c.tags.join(', '),
    tax_exemptions: [],
    admin_graphql_api_id: gid('Customer', c.id),
    addresses: c.addresses.map((a, i) => customerAddress(c, a, i === 0)),
    default_address: first ? customerAddress(c, first, true) : null,
  };
}

function lineItem(order: OrderRecord, li: LineItemRecord): Obj {
  return {
    id: jsonId(li.id),
    admin_graphql_api_id: gid('LineItem', li.id),
    attributed_staffs: [],
    current_quantity: li.currentQuantity,
    fulfillable_quantity: li.currentQuantity,
    fulfillment_service: 'manual',
    fulfillment_status: null,
    gift_card: false,
    grams: 0,
    name: li.name,
    ...money(order, 'price', li.unitPrice),
    product_exists: li.productId !== null,
    product_id: jsonIdOrNull(li.productId),
    properties: [],
    quantity: li.quantity,
    requires_shipping: li.requiresShipping,
    sku: li.sku,
    taxable: li.taxable,
    title: li.title,
    ...money(order, 'total_discount', li.lineDiscount),
    variant_id: jsonIdOrNull(li.variantId),
    variant_inventory_management: li.variantId ? 'shopify' : null,
    variant_title: li.variantTitle,
    vendor: li.vendor,
    tax_lines: li.taxLines.map((t) => taxLine(order, t)),
    duties: [],
    discount_allocations: li.discountAllocations.map((a) => ({
      ...money(order, 'amount', a.amount),
      discount_application_index: a.applicationIndex,
    })),
  };
}

function shippingLine(order: OrderRecord, s: ShippingLineRecord): Obj {
  return {
    id: jsonId(s.id),
    carrier_identifier: null,
    code: s.code,
    ...money(order, 'discounted_price', s.discountedPrice),
    is_removed: false,
    phone: null,
    ...money(order, 'price', s.price),
    requested_fulfillment_service_id: null,
    source: s.source,
    title: s.title,
    tax_lines: s.taxLines.map((t) => taxLine(order, t)),
    discount_allocations: [],
  };
}

function transaction(shop: ShopRecord, order: OrderRecord, t: TransactionRecord): Obj {
  return {
    id: jsonId(t.id),
    admin_graphql_api_id: gid('OrderTransaction', t.id),
    amount: fixed(t.amount.shop),
    authorization: null,
    created_at: when(shop, t.createdAt),
    currency: order.currency,
    device_id: null,
    error_code: null,
    gateway: t.gateway,
    kind: t.kind.toLowerCase(),
    location_id: null,
    message: null,
    order_id: jsonId(order.id),
    parent_id: jsonIdOrNull(t.parentId),
    processed_at: when(shop, t.createdAt),
    receipt: {},
    source_name: 'web',
    status: t.status.toLowerCase(),
    test: t.test,
    user_id: null,
  };
}

export function restRefund(shop: ShopRecord, order: OrderRecord, r: RefundRecord): Obj {
  return {
    id: jsonId(r.id),
    admin_graphql_api_id: gid('Refund', r.id),
    created_at: when(shop, r.createdAt),
    note: r.note,
    order_id: jsonId(order.id),
    processed_at: when(shop, r.createdAt),
    restock: r.lineItems.some((l) => l.restockType !== 'NO_RESTOCK'),
    total_duties_set: moneySet(order, { shop: '0.00', presentment: '0.00' }),
    user_id: null,
    order_adjustments: [],
    transactions: r.transactions.map((t) => transaction(shop, order, t)),
    refund_line_items: r.lineItems.map((l) => {
      const li = order.lineItems.find((x) => x.id === l.lineItemId);
      return {
        id: jsonId(l.id),
        line_item_id: jsonId(l.lineItemId),
        location_id: null,
        quantity: l.quantity,
        restock_type: l.restockType.toLowerCase(),
        // REST refund lines print subtotal and total_tax as JSON numbers, unlike most amounts ([mem]).
        subtotal: jsonDecimal(l.subtotal.shop),
        subtotal_set: moneySet(order, l.subtotal),
        total_tax: jsonDecimal(l.totalTax.shop),
        total_tax_set: moneySet(order, l.totalTax),
        line_item: li ? lineItem(order, li) : null,
      };
    }),
    refund_shipping_lines: r.shippingLines.map((s) => ({
      id: jsonId(s.id),
      shipping_line_id: jsonId(s.shippingLineId),
      subtotal_amount_set: moneySet(order, s.subtotal),
      tax_amount_set: moneySet(order, s.tax),
    })),
  };
}

function confirmationNumber(order: OrderRecord): string {
  return createHash('sha256').update(order.id).digest('hex').slice(0, 9).toUpperCase().replace(/[0-9]/g, (d) => 'ABCDEFGHJK'[Number(d)] ?? 'X');
}

export function restOrder(shop: ShopRecord, order: OrderRecord): Obj {
  const customer = order.customerId ? shop.customers.get(order.customerId) : undefined;
  const outstanding = subM(order.current.total, subM(order.totalReceived, order.totalRefunded));
  return {
    id: jsonId(order.id),
    admin_graphql_api_id: gid('Order', order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: when(shop, order.cancelledAt),
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    client_details: null,
    closed_at: when(shop, order.closedAt),
    confirmation_number: confirmationNumber(order),
    confirmed: true,
    contact_email: order.email,
    created_at: when(shop, order.createdAt),
    currency: order.currency,
    ...money(order, 'current_subtotal_price', order.current.subtotal),
    current_total_additional_fees_set: null,
    ...money(order, 'current_total_discounts', order.current.discounts),
    current_total_duties_set: null,
    ...money(order, 'current_total_price', order.current.total),
    ...money(order, 'current_total_tax', order.current.tax),
    customer_locale: 'en',
    device_id: null,
    discount_codes: order.discountCodes.map((d) => ({ code: d.code, amount: fixed(d.amount.shop), type: d.type })),
    email: order.email,
    estimated_taxes: false,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: null,
    landing_site: null,
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.orderNumber - 1000,
    order_number: order.orderNumber,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: [order.gateway],
    phone: order.phone,
    po_number: null,
    presentment_currency: order.presentmentCurrency,
    processed_at: when(shop, order.processedAt),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: order.sourceName,
    ...money(order, 'subtotal_price', order.original.subtotal),
    tags: order.tags.join(', '),
    tax_exempt: order.taxExempt,
    tax_lines: aggregateTaxLines(order, false).map((t) => taxLine(order, t)),
    taxes_included: order.taxesIncluded,
    test: order.test,
    ...money(order, 'total_discounts', order.original.discounts),
    ...money(order, 'total_line_items_price', order.original.lineItems),
    total_outstanding: fixed(outstanding.shop),
    ...money(order, 'total_price', order.original.total),
    total_shipping_price_set: moneySet(order, order.original.shipping),
    ...money(order, 'total_tax', order.original.tax),
    total_tip_received: '0.00',
    total_weight: 0,
    updated_at: when(shop, order.updatedAt),
    user_id: null,
    billing_address: restAddress(order.billingAddress),
    customer: customer ? restCustomer(shop, customer) : null,
    discount_applications: order.discountApplications.map((d) => ({
      target_type: d.targetType.toLowerCase(),
      type: d.type,
      value: plainWithPoint(d.value),
      value_type: d.valueType,
      allocation_method: d.allocationMethod.toLowerCase(),
      target_selection: d.targetSelection.toLowerCase(),
      ...(d.type === 'discount_code' ? { code: d.code } : { title: d.title, description: d.description }),
    })),
    fulfillments: [],
    line_items: order.lineItems.map((li) => lineItem(order, li)),
    payment_terms: null,
    refunds: order.refunds.map((r) => restRefund(shop, order, r)),
    shipping_address: restAddress(order.shippingAddress),
    shipping_lines: order.shippingLines.map((s) => shippingLine(order, s)),
  };
}
