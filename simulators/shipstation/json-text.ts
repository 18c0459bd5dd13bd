/**
 * ShipStation amounts as JSON numbers in their shortest form (`10`, `39.5`, `-20.55`), the way captured payloads
 * print them (notes §8), written from the exact decimal text and never through a float.
 */
import { plain } from '../_kit/decimal-text.ts';
import { RawJson } from '../_kit/json-text.ts';

export function num(decimal: string): RawJson {
  return new RawJson(plain(decimal));
}
