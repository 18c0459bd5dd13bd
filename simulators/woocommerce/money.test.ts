/**
 * Stated totals (order-math.ts) and the decimal helper under them: exact, explicitly rounded, never floats.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { add, allocate, fixed, plain, quotientText, ratio, sum } from '../_kit/decimal-text.ts';
import { startWooCommerceSim, type WooCommerceSim } from './index.ts';

let sim: WooCommerceSim;
beforeEach(async () => {
  sim = await startWooCommerceSim();
});
afterEach(async () => sim.close());

describe('decimal helper', () => {
  it('adds and rounds half away from zero without float error', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(fixed('0.125')).toBe('0.13');
    expect(fixed('-0.125')).toBe('-0.13');
    expect(ratio('9.99', '20', '120', 6)).toBe('1.665000');
    expect(plain('0.450000')).toBe('0.45');
    expect(plain('3.00')).toBe('3');
  });

  it('prints total ÷ quantity the way PHP prints the float', () => {
    expect(quotientText('6.00', 2)).toBe('3');
    expect(quotientText('7', 2)).toBe('3.5');
    expect(quotientText('10', 3)).toBe('3.3333333333333335');
  });

  it('allocates a discount so the parts add back to the whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 8 }), (cents, weights) => {
        const total = fixed(ratio(String(cents), '1', '100', 2));
        const parts = allocate(total, weights.map((w) => ratio(String(w), '1', '100', 2)));
        expect(fixed(sum(parts))).toBe(total);
      }),
    );
  });
});

describe('tax-exclusive store', () => {
  it('states totals from lines, coupon, fee and shipping exactly', () => {
    const site = sim.createSite({ taxRates: [{ rate: '10', name: 'VAT' }] });
    const order = sim.placeOrder(site.siteId, {
      lineItems: [
        { sku: 'A', name: 'A', quantity: 1, price: '30.00' },
        { sku: 'B', name: 'B', quantity: 2, price: '5.00' },
      ],
      coupons: [{ code: 'TEN', amount: '10.00' }],
      feeLines: [{ name: 'Gift wrap', total: '2.00' }],
      shippingLines: [{ methodId: 'flat_rate', total: '5.00' }],
    });
    expect(order).toMatchObject({ discount_total: '10.00', discount_tax: '1.00', shipping_total: '5.00', shipping_tax: '0.50', cart_tax: '3.20', total_tax: '3.70', total: '40.70' });
    expect(order.line_items.map((l) => [l.subtotal, l.total, l.subtotal_tax, l.total_tax])).toEqual([
      ['30.00', '22.50', '3.00', '2.25'],
      ['10.00', '7.50', '1.00', '0.75'],
    ]);
    expect(order.coupon_lines[0]).toMatchObject({ code: 'TEN', discount: '10.00', discount_tax: '1.00' });
    expect(order.fee_lines[0]).toMatchObject({ name: 'Gift wrap', total: '2.00', total_tax: '0.20' });
    expect(order.tax_lines[0]).toMatchObject({ rate_code: 'VAT-1', tax_total: '3.20', shipping_tax_total: '0.50' });
  });

  it("rounds each line's tax to the cent before adding the tax lines", () => {
    const site = sim.createSite({ taxRates: [{ rate: '10', name: 'VAT' }] });
    const order = sim.placeOrder(site.siteId, {
      lineItems: [
        { sku: 'A', name: 'A', quantity: 1, price: '1.25' },
        { sku: 'B', name: 'B', quantity: 1, price: '1.25' },
      ],
    });
    expect(order.line_items.map((l) => l.taxes[0]!.total)).toEqual(['0.125', '0.125']);
    expect(order.cart_tax).toBe('0.26');
    expect(order.total).toBe('2.76');
  });

  it('applies a compound rate on top of the others', () => {
    const site = sim.createSite({ taxRates: [{ rate: '5', name: 'GST' }, { rate: '10', name: 'PST', compound: true, priority: 2 }] });
    const order = sim.placeOrder(site.siteId, { lineItems: [{ sku: 'A', name: 'A', quantity: 1, price: '100.00' }] });
    expect(order.line_items[0]!.taxes).toEqual([
      { id: 1, total: '5', subtotal: '5' },
      { id: 2, total: '10.5', subtotal: '10.5' },
    ]);
    expect(order.total).toBe('115.50');
  });
});

describe('tax-inclusive store', () => {
  it('takes tax out of gross prices and states the gross total the cart showed', () => {
    const site = sim.createSite({ pricesIncludeTax: true, currency: 'EUR', timezone: 'Europe/Berlin', taxRates: [{ rate: '20', name: 'VAT', country: 'FR' }] });
    const order = sim.placeOrder(site.siteId, {
      lineItems: [
        { sku: 'A', name: 'A', quantity: 2, price: '12.00' },
        { sku: 'B', name: 'B', quantity: 1, price: '9.99' },
      ],
      shippingLines: [{ methodId: 'flat_rate', total: '5.00' }],
    });
    expect(order.prices_include_tax).toBe(true);
    expect(order.line_items[1]).toMatchObject({ subtotal: '8.33', total: '8.33', total_tax: '1.67', price: 8.325, taxes: [{ id: 1, total: '1.665', subtotal: '1.665' }] });
    expect(order).toMatchObject({ cart_tax: '5.67', shipping_tax: '1.00', total: '39.99', currency: 'EUR' });
    // Net lines + tax miss the stated total by a cent: the client must post the source's numbers, not recompute.
    const restated = fixed(sum([...order.line_items.map((l) => l.total), order.cart_tax, order.shipping_total, order.shipping_tax]));
    expect(restated).toBe('40.00');
  });
});

describe('wrong totals on purpose', () => {
  it('overrideTotals changes the stated numbers without touching the lines or date_modified', () => {
    const site = sim.createSite();
    const order = sim.placeOrder(site.siteId, { lineItems: [{ sku: 'A', name: 'A', quantity: 1, price: '10.00' }], dateCreated: '2024-01-01T00:00:00Z' });
    sim.touchOrder(site.siteId, order.id, '2024-01-01T00:00:00Z');
    const wrong = sim.overrideTotals(site.siteId, order.id, { total: '99.99', lineItems: [{ id: order.line_items[0]!.id, totalTax: '0.01' }] });
    expect(wrong.total).toBe('99.99');
    expect(wrong.line_items[0]!.total_tax).toBe('0.01');
    expect(wrong.line_items[0]!.total).toBe('10.00');
    expect(wrong.date_modified_gmt).toBe('2024-01-01T00:00:00');
    const notified = sim.overrideTotals(site.siteId, order.id, { cartTax: '0.00', notify: true });
    expect(notified.date_modified_gmt).not.toBe('2024-01-01T00:00:00');
  });
});

describe('refunds', () => {
  it("pro-rates a line's total and tax by quantity, rounded to the cent", () => {
    const site = sim.createSite();
    const order = sim.placeOrder(site.siteId, { lineItems: [{ sku: 'MUG', name: 'Mug', quantity: 2, price: '3.00' }], setPaid: true, paymentMethod: 'stripe' });
    const refund = sim.refund(site.siteId, order.id, { lineItems: [{ id: order.line_items[0]!.id, quantity: 1 }], reason: 'chipped' });
    expect(refund.amount).toBe('3.23');
    expect(refund.line_items[0]).toMatchObject({ quantity: -1, total: '-3.00', total_tax: '-0.23', refund_total: 3, taxes: [{ id: 1, total: '-0.23', refund_total: 0.23 }] });
    expect(sim.getOrder(site.siteId, order.id).refunds).toEqual([{ id: refund.id, reason: 'chipped', total: '-3.23' }]);
  });

  it('a full refund moves the order to refunded; more than what is left is refused', () => {
    const site = sim.createSite();
    const order = sim.placeOrder(site.siteId, { lineItems: [{ sku: 'A', name: 'A', quantity: 1, price: '10.00' }], setPaid: true });
    expect(() => sim.refund(site.siteId, order.id, { amount: '10.76' })).toThrow('Invalid refund amount.');
    sim.refund(site.siteId, order.id, { amount: '0.75' });
    expect(sim.getOrder(site.siteId, order.id).status).toBe('processing');
    sim.refund(site.siteId, order.id, { amount: '10.00' });
    expect(sim.getOrder(site.siteId, order.id).status).toBe('refunded');
  });
});
