/**
 * JSON parsing that never loses a digit. `JSON.parse` turns 820982911946154508 into 820982911946154500 and
 * 19.99 into a float; here integers beyond 2^53 stay bigint and every non-integer stays its source text, so
 * ids and amounts reach the model exactly as the sender wrote them.
 */
import { parse, isSafeNumber } from 'lossless-json';

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

export function parseJsonExact(text: string): unknown {
  try {
    return parse(text, null, (value: string) => {
      if (/^-?\d+$/.test(value)) return isSafeNumber(value) ? Number(value) : BigInt(value);
      // A non-integer is money or a rate here: keep its digits, not a float.
      return value;
    });
  } catch (error) {
    throw new JsonSyntaxError(error instanceof Error ? error.message : String(error));
  }
}

/** JSON.stringify that writes bigints as bare digits (the way the sources send ids). */
export function stringifyExact(value: unknown): string {
  const marker = '\u0000big:';
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v));
  return text.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}
