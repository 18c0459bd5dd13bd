/**
 * `page` / `per_page` paging with `page_context` (api notes §2.5). Default and maximum page size is 200;
 * a larger `per_page` is clamped to 200 [mem: Zoho may refuse instead].
 */
import { fail } from './envelope.ts';

export const MAX_PER_PAGE = 200;

export interface PageContext {
  page: number;
  per_page: number;
  has_more_page: boolean;
  report_name?: string;
  applied_filter?: string;
  sort_column: string;
  sort_order: 'A' | 'D';
  total?: number;
}

function positiveInt(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw fail.invalid(name);
  return Number(raw);
}

export function paginate<T>(
  rows: readonly T[],
  query: URLSearchParams,
  /** `report_name` and `applied_filter` appear only where Zoho's OAS declares them for the module. */
  info: { report_name?: string; applied_filter?: string; sort_column: string; sort_order: 'A' | 'D' },
): { rows: T[]; page_context: PageContext } {
  const page = positiveInt(query, 'page', 1);
  const perPage = Math.min(positiveInt(query, 'per_page', MAX_PER_PAGE), MAX_PER_PAGE);
  const start = (page - 1) * perPage;
  return {
    rows: rows.slice(start, start + perPage),
    page_context: {
      page,
      per_page: perPage,
      has_more_page: start + perPage < rows.length,
      ...(info.report_name !== undefined ? { report_name: info.report_name } : {}),
      ...(info.applied_filter !== undefined ? { applied_filter: info.applied_filter } : {}),
      sort_column: info.sort_column,
      sort_order: info.sort_order,
    },
  };
}

/**
 * Sorts by a column the caller allows; `sort_order` is `A` or `D`. Ties break on id order so pages are stable.
 */
export function sortRows<T extends Record<string, unknown>>(
  rows: T[],
  query: URLSearchParams,
  allowed: readonly string[],
  defaults: { column: string; order: 'A' | 'D' },
  key: (row: T, column: string) => string | number,
): { rows: T[]; sort_column: string; sort_order: 'A' | 'D' } {
  const column = query.get('sort_column') ?? defaults.column;
  if (!allowed.includes(column)) throw fail.invalid('sort_column');
  const orderRaw = query.get('sort_order') ?? defaults.order;
  if (orderRaw !== 'A' && orderRaw !== 'D') throw fail.invalid('sort_order');
  const sign = orderRaw === 'A' ? 1 : -1;
  const indexed = rows.map((row, i) => ({ row, i }));
  indexed.sort((a, b) => {
    const x = key(a.row, column);
    const y = key(b.row, column);
    if (x < y) return -sign;
    if (x > y) return sign;
    return (a.i - b.i) * sign;
  });
  return { rows: indexed.map((e) => e.row), sort_column: column, sort_order: orderRaw };
}

/** Text filter with Zoho's `_startswith` / `_contains` variants, case-insensitive. */
export function textFilter(query: URLSearchParams, name: string): ((value: string | undefined) => boolean) | undefined {
  const exact = query.get(name);
  const starts = query.get(`${name}_startswith`);
  const contains = query.get(`${name}_contains`);
  if (exact === null && starts === null && contains === null) return undefined;
  return (value) => {
    const v = (value ?? '').toLowerCase();
    if (exact !== null && v !== exact.toLowerCase()) return false;
    if (starts !== null && !v.startsWith(starts.toLowerCase())) return false;
    if (contains !== null && !v.includes(contains.toLowerCase())) return false;
    return true;
  };
}
