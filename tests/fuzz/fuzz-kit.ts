/**
 * Shared pieces of the property runs: JSON values as webhooks and APIs send them (with the odd ones: numbers
 * beyond 2^53, exponents, -0, NUL, lone surrogates, numeric strings in every shape), structural mutations of
 * real payloads, byte mutations of signed bodies, and the "money is never a float" walk.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseJsonExact } from '../../src/core/json.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Every payload fixture of `system` (tests/fixtures/<system>/*.json, not the *.expected.json), parsed exactly. */
export function fixtures(system: 'shopify' | 'woocommerce' | 'shipstation'): Record<string, unknown> {
  const dir = `${FIXTURES}${system}/`;
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.json') && !name.endsWith('.expected.json'))
      .map((name) => [name, parseJsonExact(readFileSync(`${dir}${name}`, 'utf8'))]),
  );
}

/** Strings a mapping must survive: empty, blank, numeric in odd shapes, dates that are not, control characters. */
export const oddString = fc.constantFrom(
  '', ' ', '0', '-0', '00.10', '1e400', '-1e-400', '1E3', 'NaN', 'Infinity', '0x1F', '12,30', '１２', '٣', '9007199254740993', '123456789012345678901234567890.123456789',
  '2026-02-30T25:61:00', '2026-04-01T10:00:00', '2026-04-01T10:00:00Z', '0000-00-00 00:00:00', 'null', 'true', '[]', '{}',
  'a\u0000b', '\ud800', '\udfff\ud800', '😀', '\u202e', '<script>', 'x'.repeat(5000), 'USD', 'usd', 'XXX', 'JPY', 'KWD', 'gid://shopify/Order/1', 'gid://shopify/Order/-1',
);

/** Numbers as parseJsonExact hands them over: safe integers, bigints, and non-integers kept as their text. */
export const oddNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.constantFrom(9007199254740993n, 10n ** 40n),
  fc.constantFrom('0.1', '19.99', '-0.0', '1e400', '1e-7', '3.14159265358979323846'),
);

/** Leaves: anything JSON can carry, in parseJsonExact's representation. */
export const oddLeaf: fc.Arbitrary<unknown> = fc.oneof(oddString, fc.string({ maxLength: 20 }), oddNumber, fc.boolean(), fc.constant(null));

/** A JSON value of at most a few levels, built from odd leaves. */
export const oddJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, oddLeaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), fc.constantFrom('id', 'name', 'total', 'currency', 'amount', 'price', 'quantity')), tie('value'), { maxKeys: 4, noNullPrototype: true }),
})).value;

type Path = Array<string | number>;

/** Every path into `value` (depth-first), the root included. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'retype'; at: number }
  | { kind: 'empty'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'deepen'; at: number; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: oddJson }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('empty' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('deepen' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 200 }) }),
);

/** A number as a string, a string as a number, a list as its first element, an object as a list. */
function retyped(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return /^-?\d+$/.test(value.trim()) ? BigInt(value.trim()) : value === '' ? null : Number.isFinite(Number(value)) ? value : 0;
  if (Array.isArray(value)) return value[0] ?? null;
  if (value !== null && typeof value === 'object') return Object.values(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  return '';
}

function apply(root: unknown, m: Mutation): unknown {
  const paths = pathsOf(root);
  const path = paths[m.at % paths.length] ?? [];
  const get = (p: Path) => p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], root);
  const current = get(path);
  let next: unknown;
  switch (m.kind) {
    case 'replace':
      // Copies: fast-check keeps its generated values for shrinking, and later mutations must not touch them.
      next = structuredClone(m.value);
      break;
    case 'retype':
      next = retyped(current);
      break;
    case 'empty':
      next = Array.isArray(current) ? [] : current !== null && typeof current === 'object' ? {} : '';
      break;
    case 'duplicate':
      next = Array.isArray(current) ? [...current, ...structuredClone(current)] : current;
      break;
    case 'deepen': {
      let deep: unknown = current;
      for (let i = 0; i < m.depth; i++) deep = [deep];
      next = deep;
      break;
    }
    case 'delete':
      next = undefined;
      break;
  }
  if (path.length === 0) return next === undefined ? null : next;
  const parent = get(path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1] as string | number;
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else parent[key] = next;
  return root;
}

/** `seeds`, each changed by one to five structural mutations (the seeds themselves are left untouched). */
export function mutated(seeds: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 5 }))
    .map(([i, mutations]) => mutations.reduce((value, m) => apply(value, m), structuredClone(seeds[i])));
}

/**
 * Arbitrary JSON-ish input for a mapping: mostly mutated real payloads, sometimes the seeds as they are, sometimes
 * anything. Each value is a fresh copy, so a mapping that changed its input could not corrupt the next run.
 */
export function mappingInput(seeds: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: mutated(seeds), weight: 8 }, { arbitrary: fc.constantFrom(...seeds), weight: 1 }, { arbitrary: oddJson, weight: 1 }).map((v) => structuredClone(v));
}

type ByteMutation = { kind: 'flip'; at: number; bit: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; bytes: Uint8Array } | { kind: 'bom' };

/** A signed body changed by one byte-level edit (a flipped bit, a cut, inserted bytes, a BOM). */
export function mutatedBytes(body: Buffer): fc.Arbitrary<{ bytes: Buffer; edit: string }> {
  const edit: fc.Arbitrary<ByteMutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat({ max: Math.max(0, body.length - 1) }), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: Math.max(0, body.length - 1) }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat({ max: body.length }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.constant({ kind: 'bom' as const }),
  );
  return edit.map((e) => {
    switch (e.kind) {
      case 'flip': {
        const bytes = Buffer.from(body);
        bytes[e.at] = (bytes[e.at] ?? 0) ^ (1 << e.bit);
        return { bytes, edit: e.kind };
      }
      case 'truncate':
        return { bytes: body.subarray(0, e.at), edit: e.kind };
      case 'insert':
        return { bytes: Buffer.concat([body.subarray(0, e.at), Buffer.from(e.bytes), body.subarray(e.at)]), edit: e.kind };
      case 'bom':
        return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]), edit: e.kind };
    }
  });
}

/**
 * Where `value` holds a JS number that is not a safe integer under one of `integerKeys` (quantities), or any
 * non-integer number at all: money and rates must travel as decimal strings (DESIGN.md §2.6). Returns the paths.
 */
export function floatsIn(value: unknown, integerKeys: readonly string[] = ['quantity'], path = '$'): string[] {
  if (typeof value === 'number') {
    const key = path.split('.').pop() ?? '';
    return Number.isSafeInteger(value) && integerKeys.includes(key) ? [] : [`${path} = ${value}`];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => floatsIn(v, integerKeys, `${path}.${i}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => floatsIn(v, integerKeys, `${path}.${k}`));
  return [];
}

/** Counts outcomes by label, for the figures each property prints. */
export function tally() {
  const counts = new Map<string, number>();
  return {
    add(label: string) {
      counts.set(label, (counts.get(label) ?? 0) + 1);
    },
    get: (label: string) => counts.get(label) ?? 0,
    toString: () => [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', '),
  };
}
