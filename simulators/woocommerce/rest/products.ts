/**
 * `/wc/v3/products` (notes §6): list (`sku` exact, comma-separated for several; `status`, `type`, `search`, the
 * shared date and paging arguments), read, create, update. Variations are not modelled.
 */
import { WpError } from '../errors.ts';
import { SimInputError } from '../order-math.ts';
import { ArgCheck } from '../params.ts';
import { productJson } from '../shape-other.ts';
import type { ProductInput } from '../state.ts';
import type { ProductRecord } from '../types.ts';
import { matchesDates, pageOf, readDateFilters, readPageArgs, sortBy, sortByInclude } from './collection.ts';
import { asWpError, editable, ok, requireCap, type RestContext, type RestResult, type RouteDef } from './context.ts';

function listProducts(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  const paging = readPageArgs(c);
  const dates = readDateFilters(c);
  const search = c.string('search')?.toLowerCase();
  const include = c.ids('include') ?? [];
  const exclude = c.ids('exclude') ?? [];
  const order = c.enumOne('order', ['asc', 'desc']) ?? 'desc';
  const orderby = c.enumOne('orderby', ['date', 'modified', 'id', 'include', 'title', 'slug', 'price', 'popularity', 'rating', 'menu_order']) ?? 'date';
  const status = c.enumOne('status', ['any', 'future', 'trash', 'draft', 'pending', 'private', 'publish']) ?? 'any';
  const type = c.enumOne('type', ['simple', 'grouped', 'external', 'variable']);
  const sku = c.string('sku');
  c.done();
  requireCap(ctx, 'list');
  const skus = sku?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const matches = [...ctx.site.products.values()].filter((p) => {
    if (status !== 'any' && p.status !== status) return false;
    if (type && p.type !== type) return false;
    if (skus && !skus.includes(p.sku)) return false;
    if (include.length > 0 && !include.includes(p.id)) return false;
    if (exclude.includes(p.id)) return false;
    if (search && !`${p.name} ${p.description}`.toLowerCase().includes(search)) return false;
    return matchesDates(p, dates, ctx.site, ctx.config);
  });
  let sorted: ProductRecord[];
  if (orderby === 'id') sorted = sortBy(matches, (p) => p.id, order);
  else if (orderby === 'modified') sorted = sortBy(matches, (p) => p.modifiedAt, order);
  else if (orderby === 'title') sorted = sortBy(matches, (p) => p.name.toLowerCase(), order);
  else if (orderby === 'slug') sorted = sortBy(matches, (p) => p.slug, order);
  else if (orderby === 'include' && include.length > 0) sorted = sortByInclude(matches, include);
  else sorted = sortBy(matches, (p) => p.createdAt, order);
  const page = pageOf(ctx, sorted, paging, '/wc/v3/products');
  return ok(
    page.items.map((p) => productJson(ctx.site, p)),
    page.headers,
  );
}

function getProduct(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  c.enumOne('context', ['view', 'edit']);
  c.done();
  requireCap(ctx, 'view');
  const product = ctx.site.products.get(id ?? 0);
  if (!product) throw new WpError('woocommerce_rest_product_invalid_id', 'Invalid ID.', 404);
  return ok(productJson(ctx.site, product));
}

function readProductArgs(c: ArgCheck): Partial<ProductInput> {
  const out: Partial<ProductInput> = {};
  const name = c.string('name');
  const sku = c.string('sku');
  const regularPrice = c.string('regular_price');
  const salePrice = c.string('sale_price');
  const type = c.enumOne('type', ['simple', 'grouped', 'external', 'variable']);
  const status = c.enumOne('status', ['draft', 'pending', 'private', 'publish']);
  const taxStatus = c.enumOne('tax_status', ['taxable', 'shipping', 'none']);
  const manageStock = c.bool('manage_stock');
  const stockQuantity = c.int('stock_quantity');
  const description = c.string('description');
  if (name !== undefined) out.name = name;
  if (sku !== undefined) out.sku = sku;
  if (regularPrice !== undefined) out.regularPrice = regularPrice;
  if (salePrice !== undefined) out.salePrice = salePrice;
  if (type) out.type = type;
  if (status) out.status = status;
  if (taxStatus) out.taxStatus = taxStatus;
  if (manageStock !== undefined) out.manageStock = manageStock;
  if (stockQuantity !== undefined) out.stockQuantity = stockQuantity;
  if (description !== undefined) out.description = description;
  return out;
}

function createProduct(ctx: RestContext): RestResult {
  const c = new ArgCheck(ctx.args);
  const input = readProductArgs(c);
  c.done();
  requireCap(ctx, 'create');
  try {
    const product = ctx.state.createProduct(ctx.site.id, { ...input, name: input.name ?? '' });
    return { status: 201, body: productJson(ctx.site, product), headers: { Location: ctx.site.restUrl(`/wc/v3/products/${product.id}`) } };
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e, 'woocommerce_rest_product_invalid');
    throw e;
  }
}

function updateProduct(ctx: RestContext, [id]: number[]): RestResult {
  const c = new ArgCheck(ctx.args);
  const input = readProductArgs(c);
  c.done();
  requireCap(ctx, 'edit');
  if (!ctx.site.products.has(id ?? 0)) throw new WpError('woocommerce_rest_product_invalid_id', 'Invalid ID.', 400);
  try {
    return ok(productJson(ctx.site, ctx.state.updateProduct(ctx.site.id, id ?? 0, input)));
  } catch (e) {
    if (e instanceof SimInputError) throw asWpError(e, 'woocommerce_rest_product_invalid');
    throw e;
  }
}

export const PRODUCT_ROUTES: RouteDef[] = [
  { path: /^\/products$/, handlers: { GET: listProducts, POST: createProduct } },
  { path: /^\/products\/(\d+)$/, handlers: { GET: getProduct, ...editable(updateProduct) } },
];
