/**
 * Exact decimal arithmetic on decimal strings, backed by bigint. The simulators state the platforms' totals; a JS
 * float would add rounding errors no platform makes (0.1 + 0.2) or hide the ones a client makes, and the point of
 * a simulator is to catch the client's arithmetic, not to add errors of its own. Amounts stay the text they
 * arrived as and rounding happens only where asked: half away from zero, the commercial rule (and PHP's `round()`,
 * so WooCommerce's `NumberUtil::round`).
 */

interface Fixed {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Thrown for text that is not a decimal, so a simulator can answer 400 rather than crash. */
export class DecimalError extends Error {}

/** True when the text is a decimal once surrounding whitespace is ignored, i.e. when the functions here accept it. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text.trim());
}

/**
 * True only for decimal text with nothing around it: Shopify refuses `" 29.00"` in a money input, where
 * WooCommerce and ShipStation read it as 29.00.
 */
export function isBareDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

function parse(text: string): Fixed {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new DecimalError(`not a decimal: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const units = BigInt(`${m[2]}${frac}`);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function render(f: Fixed): string {
  const negative = f.units < 0n;
  const digits = (negative ? -f.units : f.units).toString().padStart(f.scale + 1, '0');
  const body = f.scale === 0 ? digits : `${digits.slice(0, -f.scale)}.${digits.slice(-f.scale)}`;
  return negative ? `-${body}` : body;
}

function align(a: Fixed, b: Fixed): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

/** Integer division rounding half away from zero. */
function roundDiv(num: bigint, den: bigint): bigint {
  if (den < 0n) return roundDiv(-num, -den);
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const q = (abs * 2n + den) / (den * 2n);
  return negative ? -q : q;
}

function dropTrailingZeros(f: Fixed, minScale = 0): Fixed {
  let { units, scale } = f;
  while (scale > minScale && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

export function add(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return render({ units: x + y, scale });
}

export function sub(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return render({ units: x - y, scale });
}

export function mul(a: string, b: string): string {
  const x = parse(a);
  const y = parse(b);
  return render({ units: x.units * y.units, scale: x.scale + y.scale });
}

export function neg(a: string): string {
  const x = parse(a);
  return render({ units: -x.units, scale: x.scale });
}

export function sum(values: readonly string[]): string {
  return values.reduce((acc, v) => add(acc, v), '0');
}

export function cmp(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: string): boolean {
  return parse(a).units === 0n;
}

export function isNegative(a: string): boolean {
  return parse(a).units < 0n;
}

/** Exactly `dp` places: padded with zeros, or rounded half away from zero. */
function toScale(f: Fixed, dp: number): Fixed {
  if (f.scale <= dp) return { units: f.units * pow10(dp - f.scale), scale: dp };
  return { units: roundDiv(f.units, pow10(f.scale - dp)), scale: dp };
}

/** Rounds half away from zero to `dp` places and always renders exactly `dp` places ("29.00"), like `wc_format_decimal($v, $dp)`. */
export function fixed(a: string, dp = 2): string {
  return render(toScale(parse(a), dp));
}

/**
 * Two places without rounding ("10" → "10.00"), refusing a value that would need it: ShipStation's `fixed2`
 * money style may only re-pad an amount, never change it.
 */
export function fixed2Exact(a: string): string {
  const f = dropTrailingZeros(parse(a));
  if (f.scale > 2) throw new DecimalError(`more than two decimal places: ${a}`);
  return render(toScale(f, 2));
}

/**
 * The shortest text of the value: trailing fractional zeros and a bare point dropped ("10.00" → "10",
 * "39.50" → "39.5", "-0.00" → "0"), as ShipStation's JSON prints amounts. With `maxPlaces` the value is first
 * rounded to at most that many places (WooCommerce prints tax totals through 12).
 */
export function plain(a: string, maxPlaces?: number): string {
  const f = parse(a);
  return render(dropTrailingZeros(maxPlaces === undefined ? f : toScale(f, Math.min(f.scale, maxPlaces))));
}

/**
 * Like `plain` but keeping one place on whole numbers ("29.00" → "29.0", "0.08250" → "0.0825"): how Ruby prints a
 * BigDecimal or float, so Shopify's GraphQL `Decimal` and its webhook tax rates.
 */
export function plainWithPoint(a: string): string {
  const f = parse(a);
  return render(dropTrailingZeros(toScale(f, Math.max(f.scale, 1)), 1));
}

/** a × num ÷ den, rounded to `dp` places: pro-rata shares (refunded quantity / ordered quantity). */
export function mulDiv(a: string, num: bigint, den: bigint, dp = 2): string {
  const f = parse(a);
  const scaled = f.units * num * pow10(dp);
  return render({ units: roundDiv(scaled, den * pow10(f.scale)), scale: dp });
}

/** round(a × num ÷ den, dp) with every operand a decimal string: tax = net × rate ÷ 100, etc. */
export function ratio(a: string, num: string, den: string, dp: number): string {
  const x = parse(a);
  const n = parse(num);
  const d = parse(den);
  if (d.units === 0n) throw new DecimalError('division by zero');
  const numerator = x.units * n.units * pow10(d.scale) * pow10(dp);
  const denominator = pow10(x.scale) * pow10(n.scale) * d.units;
  return render({ units: roundDiv(numerator, denominator), scale: dp });
}

/**
 * a ÷ n as the text PHP prints for the float quotient (`line total / quantity` → `price`). Exact when the
 * quotient terminates within 12 places ("3", "3.5"); otherwise the shortest text of the nearest IEEE double,
 * which is what PHP's `json_encode` (serialize_precision -1) prints. The only place a float appears, and only to
 * print a value the real API itself sends as a float.
 */
export function quotientText(a: string, n: number): string {
  if (n === 0) return '0';
  const exact = ratio(a, '1', String(n), 12);
  if (cmp(ratio(exact, String(n), '1', 12), a) === 0) return plain(exact);
  return String(Number(ratio(a, '1', String(n), 20)));
}

export function toMinor(a: string, dp = 2): bigint {
  return toScale(parse(a), dp).units;
}

export function fromMinor(units: bigint, dp = 2): string {
  return render({ units, scale: dp });
}

/**
 * Splits `total` (at `dp` places) over `weights` in proportion: floor shares first, leftover minor units to the
 * largest remainders, so the parts always add back to the total exactly (a discount spread over order lines).
 * Weights count at their full precision; zero or negative weights get nothing.
 */
export function allocate(total: string, weights: readonly string[], dp = 2): string[] {
  const totalMinor = toMinor(total, dp);
  const w = weights.map((x) => (cmp(x, '0') > 0 ? parse(x) : { units: 0n, scale: 0 }));
  const scale = Math.max(0, ...w.map((x) => x.scale));
  const wu = w.map((x) => x.units * pow10(scale - x.scale));
  const wSum = wu.reduce((a, b) => a + b, 0n);
  if (wu.length === 0) return [];
  if (wSum === 0n) return wu.map((_, i) => fromMinor(i === 0 ? totalMinor : 0n, dp));
  const shares = wu.map((x) => (totalMinor * x) / wSum);
  const remainders = wu.map((x, i) => ({ i, r: totalMinor * x - (shares[i] ?? 0n) * wSum }));
  let left = totalMinor - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((p, q) => (q.r > p.r ? 1 : q.r < p.r ? -1 : p.i - q.i));
  for (const { i } of remainders) {
    if (left <= 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares.map((s) => fromMinor(s, dp));
}
