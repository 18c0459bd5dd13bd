/**
 * ShipStation V1 speaks Pacific wall time (America/Los_Angeles, PST/PDT) with no offset, in responses
 * (`2024-09-17T10:51:14.5030000`, seven fractional digits) and in date filters (`2016-11-29 23:59:59`)
 * (notes §2 "Timestamps", verified). Everything that enters the product is converted to a UTC instant here,
 * with the real DST rules of `Intl.DateTimeFormat` (no tz library).
 *
 * Two wall times are not one instant:
 * - **The repeated autumn hour** (01:00–02:00 on the first Sunday of November happens twice, first in PDT,
 *   then in PST). A record stamped `01:30` may be 08:30Z or 09:30Z.
 *   - On the way in we read it as the EARLIER instant (`rule: 'earlier'`, the default). A record's time is
 *     then never later than the truth, so a polling cursor built from it never runs ahead of a change it
 *     has not seen; at worst it sits an hour early and the next poll re-reads an hour, which the inbox dedupes.
 *     The earlier reading is also monotone in the wall text, which matters because ShipStation may sort by
 *     the wall text (see `formatPacificFilter`).
 *   - On the way out (a `modifyDateStart` filter) we cannot tell ShipStation which `01:30` we mean, and it
 *     may read either. `formatPacificFilter` therefore never sends the PDT copy of a repeated wall time:
 *     it moves the filter back by the hour to a wall time that exists once (00:30 PDT), so whichever way
 *     the server reads the filter, it starts at or before the instant we asked for. Nothing is missed; the
 *     extra hour is re-read and deduped. The PST copy is sent as is: both readings are at or before it.
 * - **The spring gap** (02:00–03:00 on the second Sunday of March does not exist). We never produce such a
 *   wall time (`formatPacific` of a real instant cannot land in it). If ShipStation sends one, it is read
 *   with the offset in force before the jump (PST), i.e. `02:30` → 10:30Z = 03:30 PDT, the instant a clock
 *   that had not been moved forward would have shown; a filter is never formed from one.
 */

export const PACIFIC_TIME_ZONE = 'America/Los_Angeles';

/** Wall-clock fields of a Pacific time. `millisecond` keeps the first three of ShipStation's seven digits. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export type AmbiguityRule = 'earlier' | 'later';

/** What a wall time names: one instant, two (the repeated hour), or none (the spring gap; read as PST). */
export type WallInstants =
  | { kind: 'exact'; instant: number }
  | { kind: 'ambiguous'; earlier: number; later: number }
  | { kind: 'gap'; instant: number };

export class PacificTimeError extends Error {
  override name = 'PacificTimeError';
}

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: PACIFIC_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The Pacific wall clock at a UTC instant (ms since the epoch). */
export function wallAt(utcMs: number): WallTime {
  if (!Number.isFinite(utcMs)) throw new PacificTimeError(`${utcMs} is not an instant`);
  const whole = Math.floor(utcMs / SECOND_MS) * SECOND_MS;
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(whole))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? NaN,
    month: fields['month'] ?? NaN,
    day: fields['day'] ?? NaN,
    hour: fields['hour'] ?? NaN,
    minute: fields['minute'] ?? NaN,
    second: fields['second'] ?? NaN,
    millisecond: utcMs - whole,
  };
}

/** The wall fields read as if they were UTC: the instant plus the zone's offset. */
function wallAsUtc(w: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(w.year, w.month - 1, w.day);
  date.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return date.getTime();
}

/** Pacific offset at an instant in ms (−7 h in PDT, −8 h in PST). */
export function pacificOffsetMs(utcMs: number): number {
  const whole = Math.floor(utcMs / SECOND_MS) * SECOND_MS;
  return wallAsUtc({ ...wallAt(whole), millisecond: 0 }) - whole;
}

