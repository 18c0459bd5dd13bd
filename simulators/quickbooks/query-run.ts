/**
 * Runs a parsed query over a company (api notes §4): only filterable properties in WHERE and ORDERBY (4001
 * "property 'X' is not queryable" [src S15]), STARTPOSITION 1-based, MAXRESULTS default 100 and at most 1000 [mem],
 * name lists active-only unless the query names Active [mem], no match → `{"QueryResponse": {}}` [src S8, S12].
 * Reference and e-mail properties compare by their value (`CustomerRef = '12'`, `PrimaryEmailAddr = 'a@b.c'`).
 */
import { fault, type Scope } from './context.ts';
import { Dec } from './decimal.ts';
import { specByName } from './entity-specs.ts';
import { isObject, JsonNum, type Json, type JsonObject } from './json.ts';
import { parseQuery, QueryParseError, type Condition, type Literal } from './query-parse.ts';
import { render } from './render.ts';
import { parseInstant } from './time.ts';

function lookup(row: JsonObject, path: string): Json | undefined {
  let cur: Json | undefined = row;
  for (const part of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  // A reference compares by its value, an address object by its Address.
  if (isObject(cur)) return cur['value'] ?? cur['Address'] ?? undefined;
  return cur;
}

type Scalar = { kind: 'number'; value: Dec } | { kind: 'bool'; value: boolean } | { kind: 'string'; value: string } | { kind: 'instant'; value: number };

function scalar(value: Json | undefined, field: string): Scalar | undefined {
  if (value instanceof JsonNum) return { kind: 'number', value: Dec.parseText(value.text)! };
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'string') {
    if (field.startsWith('MetaData.')) {
      const ms = parseInstant(value);
      if (ms !== undefined) return { kind: 'instant', value: ms };
    }
    return { kind: 'string', value };
  }
  return undefined;
}

function literalScalar(lit: Literal, like: Scalar): Scalar | undefined {
  if (lit.kind === 'bool') return { kind: 'bool', value: lit.value };
  const text = lit.kind === 'number' ? lit.text : lit.value;
  if (like.kind === 'number') {
    const d = Dec.parseText(text);
    return d ? { kind: 'number', value: d } : undefined;
  }
  if (like.kind === 'instant') {
    const ms = parseInstant(text);
    return ms === undefined ? undefined : { kind: 'instant', value: ms };
  }
  if (like.kind === 'bool') return undefined;
  return { kind: 'string', value: text };
}

function compare(a: Scalar, b: Scalar, caseInsensitive: boolean): number | undefined {
  if (a.kind === 'number' && b.kind === 'number') return a.value.cmp(b.value);
  if (a.kind === 'instant' && b.kind === 'instant') return Math.sign(a.value - b.value);
  if (a.kind === 'bool' && b.kind === 'bool') return a.value === b.value ? 0 : a.value ? 1 : -1;
  if (a.kind === 'string' && b.kind === 'string') {
    // Numeric ids sort as numbers.
    if (/^\d+$/.test(a.value) && /^\d+$/.test(b.value)) return Math.sign(Number(BigInt(a.value) - BigInt(b.value)));
    const x = caseInsensitive ? a.value.toLowerCase() : a.value;
    const y = caseInsensitive ? b.value.toLowerCase() : b.value;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return undefined;
}

function matches(row: JsonObject, cond: Condition, caseInsensitive: boolean): boolean {
  const v = scalar(lookup(row, cond.field), cond.field);
  if (!v) return false;
  if (cond.op === 'LIKE') {
    if (v.kind !== 'string') return false;
    const pattern = cond.values[0]?.kind === 'string' ? cond.values[0].value : '';
    const regex = new RegExp(`^${pattern.split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, caseInsensitive ? 'is' : 's');
    return regex.test(v.value);
  }
  const results = cond.values.map((lit) => {
    const l = literalScalar(lit, v);
    return l ? compare(v, l, caseInsensitive) : undefined;
  });
  const r = results[0];
  switch (cond.op) {
    case 'IN':
      return results.some((x) => x === 0);
    case '=':
      return r === 0;
    case '<':
      return r !== undefined && r < 0;
    case '>':
      return r !== undefined && r > 0;
    case '<=':
      return r !== undefined && r <= 0;
    case '>=':
      return r !== undefined && r >= 0;
  }
}

export function runQuery(scope: Scope, text: string): JsonObject {
  const cfg = scope.ctx.config();
  let q;
  try {
    q = parseQuery(text);
  } catch (e) {
    if (e instanceof QueryParseError) throw fault(scope, 'queryParse', { reason: e.message });
    throw e;
  }
  const spec = specByName(q.entity);
  if (!spec) throw fault(scope, 'queryInvalid', { reason: `Entity '${q.entity}' is not supported` });
  for (const f of [...q.where.map((c) => c.field), ...q.orderBy.map((o) => o.field)]) {
    if (!spec.filterable.includes(f)) throw fault(scope, 'queryInvalid', { reason: `property '${f}' is not queryable` });
  }
  let maxResults = q.maxResults ?? cfg.queryDefaultMaxResults;
  if (maxResults < 1) throw fault(scope, 'queryInvalid', { reason: `MAXRESULTS must be at least 1` });
  if (maxResults > cfg.queryMaxResults) {
    if (cfg.queryOverMax === 'error') throw fault(scope, 'queryInvalid', { reason: `MAXRESULTS may not exceed ${cfg.queryMaxResults}` });
    maxResults = cfg.queryMaxResults;
  }
  const start = Math.max(1, q.startPosition ?? 1);

  let rows = scope.company.live(spec.name, scope.batch).map((e) => render(scope.company, e));
  if (spec.kind === 'name' && cfg.nameListQueriesActiveOnly && !q.where.some((c) => c.field === 'Active')) rows = rows.filter((r) => r['Active'] !== false);
  rows = rows.filter((r) => q.where.every((c) => matches(r, c, cfg.queryCaseInsensitive)));
  if (q.count) return { totalCount: new JsonNum(String(rows.length)) };

  const order = q.orderBy.length > 0 ? q.orderBy : [{ field: 'Id', desc: false }];
  rows.sort((a, b) => {
    for (const o of order) {
      const x = scalar(lookup(a, o.field), o.field);
      const y = scalar(lookup(b, o.field), o.field);
      let c = 0;
      if (x && y) c = compare(x, y, cfg.queryCaseInsensitive) ?? 0;
      else if (x || y) c = x ? 1 : -1;
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
  const page = rows.slice(start - 1, start - 1 + maxResults);
  if (page.length === 0) return {};
  return { [spec.name]: page, startPosition: new JsonNum(String(start)), maxResults: new JsonNum(String(page.length)) };
}
