import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, allocate, cmp, fixed, fromMinor, plainWithPoint as graphqlDecimal, mul, mulDiv, plainWithPoint as plainNumber, sub, sum } from '../_kit/decimal-text.ts';

describe('decimal strings (no floats for money)', () => {
  it('adds where floats would drift', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(sum(['19.99', '0.01', '80.00'])).toBe('100.00');
    expect(sub('10.00', '10.01')).toBe('-0.01');
  });

  it('multiplies exactly and rounds half away from zero only when asked', () => {
    expect(mul('12.50', '2')).toBe('25.00');
    expect(mul('19.99', '1.37')).toBe('27.3863');
    expect(fixed('27.3863')).toBe('27.39');
    expect(fixed('0.005')).toBe('0.01');
    expect(fixed('-0.005')).toBe('-0.01');
    expect(mulDiv('10.00', 1n, 3n)).toBe('3.33');
  });

  it('renders GraphQL Decimals without padding and REST amounts with two places', () => {
    expect(graphqlDecimal('29.00')).toBe('29.0');
    expect(graphqlDecimal('10.50')).toBe('10.5');
    expect(graphqlDecimal('118.25')).toBe('118.25');
    expect(graphqlDecimal('0.00')).toBe('0.0');
    expect(graphqlDecimal('7')).toBe('7.0');
    expect(fixed('29')).toBe('29.00');
    expect(plainNumber('0.08250')).toBe('0.0825');
    expect(plainNumber('10.00')).toBe('10.0');
  });

  it('allocates an amount over weights so the parts always add back exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 8 }),
        (total, weights) => {
          const parts = allocate(fromMinor(BigInt(total)), weights.map((w) => fromMinor(BigInt(w))));
          expect(cmp(sum(parts), fromMinor(BigInt(total)))).toBe(0);
          expect(parts.every((p) => cmp(p, '0') >= 0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