/** Every instant a wall time names (see the module comment for the gap). */
export function instantsOf(w: WallTime): WallInstants {
  checkWall(w);
  const asUtc = wallAsUtc(w);
  // Offsets in force a day either side: a DST change happens at most once in that span in this zone.
  const before = pacificOffsetMs(asUtc - DAY_MS);
  const after = pacificOffsetMs(asUtc + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((instant) => sameWall(wallAt(instant), w))
    .sort((a, b) => a - b);
  const [first, second] = candidates;
  if (first === undefined) return { kind: 'gap', instant: asUtc - before };
  if (second === undefined) return { kind: 'exact', instant: first };
  return { kind: 'ambiguous', earlier: first, later: second };
}

/** A Pacific wall time (text or fields) as a UTC instant; the repeated hour by `rule` (default: the earlier). */
export function fromPacific(value: string | WallTime, rule: AmbiguityRule = 'earlier'): number {
  const w = typeof value === 'string' ? parsePacific(value) : value;
  const instants = instantsOf(w);
  if (instants.kind === 'ambiguous') return rule === 'earlier' ? instants.earlier : instants.later;
  return instants.instant;
}

/** A ShipStation timestamp as an ISO-8601 UTC string (`2024-09-17T17:51:14.503Z`). */
export function pacificToIso(text: string, rule: AmbiguityRule = 'earlier'): string {
  return new Date(fromPacific(text, rule)).toISOString();
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;
const OFFSET_RE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads `YYYY-MM-DD`, `YYYY-MM-DDTHH:mm[:ss[.f…]]` (up to seven fractional digits; those past the millisecond
 * are dropped, which moves the instant earlier, never later) or the filter form with a space. A value with
 * `Z` or an offset is not Pacific wall time: it is refused here, callers that accept instants check first.
 */
export function parsePacific(text: string): WallTime {
  const value = text.trim();
  const match = WALL_RE.exec(value);
  if (!match) {
    throw new PacificTimeError(
      OFFSET_RE.test(value) ? `"${text}" carries an offset; ShipStation V1 times are Pacific wall time without one` : `"${text}" is not a ShipStation date or time`,
    );
  }
  const [, year, month, day, hour, minute, second, fraction] = match;
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  };
  checkWall(wall);
  return wall;
}

/** A UTC instant as ShipStation writes it: Pacific wall time, seven fractional digits, no offset. */
export function formatPacific(utcMs: number): string {
  const w = wallAt(utcMs);
  return `${datePart(w)}T${timePart(w)}.${pad(w.millisecond, 3)}0000`;
}

/**
 * A V1 date filter (`YYYY-MM-DD HH:mm:ss`, Pacific) that starts at or before `utcMs` however ShipStation reads
 * it: floored to the second, and moved back by the DST difference when it would name the PDT copy of the
 * repeated autumn hour (module comment). Used for `*DateStart` and for the frozen `*DateEnd` of a scan.
 */
export function formatPacificFilter(utcMs: number): string {
  let instant = Math.floor(utcMs / SECOND_MS) * SECOND_MS;
  const instants = instantsOf(wallAt(instant));
  if (instants.kind === 'ambiguous' && instant === instants.earlier) instant -= instants.later - instants.earlier;
  const w = wallAt(instant);
  return `${datePart(w)} ${timePart(w)}`;
}

function datePart(w: WallTime): string {
  return `${pad(w.year, 4)}-${pad(w.month, 2)}-${pad(w.day, 2)}`;
}

function timePart(w: WallTime): string {
  return `${pad(w.hour, 2)}:${pad(w.minute, 2)}:${pad(w.second, 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function sameWall(a: WallTime, b: WallTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

function checkWall(w: WallTime): void {
  const daysInMonth = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
  const ok =
    Number.isInteger(w.year) && w.year >= 1 && w.year <= 9999 &&
    Number.isInteger(w.month) && w.month >= 1 && w.month <= 12 &&
    Number.isInteger(w.day) && w.day >= 1 && w.day <= daysInMonth &&
    Number.isInteger(w.hour) && w.hour >= 0 && w.hour <= 23 &&
    Number.isInteger(w.minute) && w.minute >= 0 && w.minute <= 59 &&
    Number.isInteger(w.second) && w.second >= 0 && w.second <= 59 &&
    Number.isInteger(w.millisecond) && w.millisecond >= 0 && w.millisecond <= 999;
  if (!ok) throw new PacificTimeError(`${datePart(w)}T${timePart(w)} is not a valid date and time`);
}
