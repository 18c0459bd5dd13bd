/**
 * The Shopify connector: a source (orders, customers) with signed webhooks and a polling safety net.
 * Auth is a stored offline access token (no refresh flow), so `auth` is undefined.
 */
import { manifest } from './connector.ts';
import { createShopifySource } from './source.ts';
import { shopifyWebhook } from './webhook.ts';

export const shopifyConnector = {
  manifest,
  webhook: shopifyWebhook,
  source: createShopifySource,
  auth: undefined,
} as const;

export { API_VERSION, manifest, ShopifyConfig, ShopifySecrets } from './connector.ts';
export { createShopifyClient } from './client.ts';
export type { ShopifyClient, ShopifyClientOptions, ThrottleStatus } from './client.ts';
export { createShopifySource } from './source.ts';
export type { ShopifySource, ShopifySourceOptions } from './source.ts';
export { shopifyWebhook } from './webhook.ts';
export { customerFromGraphql, customerFromRest, orderFromGraphql, orderFromRest } from './to-canonical.ts';
export { legacyId, toGid } from './gid.ts';
