/**
 * `/wc/v3/orders/{id}/refunds`: list, read, create, delete (refunds cannot be trashed). Creating a refund with
 * `api_refund` (default true) asks the order's gateway to pay it back; the manual gateways cannot, and WooCommerce
 * answers 500 with the bare status as `data` (see errors.ts). A full refund moves the order to `refunded`.
 */
import { WpError } from '../errors.ts';
import { SimInputError, type RefundLineInput } from '../order-math.ts';
import { ArgCheck } from '../params.ts';
import { refundJson } from '../shape-order.ts';
import type { OrderRecord } from '../types.ts';
import { pageOf, readPageArgs, sortBy } from './collection.ts';
import { arrayArg, intField, ok, requireCap, stringField, type RestContext, type RestResult, type RouteDef } from './context.ts';

const MANUAL_GATEWAYS = new Set(['', 'bacs', 'cheque', 'cod']);

function orderOf(ctx: RestContext, id: number | undefined): OrderRecord {
  const order = ctx.site.orders.get(id ?? 0);
  if (!order) throw new WpError('woocommerce_rest_invalid_order_id', 'Invalid order ID.', 404);
  return order;
}

function listRefunds(ctx: RestContext, [orderId]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  const paging = readPageArgs(c);
  const order = c.enumOne('order', ['asc', 'desc']) ?? 'desc';
  const dp = c.int('dp') ?? 2;
  c.done();
  requireCap(ctx, 'list');
  const parent = orderOf(ctx, orderId);
  const refunds = sortBy(ctx.site.refundsOf(parent), (r) => r.createdAt, order);
  const page = pageOf(ctx, refunds, paging, `/wc/v3/orders/${parent.id}/refunds`);
  return ok(
    page.items.map((r) => refundJson(ctx.site, r, { dp, config: ctx.config })),
    page.headers,
  );
}

function getRefund(ctx: RestContext, [orderId, refundId]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const dp = c.int('dp') ?? 2;
  c.done();
  requireCap(ctx, 'view');
  const parent = orderOf(ctx, orderId);
  const refund = ctx.site.refunds.get(refundId ?? 0);
  if (!refund || refund.orderId !== parent.id) throw new WpError('woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.', 404);
  return ok(refundJson(ctx.site, refund, { dp, config: ctx.config }));
}

function createRefund(ctx: RestContext, [orderId]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const amount = c.string('amount');
  const reason = c.string('reason');
  const refundedBy = c.int('refunded_by');
  const apiRefund = c.bool('api_refund') ?? true;
  c.bool('api_restock');
  c.done();
  requireCap(ctx, 'create');
  const parent = orderOf(ctx, orderId);
  if (amount !== undefined && amount.trim().startsWith('-')) throw new WpError('woocommerce_rest_invalid_order_refund', 'Refund amount must be greater than zero.', 400);
  if (apiRefund && ctx.config.gatewayRefundCheck && MANUAL_GATEWAYS.has(parent.paymentMethod)) {
    throw new WpError('woocommerce_rest_cannot_create_order_refund', 'The payment gateway for this order does not support automatic refunds.', 500, 500);
  }
  const lines: RefundLineInput[] = (arrayArg(ctx, 'line_items') ?? []).map((item) => {
    const line: RefundLineInput = { id: intField(item, 'id') ?? 0 };
    const quantity = intField(item, 'quantity');
    const refundTotal = stringField(item, 'refund_total');
    if (quantity !== undefined) line.quantity = quantity;
    if (refundTotal !== undefined) line.refundTotal = refundTotal;
    const taxes = Array.isArray(item.refund_tax) ? (item.refund_tax as Record<string, unknown>[]) : [];
    if (taxes.length > 0) line.refundTax = taxes.map((t) => ({ id: intField(t, 'id') ?? 0, refundTotal: stringField(t, 'refund_total') ?? '0' }));
    return line;
  });
  try {
    const refund = ctx.state.refund(ctx.site.id, parent.id, {
      ...(amount !== undefined ? { amount } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(refundedBy !== undefined ? { refundedBy } : {}),
      lineItems: lines,
      refundedPayment: apiRefund && ctx.config.gatewayRefundCheck,
    });
    return {
      status: 201,
      body: refundJson(ctx.site, refund, { dp: 2, config: ctx.config }),
      headers: { Location: ctx.site.restUrl(`/wc/v3/orders/${parent.id}/refunds/${refund.id}`) },
    };
  } catch (e) {
    if (e instanceof SimInputError) {
      // wc_create_refund's exceptions come back as 500 with the bare status as data.
      if (e.status === 500) throw new WpError(e.code ?? 'woocommerce_rest_cannot_create_order_refund', e.message, 500, 500);
      throw new WpError(e.code ?? 'woocommerce_rest_cannot_create_order_refund', e.message, e.status);
    }
    throw e;
  }
}

function deleteRefund(ctx: RestContext, [orderId, refundId]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const force = c.bool('force') ?? false;
  c.done();
  requireCap(ctx, 'delete');
  const parent = orderOf(ctx, orderId);
  const refund = ctx.site.refunds.get(refundId ?? 0);
  if (!refund || refund.orderId !== parent.id) throw new WpError('woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.', 404);
  if (!force) throw new WpError('woocommerce_rest_trash_not_supported', 'The shop_order_refund does not support trashing.', 501);
  const body = refundJson(ctx.site, refund, { dp: 2, config: ctx.config });
  ctx.state.deleteRefund(ctx.site.id, parent.id, refund.id);
  return ok(body);
}

export const REFUND_ROUTES: RouteDef[] = [
  { path: /^\/orders\/(\d+)\/refunds$/, handlers: { GET: listRefunds, POST: createRefund } },
  { path: /^\/orders\/(\d+)\/refunds\/(\d+)$/, handlers: { GET: getRefund, DELETE: deleteRefund } },
];
