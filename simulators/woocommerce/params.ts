/**
 * WordPress REST argument validation (`rest_validate_request_arg`): each declared argument is checked against
 * its schema before the permission callback runs, and all failures come back together as
 * 400 `rest_invalid_param` "Invalid parameter(s): a, b" with `data.params` (message per argument) and
 * `data.details` (code per argument). Messages follow WordPress 5.5+ wording.
 */
import { WpError } from './errors.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { parseRestDate, type FilterDate } from './time.ts';

/** Request arguments: query string merged under the JSON/form body (body wins, as in `WP_REST_Request`). */
export class Args {
  constructor(
    private readonly query: URLSearchParams,
    readonly body: Record<string, unknown> = {},
  ) {}

  /** Raw values of `name`, `name[]` and `name[n]` (PHP's array syntax), or of a JSON body key. */
  values(name: string): string[] | undefined {
    if (name in this.body) {
      const v = this.body[name];
      if (Array.isArray(v)) return v.map((x) => String(x));
      if (v === null || v === undefined) return undefined;
      return [typeof v === 'object' ? JSON.stringify(v) : String(v)];
    }
    const out: string[] = [];
    let seen = false;
    for (const [key, value] of this.query) {
      if (key === name || key === `${name}[]` || new RegExp(`^${escape(name)}\\[\\d+\\]$`).test(key)) {
        seen = true;
        out.push(value);
      }
    }
    return seen ? out : undefined;
  }

  one(name: string): string | undefined {
    const v = this.values(name);
    return v === undefined ? undefined : (v[v.length - 1] ?? '');
  }

  raw(name: string): unknown {
    return name in this.body ? this.body[name] : this.one(name);
  }

  queryParams(): [string, string][] {
    return [...this.query];
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `wp_sprintf('%l', …)`: "a, b, and c". */
function listText(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  if (values.length === 2) return `${values[0]} and ${values[1]}`;
  return `${values.slice(0, -1).join(', ')}, and ${values[values.length - 1]}`;
}

export class ArgCheck {
  private readonly params: Record<string, string> = {};
  private readonly details: Record<string, { code: string; message: string; data: null }> = {};

  constructor(readonly args: Args) {}

  private fail(name: string, code: string, message: string): undefined {
    if (!(name in this.params)) {
      this.params[name] = message;
      this.details[name] = { code, message, data: null };
    }
    return undefined;
  }

  int(name: string, bounds: { min?: number; max?: number } = {}): number | undefined {
    const v = this.args.raw(name);
    if (v === undefined) return undefined;
    const text = String(v).trim();
    if (!/^-?\d+(\.0+)?$/.test(text)) return this.fail(name, 'rest_invalid_type', `${name} is not of type integer.`);
    const n = Number.parseInt(text, 10);
    const { min, max } = bounds;
    if (min !== undefined && max !== undefined && (n < min || n > max)) {
      return this.fail(name, 'rest_out_of_bounds', `${name} must be between ${min} (inclusive) and ${max} (inclusive)`);
    }
    if (min !== undefined && n < min) return this.fail(name, 'rest_out_of_bounds', `${name} must be greater than or equal to ${min}`);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.args.raw(name);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    const text = String(v).toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    return this.fail(name, 'rest_invalid_type', `${name} is not of type boolean.`);
  }

  enumOne<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.args.one(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) return this.fail(name, 'rest_not_in_enum', `${name} is not one of ${listText(allowed)}.`);
    return v as T;
  }

  /** An array argument of enum strings; a plain value may list several with commas (`rest_sanitize_array`). */
  enumList<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const raw = this.args.values(name);
    if (raw === undefined) return undefined;
    const values = raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
    for (const [i, v] of values.entries()) {
      if (!(allowed as readonly string[]).includes(v)) return this.fail(name, 'rest_not_in_enum', `${name}[${i}] is not one of ${listText(allowed)}.`);
    }
    return values as T[];
  }

  /** `wp_parse_id_list`: integers from a list or comma text; junk becomes 0 and is dropped. */
  ids(name: string): number[] | undefined {
    const raw = this.args.values(name);
    if (raw === undefined) return undefined;
    return raw
      .flatMap((v) => v.split(/[\s,]+/))
      .map((v) => Math.abs(Number.parseInt(v, 10)))
      .filter((n) => Number.isFinite(n) && n > 0);
  }

  date(name: string): FilterDate | undefined {
    const v = this.args.one(name);
    if (v === undefined) return undefined;
    const parsed = parseRestDate(v);
    if (!parsed) return this.fail(name, 'rest_invalid_date', 'Invalid date.');
    return parsed;
  }

  string(name: string): string | undefined {
    const v = this.args.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'object') return this.fail(name, 'rest_invalid_type', `${name} is not of type string.`);
    return String(v);
  }

  /** Throws 400 rest_invalid_param when anything failed. */
  done(): void {
    const names = Object.keys(this.params);
    if (names.length === 0) return;
    const data: { [key: string]: JsonValue } = { params: this.params, details: this.details };
    throw new WpError('rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, 400, data);
  }
}
