import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { parseJsonExact } from '../../core/json.ts';
import { formatDec, parseDec } from '../../core/money.ts';
import { divide } from './canonical-rules.ts';
import { customerFromGraphql, customerFromRest, orderFromGraphql, orderFromRest } from './to-canonical.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/shopify/', import.meta.url));

function fixture(name: string): unknown {
  return parseJsonExact(readFileSync(`${FIXTURES}${name}`, 'utf8'));
}
function expected(name: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}${name.replace(/\.json$/, '.expected.json')}`, 'utf8'));
}
/** Plain JSON, so the comparison is exact: no extra key, no undefined, no class instance. */
function json(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
function graphqlOrder(): Record<string, unknown> {
  return structuredClone((fixture('graphql-order-multicurrency.json') as { data: { order: Record<string, unknown> } }).data.order);
}
function restOrder(name: string): Record<string, unknown> {
  return structuredClone(fixture(name) as Record<string, unknown>);
}

describe('Shopify → canonical, golden fixtures (SOURCES.md)', () => {
  it.each([
    ['order-sample-notification.json', orderFromRest],
    ['order-create-discounts-hkd.json', orderFromRest],
    ['order-vat-pln.json', orderFromRest],
    ['customer-create-idr.json', customerFromRest],
  ] as const)('%s (REST / webhook JSON)', (name, map) => {
    expect(json(map(fixture(name)))).toStrictEqual(expected(name));
  });

  it('graphql-order-multicurrency.json (OrderById answer)', () => {
    expect(json(orderFromGraphql(graphqlOrder()))).toStrictEqual(expected('graphql-order-multicurrency.json'));
  });
});

describe('orderFromGraphql', () => {
  it('posts in the presentment currency, tags every amount with it, and derives the shop rate', () => {
    const order = orderFromGraphql(graphqlOrder());
    expect(order.currency).toBe('CAD');
    expect(order.shopCurrency).toBe('USD');
    expect(order.exchangeRate).toBe('0.729937'); // 57.03 / 78.13
    expect(new Set([...order.lines.map((l) => l.currency), ...order.shippingLines.map((s) => s.currency), order.totals.currency])).toEqual(new Set(['CAD']));
    expect(order.customer?.email).toBe('ann.lee@example.ca');
  });

  it('has no rate when the buyer paid in the shop currency', () => {
    const node = graphqlOrder();
    node['currencyCode'] = 'CAD';
    const order = orderFromGraphql(node);
    expect(order.shopCurrency).toBeUndefined();
    expect(order.exchangeRate).toBeUndefined();
  });

  it.each([
    ['PAID', null, 'paid', false],
    ['PARTIALLY_REFUNDED', null, 'partially_refunded', false],
    ['PENDING', null, 'open', false],
    ['AUTHORIZED', null, 'open', false],
    ['VOIDED', null, 'voided', false],
    ['VOIDED', '2026-04-03T10:00:00Z', 'cancelled', true],
    ['PENDING', '2026-04-03T10:00:00Z', 'cancelled', true],
    ['REFUNDED', '2026-04-03T10:00:00Z', 'refunded', true],
    [null, null, 'open', false],
  ] as const)('financial %s, cancelledAt %s → %s (cancelled %s)', (financial, cancelledAt, status, cancelled) => {
    const node = graphqlOrder();
    node['displayFinancialStatus'] = financial;
    node['cancelledAt'] = cancelledAt;
    const order = orderFromGraphql(node);
    expect(order.status).toBe(status);
    expect(order.cancelled).toBe(cancelled);
  });

  it('keeps a guest with an email as a customer without id, and drops one without', () => {
    const node = graphqlOrder();
    node['customer'] = null;
    expect(orderFromGraphql(node).customer).toEqual({ source: 'shopify', id: null, email: 'ann.lee@example.ca', firstName: 'Ann', lastName: 'Lee' });
    node['email'] = null;
    expect(orderFromGraphql(node).customer).toBeNull();
  });

  it('takes the rate from ratePercentage when rate is null', () => {
    const node = graphqlOrder();
    (node['taxLines'] as Record<string, unknown>[])[0]!['rate'] = null;
    (node['taxLines'] as Record<string, unknown>[])[0]!['ratePercentage'] = '7.25';
    expect(orderFromGraphql(node).taxLines[0]?.rate).toBe('0.0725');
  });

  it('refuses an order that does not fit, naming it', () => {
    const node = graphqlOrder();
    (node['lineItems'] as { nodes: unknown[] }).nodes = [];
    expect(() => orderFromGraphql(node)).toThrowError(SyncError);
    expect(() => orderFromGraphql(node)).toThrowError(/#1042/);
    expect(() => orderFromGraphql({ id: 'x' })).toThrowError(/the source record does not match/);
  });
});

describe('orderFromRest', () => {
  it('reads ids above 2^53 exactly (the body must be parsed with parseJsonExact)', () => {
    const order = orderFromRest(fixture('order-sample-notification.json'));
    expect(order.id).toBe('820982911946154508');
    expect(order.lines.map((l) => l.id)).toEqual(['866550311766439020', '141249953214522974']);
    expect(order.customer?.id).toBe('115310627314723954');
    // JSON.parse would have made them 866550311766439000 and so on: the canonical Id refuses such numbers.
    const lossy = JSON.parse(readFileSync(`${FIXTURES}order-sample-notification.json`, 'utf8')) as unknown;
    expect(() => orderFromRest(lossy)).toThrowError(/lost precision/);
  });

  it('uses presentment amounts when the buyer paid in another currency', () => {
    const body = restOrder('order-vat-pln.json');
    body['presentment_currency'] = 'EUR';
    const eur = (set: unknown, amount: string): void => {
      (set as { presentment_money: { amount: string; currency_code: string } }).presentment_money = { amount, currency_code: 'EUR' };
    };
    eur(body['total_price_set'], '500.00');
    eur(body['subtotal_price_set'], '406.51');
    eur(body['total_tax_set'], '93.49');
    eur(body['total_discounts_set'], '0.00');
    eur(body['total_shipping_price_set'], '0.00');
    const lines = body['line_items'] as Record<string, unknown>[];
    eur(lines[0]!['price_set'], '28.64');
    eur((lines[0]!['tax_lines'] as Record<string, unknown>[])[0]!['price_set'], '13.17');
    eur(lines[1]!['price_set'], '116.41');
    eur((lines[1]!['tax_lines'] as Record<string, unknown>[])[0]!['price_set'], '80.32');
    eur((body['tax_lines'] as Record<string, unknown>[])[0]!['price_set'], '93.49');
    const order = orderFromRest(body);
    expect(order.currency).toBe('EUR');
    expect(order.shopCurrency).toBe('PLN');
    expect(order.exchangeRate).toBe('4.29516'); // 2147.58 / 500.00
    expect(order.lines.map((l) => [l.unitPrice, l.currency])).toEqual([['28.64', 'EUR'], ['116.41', 'EUR']]);
    expect(order.totals).toMatchObject({ total: '500.00', tax: '93.49', currency: 'EUR' });
  });

  it('refuses to book shop-currency amounts as presentment ones', () => {
    const body = restOrder('order-vat-pln.json');
    body['presentment_currency'] = 'EUR';
    delete (body['line_items'] as Record<string, unknown>[])[0]!['price_set'];
    expect(() => orderFromRest(body)).toThrowError(/line 31108738842916 has no amount in EUR/);
  });

  it('skips removed shipping lines and counts shipping discounts on the shipping line', () => {
    const body = restOrder('order-create-discounts-hkd.json');
    const shipping = (body['shipping_lines'] as Record<string, unknown>[])[0]!;
    shipping['discount_allocations'] = [{ amount: '22.00', amount_set: { shop_money: { amount: '22.00', currency_code: 'HKD' }, presentment_money: { amount: '22.00', currency_code: 'HKD' } }, discount_application_index: 2 }];
    (body['discount_applications'] as unknown[]).push({ type: 'discount_code', code: 'FREESHIP', title: null });
    (body['shipping_lines'] as unknown[]).push({ ...shipping, title: 'Old', is_removed: true, discount_allocations: [] });
    const order = orderFromRest(body);
    expect(order.shippingLines).toHaveLength(1);
    expect(order.shippingLines[0]).toMatchObject({ title: 'Tran', price: '22.00', discount: '22.00' });
    expect(order.discounts.at(-1)).toEqual({ code: 'FREESHIP', amount: '22.00', allocatedToLines: true, currency: 'HKD' });
  });

  it('turns timestamps with the shop offset into UTC instants, preferring processed_at', () => {
    const order = orderFromRest(fixture('order-create-discounts-hkd.json'));
    expect(order.createdAt).toBe('2025-01-24T04:10:14Z');
    expect(order.updatedAt).toBe('2025-01-24T04:10:16Z');
  });
});

describe('customers', () => {
  it('maps a GraphQL customer, email and phone from their default records', () => {
    const node = (graphqlOrder()['customer'] as Record<string, unknown>);
    expect(customerFromGraphql(node)).toEqual({
      source: 'shopify',
      id: '7012345678901',
      email: 'ann.lee@example.ca',
      firstName: 'Ann',
      lastName: 'Lee',
      phone: '+16045550123',
      billingAddress: {
        name: 'Ann Lee',
        line1: '1200 Maple Street',
        line2: 'Unit 4',
        city: 'Vancouver',
        region: 'British Columbia',
        postalCode: 'V6B 1A1',
        country: 'Canada',
        phone: '+16045550123',
      },
      updatedAt: '2026-04-02T14:00:06Z',
    });
  });

  it('drops an email the canonical model would refuse instead of failing the record', () => {
    expect(customerFromRest({ id: 1, email: 'not an email' }).email).toBeNull();
  });
});

describe('divide', () => {
  it('divides exactly and rounds half-up', () => {
    const q = (a: string, b: string, scale = 6): string | null => {
      const r = divide(parseDec(a), parseDec(b), scale);
      return r ? formatDec(r) : null;
    };
    expect(q('57.03', '78.13')).toBe('0.729937');
    expect(q('1', '3')).toBe('0.333333');
    expect(q('2', '3')).toBe('0.666667');
    expect(q('0.0000005', '1')).toBe('0.000001');
    expect(q('1', '0')).toBeNull();
    expect(q('-1', '3')).toBe('-0.333333');
  });
});
