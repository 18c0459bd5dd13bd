/**
 * `/wc/v3/customers` (notes §5): list (`email`, `role` default `customer`, `orderby` default `name`, `order`
 * default `asc`), read, create, update. Guests are not customers: they exist only as an order's billing address.
 */
import { WpError } from '../errors.ts';
import { SimInputError } from '../order-math.ts';
import { ArgCheck } from '../params.ts';
import { customerJson } from '../shape-other.ts';
import type { Address } from '../types.ts';
import { pageOf, readPageArgs, sortBy, sortByInclude } from './collection.ts';
import { arrayArg, asWpError, editable, objectArg, ok, requireCap, type RestContext, type RestResult, type RouteDef } from './context.ts';

const ROLES = ['all', 'administrator', 'editor', 'author', 'contributor', 'subscriber', 'customer', 'shop_manager'] as const;

function listCustomers(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  const paging = readPageArgs(c);
  const search = c.string('search')?.toLowerCase();
  const include = c.ids('include') ?? [];
  const exclude = c.ids('exclude') ?? [];
  const order = c.enumOne('order', ['asc', 'desc']) ?? 'asc';
  const orderby = c.enumOne('orderby', ['id', 'include', 'name', 'registered_date']) ?? 'name';
  const email = c.string('email');
  const role = c.enumOne('role', ROLES) ?? 'customer';
  c.done();
  requireCap(ctx, 'list');
  const matches = [...ctx.site.customers.values()].filter((cu) => {
    if (role !== 'all' && cu.role !== role) return false;
    if (email !== undefined && cu.email.toLowerCase() !== email.toLowerCase()) return false;
    if (include.length > 0 && !include.includes(cu.id)) return false;
    if (exclude.includes(cu.id)) return false;
    if (search && !`${cu.email} ${cu.username} ${cu.firstName} ${cu.lastName}`.toLowerCase().includes(search)) return false;
    return true;
  });
  const sorted =
    orderby === 'id'
      ? sortBy(matches, (cu) => cu.id, order)
      : orderby === 'registered_date'
        ? sortBy(matches, (cu) => cu.createdAt, order)
        : orderby === 'include' && include.length > 0
          ? sortByInclude(matches, include)
          : sortBy(matches, (cu) => cu.username.toLowerCase(), order);
  const page = pageOf(ctx, sorted, paging, '/wc/v3/customers');
  return ok(
    page.items.map((cu) => customerJson(ctx.site, cu, ctx.config.modernFields)),
    page.headers,
  );
}

function getCustomer(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  c.done();
  requireCap(ctx, 'view');
  const customer = ctx.site.customers.get(id ?? 0);
  if (!customer) throw new WpError('woocommerce_rest_invalid_id', 'Invalid resource ID.', 404);
  return ok(customerJson(ctx.site, customer, ctx.config.modernFields));
}

function address(ctx: RestContext, name: string): Partial<Address> | undefined {
  const o = objectArg(ctx, name);
  if (!o) return undefined;
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string')) as Partial<Address>;
}

function meta(ctx: RestContext): { key: string; value: unknown }[] | undefined {
  return arrayArg(ctx, 'meta_data')
    ?.filter((m) => typeof m.key === 'string')
    .map((m) => ({ key: m.key as string, value: m.value }));
}

function createCustomer(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  const email = c.string('email');
  const firstName = c.string('first_name');
  const lastName = c.string('last_name');
  const username = c.string('username');
  c.done();
  requireCap(ctx, 'create');
  if (!email) throw new WpError('rest_missing_callback_param', 'Missing parameter(s): email', 400, { params: ['email'] });
  try {
    const billing = address(ctx, 'billing');
    const shipping = address(ctx, 'shipping');
    const metaData = meta(ctx);
    const customer = ctx.state.createCustomer(ctx.site.id, {
      email,
      ...(firstName !== undefined ? { firstName } : {}),
      ...(lastName !== undefined ? { lastName } : {}),
      ...(username !== undefined ? { username } : {}),
      ...(billing ? { billing } : {}),
      ...(shipping ? { shipping } : {}),
      ...(metaData ? { metaData } : {}),
    });
    return { status: 201, body: customerJson(ctx.site, customer, ctx.config.modernFields), headers: { Location: ctx.site.restUrl(`/wc/v3/customers/${customer.id}`) } };
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e);
    throw e;
  }
}

function updateCustomer(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const email = c.string('email');
  const firstName = c.string('first_name');
  const lastName = c.string('last_name');
  c.done();
  requireCap(ctx, 'edit');
  if (!ctx.site.customers.has(id ?? 0)) throw new WpError('woocommerce_rest_invalid_id', 'Invalid resource ID.', 400);
  const billing = address(ctx, 'billing');
  const shipping = address(ctx, 'shipping');
  const metaData = meta(ctx);
  const customer = ctx.state.updateCustomer(ctx.site.id, id ?? 0, {
    ...(email !== undefined ? { email } : {}),
    ...(firstName !== undefined ? { firstName } : {}),
    ...(lastName !== undefined ? { lastName } : {}),
    ...(billing ? { billing } : {}),
    ...(shipping ? { shipping } : {}),
    ...(metaData ? { metaData } : {}),
  });
  return ok(customerJson(ctx.site, customer, ctx.config.modernFields));
}

export const CUSTOMER_ROUTES: RouteDef[] = [
  { path: /^\/customers$/, handlers: { GET: listCustomers, POST: createCustomer } },
  { path: /^\/customers\/(\d+)$/, handlers: { GET: getCustomer, ...editable(updateCustomer) } },
];
