/**
 * Relay connections the way the Admin API pages them: `first`/`after` or `last`/`before`, at most 250 per page,
 * opaque base64 cursors. Cursors hold the sort value and id of the record (keyset paging), so a record updated
 * while a client pages by UPDATED_AT moves in the list — the real effect the notes warn about (§2.3).
 */
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 250;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  reverse?: boolean | null;
}

export type SortValue = bigint | string;

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

interface CursorBody {
  last_id: string;
  last_value: string;
}

function encodeCursor(id: string, value: SortValue): string {
  const body: CursorBody = { last_id: id, last_value: typeof value === 'bigint' ? `n:${value}` : `s:${value}` };
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

function decodeCursor(cursor: string): { id: bigint; value: SortValue } {
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as Partial<CursorBody>;
    if (typeof body.last_id !== 'string' || typeof body.last_value !== 'string') throw new Error('shape');
    const value = body.last_value.startsWith('n:') ? BigInt(body.last_value.slice(2)) : body.last_value.slice(2);
    return { id: BigInt(body.last_id), value };
  } catch {
    throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST' } });
  }
}

function compare(a: { id: bigint; value: SortValue }, b: { id: bigint; value: SortValue }): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function checkPageArgs(args: PageArgs): number {
  const { first, last } = args;
  if ((first === undefined || first === null) && (last === undefined || last === null)) {
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  if (first !== undefined && first !== null && last !== undefined && last !== null) {
    throw new GraphQLError('providing both first and last is not supported', { extensions: { code: 'BAD_REQUEST' } });
  }
  const size = (first ?? last) as number;
  if (size < 0) throw new GraphQLError(`${first !== undefined && first !== null ? 'first' : 'last'} must be a non-negative integer`, { extensions: { code: 'BAD_REQUEST' } });
  if (size > MAX_PAGE_SIZE) {
    // Wording is ours; the limit (250) is documented (notes §2.3) but the exact message was not recorded.
    throw new GraphQLError(`The page size requested (${size}) exceeds the maximum of ${MAX_PAGE_SIZE}. Reduce first or last.`, {
      extensions: { code: 'BAD_REQUEST', maxPageSize: MAX_PAGE_SIZE },
    });
  }
  return size;
}

/** Pages `items` ordered by (sortValue, id), descending when `reverse`. */
export function paginate<T>(items: readonly T[], args: PageArgs, idOf: (t: T) => string, sortValue: (t: T) => SortValue): Page<T> {
  const size = checkPageArgs(args);
  const direction = args.reverse ? -1 : 1;
  const keyed = items.map((node) => ({ node, key: { id: BigInt(idOf(node)), value: sortValue(node) } }));
  keyed.sort((a, b) => direction * compare(a.key, b.key));
  let from = 0;
  let to = keyed.length;
  if (args.after) {
    const after = decodeCursor(args.after);
    const idx = keyed.findIndex((k) => direction * compare(k.key, after) > 0);
    from = idx === -1 ? keyed.length : idx;
  }
  if (args.before) {
    const before = decodeCursor(args.before);
    const idx = keyed.findIndex((k) => direction * compare(k.key, before) >= 0);
    to = idx === -1 ? keyed.length : idx;
  }
  let window = keyed.slice(from, Math.max(from, to));
  let hasNextPage = to < keyed.length;
  let hasPreviousPage = from > 0;
  if (args.first !== undefined && args.first !== null) {
    hasNextPage = window.length > size || hasNextPage;
    window = window.slice(0, size);
  } else {
    hasPreviousPage = window.length > size || hasPreviousPage;
    window = window.slice(Math.max(0, window.length - size));
  }
  const edges = window.map((k) => ({ cursor: encodeCursor(idOf(k.node), k.key.value), node: k.node }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Connections inside an order (line items…): ordered by id, which is creation order. */
export function paginateById<T>(items: readonly T[], args: PageArgs, idOf: (t: T) => string): Page<T> {
  return paginate(items, args, idOf, (t) => BigInt(idOf(t)));
}
