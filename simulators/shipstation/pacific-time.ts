/**
 * ShipStation V1 speaks Pacific wall time (America/Los_Angeles, PST/PDT) with no offset, both in responses and
 * in filter inputs (notes §2 "Timestamps", verified). The simulator keeps instants as UTC milliseconds and
 * converts at the edge with `Intl` and the real tz rules, so DST changes fall where they fall in reality.
 */

export const PACIFIC = 'America/Los_Angeles';

/** Wall-clock fields; `ms` is the millisecond part (the sim clock has no finer resolution). */
export interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** 100-ns ticks below the millisecond (0–9999): only filter inputs carry them; instants have none. */
  sub?: number;
}

/** How a wall time that occurs twice (the autumn fall-back hour) or never (the spring gap) becomes an instant. */
export type AmbiguousTimeRule = 'earlier' | 'later';

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: PACIFIC,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const DAY_MS = 86_400_000;

export function toPacificWall(utcMs: number): Wall {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(whole))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    ms: utcMs - whole,
  };
}

/** Milliseconds to add to UTC to get Pacific wall time at that instant (−7 h in PDT, −8 h in PST). */
export function pacificOffsetMs(utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  return wallAsUtc(toPacificWall(whole)) - whole;
}

function wallAsUtc(w: Wall): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
}

/**
 * The instant a Pacific wall time names. In the repeated autumn hour there are two; `rule` picks one. In the
 * spring gap there is none; the wall time is read with the offset in force before the change (PST), so
 * `02:30` on the spring-forward day is 10:30Z, which the clock shows as 03:30 PDT.
 */
export function fromPacificWall(w: Wall, rule: AmbiguousTimeRule): number {
  const asUtc = wallAsUtc(w);
  const before = pacificOffsetMs(asUtc - DAY_MS);
  const after = pacificOffsetMs(asUtc + DAY_MS);
  const candidates = [...new Set([before, after])].map((o) => asUtc - o).filter((utc) => pacificOffsetMs(utc) === asUtc - utc);
  if (candidates.length === 0) return asUtc - before;
  return rule === 'earlier' ? Math.min(...candidates) : Math.max(...candidates);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * `2026-11-01T01:30:00.0000000`: seven fractional digits (.NET ticks; our last four are always 0) and no
 * offset, the order/shipment timestamp format (notes §2). Comparing two of these as strings orders them by wall
 * clock, which is what a 'wall' filter does.
 */
export function wallText(w: Wall): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}.${pad(w.ms, 3)}${pad(w.sub ?? 0, 4)}`;
}

export function formatPacific(utcMs: number): string {
  return wallText(toPacificWall(utcMs));
}

/**
 * Item timestamps may carry fewer fractional digits than order timestamps (`2015-08-17T09:24:14.78` next to
 * `…14.7800000`, notes §2 OrderItem): trailing zeros of the fraction dropped, and the point too when nothing is left.
 */
export function formatPacificTrimmed(utcMs: number): string {
  return formatPacific(utcMs).replace(/0+$/, '').replace(/\.$/, '');
}

/** `2024-09-17`, the Pacific calendar date of an instant (shipment `shipDate`). */
export function pacificDate(utcMs: number): string {
  return formatPacific(utcMs).slice(0, 10);
}

const WALL_INPUT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export interface ParsedWall {
  wall: Wall;
  /** The suffix the caller sent (`Z`, `-07:00`), if any; V1 inputs are meant to carry none. */
  offset: string | undefined;
}

/**
 * Reads `yyyy-mm-dd hh:mm:ss` (the documented filter format, notes §2), the `T` form, a bare date (midnight),
 * and optional fractional seconds. Returns undefined for anything else or an impossible date.
 */
export function parseWallInput(text: string): ParsedWall | undefined {
  const m = WALL_INPUT.exec(text.trim());
  if (!m) return undefined;
  const wall: Wall = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    ms: Number((m[7] ?? '').padEnd(7, '0').slice(0, 3)),
    sub: Number((m[7] ?? '').padEnd(7, '0').slice(3)),
  };
  const check = new Date(wallAsUtc(wall));
  if (check.getUTCFullYear() !== wall.year || check.getUTCMonth() + 1 !== wall.month || check.getUTCDate() !== wall.day) return undefined;
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return undefined;
  return { wall, offset: m[8] };
}

/** Minutes east of UTC for `Z`, `+02:00`, `-0700`. */
export function offsetMinutes(offset: string): number {
  if (offset === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset);
  if (!m) throw new Error(`bad offset ${offset}`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}
