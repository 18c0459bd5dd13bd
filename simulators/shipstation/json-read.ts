/**
 * A JSON reader that keeps every number as the text it was written in. `JSON.parse` turns `19.99` into a float
 * before we could see its digits; money in a createorder body must stay decimal text from the wire to the sum.
 * Strings, literals and structure follow RFC 8259; anything else is a syntax error.
 */

/** A JSON number exactly as written, e.g. `19.99`, `-20.55`, `1e3`. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export type JsonIn = null | boolean | string | JsonNumber | JsonIn[] | { [key: string]: JsonIn };

export class JsonSyntaxError extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

export function readJson(text: string): JsonIn {
  const pos = { at: 0 };
  const value = readValue(text, pos);
  skip(text, pos);
  if (pos.at !== text.length) throw new JsonSyntaxError(`unexpected text at ${pos.at}`);
  return value;
}

function skip(text: string, pos: { at: number }): void {
  while (pos.at < text.length && ' \t\n\r'.includes(text[pos.at]!)) pos.at++;
}

function readValue(text: string, pos: { at: number }): JsonIn {
  skip(text, pos);
  const c = text[pos.at];
  if (c === '{') return readObject(text, pos);
  if (c === '[') return readArray(text, pos);
  if (c === '"') return readString(text, pos);
  for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
    if (text.startsWith(word, pos.at)) {
      pos.at += word.length;
      return value;
    }
  }
  NUMBER.lastIndex = pos.at;
  const m = NUMBER.exec(text);
  if (!m) throw new JsonSyntaxError(`unexpected ${c === undefined ? 'end of input' : JSON.stringify(c)} at ${pos.at}`);
  pos.at += m[0].length;
  return new JsonNumber(m[0]);
}

function readString(text: string, pos: { at: number }): string {
  STRING.lastIndex = pos.at;
  const m = STRING.exec(text);
  if (!m) throw new JsonSyntaxError(`bad string at ${pos.at}`);
  pos.at += m[0].length;
  return JSON.parse(m[0]) as string;
}

function readArray(text: string, pos: { at: number }): JsonIn[] {
  pos.at++;
  const out: JsonIn[] = [];
  skip(text, pos);
  if (text[pos.at] === ']') {
    pos.at++;
    return out;
  }
  for (;;) {
    out.push(readValue(text, pos));
    skip(text, pos);
    const c = text[pos.at++];
    if (c === ']') return out;
    if (c !== ',') throw new JsonSyntaxError(`expected , or ] at ${pos.at - 1}`);
  }
}

function readObject(text: string, pos: { at: number }): { [key: string]: JsonIn } {
  pos.at++;
  const out: { [key: string]: JsonIn } = {};
  skip(text, pos);
  if (text[pos.at] === '}') {
    pos.at++;
    return out;
  }
  for (;;) {
    skip(text, pos);
    if (text[pos.at] !== '"') throw new JsonSyntaxError(`expected a key at ${pos.at}`);
    const key = readString(text, pos);
    skip(text, pos);
    if (text[pos.at++] !== ':') throw new JsonSyntaxError(`expected : at ${pos.at - 1}`);
    out[key] = readValue(text, pos);
    skip(text, pos);
    const c = text[pos.at++];
    if (c === '}') return out;
    if (c !== ',') throw new JsonSyntaxError(`expected , or } at ${pos.at - 1}`);
  }
}
