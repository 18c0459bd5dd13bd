import { describe, expect, it } from 'vitest';
import { Id, Order, WholeId } from './model.ts';

const order = {
  source: 'shopify', id: '820982911946154508', number: '#1001', status: 'paid', currency: 'USD', taxesIncluded: false,
  createdAt: '2026-04-01T10:00:00Z', updatedAt: '2026-04-01T10:00:00Z', customer: null,
  lines: [{ id: 1, title: 'Mug', quantity: 2, unitPrice: '10.00' }],
  totals: { tax: '0', total: '20.00' },
};

describe('canonical model', () => {
  it('keeps ids as strings, including those above 2^53', () => {
    const parsed = Order.parse(order);
    expect(parsed.id).toBe('820982911946154508');
    expect(parsed.lines[0]?.id).toBe('1');
    expect(Id.parse(820982911946154508n)).toBe('820982911946154508');
  });

  it('refuses an id that already lost precision as a JS number', () => {
    expect(Id.safeParse(2 ** 53 + 2).success).toBe(false);
  });

  it('refuses a negative id in any form, and a whole-number id that is not digits', () => {
    for (const bad of [-1, -9007199254740993n, 1.5]) expect(Id.safeParse(bad).success, String(bad)).toBe(false);
    for (const bad of [-1, -9007199254740993n, '-7', '7.5', 'gid://shopify/Order/1', '', 1.5]) expect(WholeId.safeParse(bad).success, String(bad)).toBe(false);
    expect([0, 7, 9007199254740993n, ' 42 '].map((v) => WholeId.parse(v))).toEqual(['0', '7', '9007199254740993', '42']);
  });

  it('refuses a float-like amount that is not a decimal string', () => {
    expect(Order.safeParse({ ...order, totals: { tax: '0', total: '20,00' } }).success).toBe(false);
    expect(Order.safeParse({ ...order, totals: { tax: '0', total: 20 } }).success).toBe(false);
  });

  it('requires at least one line and a quantity that is a positive integer', () => {
    expect(Order.safeParse({ ...order, lines: [] }).success).toBe(false);
    expect(Order.safeParse({ ...order, lines: [{ id: '1', title: 'x', quantity: 1.5, unitPrice: '1' }] }).success).toBe(false);
  });
});
