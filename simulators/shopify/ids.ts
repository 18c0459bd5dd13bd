/**
 * Shopify ids: numeric legacy ids (kept as strings — they pass 2^53, so a JS number would round them) and
 * global ids `gid://shopify/<Type>/<id>`. One counter for the whole simulator, started where Shopify's own
 * documentation examples sit, so every id is already above Number.MAX_SAFE_INTEGER.
 */

export const FIRST_ID = 820982911946154508n;

export class IdSource {
  private next = FIRST_ID;

  /** Steps by a small odd amount so neighbouring ids are not consecutive, as on the real platform. */
  take(): string {
    const id = this.next;
    this.next += 7919n;
    return id.toString();
  }

  reset(): void {
    this.next = FIRST_ID;
  }
}

export type GidType =
  | 'Order'
  | 'LineItem'
  | 'ShippingLine'
  | 'Customer'
  | 'MailingAddress'
  | 'Refund'
  | 'RefundLineItem'
  | 'RefundShippingLine'
  | 'OrderTransaction'
  | 'Product'
  | 'ProductVariant'
  | 'Shop'
  | 'WebhookSubscription';

export function gid(type: GidType, id: string): string {
  return `gid://shopify/${type}/${id}`;
}

/** Accepts a gid of the expected type or a bare legacy id; returns the legacy id or undefined. */
export function legacyId(type: GidType, value: string): string | undefined {
  if (/^\d+$/.test(value)) return value;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  if (!m || m[1] !== type) return undefined;
  return m[2];
}

export function isGid(value: string): boolean {
  return /^gid:\/\/shopify\/[A-Za-z]+\/\d+/.test(value);
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
