/**
 * `/wc/v3/orders` (notes §4): list with the filters of §4.1, read, create (priced from the catalogue, totals
 * computed), update (status, addresses, payment fields, meta, `set_paid`), trash/delete. Editing the items of an
 * existing order is not modelled and says so (501) rather than being ignored.
 */
import { isDecimal, ratio } from '../../_kit/decimal-text.ts';
import { WpError } from '../errors.ts';
import { SimInputError, type FeeInput, type ShippingInput } from '../order-math.ts';
import { ArgCheck } from '../params.ts';
import type { JsonValue } from '../../_kit/json-text.ts';
import { orderJson } from '../shape-order.ts';
import type { LineItemInput, UpdateOrderPatch } from '../state.ts';
import { ORDER_STATUSES, type Address, type OrderRecord, type OrderStatus } from '../types.ts';
import { batchRoute } from './orders-batch.ts';
import { matchesDates, pageOf, readDateFilters, readPageArgs, sortBy, sortByInclude } from './collection.ts';
import {
  arrayArg,
  asWpError,
  editable,
  intField,
  objectArg,
  ok,
  requireCap,
  stringField,
  type RestContext,
  type RestResult,
  type RouteDef,
} from './context.ts';

const LIST_STATUSES = ['any', 'trash', ...ORDER_STATUSES] as const;
const ITEM_STATUSES = ORDER_STATUSES;

function dpArg(c: ArgCheck): number {
  return c.int('dp') ?? 2;
}

function render(ctx: RestContext, order: OrderRecord, dp: number): JsonValue {
  return orderJson(ctx.site, order, { dp: Math.abs(dp), config: ctx.config });
}

function listOrders(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  const paging = readPageArgs(c);
  const dates = readDateFilters(c);
  const search = c.string('search');
  const include = c.ids('include') ?? [];
  const exclude = c.ids('exclude') ?? [];
  const parent = c.ids('parent') ?? [];
  const parentExclude = c.ids('parent_exclude') ?? [];
  const order = c.enumOne('order', ['asc', 'desc']) ?? 'desc';
  const orderbyValues = ctx.config.orderbyModified ? (['date', 'id', 'include', 'title', 'slug', 'modified'] as const) : (['date', 'id', 'include', 'title', 'slug'] as const);
  const orderby = c.enumOne<string>('orderby', orderbyValues) ?? 'date';
  const statuses = c.enumList('status', LIST_STATUSES) ?? ['any'];
  const customer = c.int('customer');
  const product = c.int('product');
  const dp = dpArg(c);
  c.done();
  requireCap(ctx, 'list');

  const wanted = new Set<string>(statuses.length === 0 ? ['any'] : statuses);
  const needle = search?.toLowerCase();
  const matches = [...ctx.site.orders.values()].filter((o) => {
    // `any` is every status shown in lists: not trash, not checkout drafts.
    const statusOk = wanted.has(o.status) || (wanted.has('any') && o.status !== 'trash' && o.status !== 'checkout-draft');
    if (!statusOk) return false;
    if (include.length > 0 && !include.includes(o.id)) return false;
    if (exclude.includes(o.id)) return false;
    if (parent.length > 0 && !parent.includes(o.parentId)) return false;
    if (parentExclude.includes(o.parentId)) return false;
    if (customer !== undefined && o.customerId !== customer) return false;
    if (product !== undefined && product !== 0 && !o.lineItems.some((l) => l.productId === product)) return false;
    if (needle && !searchText(o).includes(needle)) return false;
    return matchesDates(o, dates, ctx.site, ctx.config);
  });
  let sorted: OrderRecord[];
  if (orderby === 'id') sorted = sortBy(matches, (o) => o.id, order);
  else if (orderby === 'modified') sorted = sortBy(matches, (o) => o.modifiedAt, order);
  else if (orderby === 'include' && include.length > 0) sorted = sortByInclude(matches, include);
  // title ("Order – <date>") and slug sort like the creation date.
  else sorted = sortBy(matches, (o) => o.createdAt, order);
  const page = pageOf(ctx, sorted, paging, '/wc/v3/orders');
  return ok(
    page.items.map((o) => render(ctx, o, dp)),
    page.headers,
  );
}

