/**
 * Request bodies as a small tree whose amounts are decimal *text*, written out as bare JSON numbers digit for
 * digit. Zoho Books and QuickBooks want numbers (`"rate": 19.99`), and no float may ever carry a price: an amount is a
 * `DecimalNumber` from start to finish, never a JS number produced by arithmetic.
 */
import { formatDec, parseDec, type Dec, type DecimalString } from '../../core/money.ts';

/** A decimal amount written as a bare JSON number. */
export class DecimalNumber {
  readonly text: string;
  constructor(value: DecimalString | Dec, minScale = 0) {
    // Canonical text ("19.990" → "19.99", "1e-2" → "0.01"); throws MoneyError on anything not a decimal.
    this.text = formatDec(typeof value === 'string' ? parseDec(value) : value, minScale);
  }
}

export type BodyValue = null | boolean | string | number | DecimalNumber | BodyValue[] | BodyObject;
export interface BodyObject {
  [key: string]: BodyValue | undefined;
}

/** Shorthand for `new DecimalNumber(value)`. */
export function num(value: DecimalString | Dec, minScale = 0): DecimalNumber {
  return new DecimalNumber(value, minScale);
}

/** The JSON text of a body. Keys whose value is `undefined` are left out; plain numbers must be safe integers. */
export function writeJson(value: BodyValue): string {
  if (value === null) return 'null';
  if (value instanceof DecimalNumber) return value.text;
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`refusing to write ${value}: use num() for amounts`);
      return String(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
  const parts: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (entry === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${writeJson(entry)}`);
  }
  return `{${parts.join(',')}}`;
}
