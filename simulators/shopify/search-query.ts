/**
 * Shopify's search syntax for the `query:` argument (notes §2.3): `field:value`, comparators `:>` `:>=` `:<` `:<=`,
 * quoted values ('…' or "…"), implicit or explicit AND, OR, NOT / leading `-`, parentheses, trailing `*` as a
 * prefix wildcard. A field the resource does not know is reported as a warning and otherwise ignored — which is
 * why the REST habit `updated_at_min:` silently returns everything ([mem], community thread S18).
 */
import { cmp, isBareDecimal } from '../_kit/decimal-text.ts';

export type Op = ':' | '>' | '>=' | '<' | '<=';

type Node =
  | { kind: 'and' | 'or'; items: Node[] }
  | { kind: 'not'; item: Node }
  | { kind: 'term'; field: string | undefined; op: Op; value: string };

type Token = { kind: '(' | ')' } | { kind: 'word'; text: string };

export interface SearchWarning {
  field: string;
  message: string;
}

/** Given a comparator and value, returns a record test, or a reason the value is unusable. */
export type FieldFilter<T> = (op: Op, value: string) => ((record: T) => boolean) | { invalid: string };

export interface CompiledSearch<T> {
  test: (record: T) => boolean;
  warnings: SearchWarning[];
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c });
      i += 1;
    } else {
      let text = '';
      let quote: string | undefined;
      while (i < query.length) {
        const ch = query[i] ?? '';
        if (quote) {
          if (ch === '\\' && i + 1 < query.length) {
            text += query[i + 1];
            i += 2;
            continue;
          }
          if (ch === quote) quote = undefined;
          else text += ch;
        } else if (ch === '"' || ch === "'") {
          quote = ch;
        } else if (/\s/.test(ch) || ch === ')' || (ch === '(' && text === '')) {
          break;
        } else {
          text += ch;
        }
        i += 1;
      }
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

function term(text: string): Node {
  const m = /^([A-Za-z_][A-Za-z0-9_.]*):(>=|<=|>|<)?([\s\S]*)$/.exec(text);
  if (!m) return { kind: 'term', field: undefined, op: ':', value: text };
  return { kind: 'term', field: (m[1] ?? '').toLowerCase(), op: (m[2] as Op | undefined) ?? ':', value: m[3] ?? '' };
}

function parse(tokens: Token[]): Node {
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.text : undefined;
  };

  function orExpr(): Node {
    const items = [andExpr()];
    while (peekWord() === 'OR') {
      pos += 1;
      items.push(andExpr());
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'or', items };
  }

  function andExpr(): Node {
    const items: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (t?.kind === ')') break;
      if (t?.kind === 'word' && t.text === 'OR') break;
      if (t?.kind === 'word' && t.text === 'AND') {
        pos += 1;
        continue;
      }
      const item = unary();
      if (item) items.push(item);
    }
    return items.length === 1 ? (items[0] as Node) : { kind: 'and', items };
  }

  function unary(): Node | undefined {
    const t = tokens[pos];
    if (!t) return undefined;
    if (t.kind !== 'word') {
      pos += 1;
      if (t.kind === ')') return undefined;
      const inner = orExpr();
      if (tokens[pos]?.kind === ')') pos += 1;
      return inner;
    }
    pos += 1;
    if (t.text === 'NOT') {
      const item = unary();
      return item ? { kind: 'not', item } : undefined;
    }
    if (t.text.startsWith('-') && t.text.length > 1) return { kind: 'not', item: term(t.text.slice(1)) };
    if (t.text === '') return undefined;
    return term(t.text);
  }

  let root = orExpr();
  // A stray closing parenthesis is skipped and parsing goes on, as a forgiving search box does.
  while (pos < tokens.length) {
    pos += 1;
    root = { kind: 'and', items: [root, orExpr()] };
  }
  return root;
}

