/**
 * Every setting that holds an uncertain fact (tagged [inf] in shared/api/shipstation.md, or where two sources
 * disagree) lives here with its default, so a test can flip it instead of editing code. README lists them.
 */
import type { AmbiguousTimeRule } from './pacific-time.ts';

export interface WebhookConfig {
  /** Simulated ms between the event and the first attempt ("within a few minutes", notes §4 [src S7]). */
  deliveryDelayMs: number;
  /** Simulated ms before each retry; its length is the retry count. V1 retries are undocumented (notes §4 [inf]). */
  retrySchedule: number[];
  /** How long the receiver has to answer, simulated ms (undocumented [inf]). */
  timeoutMs: number;
  /** Real-ms floor for that window, so a fast clock cannot shrink it below a loopback round trip. */
  minRealTimeoutMs: number;
  /**
   * Base of `resource_url` (default: the simulator's own URL). Real URLs name `ssapi.shipstation.com` or
   * `ssapiN.shipstation.com` (notes §1); point this at a proxy to exercise a client's host allow-list.
   */
  resourceUrlBase: string | undefined;
  /** Query key for the store in ORDER_NOTIFY URLs: `storeID`, as observed (notes §4 [obs S18]). */
  storeParam: string;
}

export interface ShipStationSimConfig {
  /** V1 requests per minute per API key + secret (notes §5 [src S1]). */
  v1PerMinute: number;
  /** V2 requests per minute per API key (notes §5 [src S8]). */
  v2PerMinute: number;
  /**
   * Where a fixed one-minute window starts: at the first request after the previous window ran out, or on the
   * clock minute. The notes show a fixed, counting-down window but not its anchor [obs S15 / inf].
   */
  rateWindow: 'first-request' | 'clock-minute';
  /** V1 `pageSize` when none is given [inf: not stated in the notes]. */
  defaultPageSize: number;
  /** Largest V1 `pageSize` (notes §2 [src]). */
  maxPageSize: number;
  /** What a larger `pageSize` does: served at the maximum, or 400 [inf: not stated]. */
  pageSizeOverMax: 'clamp' | 'reject';
  /** V2 `page_size` default (spec: 25) [src S11]. */
  v2DefaultPageSize: number;
  /**
   * How a V1 date filter in the repeated autumn hour (and the spring gap) is compared with records [inf: the notes
   * only warn that 01:00–02:00 is ambiguous]. `wall`: records and filters are compared as Pacific wall-clock
   * text, as if the service stored local time (a filter at 01:30 matches both 01:30s, and sorting by date
   * interleaves the two hours). `earlier` / `later`: the filter names the PDT / PST instant; records compare as
   * instants (the spring-gap time 02:30 is read as PST, i.e. 03:30 PDT).
   */
  ambiguousTime: 'wall' | AmbiguousTimeRule;
  /**
   * A V1 date filter sent with `Z` or an offset (the docs say to send none): `ignore` reads the digits as Pacific
   * wall time anyway (so a client that sends UTC gets the documented 7–8 h error), `honour` uses the instant,
   * `reject` answers 400 [inf].
   */
  filterOffset: 'ignore' | 'honour' | 'reject';
  /** Item `createDate`/`modifyDate` with trailing fraction zeros dropped (notes §2 [src]) or 7 digits. */
  itemTimestamps: 'trimmed' | 'seven';
  /** Amounts as shortest JSON numbers (`10`, `39.57`; notes §8 [obs]) or always with 2 places (`10.00`). */
  moneyStyle: 'plain' | 'fixed2';
  /** Body of `POST /webhooks/subscribe`: `{"id": n}` (old docs, shipstation-node) or `{WebHookID, HookType, Url, Name}` (newer docs) [src, disagree]. */
  subscribeResponse: 'id' | 'pascal';
  /** Answer to createorder on a shipped or cancelled order: status and `message` (exact body not captured [inf]). */
  lockedOrder: { status: number; message: string };
  /** The V1 401 (exact body unchecked; may be plain text [inf]). */
  unauthorized: { contentType: string; body: string };
  /**
   * FULFILLMENT_SHIPPED fires when a fill provider ships (notes §4 [src S7]). A plain "Mark as Shipped" fires no
   * V1 webhook (pitfall 5), unless this is set.
   */
  fulfillmentShippedOnMarkAsShipped: boolean;
  /** Voiding an order's last live label puts a shipped order back to `awaiting_shipment` [inf]. */
  voidRestoresAwaitingShipment: boolean;
  /** ISO 4217 code, lower case as in the notes' V2 sample, for V2 money objects [inf]. */
  v2Currency: string;
  webhooks: WebhookConfig;
}

export const DEFAULT_CONFIG: ShipStationSimConfig = {
  v1PerMinute: 40,
  v2PerMinute: 200,
  rateWindow: 'first-request',
  defaultPageSize: 100,
  maxPageSize: 500,
  pageSizeOverMax: 'clamp',
  v2DefaultPageSize: 25,
  ambiguousTime: 'wall',
  filterOffset: 'ignore',
  itemTimestamps: 'trimmed',
  moneyStyle: 'plain',
  subscribeResponse: 'id',
  lockedOrder: { status: 400, message: 'The order cannot be modified because its status is shipped or cancelled.' },
  unauthorized: { contentType: 'application/json; charset=utf-8', body: '{"message":"Unauthorized"}' },
  fulfillmentShippedOnMarkAsShipped: false,
  voidRestoresAwaitingShipment: true,
  v2Currency: 'usd',
  webhooks: {
    deliveryDelayMs: 60_000,
    retrySchedule: [],
    timeoutMs: 10_000,
    minRealTimeoutMs: 250,
    resourceUrlBase: undefined,
    storeParam: 'storeID',
  },
};

export type ConfigPatch = Partial<Omit<ShipStationSimConfig, 'webhooks'>> & { webhooks?: Partial<WebhookConfig> };

export function mergeConfig(base: ShipStationSimConfig, patch: ConfigPatch = {}): ShipStationSimConfig {
  return {
    ...base,
    ...patch,
    lockedOrder: { ...base.lockedOrder, ...patch.lockedOrder },
    unauthorized: { ...base.unauthorized, ...patch.unauthorized },
    webhooks: { ...base.webhooks, ...patch.webhooks, retrySchedule: [...(patch.webhooks?.retrySchedule ?? base.webhooks.retrySchedule)] },
  };
}