function searchText(o: OrderRecord): string {
  const parts = [String(o.id), o.billing.first_name, o.billing.last_name, o.billing.email, o.billing.company, o.shipping.first_name, o.shipping.last_name, ...o.lineItems.map((l) => l.name)];
  return parts.join(' ').toLowerCase();
}

function getOrder(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  const dp = dpArg(c);
  c.done();
  requireCap(ctx, 'view');
  const order = ctx.site.orders.get(id ?? 0);
  if (!order) throw new WpError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
  return ok(render(ctx, order, dp));
}

function addressArg(ctx: RestContext, name: string): Partial<Address> | undefined {
  const o = objectArg(ctx, name);
  if (!o) return undefined;
  const out: Partial<Address> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string') (out as Record<string, string>)[k] = v;
  return out;
}

function metaArg(ctx: RestContext): { id?: number; key: string; value: unknown }[] | undefined {
  return arrayArg(ctx, 'meta_data')
    ?.filter((m) => typeof m.key === 'string')
    .map((m) => ({ ...(typeof m.id === 'number' ? { id: m.id } : {}), key: m.key as string, value: m.value }));
}

/** Validates the writable order fields shared by create and update; returns the patch. */
function readOrderArgs(ctx: RestContext, c: ArgCheck): UpdateOrderPatch {
  const status = c.enumOne<OrderStatus>('status', ITEM_STATUSES);
  const customerId = c.int('customer_id');
  const setPaid = c.bool('set_paid');
  const patch: UpdateOrderPatch = {};
  if (status !== undefined) patch.status = status;
  if (customerId !== undefined) patch.customerId = customerId;
  if (setPaid !== undefined) patch.setPaid = setPaid;
  const billing = addressArg(ctx, 'billing');
  const shipping = addressArg(ctx, 'shipping');
  if (billing) patch.billing = billing;
  if (shipping) patch.shipping = shipping;
  const note = c.string('customer_note');
  const pm = c.string('payment_method');
  const pmt = c.string('payment_method_title');
  const tx = c.string('transaction_id');
  if (note !== undefined) patch.customerNote = note;
  if (pm !== undefined) patch.paymentMethod = pm;
  if (pmt !== undefined) patch.paymentMethodTitle = pmt;
  if (tx !== undefined) patch.transactionId = tx;
  const meta = metaArg(ctx);
  if (meta) patch.metaData = meta;
  return patch;
}

function updateOrder(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const patch = readOrderArgs(ctx, c);
  c.done();
  requireCap(ctx, 'edit');
  const order = ctx.site.orders.get(id ?? 0);
  if (!order) throw new WpError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 400);
  for (const items of ['line_items', 'shipping_lines', 'fee_lines', 'coupon_lines']) {
    if (items in ctx.args.body) throw new WpError('woocommerce_rest_sim_not_modelled', `The simulator does not model editing ${items} of an existing order.`, 501);
  }
  try {
    const updated = ctx.state.updateOrder(ctx.site.id, order.id, patch);
    return ok(render(ctx, updated, 2));
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e);
    throw e;
  }
}

