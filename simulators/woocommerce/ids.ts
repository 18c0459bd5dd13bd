/**
 * Generated identifiers in WooCommerce's shapes: API keys `ck_`/`cs_` + 40 hex (a SHA-1 of random data, notes §2),
 * order keys `wc_order_` + 13 alphanumerics (`wp_generate_password(13, false)`), the webhook Delivery-ID
 * (`wp_hash($id . time())`, 32 hex: the same for two deliveries of one webhook within one second).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export function consumerKey(): string {
  return `ck_${createHash('sha1').update(randomBytes(32)).digest('hex')}`;
}

export function consumerSecret(): string {
  return `cs_${createHash('sha1').update(randomBytes(32)).digest('hex')}`;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function password(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export function orderKey(): string {
  return `wc_order_${password(13)}`;
}

/** `wp_generate_password(50, true, true)`: the default webhook secret when none is given. */
export function webhookSecret(): string {
  return password(50, `${ALNUM}!@#$%^&*()-_ []{}<>~\`+=,.;:/?|`);
}

/** `wp_hash($webhook_id . time())`: HMAC-MD5 with the site's salt. */
export function deliveryId(salt: string, webhookId: number, nowMs: number): string {
  return createHmac('md5', salt).update(`${webhookId}${Math.floor(nowMs / 1000)}`).digest('hex');
}

/** The checkout's cart hash (an MD5). */
export function cartHash(): string {
  return createHash('md5').update(randomBytes(16)).digest('hex');
}

export function siteSalt(): string {
  return randomBytes(32).toString('hex');
}

/** Gravatar URL WordPress reports as a user's avatar. */
export function avatarUrl(email: string): string {
  const hash = createHash('md5').update(email.trim().toLowerCase()).digest('hex');
  return `https://secure.gravatar.com/avatar/${hash}?s=96&d=mm&r=g`;
}
