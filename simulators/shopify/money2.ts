/**
 * Shop/presentment money pairs. Presentment amounts are converted per component and then summed in their own
 * currency, so each currency's totals add up exactly on their own (as Shopify states them), instead of
 * converting a total and leaving cents that no line explains.
 */
import { add, fixed, mul, sub, sum, cmp } from '../_kit/decimal-text.ts';
import type { Money2 } from './types.ts';

export const ZERO: Money2 = { shop: '0.00', presentment: '0.00' };

export function convert(shopAmount: string, rate: string): Money2 {
  return { shop: fixed(shopAmount), presentment: fixed(mul(shopAmount, rate)) };
}

export function addM(a: Money2, b: Money2): Money2 {
  return { shop: fixed(add(a.shop, b.shop)), presentment: fixed(add(a.presentment, b.presentment)) };
}

export function subM(a: Money2, b: Money2): Money2 {
  return { shop: fixed(sub(a.shop, b.shop)), presentment: fixed(sub(a.presentment, b.presentment)) };
}

export function sumM(values: readonly Money2[]): Money2 {
  return {
    shop: fixed(sum(values.map((v) => v.shop))),
    presentment: fixed(sum(values.map((v) => v.presentment))),
  };
}

export function timesM(a: Money2, quantity: number): Money2 {
  return { shop: fixed(mul(a.shop, String(quantity))), presentment: fixed(mul(a.presentment, String(quantity))) };
}

export function isPositiveM(a: Money2): boolean {
  return cmp(a.shop, '0') > 0;
}

export function cloneM(a: Money2): Money2 {
  return { shop: a.shop, presentment: a.presentment };
}
