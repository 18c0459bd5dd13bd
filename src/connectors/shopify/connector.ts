/**
 * Shopify: static facts, in one typed object. Numbers and names are cited in /work/shared/api/shopify.md
 * (§ numbers below). `API_VERSION` is the one place the Admin API version is written: the GraphQL URL and the
 * webhook subscriptions both take it from here.
 */
import { z } from 'zod';
import type { EntityType } from '../../sync/ports.ts';

/**
 * The Admin API version we speak (§1.1): stable, supported until about 2027-04. Shopify answers an unsupported
 * version with the oldest supported one and says so in `X-Shopify-API-Version`.
 */
export const API_VERSION = '2026-04';

const MINUTE_MS = 60_000;

export const manifest = {
  system: 'shopify',
  displayName: 'Shopify',
  role: 'source',
  apiVersion: API_VERSION,
  /** `${base}/admin/api/${API_VERSION}/graphql.json` (§1.2); base is `https://<shopDomain>` unless `apiBaseUrl` is set. */
  graphqlPath: `/admin/api/${API_VERSION}/graphql.json`,
  /** Offline-token scopes an accounting sync needs (§2); without read_all_orders only 60 days are visible. */
  scopes: ['read_orders', 'read_all_orders', 'read_customers'],
  webhook: {
    /** Topics we turn into events, by `X-Shopify-Topic` (§4.1). Any other topic is acknowledged with no event. */
    topics: {
      'orders/create': 'order',
      'orders/updated': 'order',
      'orders/paid': 'order',
      'orders/cancelled': 'order',
      'customers/create': 'customer',
      'customers/update': 'customer',
    } satisfies Record<string, EntityType>,
    /** What the official validator requires (§4.2); a delivery missing one is refused with 401. */
    requiredHeaders: [
      'X-Shopify-Hmac-Sha256',
      'X-Shopify-Topic',
      'X-Shopify-Shop-Domain',
      'X-Shopify-API-Version',
      'X-Shopify-Webhook-Id',
    ],
    /** Optional: when present they are used (§4.2). */
    optionalHeaders: ['X-Shopify-Triggered-At', 'X-Shopify-Event-Id'],
    /** base64 HMAC-SHA256 of the raw body, key = the app's client secret (§4.3). */
    signature: { header: 'X-Shopify-Hmac-Sha256', algorithm: 'sha256', encoding: 'base64' },
    /** Shopify waits 5 s for a 2xx, then retries 8 times over 4 hours (§4.4). */
    responseTimeoutMs: 5_000,
  },
  polling: {
    streams: {
      orders: { entityType: 'order', sortKey: 'UPDATED_AT' },
      customers: { entityType: 'customer', sortKey: 'UPDATED_AT' },
    } satisfies Record<string, { entityType: EntityType; sortKey: string }>,
    /** Each poll restarts this far before the stored cursor: updates landing while we page move records (§2.3). */
    overlapMs: 5 * MINUTE_MS,
    /** Ids and updatedAt only: the handler re-reads each record (cost 2 + 100 × 1 = 102 points). */
    pageSize: 100,
    /** Deep pagination stops at 25,000 objects (§2.3): restart the window from the last updatedAt before that. */
    maxObjectsPerWindow: 20_000,
  },
  graphql: {
    /** A single query may request at most 1000 points (§3); queries.test.ts computes ours. */
    maxQueryCost: 1000,
    /** Line items in the order query; more come by follow-up pages (no order may lose a line). */
    lineItemsFirstPage: 60,
    lineItemsFollowUpPage: 80,
    shippingLinesPage: 5,
    discountApplicationsPage: 20,
    /** A THROTTLED wait up to this long is slept through once, in the call; longer ones go back to the engine. */
    maxInCallThrottleWaitMs: 2_000,
  },
} as const;

export type ShopifyStream = keyof typeof manifest.polling.streams;
export type ShopifyTopic = keyof typeof manifest.webhook.topics;

export function isShopifyStream(value: string): value is ShopifyStream {
  return Object.hasOwn(manifest.polling.streams, value);
}

export function entityTypeOfTopic(topic: string): EntityType | undefined {
  const key = topic.trim().toLowerCase();
  return Object.hasOwn(manifest.webhook.topics, key) ? manifest.webhook.topics[key as ShopifyTopic] : undefined;
}

/** `example.myshopify.com`: lower case, no scheme, no path, no trailing dot or slash. */
export function normalizeShopDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '')
    .replace(/\.$/, '');
}

/** Non-secret connection settings (Connection.config). */
export const ShopifyConfig = z.object({
  /** The shop's permanent `*.myshopify.com` domain: webhooks name it in `X-Shopify-Shop-Domain`. */
  shopDomain: z.string().min(1).transform(normalizeShopDomain),
  /** Overrides `https://<shopDomain>` (the simulator, a proxy). No trailing slash needed. */
  apiBaseUrl: z.string().url().optional(),
});
export type ShopifyConfig = z.infer<typeof ShopifyConfig>;

/** Connection.secrets. */
export const ShopifySecrets = z.object({
  /** Offline Admin API token (`shpat_…`), sent as X-Shopify-Access-Token. */
  accessToken: z.string().min(1).optional(),
  /** The app's client secret: the HMAC key of every webhook. */
  webhookSecret: z.string().min(1).optional(),
});
export type ShopifySecrets = z.infer<typeof ShopifySecrets>;
