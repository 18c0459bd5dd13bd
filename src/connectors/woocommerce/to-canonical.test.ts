import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { parseJsonExact } from '../../core/json.ts';
import { formatDec, parseDec } from '../../core/money.ts';
import { computeTotals, postOrder } from '../../core/posting/order-to-invoice.ts';
import { customerFromWooCommerce, decodeEntities, orderFromWooCommerce, rateOf, unitPriceOf, utcOf } from './to-canonical.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/woocommerce/', import.meta.url));

function fixture(name: string): Record<string, unknown> {
  return structuredClone(parseJsonExact(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>);
}
function expected(name: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}${name.replace(/\.json$/, '.expected.json')}`, 'utf8'));
}
/** Plain JSON, so the comparison is exact: no extra key, no undefined. */
function json(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

const ORDERS = ['order-docs-727.json', 'order-1131-fees-usd.json', 'order-30279-chf-inclusive.json', 'order-eu-inclusive-coupon.json'] as const;

describe('WooCommerce → canonical, golden fixtures (SOURCES.md)', () => {
  it.each(ORDERS)('%s', (name) => {
    expect(json(orderFromWooCommerce(fixture(name)))).toStrictEqual(expected(name));
  });

  it('customer-docs-26.json', () => {
    expect(json(customerFromWooCommerce(fixture('customer-docs-26.json')))).toStrictEqual(expected('customer-docs-26.json'));
  });

  it.each(ORDERS)('%s ties out to the cent through postOrder', (name) => {
    const result = postOrder(orderFromWooCommerce(fixture(name)));
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.totals.difference).toBe('0.00');
    if (result.ok) expect(result.invoice.adjustment).toBeNull();
  });
});

describe('orderFromWooCommerce: amounts', () => {
  it('tax-exclusive: unit price from subtotal, discount = subtotal − total, taxes per line', () => {
    const o = fixture('order-docs-727.json');
    const lines = o['line_items'] as Record<string, unknown>[];
    Object.assign(lines[0] ?? {}, { subtotal: '6.00', total: '5.00', subtotal_tax: '0.45', total_tax: '0.38', taxes: [{ id: 75, total: '0.375', subtotal: '0.45' }] });
    o['coupon_lines'] = [{ id: 1, code: 'save1', discount: '1.00', discount_tax: '0.08' }];
    const order = orderFromWooCommerce(o);
    expect(order.lines[0]).toMatchObject({ unitPrice: '3.00', discount: '1.00', taxLines: [{ title: 'State Tax', rate: '0.075', amount: '0.375' }] });
    expect(order.discounts).toEqual([{ code: 'save1', amount: '1.00', allocatedToLines: true }]);
  });

  it('tax-inclusive: gross unit price, discount, shipping, fee and coupon (the canonical amounts hold the tax)', () => {
    const order = orderFromWooCommerce(fixture('order-eu-inclusive-coupon.json'));
    expect(order.taxesIncluded).toBe(true);
    expect(order.lines.map((l) => [l.unitPrice, l.discount])).toEqual([
      ['12.90', '2.54'],
      ['24.99', '2.46'],
    ]);
    expect(order.shippingLines[0]?.price).toBe('5.00');
    expect(order.fees[0]?.amount).toBe('2.98');
    expect(order.discounts[0]?.amount).toBe('5.00');
  });

  it('tax-inclusive fee with two rates: gross = net + the per-rate rounded taxes WooCommerce adds to its total', () => {
    const o = fixture('order-eu-inclusive-coupon.json');
    const fee = (o['fee_lines'] as Record<string, unknown>[])[0] ?? {};
    Object.assign(fee, { total_tax: '0.59', taxes: [{ id: 1, total: '0.475', subtotal: '' }, { id: 2, total: '0.1175', subtotal: '' }] });
    (o['tax_lines'] as unknown[]).push({ id: 907, rate_code: 'DE-EXTRA-2', rate_id: 2, label: 'Extra', compound: false, tax_total: '0.12', shipping_tax_total: '0.00', rate_percent: 4.7 });
    Object.assign(o, { total: '53.89', total_tax: '8.71', cart_tax: '7.91' });
    const order = orderFromWooCommerce(o);
    // 2.50 + 0.48 + 0.12, not 2.50 + total_tax 0.59 (the sum rounded once).
    expect(order.fees[0]).toEqual({
      title: 'Geschenkverpackung',
      amount: '3.10',
      taxLines: [
        { title: 'MwSt.', rate: '0.19', amount: '0.48' },
        { title: 'Extra', rate: '0.047', amount: '0.12' },
      ],
    });
    const result = postOrder(order);
    expect(result.ok).toBe(true);
    expect(result.totals.difference).toBe('0.00');
  });

  it('divides subtotals exactly, or to the places that round back (10.00 ÷ 3)', () => {
    expect(formatDec(unitPriceOf(parseDec('6.00'), 2, 2))).toBe('3');
    expect(formatDec(unitPriceOf(parseDec('10.00'), 4, 2))).toBe('2.5');
    expect(formatDec(unitPriceOf(parseDec('10.00'), 3, 2))).toBe('3.3333');
    expect(formatDec(unitPriceOf(parseDec('1000.00'), 7, 2))).toBe('142.8571');
    expect(formatDec(unitPriceOf(parseDec('100.00'), 30000, 2))).toBe('0.0033333');
    const o = fixture('order-docs-727.json');
    Object.assign((o['line_items'] as Record<string, unknown>[])[0] ?? {}, { quantity: 3, subtotal: '10.00', total: '10.00', subtotal_tax: '0.75', total_tax: '0.75', taxes: [{ id: 75, total: '0.75', subtotal: '0.75' }] });
    Object.assign(o, { total: '33.65', total_tax: '1.65', cart_tax: '1.65' });
    (o['tax_lines'] as Record<string, unknown>[])[0]!['tax_total'] = '1.65';
    const result = postOrder(orderFromWooCommerce(o));
    expect(result.ok).toBe(true);
    expect(result.totals.difference).toBe('0.00');
  });

  it('prices a hand-raised line (total above subtotal) at its total with no discount', () => {
    const o = fixture('order-docs-727.json');
    Object.assign((o['line_items'] as Record<string, unknown>[])[1] ?? {}, { subtotal: '12.00', total: '13.00' });
    expect(orderFromWooCommerce(o).lines[1]).toMatchObject({ unitPrice: '13.00', discount: '0.00' });
  });

  it('keeps negative fees (a discount as a fee)', () => {
    const o = fixture('order-docs-727.json');
    o['fee_lines'] = [{ id: 9, name: 'Loyalty &amp; thanks', tax_status: 'none', total: '-2.00', total_tax: '0.00', taxes: [] }];
    o['total'] = '27.35';
    const order = orderFromWooCommerce(o);
    expect(order.fees).toEqual([{ title: 'Loyalty & thanks', amount: '-2.00', taxLines: [] }]);
    expect(postOrder(order).ok).toBe(true);
  });

  it("keeps a negative fee's negative tax (WooCommerce spreads it over the rates) so the parts still add up", () => {
    const o = fixture('order-docs-727.json');
    o['fee_lines'] = [{ id: 9, name: 'Discount', tax_status: 'taxable', total: '-2.00', total_tax: '-0.15', taxes: [{ id: 75, total: '-0.15', subtotal: '' }] }];
    (o['tax_lines'] as Record<string, unknown>[])[0]!['tax_total'] = '1.20';
    Object.assign(o, { total: '27.20', total_tax: '1.20', cart_tax: '1.20' });
    const order = orderFromWooCommerce(o);
    expect(order.fees[0]).toEqual({ title: 'Discount', amount: '-2.00', taxLines: [{ title: 'State Tax', rate: '0.075', amount: '-0.15' }] });
    // The sum ties; whether a negative tax amount may be posted is the posting rule's call (see the report).
    expect(computeTotals(order)).toMatchObject({ stated: '27.20', computed: '27.20', difference: '0.00' });
  });

  it('trims coupons that add up to more than the lines carry (rounded apart), taking it off the last one', () => {
    const o = fixture('order-eu-inclusive-coupon.json');
    o['coupon_lines'] = [
      { id: 1, code: 'a', discount: '2.10', discount_tax: '0.40' },
      { id: 2, code: 'b', discount: '2.11', discount_tax: '0.40' },
    ];
    const order = orderFromWooCommerce(o);
    expect(order.discounts.map((d) => [d.code, d.amount])).toEqual([
      ['a', '2.50'],
      ['b', '2.50'],
    ]);
    expect(postOrder(order).ok).toBe(true);
  });

  it('uses the raw item taxes when the store rounds at subtotal level (rounded items do not add up to the tax line)', () => {
    const o = fixture('order-1131-fees-usd.json');
    // Rounded per line the items say 38.12 + 70.46 = 108.58; a store rounding the subtotal says 108.57.
    (o['tax_lines'] as Record<string, unknown>[])[0]!['tax_total'] = '108.57';
    Object.assign(o, { total_tax: '108.57', cart_tax: '108.57', total: '1728.30' });
    const order = orderFromWooCommerce(o);
    expect(order.lines.map((l) => l.taxLines[0]?.amount)).toEqual(['0.00', '38.115', '70.455']);
    const result = postOrder(order);
    expect(result.ok).toBe(true);
    expect(result.totals.difference).toBe('0.00');
  });

  it('reads rate_percent as the 4 places WooCommerce stores, or derives the rate when it is missing', () => {
    expect(rateOf('2.6000000000000001', undefined, 2)).toBe('0.026');
    expect(rateOf('7', undefined, 2)).toBe('0.07');
    expect(rateOf('8.875', undefined, 2)).toBe('0.08875');
    expect(rateOf(undefined, { base: parseDec('18.00'), tax: parseDec('1.35'), items: 2 }, 2)).toBe('0.075');
    // Tax-inclusive: the net 22.51 is shown rounded (really 22.51462).
    expect(rateOf(undefined, { base: parseDec('22.51'), tax: parseDec('0.58538'), items: 1 }, 2, true)).toBe('0.026');
    const chf = fixture('order-30279-chf-inclusive.json');
    delete (chf['tax_lines'] as Record<string, unknown>[])[0]!['rate_percent'];
    expect(orderFromWooCommerce(chf).lines[0]?.taxLines[0]?.rate).toBe('0.026');
    expect(rateOf(undefined, { base: parseDec('1.99'), tax: parseDec('0.176613') }, 2)).toBe('0.08875');
    expect(rateOf(undefined, undefined, 2)).toBe('0');
  });

  it('fails a payload that is not an order, naming it', () => {
    expect(() => orderFromWooCommerce({ id: 5, number: '5' })).toThrow(SyncError);
    const noLines = fixture('order-docs-727.json');
    noLines['line_items'] = [];
    expect(() => orderFromWooCommerce(noLines)).toThrow(/order 727: lines/);
    const noDate = fixture('order-docs-727.json');
    noDate['date_created_gmt'] = null;
    expect(() => orderFromWooCommerce(noDate)).toThrow(/date_created_gmt is missing/);
  });
});

describe('orderFromWooCommerce: status', () => {
  const paid = '2026-04-01T10:00:00';
  it.each([
    ['pending', null, [], 'open', false],
    ['on-hold', null, [], 'open', false],
    ['processing', paid, [], 'paid', false],
    ['processing', null, [], 'open', false],
    ['completed', paid, [], 'paid', false],
    ['completed', null, [], 'paid', false],
    ['completed', paid, [{ id: 9, total: '-10.00', reason: '' }], 'partially_refunded', false],
    ['refunded', paid, [{ id: 9, total: '-29.35', reason: '' }], 'refunded', false],
    ['cancelled', null, [], 'cancelled', true],
    ['cancelled', paid, [], 'paid', true],
    ['cancelled', paid, [{ id: 9, total: '-29.35', refund: '' }], 'refunded', true],
    ['trash', null, [], 'cancelled', true],
    ['failed', null, [], 'voided', true],
    ['shipped', paid, [], 'paid', false],
    ['checkout-draft', null, [], 'open', false],
  ] as const)('%s (paid %s, refunds %j) → %s, cancelled %s', (status, datePaid, refunds, canonical, cancelled) => {
    const o = fixture('order-docs-727.json');
    Object.assign(o, { status, date_paid_gmt: datePaid, refunds });
    const order = orderFromWooCommerce(o);
    expect(order.status).toBe(canonical);
    expect(order.cancelled).toBe(cancelled);
  });
});

describe('orderFromWooCommerce: buyer', () => {
  it('a guest (customer_id 0) is a customer with id null, the billing email and name', () => {
    const order = orderFromWooCommerce(fixture('order-docs-727.json'));
    expect(order.customer).toEqual({ source: 'woocommerce', id: null, email: 'john.doe@example.com', firstName: 'John', lastName: 'Doe', phone: '(555) 555-5555' });
    expect(postOrder(order).ok && postOrder(order)).toMatchObject({ invoice: { contact: { key: 'email:john.doe@example.com', displayName: 'John Doe' } } });
  });

  it('a guest with neither email nor name has no customer; a registered buyer keeps its id', () => {
    const o = fixture('order-docs-727.json');
    o['billing'] = { first_name: '', last_name: '', email: '' };
    expect(orderFromWooCommerce(o).customer).toBeNull();
    o['customer_id'] = 42;
    expect(orderFromWooCommerce(o).customer).toMatchObject({ id: '42', email: null });
  });
});

describe('customerFromWooCommerce', () => {
  it('falls back to the billing name and to date_created_gmt', () => {
    const c = fixture('customer-docs-26.json');
    Object.assign(c, { first_name: '', last_name: '', date_modified_gmt: null });
    expect(customerFromWooCommerce(c)).toMatchObject({ firstName: 'João', lastName: 'Silva', updatedAt: '2017-03-21T19:11:14Z' });
  });
});

describe('small rules', () => {
  it('decodes the HTML entities WordPress puts in names', () => {
    expect(decodeEntities('Ship Your Idea &ndash; Color: Black')).toBe('Ship Your Idea – Color: Black');
    expect(decodeEntities('Ground Advantage&#8482;')).toBe('Ground Advantage™');
    expect(decodeEntities('Tom&#x2019;s &amp; Jerry&#039;s')).toBe('Tom’s & Jerry\'s');
    expect(decodeEntities('&bogus; stays')).toBe('&bogus; stays');
    expect(decodeEntities('  ')).toBeUndefined();
  });

  it('reads _gmt fields as UTC', () => {
    expect(utcOf('2017-03-22T19:28:08', 'd')).toBe('2017-03-22T19:28:08Z');
    expect(utcOf('2017-03-22T19:28:08+02:00', 'd')).toBe('2017-03-22T17:28:08Z');
    expect(() => utcOf('not a date', 'd')).toThrow(/not a date/);
  });
});
