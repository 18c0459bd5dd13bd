import { describe, expect, it } from 'vitest';
import { Customer, Order, Shipment } from './model.ts';
import { isStorableText } from './text.ts';

const order = {
  source: 'shopify', id: '1', number: '#1001', status: 'paid', currency: 'USD', taxesIncluded: false,
  createdAt: '2026-04-01T10:00:00Z', updatedAt: '2026-04-01T10:00:00Z', customer: null,
  lines: [{ id: 1, title: 'Mug', sku: 'MUG', quantity: 2, unitPrice: '10.00' }],
  totals: { tax: '0', total: '20.00' },
};

describe('storable text', () => {
  it.each([
    ['plain', 'Mug', true],
    ['accents, CJK and an emoji (a valid surrogate pair)', 'Tasse à café 杯 ☕ 😀', true],
    ['a NUL', 'Mug\u0000', false],
    ['an unpaired high surrogate', 'Mug \ud800', false],
    ['an unpaired low surrogate', '\udc00 Mug', false],
    ['a pair in the wrong order', '\ude00\ud83d', false],
  ])('%s → %s', (_name, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });

  it('the canonical model refuses a record holding unstorable text anywhere, naming where', () => {
    // Found end to end: a Shopify line titled "Mug\u0000" failed every write with "invalid byte sequence for
    // encoding UTF8: 0x00" and was retried for ever; now the mapping refuses it once, as SOURCE_PAYLOAD_INVALID.
    const bad = Order.safeParse({ ...order, lines: [{ ...order.lines[0], title: 'Mug\u0000' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['lines.0.title', 'holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored']]);
    expect(Order.safeParse({ ...order, note: '\ud800' }).success).toBe(false);
    expect(Customer.safeParse({ source: 'shopify', id: '9', email: null, firstName: 'A\u0000' }).success).toBe(false);
    expect(Shipment.safeParse({ source: 'shipstation', id: '1', orderId: '1', orderNumber: '1', carrier: 'ups', trackingNumber: '1Z\u0000', shipDate: '2026-04-01', cost: '1', currency: 'USD' }).success).toBe(false);
    expect(Order.safeParse({ ...order, note: 'Tasse à café 😀' }).success).toBe(true);
  });
});
