/**
 * Which search fields `orders(query:)` and `customers(query:)` understand in the simulator (notes §2.3: updated_at,
 * created_at, processed_at, financial_status, status, name, email, current_total_price, …). Anything else is
 * answered with a search warning and ignored, like the real API.
 */
import { parseSearchDate } from './time.ts';
import {
  choiceField,
  compileSearch,
  dateField,
  decimalField,
  integerField,
  textField,
  type CompiledSearch,
  type FieldFilter,
} from './search-query.ts';
import type { CustomerRecord, FinancialStatus, OrderRecord, ShopRecord } from './types.ts';

function financial(status: FinancialStatus): (o: OrderRecord) => boolean {
  return (o) => o.financialStatus === status;
}

function orderFields(shop: ShopRecord): Record<string, FieldFilter<OrderRecord>> {
  const date = (v: string) => parseSearchDate(v, shop.utcOffset);
  const customerEmail = (o: OrderRecord) => (o.customerId ? (shop.customers.get(o.customerId)?.email ?? null) : null);
  return {
    updated_at: dateField((o) => o.updatedAt, date),
    created_at: dateField((o) => o.createdAt, date),
    processed_at: dateField((o) => o.processedAt, date),
    status: choiceField({
      open: (o) => o.closedAt === null && o.cancelledAt === null,
      closed: (o) => o.closedAt !== null,
      cancelled: (o) => o.cancelledAt !== null,
      not_closed: (o) => o.closedAt === null,
    }),
    financial_status: choiceField({
      pending: financial('PENDING'),
      authorized: financial('AUTHORIZED'),
      partially_paid: financial('PARTIALLY_PAID'),
      paid: financial('PAID'),
      partially_refunded: financial('PARTIALLY_REFUNDED'),
      refunded: financial('REFUNDED'),
      voided: financial('VOIDED'),
      expired: financial('EXPIRED'),
    }),
    fulfillment_status: choiceField({
      unshipped: () => true,
      unfulfilled: () => true,
      shipped: () => false,
      fulfilled: () => false,
    }),
    name: (op, value) => textField<OrderRecord>((o) => [o.name, o.name.replace(/^#/, '')])(op, value),
    email: textField((o) => [o.email, customerEmail(o)]),
    id: integerField((o) => o.id),
    customer_id: integerField((o) => o.customerId),
    sku: textField((o) => o.lineItems.map((li) => li.sku)),
    tag: textField((o) => o.tags),
    test: choiceField({ true: (o) => o.test, false: (o) => !o.test }),
    current_total_price: decimalField((o) => o.current.total.shop),
    total_price: decimalField((o) => o.original.total.shop),
  };
}

function customerFields(shop: ShopRecord): Record<string, FieldFilter<CustomerRecord>> {
  const date = (v: string) => parseSearchDate(v, shop.utcOffset);
  return {
    updated_at: dateField((c) => c.updatedAt, date),
    created_at: dateField((c) => c.createdAt, date),
    email: textField((c) => [c.email]),
    first_name: textField((c) => [c.firstName]),
    last_name: textField((c) => [c.lastName]),
    phone: textField((c) => [c.phone]),
    id: integerField((c) => c.id),
    orders_count: integerField((c) => c.numberOfOrders),
    state: choiceField({
      enabled: (c) => c.state === 'ENABLED',
      disabled: (c) => c.state === 'DISABLED',
      invited: (c) => c.state === 'INVITED',
      declined: (c) => c.state === 'DECLINED',
    }),
    tag: textField((c) => c.tags),
  };
}

export function orderSearch(shop: ShopRecord, query: string | null | undefined): CompiledSearch<OrderRecord> {
  return compileSearch(query, orderFields(shop), (o, text) => {
    const t = text.toLowerCase();
    return o.name.toLowerCase().includes(t) || (o.email ?? '').toLowerCase().includes(t) || o.lineItems.some((li) => (li.sku ?? '').toLowerCase() === t);
  });
}

export function customerSearch(shop: ShopRecord, query: string | null | undefined): CompiledSearch<CustomerRecord> {
  return compileSearch(query, customerFields(shop), (c, text) => {
    const t = text.toLowerCase();
    return [c.email, c.firstName, c.lastName].some((v) => (v ?? '').toLowerCase().includes(t));
  });
}
