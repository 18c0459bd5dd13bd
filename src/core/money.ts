/**
 * Exact money. Amounts travel as decimal strings ("12.30") and are computed as bigint minor units of their
 * currency, so no JS float ever touches a price. Rounding is explicit and named at each call site.
 */

export type DecimalString = string;

const DECIMAL_RE = /^[+-]?(\d+)(?:\.(\d+))?$/;
const EXPONENT_RE = /^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$/;

/** ISO 4217 minor-unit exponents that differ from 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError(`"${currency}" is not an ISO 4217 currency code`);
  return EXPONENTS[code] ?? 2;
}

export class MoneyError extends Error {
  override name = 'MoneyError';
}

/** A decimal as integer units at a scale: 12.345 = { units: 12345n, scale: 3 }. */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

export function isDecimalString(value: unknown): value is DecimalString {
  return typeof value === 'string' && DECIMAL_RE.test(value.trim());
}

/** Parses "12.30", "-0.5", "1e-2" (as some JSON serialisers write small numbers). Never goes through a float. */
export function parseDec(input: string | bigint): Dec {
  if (typeof input === 'bigint') return { units: input, scale: 0 };
  const text = input.trim();
  if (EXPONENT_RE.test(text)) return parseExponent(text);
  const match = DECIMAL_RE.exec(text);
  if (!match) throw new MoneyError(`"${input}" is not a decimal amount`);
  const fraction = match[2] ?? '';
  const digits = BigInt((match[1] ?? '0') + fraction);
  return { units: text.startsWith('-') ? -digits : digits, scale: fraction.length };
}

function parseExponent(text: string): Dec {
  const [mantissa = '0', exp = '0'] = text.toLowerCase().split('e');
  const base = parseDec(mantissa);
  const shift = Number(exp);
  if (!Number.isSafeInteger(shift) || Math.abs(shift) > 40) throw new MoneyError(`"${text}" is out of range`);
  return shift >= 0
    ? { units: base.units * 10n ** BigInt(shift), scale: base.scale }
    : { units: base.units, scale: base.scale - shift };
}

export function rescale(value: Dec, scale: number): Dec {
  if (scale < value.scale) throw new MoneyError('rescale would lose digits; use round()');
  return { units: value.units * 10n ** BigInt(scale - value.scale), scale };
}

export type RoundingMode = 'half-up' | 'half-even';

/** Rounds to `scale` digits. half-up rounds .5 away from zero, as Shopify, Zoho and QuickBooks do. */
export function round(value: Dec, scale: number, mode: RoundingMode = 'half-up'): Dec {
  if (scale >= value.scale) return rescale(value, scale);
  const divisor = 10n ** BigInt(value.scale - scale);
  const negative = value.units < 0n;
  const abs = negative ? -value.units : value.units;
  let quotient = abs / divisor;
  const remainder = abs % divisor;
  const twice = remainder * 2n;
  if (twice > divisor || (twice === divisor && (mode === 'half-up' || quotient % 2n === 1n))) quotient += 1n;
  return { units: negative ? -quotient : quotient, scale };
}

export function add(a: Dec, b: Dec): Dec {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale).units + rescale(b, scale).units, scale };
}

export function sub(a: Dec, b: Dec): Dec {
  return add(a, { units: -b.units, scale: b.scale });
}

export function mul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function neg(a: Dec): Dec {
  return { units: -a.units, scale: a.scale };
}

export function sum(values: readonly Dec[]): Dec {
  return values.reduce(add, ZERO);
}

export function compare(a: Dec, b: Dec): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale).units;
  const y = rescale(b, scale).units;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: Dec): boolean {
  return a.units === 0n;
}

export const ZERO: Dec = { units: 0n, scale: 0 };

/** Canonical text: no exponent, no trailing zeros beyond `minScale`. */
export function formatDec(value: Dec, minScale = 0): DecimalString {
  let v = value;
  while (v.scale > minScale && v.units % 10n === 0n) v = { units: v.units / 10n, scale: v.scale - 1 };
  if (v.scale < minScale) v = rescale(v, minScale);
  const negative = v.units < 0n;
  const digits = (negative ? -v.units : v.units).toString().padStart(v.scale + 1, '0');
  const whole = digits.slice(0, digits.length - v.scale);
  const fraction = v.scale > 0 ? `.${digits.slice(digits.length - v.scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** An amount in a currency's minor units, e.g. "12.3" USD → 1230n. Refuses amounts finer than the currency allows. */
export function toMinor(amount: DecimalString | Dec, currency: string): bigint {
  const value = typeof amount === 'string' ? parseDec(amount) : amount;
  const exponent = currencyExponent(currency);
  const rounded = round(value, exponent);
  if (compare(rounded, value) !== 0) {
    throw new MoneyError(`${formatDec(value)} has more decimals than ${currency.toUpperCase()} allows`);
  }
  return rounded.units;
}

export function fromMinor(minor: bigint, currency: string): DecimalString {
  const exponent = currencyExponent(currency);
  return formatDec({ units: minor, scale: exponent }, exponent);
}

/** Rounds any decimal to the currency's precision and returns it as a string with exactly that many decimals. */
export function roundMoney(amount: DecimalString | Dec, currency: string, mode: RoundingMode = 'half-up'): DecimalString {
  const value = typeof amount === 'string' ? parseDec(amount) : amount;
  const exponent = currencyExponent(currency);
  return formatDec(round(value, exponent, mode), exponent);
}

/**
 * Splits `total` minor units across `weights` in proportion, largest-remainder, so the parts always add up to
 * the total exactly (used to spread an order-level discount over lines).
 */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  const weightSum = weights.reduce((a, b) => a + b, 0n);
  if (weights.length === 0) return [];
  if (weightSum === 0n) {
    const parts = weights.map(() => 0n);
    parts[0] = total;
    return parts;
  }
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const floors = weights.map((w) => (abs * w) / weightSum);
  let left = abs - floors.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((w, i) => ({ i, rem: (abs * w) % weightSum }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    floors[i] = (floors[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return floors.map((v) => (negative ? -v : v));
}
