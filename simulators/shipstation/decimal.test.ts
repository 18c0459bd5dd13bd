/**
 * Exact decimals and the exact-number JSON reader: amounts go from the wire to a sum and back without a float.
 */
import { describe, expect, it } from 'vitest';
import { add, cmp, fixed2Exact as fixed2, mul, plain, sum } from '../_kit/decimal-text.ts';
import { JsonNumber, JsonSyntaxError, readJson } from './json-read.ts';
import { RawJson, writeJsonText as writeJson } from '../_kit/json-text.ts';

describe('decimal', () => {
  it('adds and multiplies exactly', () => {
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(sum(['19.99', '19.99', '19.99'])).toBe('59.97');
    expect(mul('12.50', '2')).toBe('25.00');
    expect(add('-20.55', '20.55')).toBe('0.00');
    expect(cmp('10', '10.00')).toBe(0);
  });

  it('prints amounts in their shortest form (10, 39.5) or with two places', () => {
    expect(plain('10.00')).toBe('10');
    expect(plain('39.50')).toBe('39.5');
    expect(plain('-0.00')).toBe('0');
    expect(fixed2('7')).toBe('7.00');
    expect(() => fixed2('1.005')).toThrow();
  });
});

describe('JSON reading and writing', () => {
  it('keeps numbers as the text they were written in', () => {
    const value = readJson('{"a": 0.30000000000000000001, "b": [1e3, -2], "c": "x\\u00e9", "d": null, "e": true}') as Record<string, unknown>;
    expect(value.a).toBeInstanceOf(JsonNumber);
    expect((value.a as JsonNumber).text).toBe('0.30000000000000000001');
    expect(((value.b as JsonNumber[])[0] as JsonNumber).text).toBe('1e3');
    expect(value.c).toBe('xé');
    expect(() => readJson('{"a": 01}')).toThrow(JsonSyntaxError);
    expect(() => readJson('[1,]')).toThrow(JsonSyntaxError);
  });

  it('writes raw numbers verbatim and refuses floats', () => {
    expect(writeJson({ amount: new RawJson('50.66'), n: 2, s: 'a"b' })).toBe('{"amount":50.66,"n":2,"s":"a\\"b"}');
    expect(() => writeJson({ x: 0.1 })).toThrow();
  });
});
