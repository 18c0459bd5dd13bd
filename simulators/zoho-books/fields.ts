/**
 * Readers for request-body fields. Each refuses a wrong type with Zoho's "Invalid value passed for <field>"
 * (code 2 pattern), which is how Books reports malformed input (api notes §2.4, [3p]).
 */
import { Dec } from '../_kit/dec.ts';
import { fail } from './envelope.ts';
import type { JsonObject } from './request-body.ts';
import type { Address, CustomField, Discount } from './state.ts';
import { isValidDate } from './time-format.ts';

export function has(body: JsonObject, field: string): boolean {
  return body[field] !== undefined && body[field] !== null;
}

export function text(body: JsonObject, field: string, fallback = ''): string {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw fail.invalid(field);
}

export function requiredText(body: JsonObject, field: string): string {
  const v = text(body, field).trim();
  if (v === '') throw fail.invalid(field);
  return v;
}

/** IDs arrive as strings, or as numbers from clients that follow the OAS examples; both are accepted. */
export function id(body: JsonObject, field: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === '') return '';
  if (typeof v === 'string' && /^\d+$/.test(v)) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  throw fail.invalid(field);
}

export function decimal(body: JsonObject, field: string, fallback?: Dec): Dec {
  const v = body[field];
  if ((v === undefined || v === null || v === '') && fallback) return fallback;
  const d = Dec.parse(v);
  if (!d) throw fail.invalid(field);
  return d;
}

export function bool(body: JsonObject, field: string, fallback: boolean): boolean {
  const v = body[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw fail.invalid(field);
}

export function date(body: JsonObject, field: string, fallback: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  if (!isValidDate(v)) throw fail.invalid(field);
  return v;
}

export function int(body: JsonObject, field: string, fallback: number): number {
  const v = body[field];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw fail.invalid(field);
  return n;
}

export function object(body: JsonObject, field: string): JsonObject | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw fail.invalid(field);
  return v as JsonObject;
}

export function list(body: JsonObject, field: string): JsonObject[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) throw fail.invalid(field);
  return v as JsonObject[];
}

const ADDRESS_FIELDS = ['attention', 'address', 'street2', 'state_code', 'city', 'state', 'zip', 'country', 'fax', 'phone'] as const;

export function address(body: JsonObject, field: string): Address | undefined {
  const o = object(body, field);
  if (!o) return undefined;
  const out: Address = {};
  for (const key of ADDRESS_FIELDS) if (has(o, key)) out[key] = text(o, key);
  return out;
}

export function customFields(body: JsonObject): CustomField[] | undefined {
  const entries = list(body, 'custom_fields');
  return entries?.map((e) => ({
    ...(has(e, 'customfield_id') ? { customfield_id: id(e, 'customfield_id') } : {}),
    ...(has(e, 'api_name') ? { api_name: text(e, 'api_name') } : {}),
    ...(has(e, 'index') ? { index: int(e, 'index', 0) } : {}),
    ...(has(e, 'label') ? { label: text(e, 'label') } : {}),
    value: e.value ?? '',
  }));
}

/** A discount as Zoho takes it: `"12.5%"` is a percentage, a plain number or numeric string an amount. */
export function discount(body: JsonObject, field: string): Discount | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' && v.trim().endsWith('%')) {
    const percent = Dec.parse(v.trim().slice(0, -1));
    if (!percent || percent.isNegative() || percent.cmp(Dec.HUNDRED) > 0) throw fail.invalid(field);
    return { percent };
  }
  const amount = Dec.parse(v);
  if (!amount || amount.isNegative()) throw fail.invalid(field);
  return { amount };
}

export function discountText(d: Discount | undefined): string | number {
  if (!d) return 0;
  return 'percent' in d ? `${d.percent.toString()}%` : d.amount.toJSON();
}
