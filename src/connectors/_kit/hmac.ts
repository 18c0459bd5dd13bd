/**
 * Webhook signature helpers shared by every connector: HMAC-SHA256 over the exact raw body, a constant-time
 * comparison that never throws, and a case-insensitive header lookup (HTTP header names are case-insensitive,
 * and Node lower-cases them while test tools often send `X-Shopify-Hmac-Sha256`).
 *
 * Always hash the raw request bytes: re-serialising parsed JSON changes them (Shopify escapes `/` as `\/`),
 * which is the most common cause of "valid" webhooks failing verification.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

type Bytes = string | Buffer | Uint8Array;

/** base64(HMAC-SHA256(secret, rawBody)): Shopify's `X-Shopify-Hmac-Sha256`, WooCommerce's `X-WC-Webhook-Signature`. */
export function hmacSha256Base64(secret: Bytes, rawBody: Bytes): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** hex(HMAC-SHA256(secret, rawBody)), for services that sign in hex. */
export function hmacSha256Hex(secret: Bytes, rawBody: Bytes): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Constant-time equality of two byte strings (strings are compared as UTF-8). Different lengths give false
 * without comparing, which leaks only the length: signatures have a fixed length anyway. Never throws.
 */
export function safeEqual(a: Bytes | null | undefined, b: Bytes | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a);
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : Buffer.from(b);
  if (left.length !== right.length || left.length === 0) return false;
  return timingSafeEqual(left, right);
}

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The value of header `name`, whatever the case of the key it was stored under; the first one when the header
 * came more than once. Undefined when absent; an empty value counts as absent.
 * @example headerValue({ 'x-shopify-topic': 'orders/create' }, 'X-Shopify-Topic') // 'orders/create'
 */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, raw] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** The names in `required` that `headers` lacks (case-insensitive), in the order given. */
export function missingHeaders(headers: HeaderBag, required: readonly string[]): string[] {
  return required.filter((name) => headerValue(headers, name) === undefined);
}
