/**
 * Customers (notes §5), products (§6) and webhooks (§8.7) as `/wc/v3` renders them. Products carry the keys of
 * the real resource with neutral values for what the simulator does not model (images, categories, …).
 */
import { avatarUrl } from './ids.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { addressJson, dates, metaJson } from './shape-order.ts';
import type { SiteState } from './site.ts';
import { currentPrice } from './state.ts';
import { topicParts, hooksFor } from './topics.ts';
import type { CustomerRecord, ProductRecord, WebhookRecord } from './types.ts';

export function customerJson(site: SiteState, c: CustomerRecord, modern: boolean): { [key: string]: JsonValue } {
  return {
    id: c.id,
    ...dates(site, 'date_created', c.createdAt),
    ...dates(site, 'date_modified', c.modifiedAt),
    email: c.email,
    first_name: c.firstName,
    last_name: c.lastName,
    role: c.role,
    username: c.username,
    billing: addressJson(c.billing, 'billing', modern),
    shipping: addressJson(c.shipping, 'shipping', modern),
    is_paying_customer: c.isPayingCustomer,
    avatar_url: avatarUrl(c.email),
    meta_data: metaJson(c.meta),
    _links: {
      self: [{ href: site.restUrl(`/wc/v3/customers/${c.id}`) }],
      collection: [{ href: site.restUrl('/wc/v3/customers') }],
    },
  };
}

export function productJson(site: SiteState, p: ProductRecord): { [key: string]: JsonValue } {
  const price = currentPrice(p);
  return {
    id: p.id,
    name: p.name,
    slug: p.slug,
    permalink: `${site.siteUrl}/product/${p.slug}/`,
    ...dates(site, 'date_created', p.createdAt),
    ...dates(site, 'date_modified', p.modifiedAt),
    type: p.type,
    status: p.status,
    featured: false,
    catalog_visibility: 'visible',
    description: p.description,
    short_description: p.shortDescription,
    sku: p.sku,
    // Product prices are strings stored as entered (`"12"`, `"9.5"`), not padded to 2 places.
    price,
    regular_price: p.regularPrice,
    sale_price: p.salePrice,
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: p.salePrice !== '',
    purchasable: price !== '',
    total_sales: p.totalSales,
    virtual: false,
    downloadable: false,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    external_url: '',
    button_text: '',
    tax_status: p.taxStatus,
    tax_class: p.taxClass,
    manage_stock: p.manageStock,
    stock_quantity: p.stockQuantity,
    backorders: 'no',
    backorders_allowed: false,
    backordered: false,
    low_stock_amount: null,
    sold_individually: false,
    weight: '',
    dimensions: { length: '', width: '', height: '' },
    shipping_required: true,
    shipping_taxable: p.taxStatus === 'taxable' || p.taxStatus === 'shipping',
    shipping_class: '',
    shipping_class_id: 0,
    reviews_allowed: true,
    average_rating: '0.00',
    rating_count: 0,
    upsell_ids: [],
    cross_sell_ids: [],
    parent_id: 0,
    purchase_note: '',
    categories: [],
    tags: [],
    images: [],
    attributes: [],
    default_attributes: [],
    variations: [],
    grouped_products: [],
    menu_order: 0,
    price_html: price === '' ? '' : `<span class="woocommerce-Price-amount amount">${price}</span>`,
    related_ids: [],
    meta_data: metaJson(p.meta),
    stock_status: p.stockStatus,
    _links: {
      self: [{ href: site.restUrl(`/wc/v3/products/${p.id}`) }],
      collection: [{ href: site.restUrl('/wc/v3/products') }],
    },
  };
}

export function webhookJson(site: SiteState, w: WebhookRecord): { [key: string]: JsonValue } {
  const { resource, event } = topicParts(w.topic);
  return {
    id: w.id,
    name: w.name,
    status: w.status,
    topic: w.topic,
    resource,
    event,
    hooks: hooksFor(w.topic),
    delivery_url: w.deliveryUrl,
    ...dates(site, 'date_created', w.createdAt),
    ...dates(site, 'date_modified', w.modifiedAt),
    _links: {
      self: [{ href: site.restUrl(`/wc/v3/webhooks/${w.id}`) }],
      collection: [{ href: site.restUrl('/wc/v3/webhooks') }],
    },
  };
}
