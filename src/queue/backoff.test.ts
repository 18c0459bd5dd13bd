import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it('doubles the ceiling per attempt from 1 s and caps it at 5 min', () => {
    const top = () => 0.999999999;
    expect(backoffMs(1, top)).toBe(999);
    expect(backoffMs(2, top)).toBe(1_999);
    expect(backoffMs(3, top)).toBe(3_999);
    expect(backoffMs(9, top)).toBe(255_999);
    expect(backoffMs(10, top)).toBe(299_999);
    expect(backoffMs(1_000, top)).toBe(299_999);
    expect(backoffMs(1, () => 1)).toBe(BACKOFF_BASE_MS);
  });

  it('is full jitter: anywhere from 0 up to the ceiling', () => {
    expect(backoffMs(5, () => 0)).toBe(0);
    expect(backoffMs(5, () => 0.5)).toBe(8_000);
  });

  it('treats nonsense attempts as the first', () => {
    expect(backoffMs(0, () => 0.5)).toBe(500);
    expect(backoffMs(-3, () => 0.5)).toBe(500);
    expect(backoffMs(Number.NaN, () => 0.5)).toBe(500);
  });

  it('always stays within [0, min(cap, base·2^(n-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const wait = backoffMs(attempt, () => r);
        return Number.isInteger(wait) && wait >= 0 && wait <= Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 30));
      }),
    );
  });
});
