/**
 * `orderTotal` is read-only (notes §2) and the notes do not give ShipStation's formula; the docs' own example
 * does not add up. Modelled as Σ quantity × unitPrice over every line (adjustment lines carry negative prices)
 * plus the order's taxAmount and shippingAmount [inf], in exact decimals. A store-stated total (importOrder's
 * `orderTotal`) wins, for tests of a client that must not recompute what the source states.
 */
import { add, mul, sum } from '../_kit/decimal-text.ts';
import type { OrderRecord } from './types.ts';

export function computedOrderTotal(order: Pick<OrderRecord, 'items' | 'taxAmount' | 'shippingAmount'>): string {
  const lines = sum(order.items.map((i) => mul(i.unitPrice, String(i.quantity))));
  return add(add(lines, order.taxAmount), order.shippingAmount);
}

export function orderTotal(order: OrderRecord): string {
  return order.statedOrderTotal ?? computedOrderTotal(order);
}
