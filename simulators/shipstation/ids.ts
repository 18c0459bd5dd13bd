/**
 * Id sequences shared by every account of one simulator, as on the real service (an orderId is unique
 * system-wide, so another account's id simply does not resolve). V1 ids are integers (notes §1); V2 ids are
 * `se-` strings from their own sequence, because V1 and V2 ids are not shared (notes §6).
 */
import { randomUUID } from 'node:crypto';

const STARTS = {
  account: 4_100_001,
  store: 518_236,
  order: 470_873_934,
  orderItem: 128_836_912,
  customer: 37_701_499,
  customerUser: 51_022_001,
  shipment: 271_726_263,
  fulfillment: 33_500_101,
  batch: 144_015_674,
  webhook: 1_000_501,
  customsItem: 9_100_001,
  product: 7_854_008,
  shippingProvider: 12_345,
  v2: 28_529_731,
} as const;

export type Sequence = keyof typeof STARTS;

export class Ids {
  private next: Record<Sequence, number> = { ...STARTS };

  take(seq: Sequence): number {
    const id = this.next[seq];
    this.next[seq] = id + 1;
    return id;
  }

  /** `se-28529731` (pattern `^se(-[a-z0-9]+)+$`, notes §1). */
  se(): string {
    return `se-${this.take('v2')}`;
  }

  reset(): void {
    this.next = { ...STARTS };
  }
}

export function guid(): string {
  return randomUUID();
}

/** Random lower-case hex, for generated API keys. */
export function hexKey(length = 32): string {
  let out = '';
  while (out.length < length) out += randomUUID().replace(/-/g, '');
  return out.slice(0, length);
}
