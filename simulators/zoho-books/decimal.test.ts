import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from '../_kit/dec.ts';

const d = (text: string): Dec => Dec.parse(text)!;

describe('Dec, the bigint decimal used for money', () => {
  it('parses decimal text, exponents and JS numbers, and refuses non-numbers', () => {
    expect(d('12').toString()).toBe('12');
    expect(d('-3.50').toString()).toBe('-3.50');
    expect(d('.5').toString()).toBe('0.5');
    expect(d('1e-3').toString()).toBe('0.001');
    expect(d('2E2').toString()).toBe('200');
    expect(Dec.parse(0.1)!.toString()).toBe('0.1');
    for (const bad of ['', 'abc', '1.2.3', '--1', null, undefined, {}, Number.NaN, Number.POSITIVE_INFINITY]) expect(Dec.parse(bad)).toBeUndefined();
  });

  it('adds 0.1 and 0.2 to exactly 0.3', () => {
    expect(d('0.1').add(d('0.2')).eq(d('0.3'))).toBe(true);
    expect(d('0.1').add(d('0.2')).toJSON()).toBe(0.3);
  });

  it('rounds half away from zero', () => {
    expect(d('2.345').round(2).toString()).toBe('2.35');
    expect(d('-2.345').round(2).toString()).toBe('-2.35');
    expect(d('2.3449').round(2).toString()).toBe('2.34');
    expect(d('1234.5').round(0).toString()).toBe('1235');
    expect(d('5').toFixed(2)).toBe('5.00');
  });

  it('divides to a given scale with the same rounding', () => {
    expect(d('1').div(d('3'), 4).toString()).toBe('0.3333');
    expect(d('2').div(d('3'), 4).toString()).toBe('0.6667');
    expect(d('-2').div(d('3'), 4).toString()).toBe('-0.6667');
    expect(d('412.4175').div(d('108.25'), 2).toString()).toBe('3.81');
    expect(() => d('1').div(Dec.ZERO, 2)).toThrow(RangeError);
  });

  it('adds and subtracts cent amounts exactly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (a, b) => {
        const x = Dec.of(a, 2);
        const y = Dec.of(b, 2);
        expect(x.add(y).eq(Dec.of(a + b, 2))).toBe(true);
        expect(x.add(y).sub(y).eq(x)).toBe(true);
        expect(sum([x, y, x]).eq(x.mul(Dec.of(2)).add(y))).toBe(true);
      }),
    );
  });

  it('rounds to within half a unit of the last place (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (units, scale, to) => {
        const x = Dec.of(units, scale);
        const r = x.round(to);
        const error = x.sub(r);
        const half = Dec.of(5, to + 1);
        expect(error.cmp(half) <= 0 && error.neg().cmp(half) <= 0).toBe(true);
      }),
    );
  });
});
