import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, sum } from './dec.ts';

const d = (text: string): Dec => Dec.parseText(text)!;

/** A subclass that only prints differently, as a simulator's adapter does. */
class Tagged extends Dec {
  static override readonly ZERO = new Tagged(0n, 0);
  static override of(units: bigint | number, scale = 0): Tagged {
    return new Tagged(BigInt(units), scale);
  }
  override toString(): string {
    return `#${this.toPlain()}`;
  }
}

const cents = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });

describe('Dec', () => {
  it('parses decimal text with exponents and surrounding spaces, and refuses the rest', () => {
    expect(d('12').toString()).toBe('12');
    expect(d(' -3.50 ').toString()).toBe('-3.50');
    expect(d('.5').toString()).toBe('0.5');
    expect(d('5.').toString()).toBe('5');
    expect(d('1e-3').toString()).toBe('0.001');
    expect(d('2E2').toString()).toBe('200');
    for (const bad of ['', '.', 'abc', '1.2.3', '--1', '1e', '0x10']) expect(Dec.parseText(bad)).toBeUndefined();
  });

  it('parses bigints and finite JS numbers too, through parse', () => {
    expect(Dec.parse(12n)!.toString()).toBe('12');
    expect(Dec.parse(0.1)!.toString()).toBe('0.1');
    expect(Dec.parse(1e21)!.toString()).toBe('1000000000000000000000');
    expect(Dec.parse('7.25')!.toString()).toBe('7.25');
    for (const bad of [null, undefined, {}, true, Number.NaN, Number.POSITIVE_INFINITY]) expect(Dec.parse(bad)).toBeUndefined();
  });

  it('prints its own scale, the shortest text, or a JSON number', () => {
    expect(d('2.50').toString()).toBe('2.50');
    expect(d('2.50').toPlain()).toBe('2.5');
    expect(d('100.00').toPlain()).toBe('100');
    expect(d('2.50').significantScale()).toBe(1);
    expect(d('5').toFixed(2)).toBe('5.00');
    expect(JSON.stringify({ a: d('0.1').add(d('0.2')) })).toBe('{"a":0.3}');
  });

  it('rounds and divides half away from zero', () => {
    expect(d('2.345').round(2).toString()).toBe('2.35');
    expect(d('-2.345').round(2).toString()).toBe('-2.35');
    expect(d('2.3449').round(2).toString()).toBe('2.34');
    expect(d('2').div(d('3'), 4).toString()).toBe('0.6667');
    expect(d('-2').div(d('3'), 4).toString()).toBe('-0.6667');
    expect(d('2').div(d('-3'), 4).toString()).toBe('-0.6667');
    expect(() => d('1').div(Dec.ZERO, 2)).toThrow(RangeError);
  });

  it('compares across scales', () => {
    expect(d('1.50').eq(d('1.5'))).toBe(true);
    expect(d('-1').cmp(d('0.001'))).toBe(-1);
    expect(d('3').min(d('2.99')).toString()).toBe('2.99');
    expect(Dec.HUNDRED.isZero() || Dec.ONE.isNegative()).toBe(false);
  });

  it('adds, subtracts and sums cent amounts exactly (property)', () => {
    fc.assert(
      fc.property(cents, cents, (a, b) => {
        const x = Dec.of(a, 2);
        const y = Dec.of(b, 2);
        expect(x.add(y).eq(Dec.of(a + b, 2))).toBe(true);
        expect(x.add(y).sub(y).eq(x)).toBe(true);
        expect(x.mul(y).eq(Dec.of(a * b, 4))).toBe(true);
        expect(sum([x, y, x]).eq(x.mul(Dec.of(2)).add(y))).toBe(true);
      }),
    );
  });

  it('rounds to within half a unit of the last place, and div is the exact quotient rounded (property)', () => {
    fc.assert(
      fc.property(cents, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), cents, (units, scale, to, other) => {
        const x = Dec.of(units, scale);
        const error = x.sub(x.round(to));
        const half = Dec.of(5, to + 1);
        expect(error.cmp(half) <= 0 && error.neg().cmp(half) <= 0).toBe(true);
        if (other !== 0n) {
          const y = Dec.of(other, 2);
          const q = x.div(y, to);
          const rest = x.sub(q.mul(y)).round(12);
          const bound = Dec.of(5, to + 1).mul(y.isNegative() ? y.neg() : y);
          expect(rest.cmp(bound) <= 0 && rest.neg().cmp(bound) <= 0).toBe(true);
        }
      }),
    );
  });

  it('parses what it prints (property)', () => {
    fc.assert(
      fc.property(cents, fc.integer({ min: 0, max: 8 }), (units, scale) => {
        const x = Dec.of(units, scale);
        expect(Dec.parseText(x.toString())!.eq(x)).toBe(true);
        expect(Dec.parseText(x.toPlain())!.eq(x)).toBe(true);
      }),
    );
  });

  it('keeps a subclass through arithmetic, so a simulator can change only how values print', () => {
    const a = Tagged.of(150, 2);
    const results = [a.add(Dec.ONE), a.sub(a), a.mul(a), a.neg(), a.div(Dec.of(3), 2), a.round(0), a.min(Tagged.of(1))];
    for (const r of results) expect(r).toBeInstanceOf(Tagged);
    expect(`${a.add(Dec.ONE)}`).toBe('#2.5');
    expect(Dec.ONE.add(a)).not.toBeInstanceOf(Tagged);
  });
});
