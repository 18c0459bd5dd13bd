/**
 * JSON with exact numbers. `JSON.parse` turns `0.1` into a binary float and `JSON.stringify` prints whatever the
 * float says, so money would be exact only by luck. Here every number keeps its source text (`JsonNum`) from the
 * request body to the stored entity and back into the response; arithmetic goes through `decimal.ts`.
 */

/** A JSON number kept as its text, e.g. `19.99` or `-3`. */
export class JsonNum {
  constructor(readonly text: string) {}

  /** For `JSON.stringify` in control routes and test output only; the API writes the text itself. */
  toJSON(): number {
    return Number(this.text);
  }
}

export type Json = null | boolean | string | JsonNum | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export class JsonSyntaxError extends Error {}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNum);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses JSON text; numbers become `JsonNum`. Throws `JsonSyntaxError` with the offending position. */
export function parseJson(text: string): Json {
  let pos = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${pos}`);
  };
  const ws = (): void => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const value = (): Json => {
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const out: JsonObject = {};
      ws();
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected a property name');
        const key = string();
        ws();
        if (text[pos] !== ':') fail('expected ":"');
        pos++;
        out[key] = value();
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return out;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos++;
      const out: Json[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return out;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail('unexpected character');
    pos += m[0].length;
    return new JsonNum(m[0]);
  };
  const string = (): string => {
    const start = pos;
    pos++;
    let escaped = false;
    while (pos < text.length) {
      const ch = text[pos]!;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') break;
      pos++;
    }
    if (pos >= text.length) fail('unterminated string');
    pos++;
    try {
      return JSON.parse(text.slice(start, pos)) as string;
    } catch {
      return fail('bad string');
    }
  };
  const result = value();
  ws();
  if (pos !== text.length) fail('trailing characters');
  return result;
}

/** Writes JSON text; `JsonNum` is printed verbatim, `undefined` members are left out. */
export function writeJson(value: Json | undefined): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof JsonNum) return value.text;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => writeJson(v)).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${writeJson(v)}`);
  return `{${parts.join(',')}}`;
}

/** Plain JS for in-process callers (numbers become JS numbers: display only). */
export function toPlain(value: Json): unknown {
  return JSON.parse(writeJson(value));
}

/** In-process input (control methods) into the exact form; a JS number's shortest text is its decimal. */
export function fromPlain(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof JsonNum) return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonSyntaxError(`not a finite number: ${value}`);
    return new JsonNum(String(value));
  }
  if (typeof value === 'boolean' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = fromPlain(v);
    return out;
  }
  throw new JsonSyntaxError(`not JSON: ${typeof value}`);
}

export function clone<T extends Json>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clone(v)) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = clone(v);
    return out as T;
  }
  return value;
}

export function num(text: string): JsonNum {
  return new JsonNum(text);
}

export function str(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function obj(value: Json | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function arr(value: Json | undefined): Json[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** `{"value": "12", "name": "Acme"}` → "12". */
export function refValue(value: Json | undefined): string | undefined {
  const o = obj(value);
  if (!o) return undefined;
  const v = o['value'];
  if (typeof v === 'string') return v;
  if (v instanceof JsonNum) return v.text;
  return undefined;
}
