/**
 * Shopify global ids (`gid://shopify/Order/820982911946154508`) ↔ the numeric legacy ids REST and webhooks use.
 * Everything that touches a `gid://` string goes through here. Ids stay strings: they exceed 2^53.
 */

const GID_RE = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/;
const NUMERIC_RE = /^\d+$/;

export type ShopifyResource = 'Order' | 'Customer' | 'LineItem' | 'Product' | 'ProductVariant' | 'ShippingLine' | 'MailingAddress';

/** The resource and numeric id of a gid, or null when `value` is not one. Query strings (`?model_name=`) are ignored. */
export function parseGid(value: string): { resource: string; id: string } | null {
  const match = GID_RE.exec(value.trim());
  return match ? { resource: match[1] ?? '', id: match[2] ?? '' } : null;
}

/**
 * The numeric id as a string, from a gid, a digit string, a number or a bigint. Anything else (an unknown
 * format such as `gid://shopify/ShippingLine/abc`) is returned trimmed, so a mapping never invents an id.
 */
export function legacyId(value: string | number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return String(value);
  const trimmed = value.trim();
  return parseGid(trimmed)?.id ?? trimmed;
}

/**
 * The gid of `resource` for a numeric id or an existing gid of that resource; null for anything else (a gid of
 * another resource, a non-numeric id), so a caller can refuse it before asking Shopify.
 */
export function toGid(resource: ShopifyResource, id: string | number | bigint): string | null {
  const text = String(id).trim();
  if (NUMERIC_RE.test(text)) return `gid://shopify/${resource}/${text}`;
  const parsed = parseGid(text);
  return parsed && parsed.resource === resource ? `gid://shopify/${resource}/${parsed.id}` : null;
}
