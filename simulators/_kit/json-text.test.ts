import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawJson, writeJsonText, type JsonValue } from './json-text.ts';

describe('exact JSON text', () => {
  it('prints RawJson verbatim, safe integers as numbers, and refuses floats', () => {
    expect(writeJsonText({ id: new RawJson('12345678901234567890'), amount: new RawJson('0.10'), n: -2, ok: true, none: null, list: ['a/b'] })).toBe(
      '{"id":12345678901234567890,"amount":0.10,"n":-2,"ok":true,"none":null,"list":["a/b"]}',
    );
    expect(() => writeJsonText({ x: 0.1 })).toThrow(/RawJson/);
    expect(() => writeJsonText([2 ** 53])).toThrow();
  });

  it('escapes keys and strings with the given writer', () => {
    const upper = (text: string) => JSON.stringify(text.toUpperCase());
    expect(writeJsonText({ k: ['v', { inner: 'w' }] }, upper)).toBe('{"K":["V",{"INNER":"W"}]}');
  });

  it('matches JSON.stringify when no number needs exact text (property)', () => {
    const plainJson: fc.Arbitrary<JsonValue> = fc.letrec<{ v: JsonValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.maxSafeInteger(),
        fc.string(),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(plainJson, (value) => {
        expect(writeJsonText(value)).toBe(JSON.stringify(value));
      }),
    );
  });
});
