/**
 * Order state rules: how totals are stated, customers matched by email, presentment currency, refunds,
 * cancellation, deliberate wrong totals, and `updatedAt` bumps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startShopifySim, type ShopifySim } from './index.ts';
import { sampleOrder } from './test-helpers.ts';

let sim: ShopifySim;
const SHOP = 'acme.myshopify.com';

beforeEach(async () => {
  sim = await startShopifySim();
  sim.createShop({ domain: SHOP, currency: 'USD' });
});
afterEach(async () => sim.close());

describe('order totals as Shopify states them', () => {
  it('subtotal is after line and code discounts; total = subtotal + shipping + tax', () => {
    const o = sim.placeOrder(SHOP, sampleOrder());
    expect(o.original).toMatchObject({
      lineItems: { shop: '45.00' },
      discounts: { shop: '7.00' },
      subtotal: { shop: '38.00' },
      shipping: { shop: '7.00' },
      tax: { shop: '3.96' },
      total: { shop: '48.96' },
    });
    expect(o.current.total.shop).toBe('48.96');
  });

  it('spreads a code discount over the lines in proportion, cents adding back exactly', () => {
    const o = sim.placeOrder(SHOP, sampleOrder());
    const code = o.lineItems.flatMap((li) => li.discountAllocations.filter((a) => a.applicationIndex === 0).map((a) => a.amount.shop));
    expect(code).toEqual(['2.91', '2.09']);
  });

  it('does not add tax again when taxesIncluded', () => {
    const o = sim.placeOrder(SHOP, {
      taxesIncluded: true,
      lineItems: [{ title: 'Book', quantity: 1, price: '24.00', taxLines: [{ title: 'VAT', rate: '0.2', amount: '4.00' }] }],
      shippingLines: [{ title: 'Post', price: '6.00', taxLines: [{ title: 'VAT', rate: '0.2', amount: '1.00' }] }],
    });
    expect(o.original.subtotal.shop).toBe('24.00');
    expect(o.original.tax.shop).toBe('5.00');
    expect(o.original.total.shop).toBe('30.00');
  });

  it('states presentment money converted per component and summed in its own currency', () => {
    const o = sim.placeOrder(SHOP, {
      presentmentCurrency: 'CAD',
      presentmentRate: '1.37',
      lineItems: [
        { title: 'A', quantity: 3, price: '9.99' },
        { title: 'B', quantity: 1, price: '0.33' },
      ],
    });
    // 9.99 → 13.69 (13.6863), ×3 = 41.07; 0.33 → 0.45 (0.4521)
    expect(o.lineItems.map((li) => li.unitPrice.presentment)).toEqual(['13.69', '0.45']);
    expect(o.original.total).toEqual({ shop: '30.30', presentment: '41.52' });
    expect(o.presentmentCurrency).toBe('CAD');
    expect(o.currency).toBe('USD');
  });

  it('refuses an order currency other than the shop currency', () => {
    expect(() => sim.placeOrder(SHOP, { currency: 'EUR', lineItems: [{ title: 'A', quantity: 1, price: '1.00' }] })).toThrow(/shop currency/);
  });
});

describe('customers', () => {
  it('matches an existing customer by email, otherwise creates one', () => {
    const c = sim.createCustomer(SHOP, { email: 'Bob@Example.com', firstName: 'Bob' });
    const o1 = sim.placeOrder(SHOP, sampleOrder({ customer: { email: 'bob@example.com' } }));
    const o2 = sim.placeOrder(SHOP, sampleOrder({ customer: { email: 'new@example.com', firstName: 'New' } }));
    expect(o1.customerId).toBe(c.id);
    expect(o2.customerId).not.toBe(c.id);
    expect(sim.listCustomers(SHOP)).toHaveLength(2);
    expect(sim.getCustomer(SHOP, c.id).numberOfOrders).toBe(1);
  });
});

describe('order lifecycle', () => {
  it('numbers orders #1001, #1002 with ids above 2^53 kept as strings', () => {
    const a = sim.placeOrder(SHOP, sampleOrder());
    const b = sim.placeOrder(SHOP, sampleOrder());
    expect([a.name, b.name]).toEqual(['#1001', '#1002']);
    expect(BigInt(a.id) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(typeof a.id).toBe('string');
  });

  it('every mutation bumps updatedAt', () => {
    // Stamps are whole seconds; an all-but-stopped clock keeps a real second boundary from adding 1000 ms.
    sim.clock.speed = 1e-9;
    const o = sim.placeOrder(SHOP, sampleOrder());
    const stamps = [o.updatedAt];
    sim.clock.advance(60_000);
    stamps.push(sim.updateOrder(SHOP, o.id, { note: 'gift' }).updatedAt);
    sim.clock.advance(60_000);
    stamps.push(sim.markPaid(SHOP, o.id).updatedAt);
    sim.clock.advance(60_000);
    sim.refundOrder(SHOP, o.id, { lineItems: [{ lineItemId: o.lineItems[0]!.id, quantity: 1 }] });
    stamps.push(sim.getOrder(SHOP, o.id).updatedAt);
    sim.clock.advance(60_000);
    stamps.push(sim.cancelOrder(SHOP, o.id).updatedAt);
    sim.clock.advance(60_000);
    stamps.push(sim.overrideTotals(SHOP, o.id, { total: '1.00' }).updatedAt);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBe(60_000);
  });

  it('markPaid records a sale for the outstanding amount', () => {
    const o = sim.placeOrder(SHOP, sampleOrder());
    const paid = sim.markPaid(SHOP, o.id);
    expect(paid.financialStatus).toBe('PAID');
    expect(paid.totalReceived.shop).toBe('48.96');
    expect(paid.transactions.map((t) => t.kind)).toEqual(['SALE']);
    expect(() => sim.markPaid(SHOP, o.id)).toThrow(/not payable/);
  });

  it('a partial refund lowers the current totals and leaves the original ones', () => {
    const o = sim.placeOrder(SHOP, sampleOrder({ financialStatus: 'PAID' }));
    const mug = o.lineItems[0]!;
    const refund = sim.refundOrder(SHOP, o.id, { lineItems: [{ lineItemId: mug.id, quantity: 1 }] });
    // Mug line after discounts 22.09 for 2 → 11.05 (rounded), tax 1.98 / 2 = 0.99.
    expect(refund.lineItems[0]).toMatchObject({ quantity: 1, subtotal: { shop: '11.05' }, totalTax: { shop: '0.99' } });
    expect(refund.totalRefunded.shop).toBe('12.04');
    const after = sim.getOrder(SHOP, o.id);
    expect(after.financialStatus).toBe('PARTIALLY_REFUNDED');
    expect(after.original.total.shop).toBe('48.96');
    expect(after.current.total.shop).toBe('36.92');
    expect(after.lineItems[0]!.currentQuantity).toBe(1);
    // The last unit takes the exact remainder: 22.09 − 11.05 = 11.04 and 1.98 − 0.99.
    const second = sim.refundOrder(SHOP, o.id, { lineItems: [{ lineItemId: mug.id, quantity: 1 }] });
    expect(second.lineItems[0]).toMatchObject({ subtotal: { shop: '11.04' }, totalTax: { shop: '0.99' } });
  });

  it('cancelling with refund refunds everything and closes the order', () => {
    const o = sim.placeOrder(SHOP, sampleOrder({ financialStatus: 'PAID' }));
    const c = sim.cancelOrder(SHOP, o.id, { reason: 'CUSTOMER', refund: true });
    expect(c.cancelReason).toBe('CUSTOMER');
    expect(c.cancelledAt).not.toBeNull();
    expect(c.closedAt).not.toBeNull();
    expect(c.financialStatus).toBe('REFUNDED');
    expect(c.totalRefunded.shop).toBe('48.96');
    expect(c.current.total.shop).toBe('0.00');
  });

  it('overrideTotals makes the stated total disagree with lines + shipping + tax', () => {
    const o = sim.placeOrder(SHOP, sampleOrder());
    const wrong = sim.overrideTotals(SHOP, o.id, { total: '49.00' });
    expect(wrong.original.total.shop).toBe('49.00');
    expect(wrong.current.total.shop).toBe('49.00');
    expect(wrong.original.subtotal.shop).toBe('38.00');
  });

  it('refuses a refund on an unpaid order, leaving it untouched', () => {
    const o = sim.placeOrder(SHOP, sampleOrder());
    expect(() => sim.refundOrder(SHOP, o.id, { shipping: { full: true } })).toThrow(/only paid orders/);
    expect(sim.getOrder(SHOP, o.id).current.total.shop).toBe('48.96');
  });

  it('returns snapshots, so a test cannot change the simulator by mutating a result', () => {
    const o = sim.placeOrder(SHOP, sampleOrder());
    o.note = 'changed';
    expect(sim.getOrder(SHOP, o.id).note).toBeNull();
  });
});
