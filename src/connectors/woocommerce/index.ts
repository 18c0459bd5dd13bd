/**
 * The WooCommerce connector: a source (orders, customers) with signed webhooks it registers and repairs itself,
 * and a polling safety net. Auth is a stored consumer key and secret (no token flow), so `auth` is undefined.
 */
import { manifest, woocommerceBudget } from './connector.ts';
import { createWooCommerceSource } from './source.ts';
import { woocommerceWebhook } from './webhook.ts';

export const woocommerceConnector = {
  manifest,
  webhook: woocommerceWebhook,
  source: createWooCommerceSource,
  auth: undefined,
  budget: woocommerceBudget,
  streams: ['orders', 'customers'],
} as const;

export { HANDLED_TOPICS, manifest, normalizeSiteUrl, WooCommerceConfig, WooCommerceSecrets, woocommerceBudget } from './connector.ts';
export { createWooCommerceClient } from './client.ts';
export type { WooCommerceClient, WooCommerceClientOptions } from './client.ts';
export { createWooCommerceSource } from './source.ts';
export type { WooCommerceSource, WooCommerceSourceOptions } from './source.ts';
export { woocommerceWebhook } from './webhook.ts';
export { customerFromWooCommerce, orderFromWooCommerce } from './to-canonical.ts';
export { oauthBaseString, oauthSignature, signRequest } from './auth.ts';
