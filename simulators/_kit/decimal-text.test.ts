import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  allocate,
  cmp,
  DecimalError,
  fixed,
  fixed2Exact,
  fromMinor,
  isBareDecimal,
  isDecimal,
  isNegative,
  isZero,
  mul,
  mulDiv,
  neg,
  plain,
  plainWithPoint,
  quotientText,
  ratio,
  sub,
  sum,
  toMinor,
} from './decimal-text.ts';

/** Decimal text with its exact value as minor units at `scale` places, so properties can check against bigint. */
const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.integer({ min: 0, max: 8 }))
  .map(([units, scale]) => ({ units, scale, text: fromMinor(units, scale) }));

describe('decimal text', () => {
  it('adds, subtracts and multiplies without float drift', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(sub('10.00', '10.01')).toBe('-0.01');
    expect(mul('19.99', '1.37')).toBe('27.3863');
    expect(sum(['19.99', '0.01', '80.00'])).toBe('100.00');
    expect(sum([])).toBe('0');
    expect(neg('-3.50')).toBe('3.50');
    expect(cmp('10', '10.00')).toBe(0);
    expect(isZero('-0.00')).toBe(true);
    expect(isNegative('-0.01')).toBe(true);
  });

  it('tells decimal text apart, with and without surrounding whitespace', () => {
    for (const ok of ['0', '-1', '+2.50', '007.10']) expect(isBareDecimal(ok)).toBe(true);
    for (const bad of ['', '1.', '.5', '1e3', '--1', 'abc', ' 1', '1 ']) expect(isBareDecimal(bad)).toBe(false);
    expect(isDecimal(' 1.5\t')).toBe(true);
    expect(isDecimal('1e3')).toBe(false);
    expect(add(' 1.5 ', '1')).toBe('2.5');
    expect(() => add('1e3', '1')).toThrow(DecimalError);
    expect(() => add('1e3', '1')).toThrow('not a decimal: "1e3"');
  });

  it('rounds half away from zero only when asked', () => {
    expect(fixed('27.3863')).toBe('27.39');
    expect(fixed('0.005')).toBe('0.01');
    expect(fixed('-0.005')).toBe('-0.01');
    expect(fixed('29')).toBe('29.00');
    expect(fixed('1.23456', 4)).toBe('1.2346');
    expect(toMinor('12.345')).toBe(1235n);
    expect(fromMinor(-5n)).toBe('-0.05');
  });

  it('prints the shortest form, optionally rounded or with one place kept', () => {
    expect(plain('10.00')).toBe('10');
    expect(plain('39.50')).toBe('39.5');
    expect(plain('-0.00')).toBe('0');
    expect(plain('0.1234567890123456')).toBe('0.1234567890123456');
    expect(plain('0.1234567890125', 12)).toBe('0.123456789013');
    expect(plain('0.450000', 12)).toBe('0.45');
    expect(plainWithPoint('29.00')).toBe('29.0');
    expect(plainWithPoint('7')).toBe('7.0');
    expect(plainWithPoint('-0.00')).toBe('0.0');
    expect(plainWithPoint('0.08250')).toBe('0.0825');
  });

  it('pads to two places but refuses to round in fixed2Exact', () => {
    expect(fixed2Exact('7')).toBe('7.00');
    expect(fixed2Exact('39.5000')).toBe('39.50');
    expect(() => fixed2Exact('1.005')).toThrow('more than two decimal places: 1.005');
  });

  it('divides with explicit rounding', () => {
    expect(mulDiv('10.00', 1n, 3n)).toBe('3.33');
    expect(mulDiv('10.00', 2n, 3n)).toBe('6.67');
    expect(ratio('100.00', '8.25', '100', 6)).toBe('8.250000');
    expect(ratio('-1', '1', '8', 2)).toBe('-0.13');
    expect(() => ratio('1', '1', '0.00', 2)).toThrow(DecimalError);
    expect(quotientText('6.00', 2)).toBe('3');
    expect(quotientText('7', 2)).toBe('3.5');
    expect(quotientText('10', 3)).toBe('3.3333333333333335');
    expect(quotientText('10', 0)).toBe('0');
  });

  it('adds, subtracts and compares like bigint (property)', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const scale = Math.max(a.scale, b.scale);
        const at = (d: { units: bigint; scale: number }) => d.units * 10n ** BigInt(scale - d.scale);
        expect(add(a.text, b.text)).toBe(fromMinor(at(a) + at(b), scale));
        expect(cmp(sub(add(a.text, b.text), b.text), a.text)).toBe(0);
        expect(cmp(a.text, b.text)).toBe(at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0);
        expect(mul(a.text, b.text)).toBe(fromMinor(a.units * b.units, a.scale + b.scale));
      }),
    );
  });

  it('rounds to within half a unit of the last place, symmetrically about zero (property)', () => {
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 8 }), (a, dp) => {
        const r = fixed(a.text, dp);
        const error = sub(a.text, r).replace(/^-/, '');
        expect(cmp(error, fromMinor(5n, dp + 1))).toBeLessThanOrEqual(0);
        expect(fixed(neg(a.text), dp)).toBe(neg(r));
        expect(toMinor(a.text, dp)).toBe(BigInt(r.replace('.', '')));
      }),
    );
  });

  it('prints shortest forms that keep the value (property)', () => {
    fc.assert(
      fc.property(decimal, (a) => {
        const p = plain(a.text);
        expect(cmp(p, a.text)).toBe(0);
        expect(p).not.toMatch(/\.\d*0$|^-0$/);
        expect(plain(p)).toBe(p);
        const w = plainWithPoint(a.text);
        expect(cmp(w, a.text)).toBe(0);
        expect(w).toMatch(/^-?\d+\.\d+$/);
        expect(w === p || w === `${p}.0`).toBe(true);
        if (a.scale <= 2) expect(fixed2Exact(a.text)).toBe(fixed(a.text));
      }),
    );
  });

  it('agrees between mulDiv and ratio (property)', () => {
    fc.assert(
      fc.property(decimal, fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n }), fc.integer({ min: 0, max: 6 }), (a, num, den, dp) => {
        expect(mulDiv(a.text, num, den, dp)).toBe(ratio(a.text, String(num), String(den), dp));
      }),
    );
  });

  it('allocates so the parts add back exactly, none negative, zero weights get nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.array(decimal, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 3 }),
        (total, weights, dp) => {
          const parts = allocate(fromMinor(total, dp), weights.map((w) => w.text), dp);
          expect(parts).toHaveLength(weights.length);
          expect(cmp(sum(parts), fromMinor(total, dp))).toBe(0);
          expect(parts.every((p) => !isNegative(p))).toBe(true);
          const anyPositive = weights.some((w) => w.units > 0n);
          weights.forEach((w, i) => {
            if (w.units <= 0n && (anyPositive || i > 0)) expect(isZero(parts[i]!)).toBe(true);
          });
        },
      ),
    );
    expect(allocate('10.00', ['1', '1', '1'])).toEqual(['3.34', '3.33', '3.33']);
    expect(allocate('1.00', ['0.004', '0.006'])).toEqual(['0.40', '0.60']);
    expect(allocate('5.00', ['0', '-1'])).toEqual(['5.00', '0.00']);
    expect(allocate('5.00', [])).toEqual([]);
  });
});