function createOrder(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  const patch = readOrderArgs(ctx, c);
  const currency = c.string('currency');
  c.done();
  requireCap(ctx, 'create');
  const lines: LineItemInput[] = (arrayArg(ctx, 'line_items') ?? []).map((item) => {
    const productId = intField(item, 'product_id') ?? intField(item, 'variation_id');
    const sku = stringField(item, 'sku');
    if (!productId && !sku) throw new WpError('woocommerce_rest_required_product_reference', 'Product ID or SKU is required.', 400);
    const product = productId ? ctx.site.products.get(productId) : sku ? ctx.site.productBySku(sku) : undefined;
    if (!product) throw new WpError('woocommerce_rest_invalid_product_id', 'Invalid product ID.', 400);
    const quantity = intField(item, 'quantity') ?? 1;
    const total = stringField(item, 'total');
    const line: LineItemInput = { productId: product.id, quantity };
    const name = stringField(item, 'name');
    if (name) line.name = name;
    // A posted total replaces the catalogue price (unit price = total ÷ quantity, in the store's price basis).
    if (total !== undefined && quantity > 0) line.price = divide(total, quantity);
    return line;
  });
  const shipping: ShippingInput[] = (arrayArg(ctx, 'shipping_lines') ?? []).map((s) => {
    const methodId = stringField(s, 'method_id');
    if (!methodId) throw new WpError('woocommerce_rest_invalid_shipping_item', 'Shipping method ID is required.', 400);
    return { methodId, methodTitle: stringField(s, 'method_title') ?? methodId, total: stringField(s, 'total') ?? '0', instanceId: stringField(s, 'instance_id') ?? '' };
  });
  const fees: FeeInput[] = (arrayArg(ctx, 'fee_lines') ?? []).map((f) => {
    const name = stringField(f, 'name');
    if (!name) throw new WpError('woocommerce_rest_invalid_fee_item', 'Fee name is required.', 400);
    return { name, total: stringField(f, 'total') ?? '0', taxable: stringField(f, 'tax_status') !== 'none' };
  });
  const coupons = arrayArg(ctx, 'coupon_lines') ?? [];
  if (coupons.length > 0) {
    // The simulator has no coupon catalogue, so every posted code is unknown, as on a store without that coupon.
    throw new WpError('woocommerce_rest_invalid_coupon', `Coupon "${stringField(coupons[0] ?? {}, 'code') ?? ''}" does not exist!`, 400);
  }
  try {
    const order = ctx.state.placeOrder(
      ctx.site.id,
      {
        lineItems: lines,
        shippingLines: shipping,
        feeLines: fees,
        ...(patch.status ? { status: patch.status } : {}),
        ...(patch.setPaid ? { setPaid: true } : {}),
        ...(patch.customerId !== undefined ? { customerId: patch.customerId } : {}),
        ...(patch.billing ? { billing: patch.billing } : {}),
        ...(patch.shipping ? { shipping: patch.shipping } : {}),
        ...(currency ? { currency } : {}),
        ...(patch.paymentMethod !== undefined ? { paymentMethod: patch.paymentMethod } : {}),
        ...(patch.paymentMethodTitle !== undefined ? { paymentMethodTitle: patch.paymentMethodTitle } : {}),
        ...(patch.transactionId !== undefined ? { transactionId: patch.transactionId } : {}),
        ...(patch.customerNote !== undefined ? { customerNote: patch.customerNote } : {}),
        ...(patch.metaData ? { metaData: patch.metaData } : {}),
        customerIpAddress: '',
        customerUserAgent: '',
      },
      'rest-api',
    );
    return { status: 201, body: render(ctx, order, 2), headers: { Location: ctx.site.restUrl(`/wc/v3/orders/${order.id}`) } };
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e);
    throw e;
  }
}

function divide(total: string, quantity: number): string {
  if (!isDecimal(total)) throw new WpError('rest_invalid_param', 'Invalid parameter(s): line_items', 400);
  return ratio(total, '1', String(quantity), 6);
}

function deleteOrder(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const force = c.bool('force') ?? false;
  c.done();
  requireCap(ctx, 'delete');
  const order = ctx.site.orders.get(id ?? 0);
  if (!order) throw new WpError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
  if (!force && order.status === 'trash') throw new WpError('woocommerce_rest_already_trashed', 'The shop_order has already been deleted.', 410);
  // The answer is prepared before the delete: a trashed order comes back with its old status.
  const body = render(ctx, order, 2);
  ctx.state.deleteOrder(ctx.site.id, order.id, { force });
  return ok(body);
}

export const ORDER_ROUTES: RouteDef[] = [
  { path: /^\/orders$/, handlers: { GET: listOrders, POST: createOrder } },
  batchRoute({ create: createOrder, update: updateOrder, delete: deleteOrder }),
  { path: /^\/orders\/(\d+)$/, handlers: { GET: getOrder, ...editable(updateOrder), DELETE: deleteOrder } },
];
