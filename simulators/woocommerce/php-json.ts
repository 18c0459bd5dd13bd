/**
 * JSON text the way WordPress writes it (`wp_json_encode` without flags, used for REST answers and webhook
 * bodies): `/` escaped as `\/`, every non-ASCII UTF-16 unit as a lower-case `\uXXXX`. A receiver that parses and
 * re-serialises a webhook body before checking its signature gets different bytes (notes §9 pitfall 5).
 * `RawNumber` prints a decimal verbatim as a JSON number (`line_items[].price`), so no float ever holds money.
 */
import { RawJson, writeJsonText, type JsonValue } from '../_kit/json-text.ts';

/** A `RawJson` that refuses text which is not a JSON number, so a bad decimal fails where it is made, not in a client's parser. */
export class RawNumber extends RawJson {
  constructor(text: string) {
    if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`not a JSON number: ${text}`);
    super(text);
  }
}

function phpString(value: string): string {
  let out = '';
  for (const ch of JSON.stringify(value)) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '/') out += '\\/';
    else if (code > 0x7f) {
      // Astral characters come out of the iterator whole; PHP writes them as a surrogate pair.
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out;
}

export function phpJson(value: JsonValue): string {
  return writeJsonText(value, phpString);
}

/** Plain JS data (for the control API and tests) from a JsonValue: RawNumber becomes a number. */
export function toPlain(value: JsonValue): unknown {
  return JSON.parse(phpJson(value)) as unknown;
}
