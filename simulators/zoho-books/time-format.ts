/** Date and timestamp formats Zoho uses: dates `yyyy-mm-dd`, timestamps `2013-11-18T02:02:51-0800` (api notes §2.1). */

export const DAY_MS = 86_400_000;

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Timestamp with a colon-less offset. The simulator keeps every organization on UTC. */
export function zohoTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

export function isValidDate(text: unknown): text is string {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  return isoDate(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS);
}
