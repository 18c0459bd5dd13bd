import { describe, expect, it } from 'vitest';
import { isWithinTolerance, NO_ROUNDING_SITES, roundingToleranceMinor } from './tolerance.ts';

describe('rounding tolerance', () => {
  it('is one minor unit when the source rounded nothing (the total itself is rounded once)', () => {
    expect(roundingToleranceMinor(NO_ROUNDING_SITES)).toBe(1n);
  });

  it('is one minor unit per amount the source rounded', () => {
    expect(roundingToleranceMinor({ lineAmounts: 1, lineDiscounts: 2, shippingDiscounts: 1, taxAmounts: 3 })).toBe(7n);
    expect(roundingToleranceMinor({ lineAmounts: 0, lineDiscounts: 0, shippingDiscounts: 0, taxAmounts: 1 })).toBe(1n);
    expect(roundingToleranceMinor({ lineAmounts: 0, lineDiscounts: 0, shippingDiscounts: 0, taxAmounts: 2 })).toBe(2n);
  });

  it('accepts a difference up to the tolerance in either direction, and nothing beyond', () => {
    expect(isWithinTolerance(0n, 1n)).toBe(true);
    expect(isWithinTolerance(2n, 2n)).toBe(true);
    expect(isWithinTolerance(-2n, 2n)).toBe(true);
    expect(isWithinTolerance(3n, 2n)).toBe(false);
    expect(isWithinTolerance(-3n, 2n)).toBe(false);
  });
});
