/**
 * Shopify's webhook body text. Shopify sends ids as bare JSON numbers, some above 2^53, so they go out as
 * `RawJson`; it also escapes `/` as `\/` and `&` as `\u0026` (notes §5 pitfall 1), which is what breaks clients
 * that re-serialise a parsed body before checking the HMAC.
 */
import { plainWithPoint } from '../_kit/decimal-text.ts';
import { RawJson, writeJsonText, type JsonValue } from '../_kit/json-text.ts';

/** A numeric id as a bare JSON number, digit-exact. */
export function jsonId(id: string): RawJson {
  if (!/^\d+$/.test(id)) throw new Error(`not a numeric id: ${id}`);
  return new RawJson(id);
}

export function jsonIdOrNull(id: string | null): RawJson | null {
  return id === null ? null : jsonId(id);
}

/** A decimal as a JSON number (tax rates: 0.0825), with Ruby's float look (10.0, not 10). */
export function jsonDecimal(value: string): RawJson {
  return new RawJson(plainWithPoint(value));
}

export interface JsonTextOptions {
  /** Ruby/Rails-style escapes: `/` → `\/`, `&` `<` `>` → `\u0026` `\u003c` `\u003e`, U+2028/9 escaped. */
  rubyEscapes: boolean;
}

function stringText(value: string, options: JsonTextOptions): string {
  const text = JSON.stringify(value);
  if (!options.rubyEscapes) return text;
  return text
    .replace(/\//g, '\\/')
    .replace(/&/g, '\\u0026')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function writeJson(value: JsonValue, options: JsonTextOptions): string {
  return writeJsonText(value, (text) => stringText(text, options));
}
