/**
 * The kit's exact `Dec`, as QuickBooks reads and prints it. QBO prints amounts in their shortest form (`100`,
 * `12.5`) and the simulator writes them only as `JsonNum` text; a body's numbers arrive as `JsonNum`, never as JS
 * floats. Rounding is half away from zero [mem: QBO's exact rule is not documented].
 */
import { Dec as KitDec } from '../_kit/dec.ts';
import { JsonNum, type Json } from './json.ts';

export class Dec extends KitDec {
  // Every way into a value yields this class, so arithmetic (which keeps the receiver's class) prints QBO's way.
  static override readonly ZERO = new Dec(0n, 0);
  static override readonly ONE = new Dec(1n, 0);
  static override readonly HUNDRED = new Dec(100n, 0);

  static override of(units: bigint | number, scale = 0): Dec {
    return new Dec(BigInt(units), scale);
  }

  /** Decimal text or a JsonNum; anything else (a JS number included) is not an amount here. */
  static override parse(input: Json | undefined): Dec | undefined {
    if (input instanceof JsonNum) return Dec.parseText(input.text);
    if (typeof input === 'string') return Dec.parseText(input);
    return undefined;
  }

  static override parseText(text: string): Dec | undefined {
    const d = KitDec.parseText(text);
    return d && new Dec(d.units, d.scale);
  }

  /** Shortest exact text: how QBO prints amounts in JSON. */
  override toString(): string {
    return this.toPlain();
  }

  /** Amounts leave only as exact `JsonNum` text; a Dec reaching `JSON.stringify` is a bug, so it must not pass as a float. */
  override toJSON(): number {
    throw new TypeError('a QuickBooks Dec is written with toJson(), never through JSON.stringify');
  }

  /** The JSON number, exact. */
  toJson(): JsonNum {
    return new JsonNum(this.toString());
  }
}

/** Sum starting from this class's zero, so an empty list still prints QBO's way. */
export function sum(values: readonly Dec[]): Dec {
  return values.reduce((acc, v) => acc.add(v), Dec.ZERO);
}
