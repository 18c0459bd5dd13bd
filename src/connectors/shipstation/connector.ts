/**
 * ShipStation: static facts, in one typed object. Numbers and names are cited in /work/shared/api/shipstation.md
 * (notes §n below). V1 (`ssapi.shipstation.com`, Basic key:secret, Pacific-time timestamps, pointer webhooks,
 * 40 calls a minute) carries orders, shipments, fulfillments and customers; V2 (`api.shipstation.com/v2`,
 * `api-key` header) has no orders (notes §6) and is only checked by `ping` when a V2 key is stored.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { BudgetRule, Connection, EntityType } from '../../sync/ports.ts';

/** The V1 API root; paths hang directly off it (`/orders`, `/shipments`, notes §1). */
export const V1_BASE_URL = 'https://ssapi.shipstation.com';
/** The V2 API root; every path starts `/v2/` (notes §1). */
export const V2_BASE_URL = 'https://api.shipstation.com';

const MINUTE_MS = 60_000;

/** Where a webhook `resource_url` points and what it lists (notes §4 "Observed URL shapes"). */
export interface PointerTarget {
  /** The V1 list path the URL must name. */
  path: '/orders' | '/shipments' | '/fulfillments';
  /** The envelope key of that list. */
  listKey: 'orders' | 'shipments' | 'fulfillments';
  entityType: EntityType;
}

export const manifest = {
  system: 'shipstation',
  displayName: 'ShipStation',
  role: 'source',
  v1: {
    baseUrl: V1_BASE_URL,
    /** `Authorization: Basic base64("<apiKey>:<apiSecret>")` (notes §1; docs vector ShipStation:Rocks). */
    auth: { scheme: 'Basic', username: 'apiKey', password: 'apiSecret' },
    /**
     * Hosts a real `resource_url` may name: `ssapi`, `ssapi6`, `ssapi11`, … (notes §1, [obs S17, S18]). Only
     * over https, and only when the connection uses the default base URL; with `apiBaseUrl` set the origin
     * must equal it exactly.
     */
    resourceHost: /^ssapi\d*\.shipstation\.com$/,
  },
  v2: {
    baseUrl: V2_BASE_URL,
    /** An API key in a header named `api-key` (OpenAPI securityScheme, notes §1); V1 key/secret do not work here. */
    auth: { scheme: 'header', header: 'api-key' },
  },
  webhook: {
    /**
     * Events we subscribe (`ensureWebhooks`) and what each `resource_url` lists. ORDER_NOTIFY fires per import
     * of paid orders (`/orders?storeID=…&importBatch=…`), SHIP_NOTIFY per label batch
     * (`/shipments?batchId=…&includeShipmentItems=False`), FULFILLMENT_SHIPPED when a fill provider ships
     * (`/fulfillments?fulfillmentId=…`) (notes §4). Edits, cancellations, voids and mark-as-shipped fire
     * nothing: polling catches those.
     */
    subscribed: ['ORDER_NOTIFY', 'SHIP_NOTIFY', 'FULFILLMENT_SHIPPED'],
    /** Every resource_type we follow; the ITEM_ variants list the same records (with items), if a merchant added them. */
    pointers: {
      ORDER_NOTIFY: { path: '/orders', listKey: 'orders', entityType: 'order' },
      ITEM_ORDER_NOTIFY: { path: '/orders', listKey: 'orders', entityType: 'order' },
      SHIP_NOTIFY: { path: '/shipments', listKey: 'shipments', entityType: 'shipment' },
      ITEM_SHIP_NOTIFY: { path: '/shipments', listKey: 'shipments', entityType: 'shipment' },
      FULFILLMENT_SHIPPED: { path: '/fulfillments', listKey: 'fulfillments', entityType: 'shipment' },
    } satisfies Record<string, PointerTarget>,
    /** Known V1 events we acknowledge without an event: the order's new status reaches us by polling. */
    acknowledged: ['FULFILLMENT_REJECTED'],
    /** Real resource URLs are at most 200 characters (notes §4); anything far longer is not ShipStation's. */
    maxResourceUrlLength: 2000,
    /** V1 webhooks carry no signature (notes §4, pitfall 6): the engine's per-connection URL key guards intake. */
    signed: false,
  },
  polling: {
    streams: {
      /** `GET /orders?modifyDateStart=…&sortBy=ModifyDate&sortDir=ASC`: creations, edits, cancellations. */
      orders: { entityType: 'order' },
      /** `GET /shipments` by createDate and by voidDate, and `GET /fulfillments` by createDate. */
      shipments: { entityType: 'shipment' },
    } satisfies Record<string, { entityType: EntityType }>,
    /**
     * Each poll restarts this long before the stored cursor. ShipStation's filter takes whole seconds in Pacific
     * time, its `modifyDate` is stamped when the write starts but may become visible to reads a little later
     * (imports of large batches take seconds to minutes), and clocks drift: 15 minutes covers all three with room
     * to spare, and costs nothing but re-reading a few ids that the inbox dedupes. (The repeated autumn hour
     * is handled separately by pacific-time.ts, which may widen one window by an hour.)
     */
    overlapMs: 15 * MINUTE_MS,
    /** The largest V1 page (notes §2): fewest calls against 40 a minute. */
    pageSize: 500,
    /**
     * A scan whose result set changes size between pages (an order deleted or moved past the frozen end) starts
     * over from page 1 so no row shifts past us; after this many restarts the cursor stops advancing for the
     * rest of the scan and the next poll reads the window again.
     */
    maxRestarts: 3,
    /** A runaway guard: no window is followed past this many pages (500 × 2000 = a million records). */
    maxPages: 2000,
  },
  rateLimits: {
    /** 40 requests a minute per API key + secret, shared by everything that uses the key (notes §5). */
    perMinute: 40,
    windowMs: MINUTE_MS,
  },
  /**
   * V1 amounts carry no currency (notes §2; the simulator's accounts are all USD). Orders are read as USD
   * unless the connection's config names the account's currency.
   */
  defaultCurrency: 'USD',
} as const;

