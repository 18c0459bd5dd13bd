/**
 * Readers for body values. A value of the wrong type is refused the way QBO's schema-bound reader refuses it
 * (2010 invalid property [mem]); a missing required one is 2020 [src S15]. Amounts accept JSON numbers and
 * numeric strings (both deserialize to a decimal in QBO [mem]).
 */
import { fault, type Scope } from './context.ts';
import { Dec } from './decimal.ts';
import type { Json, JsonObject } from './json.ts';
import { isValidDate } from './time.ts';

export function invalid(scope: Scope, name: string): never {
  throw fault(scope, 'invalidProperty', { name }, name);
}

export function required(scope: Scope, name: string): never {
  throw fault(scope, 'required', { name }, name);
}

export function readDec(scope: Scope, value: Json | undefined, name: string): Dec | undefined {
  if (value === undefined || value === null) return undefined;
  const d = Dec.parse(value);
  if (!d) invalid(scope, name);
  return d;
}

export function requireDec(scope: Scope, value: Json | undefined, name: string): Dec {
  return readDec(scope, value, name) ?? required(scope, name);
}

export function readString(scope: Scope, value: Json | undefined, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(scope, name);
  return value;
}

export function readBool(scope: Scope, value: Json | undefined, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') invalid(scope, name);
  return value;
}

export function readDate(scope: Scope, value: Json | undefined, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isValidDate(value)) invalid(scope, name);
  return value;
}

export function readEnum<T extends string>(scope: Scope, value: Json | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) invalid(scope, name);
  return value as T;
}

/** Drops keys whose value is `undefined` (full updates clear omitted fields by not copying them). */
export function compact(o: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}
