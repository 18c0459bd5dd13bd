/**
 * Conversions at the edge between driver values and port types, so that PGlite and pg (which disagree on int8
 * and agree on little else) produce identical rows.
 */

/** timestamptz → ISO 8601 string (UTC, millisecond precision). */
export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new TypeError(`expected a timestamp, got ${typeof value}`);
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

/** int4/int8/count(*) → number. pg gives int8 as string, PGlite as number or bigint. */
export function int(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`expected an integer, got ${typeof value}`);
}

export function intOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : int(value);
}

export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A jsonb parameter. pg would turn a JS array into a PostgreSQL array literal, so always send text. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** A row's timestamp parameter. */
export function tsParam(date: Date | string): string {
  return typeof date === 'string' ? new Date(date).toISOString() : date.toISOString();
}
