/**
 * Timestamps. Shopify keeps whole seconds; GraphQL prints UTC with `Z` while REST/webhook bodies print the
 * shop's own UTC offset (notes §2.2, §4.5, pitfall 5). Both renderings are kept apart here so the client has
 * to normalise them, as against the real service.
 */

/** Floors to whole seconds: two changes within one second get the same `updatedAt`, as on Shopify. */
export function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `2026-04-01T12:00:00Z` */
export function graphqlDateTime(ms: number): string {
  return new Date(wholeSeconds(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Minutes east of UTC for an offset like `-04:00`. */
export function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new Error(`bad UTC offset ${offset}`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** `2026-04-01T08:00:00-04:00` — local wall time of the shop with its offset. */
export function restDateTime(ms: number, offset: string): string {
  const local = new Date(wholeSeconds(ms) + offsetMinutes(offset) * 60_000);
  return `${local.toISOString().slice(0, 19)}${offset === '+00:00' ? '+00:00' : offset}`;
}

/**
 * Parses a search-query date. Full timestamps carry their zone; a bare date (`2026-04-01`) or a zone-less time
 * is read in the shop's zone, which is how the admin search treats it ([mem]).
 */
export function parseSearchDate(value: string, shopOffset: string): number | undefined {
  const bareDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const zoneless = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
  const text = bareDate ? `${value}T00:00:00${shopOffset}` : zoneless ? `${value}${shopOffset}` : value;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
