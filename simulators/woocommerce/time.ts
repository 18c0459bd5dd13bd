/**
 * WordPress dates. Every record keeps one instant (epoch ms, whole seconds like a MySQL DATETIME) and is shown
 * twice: site-local (`date_created`) and GMT (`date_created_gmt`), both `YYYY-MM-DDTHH:MM:SS` with no offset
 * (notes §1, §9.4). The site time zone is an IANA name (daylight saving included) or a fixed `±HH:MM` offset.
 */

export type Wall = string; // 'YYYY-MM-DDTHH:MM:SS'

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

export function isValidTimezone(zone: string): boolean {
  if (zone === 'UTC' || OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function gmtWall(ms: number): Wall {
  return new Date(ms).toISOString().slice(0, 19);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time at `ms` in `zone`. */
export function localWall(ms: number, zone: string): Wall {
  if (zone === 'UTC') return gmtWall(ms);
  const fixed = OFFSET.exec(zone);
  if (fixed) {
    const minutes = (Number(fixed[2]) * 60 + Number(fixed[3])) * (fixed[1] === '-' ? -1 : 1);
    return gmtWall(ms + minutes * 60_000);
  }
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Seconds precision, as WordPress stores dates. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `rest_parse_date`'s accepted shape (WordPress `format: date-time` validation). */
const REST_DATE = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface FilterDate {
  /** The date and time exactly as written, offset dropped. */
  wall: Wall;
  /** Offset in minutes when one was written (`Z` = 0), else undefined. */
  offsetMinutes: number | undefined;
}

export function parseRestDate(text: string): FilterDate | undefined {
  const m = REST_DATE.exec(text);
  if (!m) return undefined;
  const wall = `${m[1]}T${m[2]}`;
  if (Number.isNaN(Date.parse(`${wall}Z`))) return undefined;
  const zone = m[3];
  if (!zone) return { wall, offsetMinutes: undefined };
  if (zone === 'Z' || zone === 'z') return { wall, offsetMinutes: 0 };
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  const minutes = (Number(z?.[2] ?? 0) * 60 + Number(z?.[3] ?? 0)) * (z?.[1] === '-' ? -1 : 1);
  return { wall, offsetMinutes: minutes };
}

/** An instant from ISO text with an offset (or epoch ms); for seeding orders in the past. */
export function parseInstant(value: string | number): number {
  if (typeof value === 'number') return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) throw new Error(`not an ISO date with offset: ${value}`);
  return ms;
}

/** Epoch ms of a wall time read as UTC (used to convert an offset-bearing filter value). */
export function wallAsUtc(wall: Wall): number {
  return Date.parse(`${wall}Z`);
}

/** `Mar 22, 2017 @ 07:28 PM`, the default webhook name's date (`strftime('%b %d, %Y @ %I:%M %p')`). */
export function webhookNameDate(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const h = d.getUTCHours();
  return `${month} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} @ ${pad(h % 12 === 0 ? 12 : h % 12)}:${pad(d.getUTCMinutes())} ${h < 12 ? 'AM' : 'PM'}`;
}
