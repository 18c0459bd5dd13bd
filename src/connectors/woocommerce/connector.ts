/**
 * WooCommerce: static facts, in one typed object, and the connection's config and secrets. Facts are cited from
 * /work/shared/api/woocommerce.md (§ numbers below); where that file says [mem] or leaves a question open, the
 * choice made here is written next to it.
 */
import { z } from 'zod';
import type { BudgetRule, Connection, EntityType } from '../../sync/ports.ts';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

export const manifest = {
  system: 'woocommerce',
  displayName: 'WooCommerce',
  role: 'source',
  /** REST namespace (§1): v3 needs WooCommerce 3.5+ / WordPress 4.4+. */
  apiVersion: 'wc/v3',
  /** Every call goes to `${siteUrl}/wp-json/wc/v3/...` (§1); pretty permalinks are required for `/wp-json/`. */
  restPrefix: '/wp-json/wc/v3',
  auth: {
    /**
     * HTTPS store: HTTP Basic with key/secret (§2). Plain-HTTP store: OAuth 1.0a one-legged, because WooCommerce
     * ignores Basic over http (the request runs anonymous and ends in 401 woocommerce_rest_cannot_view).
     * HMAC-SHA256 is what WooCommerce's own JS client signs with; HMAC-SHA1 is accepted too.
     */
    signatureMethod: 'HMAC-SHA256',
    /** WooCommerce refuses an oauth_timestamp more than 15 minutes away from its clock (§2). */
    timestampWindowMs: 15 * MINUTE_MS,
  },
  request: {
    /** A call may take this long; WordPress on shared hosting is slow, but not this slow. */
    timeoutMs: 30 * SECOND_MS,
  },
  webhook: {
    /** Topics we register and turn into events, by `X-WC-Webhook-Topic` (§8.1). Any other topic: acknowledged, no event. */
    topics: {
      'order.created': 'order',
      'order.updated': 'order',
      'customer.created': 'customer',
      'customer.updated': 'customer',
    } satisfies Record<string, EntityType>,
    /** Every delivery carries these (§8.3); one missing means it did not come from WooCommerce's webhook engine. */
    requiredHeaders: ['X-WC-Webhook-Signature', 'X-WC-Webhook-Topic', 'X-WC-Webhook-Source', 'X-WC-Webhook-ID', 'X-WC-Webhook-Delivery-ID'],
    /** base64(HMAC-SHA256(raw body, secret)) (§8.4). */
    signature: { header: 'X-WC-Webhook-Signature', algorithm: 'sha256', encoding: 'base64' },
    /** The name our webhooks carry in WooCommerce › Settings › Advanced › Webhooks. */
    namePrefix: 'ml-connector',
    /** WooCommerce waits 60 s for an answer and counts anything but 200–302 as a failure (§8.3, §8.5). */
    deliveryTimeoutMs: 60 * SECOND_MS,
  },
  polling: {
    streams: {
      /** `modified_after` + `dates_are_gmt=true` (§4.1). */
      orders: { entityType: 'order', path: '/orders', modifiedFilter: true },
      /** `/customers` has no modified filter (§5): every page is read and filtered by date_modified_gmt here. */
      customers: { entityType: 'customer', path: '/customers', modifiedFilter: false },
    } satisfies Record<string, { entityType: EntityType; path: string; modifiedFilter: boolean }>,
    /**
     * Each poll restarts this far before the stored cursor. Why 10 minutes:
     *  - `date_modified` has whole seconds and `modified_after` is exclusive (§4.1), so the cursor's own second
     *    must be read again;
     *  - WooCommerce stamps `date_modified` when a save starts, but the order becomes visible when the PHP request
     *    commits; a checkout that waits on a payment gateway can commit minutes later (max_execution_time of up
     *    to 300 s is common), after a poll has already moved past its timestamp;
     *  - a webhook disabled or dropped in that gap (§9.1, §9.3) leaves the poll as the only path.
     * Records seen again inside the window cost one list row each: the inbox drops an (id, updatedAt) pair it
     * already holds.
     */
    overlapMs: 10 * MINUTE_MS,
    /** WordPress caps `per_page` at 100 (§4.1); above that is 400 rest_invalid_param. */
    pageSize: 100,
    /** A server that ignores `page` would loop forever; no real store has a million pages of changes. */
    maxPages: 10_000,
  },
  /**
   * WooCommerce core has no request-rate limit (§7): limits come from the host, a WAF or a security plugin,
   * and answer 429/503. Every REST call boots WordPress (hundreds of ms of PHP on a shared host with a few PHP
   * workers), so we stay polite by default, well below what would slow the shop's own checkout: at most
   * 4 calls a second and 120 a minute per store. `config.requestsPerMinute` raises or lowers the minute rule.
   * A 10,000-order backfill then takes about 85 minutes of reads; live traffic (one read per event) is far below.
   */
  budget: {
    perSecond: 4,
    perMinute: 120,
  },
} as const;