export function compileSearch<T>(
  query: string | null | undefined,
  fields: Readonly<Record<string, FieldFilter<T>>>,
  freeText: (record: T, value: string) => boolean,
): CompiledSearch<T> {
  const warnings: SearchWarning[] = [];
  if (!query || query.trim() === '') return { test: () => true, warnings };

  function build(node: Node): (record: T) => boolean {
    switch (node.kind) {
      case 'and': {
        const parts = node.items.map(build);
        return (r) => parts.every((p) => p(r));
      }
      case 'or': {
        const parts = node.items.map(build);
        return (r) => parts.some((p) => p(r));
      }
      case 'not': {
        const inner = build(node.item);
        return (r) => !inner(r);
      }
      case 'term': {
        if (node.field === undefined) {
          const value = node.value;
          return (r) => freeText(r, value);
        }
        const filter = fields[node.field];
        if (!filter) {
          warnings.push({ field: node.field, message: 'Invalid search field for this query.' });
          return () => true;
        }
        const compiled = filter(node.op, node.value);
        if ('invalid' in compiled) {
          warnings.push({ field: node.field, message: compiled.invalid });
          return () => true;
        }
        return compiled;
      }
    }
  }

  return { test: build(parse(tokenize(query))), warnings };
}

// ---- reusable field filters --------------------------------------------------------------------------

const DAY = 86_400_000;

/** Dates: a full timestamp compares to the second; a bare date means that whole day in the shop's zone. */
export function dateField<T>(get: (r: T) => number | null, parseDate: (v: string) => number | undefined): FieldFilter<T> {
  return (op, value) => {
    const at = parseDate(value);
    if (at === undefined) return { invalid: `Invalid date: ${value}` };
    const wholeDay = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const end = wholeDay ? at + DAY : at + 1000;
    return (r) => {
      const v = get(r);
      if (v === null) return false;
      switch (op) {
        case '>':
          return v >= end;
        case '>=':
          return v >= at;
        case '<':
          return v < at;
        case '<=':
          return v < end;
        default:
          return v >= at && v < end;
      }
    };
  };
}

/** Text equality, case-insensitive, `*` at the end for a prefix match. */
export function textField<T>(get: (r: T) => readonly (string | null)[]): FieldFilter<T> {
  return (op, value) => {
    if (op !== ':') return { invalid: `Comparator ${op} is not supported for this field` };
    const wanted = value.toLowerCase();
    const prefix = wanted.endsWith('*') ? wanted.slice(0, -1) : undefined;
    return (r) =>
      get(r).some((v) => {
        if (v === null) return false;
        const have = v.toLowerCase();
        return prefix !== undefined ? have.startsWith(prefix) : have === wanted;
      });
  };
}

/** Big integers (ids, counts) compared exactly. */
export function integerField<T>(get: (r: T) => string | number | null): FieldFilter<T> {
  return (op, value) => {
    if (!/^\d+$/.test(value)) return { invalid: `Invalid number: ${value}` };
    const wanted = BigInt(value);
    return (r) => {
      const raw = get(r);
      if (raw === null) return false;
      const v = BigInt(raw);
      return op === '>' ? v > wanted : op === '>=' ? v >= wanted : op === '<' ? v < wanted : op === '<=' ? v <= wanted : v === wanted;
    };
  };
}

/** Decimal amounts (`current_total_price:>100`), compared exactly. */
export function decimalField<T>(get: (r: T) => string): FieldFilter<T> {
  return (op, value) => {
    if (!isBareDecimal(value)) return { invalid: `Invalid number: ${value}` };
    return (r) => {
      const c = cmp(get(r), value);
      return op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : c === 0;
    };
  };
}

/** One of a fixed set of lower-case values (`status:open`); `any` matches all. */
export function choiceField<T>(choices: Readonly<Record<string, (r: T) => boolean>>): FieldFilter<T> {
  return (op, value) => {
    const key = value.toLowerCase();
    if (key === 'any') return () => true;
    const test = choices[key];
    if (op !== ':' || !test) return { invalid: `Invalid value: ${value}` };
    return test;
  };
}
