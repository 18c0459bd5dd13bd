/**
 * The QBO query language (api notes §4 [src S16]):
 *   SELECT * | COUNT(*) FROM <Entity> [WHERE <prop> <op> <value> [AND ...]] [ORDERBY <prop> [ASC|DESC], ...]
 *   [STARTPOSITION n] [MAXRESULTS n]
 * Operators = < > <= >= IN LIKE ('%' is the only wildcard). No OR, GROUP BY, JOIN or projections: anything outside
 * the grammar is a parse error (4000 [mem]), so a client never comes to rely on syntax QBO may refuse. Strings are
 * single-quoted with backslash escapes; keywords are case-insensitive, entity names are not.
 */

export type Literal = { kind: 'string'; value: string } | { kind: 'number'; text: string } | { kind: 'bool'; value: boolean };
export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';

export interface Condition {
  field: string;
  op: Operator;
  values: Literal[];
}

export interface ParsedQuery {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy: { field: string; desc: boolean }[];
  startPosition: number | undefined;
  maxResults: number | undefined;
}

export class QueryParseError extends Error {}

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'punct'; text: string; value?: string; pos: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new QueryParseError(`Lexical error at line 1, column ${start + 1}. Unterminated string.`);
        const ch = input[i]!;
        if (ch === '\\' && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
          continue;
        }
        if (ch === "'") {
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ kind: 'string', text: input.slice(start, i), value, pos: start });
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?/.exec(input.slice(i));
    if (number && (c !== '-' || /\d/.test(input[i + 1] ?? ''))) {
      i += number[0].length;
      tokens.push({ kind: 'number', text: number[0], pos: start });
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(input.slice(i));
    if (op) {
      i += op[0].length;
      tokens.push({ kind: 'op', text: op[0], pos: start });
      continue;
    }
    if ('(),*'.includes(c)) {
      i++;
      tokens.push({ kind: 'punct', text: c, pos: start });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(input.slice(i));
    if (word) {
      i += word[0].length;
      tokens.push({ kind: 'word', text: word[0], pos: start });
      continue;
    }
    throw new QueryParseError(`Lexical error at line 1, column ${start + 1}. Encountered: "${c}"`);
  }
  return tokens;
}

export function parseQuery(input: string): ParsedQuery {
  const tokens = tokenize(input);
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const fail = (t: Token | undefined = peek()): never => {
    if (!t) throw new QueryParseError('Encountered "<EOF>" at line 1, column ' + (input.length + 1) + '.');
    throw new QueryParseError(`Encountered " "${t.text}" "${t.text} "" at line 1, column ${t.pos + 1}.`);
  };
  const isWord = (w: string, t = peek()): boolean => t?.kind === 'word' && t.text.toUpperCase() === w;
  const expectWord = (w: string): void => {
    if (!isWord(w)) fail();
    p++;
  };
  const expectPunct = (c: string): void => {
    if (peek()?.kind !== 'punct' || peek()?.text !== c) fail();
    p++;
  };
  const field = (): string => {
    const t = peek();
    if (t?.kind !== 'word' || RESERVED.has(t.text.toUpperCase())) return fail();
    p++;
    return t.text;
  };
  const literal = (): Literal => {
    const t = peek();
    if (!t) return fail();
    p++;
    if (t.kind === 'string') return { kind: 'string', value: t.value ?? '' };
    if (t.kind === 'number') return { kind: 'number', text: t.text };
    if (t.kind === 'word' && (t.text.toLowerCase() === 'true' || t.text.toLowerCase() === 'false')) return { kind: 'bool', value: t.text.toLowerCase() === 'true' };
    return fail(t);
  };
  const positive = (): number => {
    const t = peek();
    if (t?.kind !== 'number' || !/^\d+$/.test(t.text)) return fail();
    p++;
    return Number(t.text);
  };

  expectWord('SELECT');
  let count = false;
  if (peek()?.kind === 'punct' && peek()?.text === '*') p++;
  else if (isWord('COUNT')) {
    p++;
    expectPunct('(');
    expectPunct('*');
    expectPunct(')');
    count = true;
  } else fail();
  expectWord('FROM');
  const entity = field();
  const where: Condition[] = [];
  if (isWord('WHERE')) {
    p++;
    for (;;) {
      const f = field();
      const t = peek();
      let op: Operator;
      let values: Literal[];
      if (t?.kind === 'op' && ['=', '<', '>', '<=', '>='].includes(t.text)) {
        p++;
        op = t.text as Operator;
        values = [literal()];
      } else if (isWord('IN')) {
        p++;
        op = 'IN';
        expectPunct('(');
        values = [literal()];
        while (peek()?.kind === 'punct' && peek()?.text === ',') {
          p++;
          values.push(literal());
        }
        expectPunct(')');
      } else if (isWord('LIKE')) {
        p++;
        op = 'LIKE';
        const v = literal();
        if (v.kind !== 'string') fail(tokens[p - 1]);
        values = [v];
      } else return fail();
      where.push({ field: f, op, values });
      if (isWord('AND')) {
        p++;
        continue;
      }
      break;
    }
  }
  const orderBy: { field: string; desc: boolean }[] = [];
  if (isWord('ORDERBY')) {
    p++;
    for (;;) {
      const f = field();
      let desc = false;
      if (isWord('ASC')) p++;
      else if (isWord('DESC')) {
        p++;
        desc = true;
      }
      orderBy.push({ field: f, desc });
      if (peek()?.kind === 'punct' && peek()?.text === ',') {
        p++;
        continue;
      }
      break;
    }
  }
  let startPosition: number | undefined;
  let maxResults: number | undefined;
  if (isWord('STARTPOSITION')) {
    p++;
    startPosition = positive();
  }
  if (isWord('MAXRESULTS')) {
    p++;
    maxResults = positive();
  }
  if (p < tokens.length) fail();
  return { count, entity, where, orderBy, startPosition, maxResults };
}

const RESERVED = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'IN', 'LIKE', 'ORDERBY', 'ASC', 'DESC', 'STARTPOSITION', 'MAXRESULTS', 'COUNT', 'GROUP', 'JOIN', 'NOT']);
