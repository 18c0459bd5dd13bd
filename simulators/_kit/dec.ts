/**
 * Exact decimal arithmetic on bigint for money. The accounting platforms compute totals in decimal; doing the
 * same with floats would make a simulator disagree with them (and with a correct client) by a cent on ordinary
 * inputs such as 0.1 + 0.2. A value is `units / 10^scale`. Rounding is half away from zero, the commercial rule
 * the platforms' totals appear to follow [mem].
 *
 * Arithmetic returns the receiver's class, so a simulator may subclass `Dec` to change only how a value prints
 * (QuickBooks prints the shortest text) and keep that through every sum.
 */
export class Dec {
  protected constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Dec(0n, 0);
  static readonly ONE = new Dec(1n, 0);
  static readonly HUNDRED = new Dec(100n, 0);

  static of(units: bigint | number, scale = 0): Dec {
    return new Dec(BigInt(units), scale);
  }

  /** Parses `12`, `-3.50`, `1e-3`, a bigint, or a JS number (via its shortest decimal form); undefined when not numeric. */
  static parse(input: unknown): Dec | undefined {
    if (typeof input === 'bigint') return new Dec(input, 0);
    if (typeof input === 'number') {
      if (!Number.isFinite(input)) return undefined;
      return Dec.parseText(String(input));
    }
    if (typeof input !== 'string') return undefined;
    return Dec.parseText(input);
  }

  /** Parses decimal text only (`12`, `-3.50`, `.5`, `1e-3`, surrounding spaces allowed); undefined when not numeric. */
  static parseText(text: string): Dec | undefined {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
    const sign = m[1] === '-' ? -1n : 1n;
    const frac = m[3] ?? '';
    let units = BigInt(`${m[2] || '0'}${frac}`) * sign;
    let scale = frac.length - Number(m[4] ?? '0');
    if (scale < 0) {
      units *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return new Dec(units, scale);
  }

  private static align(a: Dec, b: Dec): [bigint, bigint, number] {
    if (a.scale === b.scale) return [a.units, b.units, a.scale];
    if (a.scale > b.scale) return [a.units, b.units * 10n ** BigInt(a.scale - b.scale), a.scale];
    return [a.units * 10n ** BigInt(b.scale - a.scale), b.units, b.scale];
  }

  protected make(units: bigint, scale: number): this {
    return new (this.constructor as new (units: bigint, scale: number) => this)(units, scale);
  }

  add(other: Dec): this {
    const [x, y, s] = Dec.align(this, other);
    return this.make(x + y, s);
  }

  sub(other: Dec): this {
    const [x, y, s] = Dec.align(this, other);
    return this.make(x - y, s);
  }

  mul(other: Dec): this {
    return this.make(this.units * other.units, this.scale + other.scale);
  }

  neg(): this {
    return this.make(-this.units, this.scale);
  }

  /** `this / other`, rounded half away from zero to `scale` places. */
  div(other: Dec, scale: number): this {
    if (other.units === 0n) throw new RangeError('division by zero');
    const num = this.units * 10n ** BigInt(other.scale + scale);
    const den = other.units * 10n ** BigInt(this.scale);
    return this.make(roundDiv(num, den), scale);
  }

  round(scale: number): this {
    if (scale >= this.scale) return this.make(this.units * 10n ** BigInt(scale - this.scale), scale);
    return this.make(roundDiv(this.units, 10n ** BigInt(this.scale - scale)), scale);
  }

  cmp(other: Dec): -1 | 0 | 1 {
    const [x, y] = Dec.align(this, other);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  eq(other: Dec): boolean {
    return this.cmp(other) === 0;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  min(other: this): this {
    return this.cmp(other) <= 0 ? this : other;
  }

  /** Places after the point once trailing zeros are dropped (1.50 → 1). */
  significantScale(): number {
    let { units, scale } = this;
    while (scale > 0 && units % 10n === 0n) {
      units /= 10n;
      scale--;
    }
    return scale;
  }

  /** Fixed-point text with exactly `scale` places (defaults to the value's own scale). */
  toFixed(scale = this.scale): string {
    const r = this.round(scale);
    const negative = r.units < 0n;
    const digits = (negative ? -r.units : r.units).toString().padStart(scale + 1, '0');
    const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return negative ? `-${body}` : body;
  }

  /** Shortest exact text, trailing zeros dropped (`100`, `12.5`). */
  toPlain(): string {
    return this.toFixed(this.significantScale());
  }

  /** The value's own scale, so `2.50` stays `2.50` (Zoho prints a rounded amount's every place). */
  toString(): string {
    return this.toFixed();
  }

  /**
   * The JSON number Zoho would print. Only called at the response boundary: the value is already rounded to
   * the currency's precision, so the shortest double that prints back as the same decimal is exact enough.
   */
  toJSON(): number {
    return Number(this.toFixed());
  }
}

function roundDiv(num: bigint, den: bigint): bigint {
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

/** Sum of a list of decimals, starting from the kit's zero; a subclass that prints differently needs its own (QuickBooks has one). */
export function sum(values: readonly Dec[]): Dec {
  return values.reduce((acc, v) => acc.add(v), Dec.ZERO);
}