export type WooCommerceStream = keyof typeof manifest.polling.streams;
export type WooCommerceTopic = keyof typeof manifest.webhook.topics;

export const HANDLED_TOPICS = Object.keys(manifest.webhook.topics) as WooCommerceTopic[];

export function isWooCommerceStream(value: string): value is WooCommerceStream {
  return Object.hasOwn(manifest.polling.streams, value);
}

export function entityTypeOfTopic(topic: string): EntityType | undefined {
  const key = topic.trim().toLowerCase();
  return Object.hasOwn(manifest.webhook.topics, key) ? manifest.webhook.topics[key as WooCommerceTopic] : undefined;
}

/**
 * A store URL in one form: scheme and host lower-cased, no trailing slash, no query or fragment; the path is
 * kept (WordPress in a sub-directory). No scheme means https. `https://Shop.Example/` → `https://shop.example`.
 * This is also how `X-WC-Webhook-Source` (home URL with a trailing slash, §8.3) is compared.
 */
export function normalizeSiteUrl(value: string): string {
  let text = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  try {
    const url = new URL(text);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.protocol.toLowerCase()}//${url.host.toLowerCase()}${path}`;
  } catch {
    return text.replace(/[?#].*$/, '').replace(/\/+$/, '');
  }
}

const SiteUrl = z
  .string()
  .min(1)
  .transform(normalizeSiteUrl)
  .refine((v) => /^https?:\/\/[^/]+/.test(v) && URL.canParse(v), { message: 'must be the store address, such as https://shop.example' });

/** Non-secret connection settings (Connection.config). */
export const WooCommerceConfig = z.object({
  /**
   * The store's own address as WordPress knows it (Settings › General › Site Address, with `www` if it has one):
   * `https://…` means HTTP Basic, `http://…` means OAuth 1.0a. OAuth base strings and X-WC-Webhook-Source use it.
   */
  siteUrl: SiteUrl,
  /** Where requests are sent when that is not `siteUrl` (a TLS-terminating proxy, the simulator). */
  apiBaseUrl: SiteUrl.optional(),
  /** HTTPS servers that drop the Authorization header: send the keys as `consumer_key`/`consumer_secret` (§2). */
  queryStringAuth: z.boolean().optional(),
  /** OAuth 1.0a signature method on plain-HTTP stores. */
  signatureMethod: z.enum(['HMAC-SHA1', 'HMAC-SHA256']).optional(),
  /** Overrides the polite default of 120 calls a minute. */
  requestsPerMinute: z.number().int().positive().max(6_000).optional(),
});
export type WooCommerceConfig = z.infer<typeof WooCommerceConfig>;

/** Connection.secrets. */
export const WooCommerceSecrets = z.object({
  /** `ck_…` (§2), from WooCommerce › Settings › Advanced › REST API, permission Read/Write (webhooks are written). */
  consumerKey: z.string().min(1),
  /** `cs_…`. */
  consumerSecret: z.string().min(1),
  /** The secret this product sets on the webhooks it registers: the HMAC key of every delivery (§8.4). */
  webhookSecret: z.string().min(1),
});
export type WooCommerceSecrets = z.infer<typeof WooCommerceSecrets>;

/** The configured site URL of a connection, normalised; '' when none is set. */
export function siteUrlOf(connection: Pick<Connection, 'config'>): string {
  const value = connection.config['siteUrl'];
  return typeof value === 'string' && value.trim() !== '' ? normalizeSiteUrl(value) : '';
}

/**
 * The shared budget of a WooCommerce connection: keyed by store, so two connections to one store share it.
 * See `manifest.budget` for the numbers and why.
 */
export function woocommerceBudget(connection: Connection): { key: string; rules: BudgetRule[] } {
  const site = siteUrlOf(connection);
  const configured = connection.config['requestsPerMinute'];
  const perMinute = typeof configured === 'number' && Number.isSafeInteger(configured) && configured > 0 ? configured : manifest.budget.perMinute;
  return {
    key: site ? `woocommerce:site:${site.replace(/^https?:\/\//, '')}` : `woocommerce:connection:${connection.id}`,
    rules: [
      { limit: manifest.budget.perSecond, windowMs: SECOND_MS },
      { limit: perMinute, windowMs: MINUTE_MS },
    ],
  };
}
