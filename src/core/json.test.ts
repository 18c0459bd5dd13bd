import { describe, expect, it } from 'vitest';
import { parseJsonExact, stringifyExact, JsonSyntaxError } from './json.ts';

describe('parseJsonExact', () => {
  it('keeps integers above 2^53 exact as bigint', () => {
    const parsed = parseJsonExact('{"id": 820982911946154508, "n": 3}') as { id: bigint; n: number };
    expect(parsed.id).toBe(820982911946154508n);
    expect(parsed.n).toBe(3);
  });

  it('keeps non-integer numbers as their source text', () => {
    expect(parseJsonExact('{"price": 19.990}')).toEqual({ price: '19.990' });
  });

  it('throws a JsonSyntaxError on truncated input', () => {
    expect(() => parseJsonExact('{"id": 1')).toThrow(JsonSyntaxError);
  });

  it('writes bigints back as bare digits', () => {
    expect(stringifyExact({ id: 820982911946154508n, s: 'x' })).toBe('{"id":820982911946154508,"s":"x"}');
  });
});
