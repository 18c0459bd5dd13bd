/**
 * QBO time formats (api notes §2): dates `YYYY-MM-DD`; timestamps ISO-8601 with the company's offset, e.g.
 * `"time": "2015-05-14T10:35:04.856-07:00"` (with milliseconds) and `MetaData.CreateTime "2014-09-19T13:16:17-07:00"`.
 * Companies default to Pacific time, the zone of every Intuit sample [mem].
 */

export const DAY_MS = 86_400_000;

function parts(ms: number, timeZone: string): { date: string; time: string; offset: string } {
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(new Date(ms))) p[part.type] = part.value;
  const offsetRaw = (p['timeZoneName'] ?? 'GMT').replace('GMT', '');
  return {
    date: `${p['year']}-${p['month']}-${p['day']}`,
    time: `${p['hour']}:${p['minute']}:${p['second']}`,
    offset: offsetRaw === '' ? '+00:00' : offsetRaw,
  };
}

/** `2015-05-14T10:35:04.856-07:00` (withMs) or `2014-09-19T13:16:17-07:00`. */
export function qboTimestamp(ms: number, timeZone: string, withMs = false): string {
  const p = parts(ms, timeZone);
  const frac = withMs ? `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}` : '';
  return `${p.date}T${p.time}${frac}${p.offset}`;
}

/** The calendar date in the company's zone. */
export function localDate(ms: number, timeZone: string): string {
  return parts(ms, timeZone).date;
}

export function isValidDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** Milliseconds of an ISO date or timestamp (a bare date is midnight UTC); undefined when unparseable. */
export function parseInstant(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}
