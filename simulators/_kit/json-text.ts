/**
 * JSON text written by hand, so that amounts and ids above 2^53 go out as JSON numbers printed from their exact
 * text (`RawJson`): `JSON.stringify` can print a number only through a float. Strings go through the caller's
 * escaper because each platform escapes differently (Ruby writes `\/` and `\u0026`, PHP `\/` and `\uXXXX`), and
 * clients that check a webhook signature over re-serialised JSON break on exactly those bytes.
 */

/** Text emitted verbatim as a JSON number. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | number | string | RawJson | JsonValue[] | { [key: string]: JsonValue };

/** `value` as JSON text; a JS number must be a safe integer, anything else has to come as `RawJson`. */
export function writeJsonText(value: JsonValue, writeString: (text: string) => string = (text) => JSON.stringify(text)): string {
  if (value === null) return 'null';
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`refusing to print ${value} through a float; use RawJson`);
    return String(value);
  }
  if (typeof value === 'string') return writeString(value);
  if (Array.isArray(value)) return `[${value.map((v) => writeJsonText(v, writeString)).join(',')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${writeString(k)}:${writeJsonText(v, writeString)}`)
    .join(',')}}`;
}
