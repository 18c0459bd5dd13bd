/**
 * The order resource: JSON shape (notes §1, §4.2), read/create/update/delete through REST.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim } from './index.ts';
import { rest, sampleOrder } from './test-helpers.ts';

let sim: WooCommerceSim;
let site: SiteCredentials;
beforeEach(async () => {
  sim = await startWooCommerceSim();
  site = sim.createSite({ https: true, timezone: 'America/New_York' });
});
afterEach(async () => sim.close());

const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

describe('order JSON', () => {
  it('money fields are strings and price is a number', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ lineItems: [{ sku: 'MUG', name: 'Mug', quantity: 2, price: '3.00' }, { sku: 'PEN', name: 'Pen', quantity: 2, price: '1.25' }] }));
    const { body, text } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`);
    for (const key of ['discount_total', 'discount_tax', 'shipping_total', 'shipping_tax', 'cart_tax', 'total', 'total_tax']) {
      expect(typeof body[key], key).toBe('string');
      expect(body[key]).toMatch(/^-?\d+\.\d{2}$/);
    }
    const line = body.line_items[0];
    for (const key of ['subtotal', 'subtotal_tax', 'total', 'total_tax']) expect(line[key]).toMatch(/^\d+\.\d{2}$/);
    expect(line.price).toBe(3);
    expect(text).toContain('"price":3,');
    expect(body.line_items[1].price).toBe(1.25);
    expect(body.shipping_lines[0].total).toBe('10.00');
    expect(body.tax_lines[0].rate_id).toBe(1);
    expect(body.tax_lines[0].tax_total).toBe('0.64');
  });

  it('shows item taxes unrounded, without padding', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ lineItems: [{ sku: 'PEN', name: 'Pen', quantity: 1, price: '1.99' }] }));
    const line = placed.line_items[0]!;
    expect(line.taxes).toEqual([{ id: 1, total: '0.14925', subtotal: '0.14925' }]);
    expect(line.total_tax).toBe('0.15');
  });

  it('guest orders have customer_id 0 and carry only a billing address', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const { body } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`);
    expect(body.customer_id).toBe(0);
    expect(body.billing.email).toBe('ann@example.com');
    expect(body._links.customer).toBeUndefined();
    const customer = sim.createCustomer(site.siteId, { email: 'cy@example.com' });
    const owned = sim.placeOrder(site.siteId, sampleOrder({ customerId: customer.id }));
    expect(owned.customer_id).toBe(customer.id);
    expect((owned._links as { customer: { href: string }[] }).customer[0]!.href).toBe(`${site.siteUrl}/wp-json/wc/v3/customers/${customer.id}`);
  });

  it('gives every date twice, site-local and _gmt, neither with an offset', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ dateCreated: '2024-07-04T16:30:00Z', setPaid: true }));
    sim.touchOrder(site.siteId, placed.id, '2024-07-04T16:31:05Z');
    const { body } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`);
    expect(body.date_created).toBe('2024-07-04T12:30:00');
    expect(body.date_created_gmt).toBe('2024-07-04T16:30:00');
    expect(body.date_modified).toBe('2024-07-04T12:31:05');
    expect(body.date_modified_gmt).toBe('2024-07-04T16:31:05');
    expect(body.date_paid_gmt).toMatch(WALL);
    expect(body.date_completed).toBeNull();
    expect(body.date_completed_gmt).toBeNull();
  });

  it('writes JSON the PHP way: slashes and non-ASCII escaped', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ customerNote: 'Café / terrasse 😀' }));
    const { text } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`);
    expect(text).toContain('"customer_note":"Caf\\u00e9 \\/ terrasse \\ud83d\\ude00"');
    expect(text).toContain(`"href":"${site.siteUrl.replace(/\//g, '\\/')}\\/wp-json\\/wc\\/v3\\/orders\\/${placed.id}"`);
  });

  it('dp changes the number of decimals', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const { body } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`, { query: { dp: 3 } });
    expect(body.total).toBe('38.700');
    expect(body.line_items[0].total).toBe('6.000');
  });

  it('lists refunds with negative totals and the reason under "reason" (or "refund" when configured)', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true }));
    const refund = sim.refund(site.siteId, placed.id, { amount: '5.00', reason: 'Damaged' });
    const { body } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`);
    expect(body.refunds).toEqual([{ id: refund.id, reason: 'Damaged', total: '-5.00' }]);
    sim.configure({ refundSummaryKey: 'refund' });
    expect((await rest(site, 'GET', `/wc/v3/orders/${placed.id}`)).body.refunds).toEqual([{ id: refund.id, refund: 'Damaged', total: '-5.00' }]);
  });

  it('answers an unknown order id with 404 woocommerce_rest_shop_order_invalid_id', async () => {
    const r = await rest(site, 'GET', '/wc/v3/orders/999999');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } });
  });

  it('does not serve a refund at /orders/{refund id}', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true }));
    const refund = sim.refund(site.siteId, placed.id, { amount: '1.00' });
    expect((await rest(site, 'GET', `/wc/v3/orders/${refund.id}`)).status).toBe(404);
  });

  it('leaves the newer keys out when modernFields is off', async () => {
    sim.configure({ modernFields: false });
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const { body } = await rest(site, 'GET', `/wc/v3/orders/${placed.id}`);
    expect(body).not.toHaveProperty('payment_url');
    expect(body).not.toHaveProperty('currency_symbol');
    expect(body.line_items[0]).not.toHaveProperty('image');
  });

  it('_fields trims each record', async () => {
    sim.placeOrder(site.siteId, sampleOrder());
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { _fields: 'id,date_modified_gmt' } });
    expect(Object.keys(r.body[0]).sort()).toEqual(['date_modified_gmt', 'id']);
  });
});

describe('writing orders', () => {
  it('PUT changes the status, bumps date_modified and sets date_completed', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder({ dateCreated: '2024-01-01T00:00:00Z', setPaid: true }));
    sim.touchOrder(site.siteId, placed.id, '2024-01-01T00:00:00Z');
    const r = await rest(site, 'PUT', `/wc/v3/orders/${placed.id}`, { body: { status: 'completed', customer_note: 'left at door' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('completed');
    expect(r.body.customer_note).toBe('left at door');
    expect(r.body.date_modified_gmt > '2024-01-01T00:00:00').toBe(true);
    expect(r.body.date_completed_gmt).toBe(r.body.date_modified_gmt);
  });

  it('POST, PUT and PATCH all update (WP_REST_Server::EDITABLE); _method turns a POST into a PUT', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    for (const method of ['POST', 'PATCH']) expect((await rest(site, method, `/wc/v3/orders/${placed.id}`, { body: { transaction_id: method } })).body.transaction_id).toBe(method);
    const auth = `Basic ${Buffer.from(`${site.consumerKey}:${site.consumerSecret}`).toString('base64')}`;
    const res = await fetch(`${site.siteUrl}/wp-json/wc/v3/orders/${placed.id}?_method=DELETE&force=true`, { method: 'POST', headers: { authorization: auth } });
    expect(res.status).toBe(200);
    expect((await rest(site, 'GET', `/wc/v3/orders/${placed.id}`)).status).toBe(404);
  });

  it('PUT refuses an unknown status and an unknown id', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const bad = await rest(site, 'PUT', `/wc/v3/orders/${placed.id}`, { body: { status: 'shipped' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('rest_invalid_param');
    const missing = await rest(site, 'PUT', '/wc/v3/orders/424242', { body: { status: 'completed' } });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('woocommerce_rest_shop_order_invalid_id');
  });

  it('set_paid moves a pending order to processing and stamps date_paid', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    expect(placed.date_paid).toBeNull();
    const r = await rest(site, 'PUT', `/wc/v3/orders/${placed.id}`, { body: { set_paid: true } });
    expect(r.body.status).toBe('processing');
    expect(r.body.date_paid_gmt).toMatch(WALL);
  });

  it('refuses a malformed JSON body with rest_invalid_json', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const auth = `Basic ${Buffer.from(`${site.consumerKey}:${site.consumerSecret}`).toString('base64')}`;
    const res = await fetch(`${site.siteUrl}/wp-json/wc/v3/orders/${placed.id}`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{"status":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('rest_invalid_json');
  });

  it('POST creates an order priced from the catalogue: 201, Location, created_via rest-api', async () => {
    const product = sim.createProduct(site.siteId, { name: 'Mug', sku: 'MUG', regularPrice: '12.00' });
    const r = await rest(site, 'POST', '/wc/v3/orders', {
      body: { line_items: [{ product_id: product.id, quantity: 2 }], shipping_lines: [{ method_id: 'flat_rate', method_title: 'Flat', total: '5.00' }], set_paid: true },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`${site.siteUrl}/wp-json/wc/v3/orders/${r.body.id}`);
    expect(r.body).toMatchObject({ created_via: 'rest-api', status: 'processing', total: '31.18', customer_id: 0 });
    expect(r.body.line_items[0]).toMatchObject({ sku: 'MUG', quantity: 2, total: '24.00', total_tax: '1.80', price: 12 });
  });

  it('POST refuses line items without a product reference and unknown coupons', async () => {
    const noRef = await rest(site, 'POST', '/wc/v3/orders', { body: { line_items: [{ quantity: 1 }] } });
    expect(noRef.body).toEqual({ code: 'woocommerce_rest_required_product_reference', message: 'Product ID or SKU is required.', data: { status: 400 } });
    const product = sim.createProduct(site.siteId, { name: 'Mug', regularPrice: '1' });
    const coupon = await rest(site, 'POST', '/wc/v3/orders', { body: { line_items: [{ product_id: product.id }], coupon_lines: [{ code: 'SAVE10' }] } });
    expect(coupon.body.code).toBe('woocommerce_rest_invalid_coupon');
  });

  it('says 501 rather than silently ignoring edits to the items of an existing order', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const r = await rest(site, 'PUT', `/wc/v3/orders/${placed.id}`, { body: { line_items: [{ id: placed.line_items[0]!.id, quantity: 5 }] } });
    expect(r.status).toBe(501);
  });

  it('DELETE trashes (answering with the status before trashing), then 410; force deletes', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    const trashed = await rest(site, 'DELETE', `/wc/v3/orders/${placed.id}`);
    expect(trashed.status).toBe(200);
    expect(trashed.body.status).toBe('pending');
    expect((await rest(site, 'GET', `/wc/v3/orders/${placed.id}`)).body.status).toBe('trash');
    expect((await rest(site, 'DELETE', `/wc/v3/orders/${placed.id}`)).status).toBe(410);
    expect((await rest(site, 'DELETE', `/wc/v3/orders/${placed.id}`, { query: { force: true } })).status).toBe(200);
    expect((await rest(site, 'GET', `/wc/v3/orders/${placed.id}`)).status).toBe(404);
  });

  it('anonymous writes are refused with the action-specific code', async () => {
    const placed = sim.placeOrder(site.siteId, sampleOrder());
    expect((await rest(site, 'PUT', `/wc/v3/orders/${placed.id}`, { auth: 'none', body: {} })).body.code).toBe('woocommerce_rest_cannot_edit');
    expect((await rest(site, 'POST', '/wc/v3/orders', { auth: 'none', body: {} })).body.code).toBe('woocommerce_rest_cannot_create');
    expect((await rest(site, 'DELETE', `/wc/v3/orders/${placed.id}`, { auth: 'none' })).body.code).toBe('woocommerce_rest_cannot_delete');
  });
});

describe('batch', () => {
  it('POST /orders/batch creates, updates and deletes, answering per item (errors in place)', async () => {
    const product = sim.createProduct(site.siteId, { name: 'Mug', regularPrice: '10' });
    const [a, b] = [sim.placeOrder(site.siteId, sampleOrder()), sim.placeOrder(site.siteId, sampleOrder())];
    const r = await rest(site, 'POST', '/wc/v3/orders/batch', {
      body: { create: [{ line_items: [{ product_id: product.id, quantity: 1 }] }], update: [{ id: a.id, status: 'completed' }, { id: 999999, status: 'completed' }], delete: [b.id] },
    });
    expect(r.status).toBe(200);
    expect(r.body.create[0]).toMatchObject({ created_via: 'rest-api', total: '10.75' });
    expect(r.body.update[0]).toMatchObject({ id: a.id, status: 'completed' });
    expect(r.body.update[1]).toEqual({ id: 999999, error: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 400 } } });
    expect(r.body.delete[0]).toMatchObject({ id: b.id });
    expect((await rest(site, 'GET', `/wc/v3/orders/${b.id}`)).status).toBe(404);
  });

  it('refuses more than 100 items with 413', async () => {
    const r = await rest(site, 'POST', '/wc/v3/orders/batch', { body: { delete: Array.from({ length: 101 }, (_, i) => i + 1) } });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('woocommerce_rest_request_entity_too_large');
  });
});
