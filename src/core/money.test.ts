import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  add, allocate, compare, currencyExponent, formatDec, fromMinor, mul, parseDec, round, roundMoney, sub, toMinor,
} from './money.ts';

describe('money', () => {
  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(formatDec(add(parseDec('0.1'), parseDec('0.2')))).toBe('0.3');
  });

  it('parses the exponent form some serialisers emit without a float', () => {
    expect(formatDec(parseDec('1e-2'))).toBe('0.01');
    expect(formatDec(parseDec('2.5E3'))).toBe('2500');
  });

  it('rejects text that is not an amount', () => {
    expect(() => parseDec('12,30')).toThrow(/not a decimal/);
    expect(() => parseDec('')).toThrow();
    expect(() => parseDec('NaN')).toThrow();
  });

  it('knows currencies with 0 and 3 decimals', () => {
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('kwd')).toBe(3);
    expect(currencyExponent('EUR')).toBe(2);
    expect(() => currencyExponent('EURO')).toThrow(/ISO 4217/);
  });

  it('converts to and from minor units per currency', () => {
    expect(toMinor('12.3', 'USD')).toBe(1230n);
    expect(toMinor('1500', 'JPY')).toBe(1500n);
    expect(fromMinor(1230n, 'USD')).toBe('12.30');
    expect(fromMinor(-5n, 'USD')).toBe('-0.05');
    expect(fromMinor(1234n, 'KWD')).toBe('1.234');
    expect(() => toMinor('12.345', 'USD')).toThrow(/more decimals/);
  });

  it('rounds half-up away from zero and half-even on request', () => {
    expect(roundMoney('2.345', 'USD')).toBe('2.35');
    expect(roundMoney('-2.345', 'USD')).toBe('-2.35');
    expect(roundMoney('2.345', 'USD', 'half-even')).toBe('2.34');
    expect(roundMoney('2.355', 'USD', 'half-even')).toBe('2.36');
    expect(formatDec(round(parseDec('0.4999'), 0))).toBe('0');
  });

  it('multiplies quantity by price exactly', () => {
    expect(formatDec(mul(parseDec('3'), parseDec('19.99')))).toBe('59.97');
    expect(roundMoney(mul(parseDec('0.0725'), parseDec('59.97')), 'USD')).toBe('4.35');
  });

  it('keeps ids and amounts beyond 2^53 exact', () => {
    expect(formatDec(add(parseDec('9007199254740993'), parseDec('1')))).toBe('9007199254740994');
  });

  it('allocates a total across weights so the parts add up exactly', () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(-100n, [1n, 1n, 1n])).toEqual([-34n, -33n, -33n]);
    expect(allocate(10n, [0n, 0n])).toEqual([10n, 0n]);
  });

  it('allocation always sums to the total (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 30 }), (total, weights) => {
        const parts = allocate(total, weights);
        expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
      }),
    );
  });

  it('add and sub are inverse for any decimal strings (property)', () => {
    const dec = fc.tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 6 }))
      .map(([units, scale]) => formatDec({ units, scale }));
    fc.assert(fc.property(dec, dec, (a, b) => {
      expect(compare(sub(add(parseDec(a), parseDec(b)), parseDec(b)), parseDec(a))).toBe(0);
    }));
  });
});