export type ShipStationStream = keyof typeof manifest.polling.streams;
export type PointerType = keyof typeof manifest.webhook.pointers;
export type SubscribedEvent = (typeof manifest.webhook.subscribed)[number];

/** Every V1 webhook event (notes §4): anything else in `resource_type` is refused. */
export const V1_EVENTS = ['ORDER_NOTIFY', 'ITEM_ORDER_NOTIFY', 'SHIP_NOTIFY', 'ITEM_SHIP_NOTIFY', 'FULFILLMENT_SHIPPED', 'FULFILLMENT_REJECTED'] as const;

export function isShipStationStream(value: string): value is ShipStationStream {
  return Object.hasOwn(manifest.polling.streams, value);
}

export function pointerTargetOf(resourceType: string): PointerTarget | undefined {
  return Object.hasOwn(manifest.webhook.pointers, resourceType) ? manifest.webhook.pointers[resourceType as PointerType] : undefined;
}

const BaseUrl = z
  .string()
  .url()
  .refine((v) => /^https?:\/\//i.test(v), { message: 'must be an http(s) URL' })
  .transform((v) => v.replace(/\/+$/, ''));

/** Non-secret connection settings (Connection.config). */
export const ShipStationConfig = z.object({
  /** Overrides `https://ssapi.shipstation.com` (the simulator, a proxy). Webhook resource URLs must then use this origin. */
  apiBaseUrl: BaseUrl.optional(),
  /** Overrides `https://api.shipstation.com` (V2; paths start `/v2/`). */
  v2BaseUrl: BaseUrl.optional(),
  /** The account's currency (ISO 4217); V1 amounts do not say. @defaultValue "USD" */
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 code such as "USD"')
    .transform((v) => v.toUpperCase())
    .optional(),
});
export type ShipStationConfig = z.infer<typeof ShipStationConfig>;

/** Connection.secrets. */
export const ShipStationSecrets = z.object({
  /** V1 API Key (Settings → Account → API Settings): the Basic username. */
  apiKey: z.string().min(1),
  /** V1 API Secret: the Basic password. */
  apiSecret: z.string().min(1),
  /** V2 API key: separate credentials, not interchangeable with V1 (notes §1, S20). */
  v2ApiKey: z.string().min(1).optional(),
  /**
   * A secret for the webhook address. V1 deliveries carry no signature and no custom header, so the verifier
   * cannot check one; the engine's per-connection `webhookKey` in the URL does that job. Kept optional for
   * connections that store one.
   */
  webhookToken: z.string().min(1).optional(),
});
export type ShipStationSecrets = z.infer<typeof ShipStationSecrets>;

/** The connection's V1 root, without a trailing slash. */
export function v1BaseUrl(connection: Pick<Connection, 'config'>): string {
  const configured = connection.config['apiBaseUrl'];
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim().replace(/\/+$/, '') : V1_BASE_URL;
}

/** The connection's V2 root (paths add `/v2/…`), without a trailing slash. */
export function v2BaseUrl(connection: Pick<Connection, 'config'>): string {
  const configured = connection.config['v2BaseUrl'];
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim().replace(/\/+$/, '') : V2_BASE_URL;
}

/** The currency of the connection's amounts: config `currency`, else USD. */
export function currencyOf(connection: Pick<Connection, 'config'>): string {
  const configured = connection.config['currency'];
  return typeof configured === 'string' && /^[A-Za-z]{3}$/.test(configured.trim()) ? configured.trim().toUpperCase() : manifest.defaultCurrency;
}

/**
 * The shared budget of a connection: one key per API key (every connection and worker using the key shares its
 * 40 a minute, notes §5), named by a hash so the key itself never appears in a budget row or log.
 */
export function shipstationBudget(connection: Connection): { key: string; rules: BudgetRule[] } {
  const apiKey = connection.secrets['apiKey'];
  const key = apiKey
    ? `shipstation:${createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 32)}`
    : `shipstation:connection:${connection.id}`;
  return { key, rules: [{ limit: manifest.rateLimits.perMinute, windowMs: manifest.rateLimits.windowMs }] };
}
