/**
 * Query-string handling shared by the V1 list endpoints: case-insensitive parameter names (ORDER_NOTIFY URLs say
 * `storeID` where the docs say `storeId`, notes §4), Pacific-time date filters (notes §2), sorting, and
 * `page`/`pageSize` with the `{<list>, total, page, pages}` envelope where `pages` = ceil(total / pageSize).
 */
import type { SimRequest } from '../_kit/server.ts';
import type { ShipStationSimConfig } from './config.ts';
import { SimInputError } from './errors.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { formatPacific, fromPacificWall, offsetMinutes, parseWallInput, wallText } from './pacific-time.ts';

/** A comparable point in time: Pacific wall text in `wall` mode, UTC ms otherwise. */
type TimeKey = string | number;

export class V1Query {
  private readonly params = new Map<string, string>();

  constructor(
    req: SimRequest,
    private readonly config: ShipStationSimConfig,
  ) {
    for (const [k, v] of req.query) if (!this.params.has(k.toLowerCase())) this.params.set(k.toLowerCase(), v);
  }

  get(name: string): string | undefined {
    const v = this.params.get(name.toLowerCase());
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw new SimInputError(`${name} must be an integer`);
    return Number(v);
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new SimInputError(`${name} must be true or false`);
  }

  /** A case-insensitive enum value, returned in its canonical spelling. */
  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) throw new SimInputError(`${name} must be one of ${allowed.join(', ')}`);
    return hit;
  }

  private recordKey(ms: number): TimeKey {
    return this.config.ambiguousTime === 'wall' ? formatPacific(ms) : ms;
  }

  /** A filter value as a time key: Pacific wall time by default, with the configured handling of a suffix. */
  private filterKey(name: string, asWall: boolean): TimeKey | undefined {
    const text = this.get(name);
    if (text === undefined) return undefined;
    const parsed = parseWallInput(text);
    if (!parsed) throw new SimInputError(`${name} is not a valid date: ${text}`);
    const mode = this.config.ambiguousTime;
    if (parsed.offset !== undefined && this.config.filterOffset !== 'ignore') {
      if (this.config.filterOffset === 'reject') throw new SimInputError(`${name} must be Pacific time without an offset`);
      const w = parsed.wall;
      const ms = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms) - offsetMinutes(parsed.offset) * 60_000;
      return asWall || mode === 'wall' ? formatPacific(ms) : ms;
    }
    if (asWall || mode === 'wall') return wallText(parsed.wall);
    return fromPacificWall(parsed.wall, mode);
  }

  /** `<x>Start` ≤ value ≤ `<x>End` (both inclusive, notes §2); a null value fails any given bound. */
  timeRange(startName: string, endName: string): (ms: number | null) => boolean {
    const start = this.filterKey(startName, false);
    const end = this.filterKey(endName, false);
    if (start === undefined && end === undefined) return () => true;
    return (ms) => {
      if (ms === null) return false;
      const key = this.recordKey(ms);
      return (start === undefined || key >= start) && (end === undefined || key <= end);
    };
  }

  /** The same for date-only fields (`shipDate`), compared as Pacific calendar wall time. */
  dateRange(startName: string, endName: string): (date: string | null) => boolean {
    const start = this.filterKey(startName, true);
    const end = this.filterKey(endName, true);
    if (start === undefined && end === undefined) return () => true;
    return (date) => {
      if (date === null) return false;
      const key = `${date}T00:00:00.0000000`;
      return (start === undefined || key >= start) && (end === undefined || key <= end);
    };
  }

  /** Sorts by a time field (wall text in `wall` mode, so the repeated hour interleaves) or by id; ties by id. */
  sort<T>(rows: T[], id: (row: T) => number, time: ((row: T) => number) | undefined, descending: boolean): T[] {
    const dir = descending ? -1 : 1;
    return rows.sort((a, b) => {
      if (time) {
        const ka = this.recordKey(time(a));
        const kb = this.recordKey(time(b));
        if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
      }
      return (id(a) - id(b)) * (time ? 1 : dir);
    });
  }

  descending(): boolean {
    return this.choice('sortDir', ['ASC', 'DESC'] as const) === 'DESC';
  }

  paging(): { page: number; pageSize: number } {
    const page = this.int('page') ?? 1;
    let pageSize = this.int('pageSize') ?? this.config.defaultPageSize;
    if (page < 1) throw new SimInputError('page must be 1 or more');
    if (pageSize < 1) throw new SimInputError('pageSize must be 1 or more');
    if (pageSize > this.config.maxPageSize) {
      if (this.config.pageSizeOverMax === 'reject') throw new SimInputError(`pageSize must be ${this.config.maxPageSize} or less`);
      pageSize = this.config.maxPageSize;
    }
    return { page, pageSize };
  }

  /** One page of `rows`, rendered, in the V1 envelope. A page past the end is empty. */
  envelope<T>(listName: string, rows: readonly T[], render: (row: T) => JsonValue): JsonValue {
    const { page, pageSize } = this.paging();
    const total = rows.length;
    return { [listName]: rows.slice((page - 1) * pageSize, page * pageSize).map(render), total, page, pages: Math.ceil(total / pageSize) };
  }
}
