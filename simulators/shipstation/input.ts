/**
 * Coercion of loosely typed input: API bodies read by `readJson` (numbers as `JsonNumber`), control bodies, and
 * query strings. Each reader names the field in its error so a caller sees what to fix.
 */
import { isDecimal } from '../_kit/decimal-text.ts';
import { SimInputError } from './errors.ts';
import { JsonNumber } from './json-read.ts';
import { fromPacificWall, offsetMinutes, parseWallInput, type AmbiguousTimeRule } from './pacific-time.ts';

export type Loose = Record<string, unknown>;

export function isObject(v: unknown): v is Loose {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

export function obj(v: unknown, field: string): Loose {
  if (!isObject(v)) throw new SimInputError(`${field} must be an object`);
  return v;
}

export function optObj(v: unknown, field: string): Loose | undefined {
  return v === undefined || v === null ? undefined : obj(v, field);
}

export function str(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new SimInputError(`${field} is required (string)`);
  return v;
}

export function optStr(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (v instanceof JsonNumber || typeof v === 'number') return String(v instanceof JsonNumber ? v.text : v);
  throw new SimInputError(`${field} must be a string`);
}

export function bool(v: unknown, field: string, fallback = false): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True') return true;
  if (v === 'false' || v === 'False') return false;
  throw new SimInputError(`${field} must be true or false`);
}

export function optBool(v: unknown, field: string): boolean | null {
  return v === undefined || v === null ? null : bool(v, field);
}

/** Decimal text of an amount given as a JSON number, a string, or (in-process) a JS number. */
export function decimal(v: unknown, field: string): string {
  let text: string | undefined;
  if (v instanceof JsonNumber) text = v.text;
  else if (typeof v === 'string') text = v.trim();
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  if (text === undefined || !isDecimal(text)) throw new SimInputError(`${field} must be a decimal number`);
  return text.replace(/^\+/, '');
}

export function optDecimal(v: unknown, field: string): string | null {
  return v === undefined || v === null ? null : decimal(v, field);
}

export function int(v: unknown, field: string): number {
  const text = v instanceof JsonNumber ? v.text : typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new SimInputError(`${field} must be an integer`);
  return Number(text);
}

export function optInt(v: unknown, field: string): number | null {
  return v === undefined || v === null || v === '' ? null : int(v, field);
}

export function array(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new SimInputError(`${field} must be an array`);
  return v;
}

export function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new SimInputError(`${field} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/**
 * A datetime in an order body. Without an offset it is Pacific wall time, like every V1 datetime (notes §2);
 * with `Z` or an offset it is that instant.
 */
export function instant(v: unknown, field: string, rule: AmbiguousTimeRule): number {
  if (typeof v !== 'string') throw new SimInputError(`${field} must be a datetime string`);
  const parsed = parseWallInput(v);
  if (!parsed) throw new SimInputError(`${field} is not a valid datetime: ${v}`);
  if (parsed.offset !== undefined) {
    const w = parsed.wall;
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms) - offsetMinutes(parsed.offset) * 60_000;
  }
  return fromPacificWall(parsed.wall, rule);
}

export function optInstant(v: unknown, field: string, rule: AmbiguousTimeRule): number | null {
  return v === undefined || v === null || v === '' ? null : instant(v, field, rule);
}

/** `YYYY-MM-DD` from a date or datetime string (the date part is kept as written). */
export function optDateOnly(v: unknown, field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || !parseWallInput(v)) throw new SimInputError(`${field} must be a date (YYYY-MM-DD)`);
  return v.trim().slice(0, 10);
}
