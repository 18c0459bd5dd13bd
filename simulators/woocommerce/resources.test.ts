/**
 * Refunds, customers and products through REST (notes §4.1 refunds, §5, §6).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim } from './index.ts';
import { rest, sampleOrder } from './test-helpers.ts';

let sim: WooCommerceSim;
let site: SiteCredentials;
beforeEach(async () => {
  sim = await startWooCommerceSim();
  site = sim.createSite({ https: true });
});
afterEach(async () => sim.close());

describe('refunds', () => {
  it('lists and reads the refunds of an order, amounts positive, lines negative', async () => {
    const order = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true, paymentMethod: 'stripe' }));
    const refund = sim.refund(site.siteId, order.id, { lineItems: [{ id: order.line_items[1]!.id, quantity: 1 }], reason: 'returned' });
    const list = await rest(site, 'GET', `/wc/v3/orders/${order.id}/refunds`);
    expect(list.status).toBe(200);
    expect(list.headers.get('x-wp-total')).toBe('1');
    expect(list.body[0]).toMatchObject({ id: refund.id, amount: '21.50', reason: 'returned', refunded_by: 1 });
    expect(list.body[0].line_items[0]).toMatchObject({ quantity: -1, total: '-20.00', total_tax: '-1.50', refund_total: 20 });
    const one = await rest(site, 'GET', `/wc/v3/orders/${order.id}/refunds/${refund.id}`);
    expect(one.body.id).toBe(refund.id);
    expect((await rest(site, 'GET', `/wc/v3/orders/999/refunds`)).body.code).toBe('woocommerce_rest_invalid_order_id');
  });

  it('creates a refund through REST: 201, order.refunds updated, refunded_payment true for a gateway that refunds', async () => {
    const order = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true, paymentMethod: 'stripe' }));
    const r = await rest(site, 'POST', `/wc/v3/orders/${order.id}/refunds`, { body: { amount: '10.00', reason: 'goodwill' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ amount: '10.00', reason: 'goodwill', refunded_payment: true });
    expect((await rest(site, 'GET', `/wc/v3/orders/${order.id}`)).body.refunds).toEqual([{ id: r.body.id, reason: 'goodwill', total: '-10.00' }]);
  });

  it('api_refund with a manual gateway fails with 500 and a bare status as data', async () => {
    const order = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true, paymentMethod: 'bacs' }));
    const r = await rest(site, 'POST', `/wc/v3/orders/${order.id}/refunds`, { body: { amount: '5.00' } });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ code: 'woocommerce_rest_cannot_create_order_refund', message: 'The payment gateway for this order does not support automatic refunds.', data: 500 });
    const manual = await rest(site, 'POST', `/wc/v3/orders/${order.id}/refunds`, { body: { amount: '5.00', api_refund: false } });
    expect(manual.status).toBe(201);
    expect(manual.body.refunded_payment).toBe(false);
  });

  it('refuses more than is left to refund', async () => {
    const order = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true }));
    const r = await rest(site, 'POST', `/wc/v3/orders/${order.id}/refunds`, { body: { amount: '100.00', api_refund: false } });
    expect(r.status).toBe(500);
    expect(r.body.message).toBe('Invalid refund amount.');
  });

  it('deleting a refund needs force and gives the amount back to the order', async () => {
    const order = sim.placeOrder(site.siteId, sampleOrder({ setPaid: true }));
    const refund = sim.refund(site.siteId, order.id, { amount: order.total });
    expect(sim.getOrder(site.siteId, order.id).status).toBe('refunded');
    expect((await rest(site, 'DELETE', `/wc/v3/orders/${order.id}/refunds/${refund.id}`)).status).toBe(501);
    expect((await rest(site, 'DELETE', `/wc/v3/orders/${order.id}/refunds/${refund.id}`, { query: { force: true } })).status).toBe(200);
    expect(sim.getOrder(site.siteId, order.id).refunds).toEqual([]);
  });
});

describe('customers', () => {
  it('lists role customer by default, sorted by name ascending, and filters by email', async () => {
    const zed = sim.createCustomer(site.siteId, { email: 'zed@example.com' });
    const amy = sim.createCustomer(site.siteId, { email: 'amy@example.com' });
    sim.createCustomer(site.siteId, { email: 'boss@example.com', role: 'shop_manager' });
    const list = await rest(site, 'GET', '/wc/v3/customers');
    expect(list.body.map((c: { id: number }) => c.id)).toEqual([amy.id, zed.id]);
    expect((await rest(site, 'GET', '/wc/v3/customers', { query: { role: 'all' } })).body).toHaveLength(3);
    expect((await rest(site, 'GET', '/wc/v3/customers', { query: { email: 'ZED@example.com' } })).body.map((c: { id: number }) => c.id)).toEqual([zed.id]);
  });

  it('shows a customer with addresses, is_paying_customer and avatar_url', async () => {
    const customer = sim.createCustomer(site.siteId, { email: 'eve@example.com', firstName: 'Eve', billing: { city: 'Lyon', country: 'FR' } });
    sim.placeOrder(site.siteId, sampleOrder({ customerId: customer.id, setPaid: true }));
    const r = await rest(site, 'GET', `/wc/v3/customers/${customer.id}`);
    expect(r.body).toMatchObject({ email: 'eve@example.com', first_name: 'Eve', role: 'customer', username: 'eve', is_paying_customer: true, billing: { city: 'Lyon', country: 'FR' } });
    expect(r.body.avatar_url).toMatch(/^https:\/\/secure\.gravatar\.com\/avatar\/[0-9a-f]{32}\?/);
    expect((await rest(site, 'GET', '/wc/v3/customers/9999')).body).toEqual({ code: 'woocommerce_rest_invalid_id', message: 'Invalid resource ID.', data: { status: 404 } });
  });

  it('creates and updates customers through REST; a taken email is refused', async () => {
    const created = await rest(site, 'POST', '/wc/v3/customers', { body: { email: 'fay@example.com', first_name: 'Fay', billing: { phone: '555' } } });
    expect(created.status).toBe(201);
    expect(created.body.billing.phone).toBe('555');
    const again = await rest(site, 'POST', '/wc/v3/customers', { body: { email: 'fay@example.com' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('registration-error-email-exists');
    const updated = await rest(site, 'PUT', `/wc/v3/customers/${created.body.id}`, { body: { last_name: 'Ng' } });
    expect(updated.body.last_name).toBe('Ng');
  });
});

describe('products', () => {
  it('filters the product list by sku, one or several', async () => {
    const mug = sim.createProduct(site.siteId, { name: 'Mug', sku: 'MUG-1', regularPrice: '12' });
    const tee = sim.createProduct(site.siteId, { name: 'Tee', sku: 'TEE-1', regularPrice: '20', salePrice: '15' });
    sim.createProduct(site.siteId, { name: 'Cap', sku: 'CAP-1', regularPrice: '9.5' });
    expect((await rest(site, 'GET', '/wc/v3/products', { query: { sku: 'MUG-1' } })).body.map((p: { id: number }) => p.id)).toEqual([mug.id]);
    const two = await rest(site, 'GET', '/wc/v3/products', { query: { sku: 'MUG-1,TEE-1', orderby: 'id', order: 'asc' } });
    expect(two.body.map((p: { id: number }) => p.id)).toEqual([mug.id, tee.id]);
    expect(two.body[1]).toMatchObject({ price: '15', regular_price: '20', sale_price: '15', on_sale: true });
    expect((await rest(site, 'GET', '/wc/v3/products', { query: { sku: 'NOPE' } })).body).toEqual([]);
  });

  it('reads one product and answers an unknown id with woocommerce_rest_product_invalid_id', async () => {
    const mug = sim.createProduct(site.siteId, { name: 'Mug', sku: 'MUG-1', regularPrice: '12' });
    expect((await rest(site, 'GET', `/wc/v3/products/${mug.id}`)).body).toMatchObject({ id: mug.id, sku: 'MUG-1', price: '12', type: 'simple', status: 'publish' });
    expect((await rest(site, 'GET', '/wc/v3/products/4242')).body.code).toBe('woocommerce_rest_product_invalid_id');
  });

  it('shares one id sequence between products, orders and refunds', () => {
    const product = sim.createProduct(site.siteId, { name: 'Mug', regularPrice: '1' });
    const order = sim.placeOrder(site.siteId, { lineItems: [{ productId: product.id, quantity: 1 }], setPaid: true });
    const refund = sim.refund(site.siteId, order.id, { amount: '0.50' });
    expect([product.id, order.id, refund.id]).toEqual([100, 101, 102]);
  });
});
