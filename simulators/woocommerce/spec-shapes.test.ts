/**
 * The simulator may only emit keys the WooCommerce OpenAPI file (wc/v3 as a 5.x store served it in 2021,
 * shared/specs/SOURCES.md) declares, plus keys newer WooCommerce adds, each listed below with where it comes
 * from; anything else would let our client depend on a field real stores never send. The spec file is required.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim } from './index.ts';
import { loadSpec, schemaShape, undeclaredKeys } from '../_kit/spec-check/openapi-shape.ts';
import type { YamlValue } from '../_kit/spec-check/yaml-lite.ts';
import { rest, sampleOrder } from './test-helpers.ts';

const SPEC = process.env.WOO_SPEC_FILE ?? fileURLToPath(new URL('../../../shared/specs/woocommerce/woocommerce-openapi-3.0.x.yml', import.meta.url));

/**
 * Keys absent from the 2021 file that current WooCommerce sends (`modernFields`, config.ts) or that WordPress adds
 * to every REST record (`_links`). `shipping_lines[].taxes[].subtotal` and `fee_lines[].taxes[].subtotal` are ""
 * because `get_order_item_data` writes a subtotal for every item's taxes (class-wc-rest-orders-v2-controller.php).
 */
const NEWER_KEYS = new Set([
  '_links',
  'payment_url',
  'is_editable',
  'needs_payment',
  'needs_processing',
  'currency_symbol',
  'shipping.phone',
  'line_items[].image',
  'tax_lines[].rate_percent',
  'shipping_lines[].taxes[].subtotal',
  'coupon_lines[].discount_type',
  'coupon_lines[].nominal_amount',
  'coupon_lines[].free_shipping',
]);

function strip(path: string): string {
  return path.replace(/^\[\]\.?/, '');
}

let sim: WooCommerceSim;
let site: SiteCredentials;
let doc: ReturnType<typeof loadSpec>;
beforeAll(async () => {
  if (!existsSync(SPEC)) throw new Error(`WooCommerce OpenAPI file missing: ${SPEC} (see shared/specs/SOURCES.md)`);
  doc = loadSpec(SPEC);
  sim = await startWooCommerceSim();
  site = sim.createSite({ https: true });
});
afterAll(async () => sim.close());

function expectDeclared(value: unknown, schema: string): void {
  const undeclared = undeclaredKeys(value, schemaShape(doc, schema)).map(strip).filter((k) => !NEWER_KEYS.has(k));
  expect(undeclared).toEqual([]);
}

describe('responses use only keys the OpenAPI file declares', () => {
  it('orders, one and listed, with every kind of line', async () => {
    const customer = sim.createCustomer(site.siteId, { email: 'spec@example.com' });
    const order = sim.placeOrder(site.siteId, {
      ...sampleOrder({ customerId: customer.id, setPaid: true, paymentMethod: 'stripe' }),
      coupons: [{ code: 'SPRING', amount: '2.00' }],
      feeLines: [{ name: 'Handling', total: '1.50' }],
      metaData: [{ key: '_source', value: 'spec' }],
    });
    sim.refund(site.siteId, order.id, { amount: '1.00', reason: 'spec' });
    expectDeclared((await rest(site, 'GET', `/wc/v3/orders/${order.id}`)).body, 'shop_order');
    expectDeclared((await rest(site, 'GET', '/wc/v3/orders')).body, 'shop_order');
  });

  it('refunds', async () => {
    const order = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true, paymentMethod: 'stripe' }));
    sim.refund(site.siteId, order.id, { lineItems: [{ id: order.line_items[0]!.id, quantity: 1 }] });
    expectDeclared((await rest(site, 'GET', `/wc/v3/orders/${order.id}/refunds`)).body, 'shop_order_refund');
  });

  it('customers, products and webhooks', async () => {
    const customer = sim.createCustomer(site.siteId, { email: 'spec2@example.com', metaData: [{ key: 'vip', value: true }] });
    expectDeclared((await rest(site, 'GET', `/wc/v3/customers/${customer.id}`)).body, 'customer');
    const product = sim.createProduct(site.siteId, { name: 'Spec mug', sku: 'SPEC-1', regularPrice: '5' });
    expectDeclared((await rest(site, 'GET', `/wc/v3/products/${product.id}`)).body, 'product');
    const { webhook } = await sim.subscribeWebhook(site.siteId, { topic: 'order.created', deliveryUrl: 'http://127.0.0.1:9/hooks' });
    expectDeclared((await rest(site, 'GET', `/wc/v3/webhooks/${webhook.id}`)).body, 'webhook');
  });

  it('declares the query parameters a poller sends to GET /orders', () => {
    const paths = doc.paths as { [path: string]: { get: { parameters: { name: string }[] } } } & YamlValue;
    const names = paths['/orders']!.get.parameters.map((p) => p.name);
    for (const name of ['modified_after', 'modified_before', 'dates_are_gmt', 'per_page', 'page', 'orderby', 'order', 'status', 'after', 'before']) expect(names).toContain(name);
  });
});
