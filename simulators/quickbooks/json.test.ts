import { describe, expect, it } from 'vitest';
import { Dec } from './decimal.ts';
import { JsonNum, parseJson, writeJson } from './json.ts';

describe('exact JSON and decimals', () => {
  it('keeps every number digit-exact from request to response', () => {
    const text = '{"a":0.1,"b":12345678901234567.89,"c":[1e-3,-0],"d":"x\\"y","e":true,"f":null}';
    const parsed = parseJson(text);
    expect(writeJson(parsed)).toBe(text);
    expect((parsed as { b: JsonNum }).b.text).toBe('12345678901234567.89');
  });

  it('refuses malformed JSON with a position', () => {
    expect(() => parseJson('{"a":}')).toThrow(/position 5/);
    expect(() => parseJson('{"a":1} x')).toThrow(/trailing/);
  });

  it('adds, multiplies and rounds half away from zero without floats', () => {
    expect(Dec.parseText('0.1')!.add(Dec.parseText('0.2')!).toString()).toBe('0.3');
    expect(Dec.parseText('3')!.mul(Dec.parseText('19.99')!).toString()).toBe('59.97');
    expect(Dec.parseText('2.345')!.round(2).toFixed()).toBe('2.35');
    expect(Dec.parseText('-2.345')!.round(2).toFixed()).toBe('-2.35');
    expect(Dec.parseText('10')!.div(Dec.parseText('3')!, 4).toFixed()).toBe('3.3333');
    expect(Dec.parseText('100.50')!.toString()).toBe('100.5');
    expect(Dec.parseText('1e2')!.toString()).toBe('100');
  });
});
