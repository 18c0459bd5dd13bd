/**
 * Shared collection behaviour (`WC_REST_CRUD_Controller::get_items`): date filters on the local or GMT column,
 * page/offset slicing, and the `X-WP-Total`, `X-WP-TotalPages` and `Link` (`prev`/`next`) headers. Link URLs are
 * the collection URL with the request's own query parameters (credentials included, as WordPress does) and
 * `page` replaced.
 */
import type { WooSimConfig } from '../config.ts';
import type { ArgCheck } from '../params.ts';
import type { SiteState } from '../site.ts';
import { gmtWall, localWall, wallAsUtc, type FilterDate, type Wall } from '../time.ts';
import type { RestContext } from './context.ts';

export interface DateFilters {
  after?: FilterDate;
  before?: FilterDate;
  modifiedAfter?: FilterDate;
  modifiedBefore?: FilterDate;
  gmt: boolean;
}

export function readDateFilters(c: ArgCheck): DateFilters {
  // Read in WordPress's argument order, so "Invalid parameter(s): …" lists them as WordPress does.
  const after = c.date('after');
  const before = c.date('before');
  const modifiedAfter = c.date('modified_after');
  const modifiedBefore = c.date('modified_before');
  const f: DateFilters = { gmt: c.bool('dates_are_gmt') ?? false };
  if (after) f.after = after;
  if (before) f.before = before;
  if (modifiedAfter) f.modifiedAfter = modifiedAfter;
  if (modifiedBefore) f.modifiedBefore = modifiedBefore;
  return f;
}

/** The wall time a filter value is compared at (see `dateFilterOffsets` in config.ts). */
function filterWall(value: FilterDate, site: SiteState, config: WooSimConfig): Wall {
  if (config.dateFilterOffsets === 'converted-to-site-time' && value.offsetMinutes !== undefined) {
    return localWall(wallAsUtc(value.wall) - value.offsetMinutes * 60_000, site.timezone);
  }
  return value.wall;
}

/** WP_Date_Query: `after` and `before` are exclusive; the column is local unless `dates_are_gmt`. */
export function matchesDates(record: { createdAt: number; modifiedAt: number }, f: DateFilters, site: SiteState, config: WooSimConfig): boolean {
  const column = (ms: number) => (f.gmt ? gmtWall(ms) : localWall(ms, site.timezone));
  const created = column(record.createdAt);
  const modified = column(record.modifiedAt);
  if (f.after && !(created > filterWall(f.after, site, config))) return false;
  if (f.before && !(created < filterWall(f.before, site, config))) return false;
  if (f.modifiedAfter && !(modified > filterWall(f.modifiedAfter, site, config))) return false;
  if (f.modifiedBefore && !(modified < filterWall(f.modifiedBefore, site, config))) return false;
  return true;
}

export interface PageArgs {
  page: number;
  perPage: number;
  offset: number | undefined;
}

export function readPageArgs(c: ArgCheck, defaultPerPage = 10): PageArgs {
  const page = c.int('page', { min: 1 }) ?? 1;
  const perPage = c.int('per_page', { min: 1, max: 100 }) ?? defaultPerPage;
  const offset = c.int('offset');
  return { page, perPage, offset: offset === undefined ? undefined : Math.abs(offset) };
}

function encodePart(text: string): string {
  return encodeURIComponent(text).replace(/%5B/gi, '[').replace(/%5D/gi, ']').replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

function linkUrl(base: string, query: [string, string][], page: number): string {
  const pairs = query.filter(([k]) => k !== 'page');
  pairs.push(['page', String(page)]);
  return `${base}?${pairs.map(([k, v]) => `${encodePart(k)}=${encodePart(v)}`).join('&')}`;
}

/** Slices one page and builds the paging headers. */
export function pageOf<T>(ctx: RestContext, items: readonly T[], p: PageArgs, route: string): { items: T[]; headers: Record<string, string> } {
  const total = items.length;
  const maxPages = Math.ceil(total / p.perPage);
  const start = p.offset ?? (p.page - 1) * p.perPage;
  const slice = items.slice(start, start + p.perPage);
  const page = p.offset !== undefined ? Math.ceil(p.offset / p.perPage + 1) : p.page;
  const base = ctx.site.restUrl(route);
  const query = ctx.args.queryParams();
  const links: string[] = [];
  if (ctx.config.linkRels === 'all' && maxPages > 0) links.push(`<${linkUrl(base, query, 1)}>; rel="first"`);
  if (page > 1) links.push(`<${linkUrl(base, query, Math.min(page - 1, maxPages))}>; rel="prev"`);
  if (maxPages > page) links.push(`<${linkUrl(base, query, page + 1)}>; rel="next"`);
  if (ctx.config.linkRels === 'all' && maxPages > 0) links.push(`<${linkUrl(base, query, maxPages)}>; rel="last"`);
  const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(maxPages) };
  if (links.length > 0) headers.Link = links.join(', ');
  return { items: slice, headers };
}

/** Sort helper: by a key then id, both in the requested direction (`orderby=date` is `date ID`). */
export function sortBy<T extends { id: number }>(items: T[], key: (item: T) => number | string, order: 'asc' | 'desc'): T[] {
  const dir = order === 'asc' ? 1 : -1;
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return (a.id - b.id) * dir;
  });
}

/** `orderby=include`: the order of the include list. */
export function sortByInclude<T extends { id: number }>(items: T[], include: readonly number[]): T[] {
  return items.sort((a, b) => include.indexOf(a.id) - include.indexOf(b.id));
}
