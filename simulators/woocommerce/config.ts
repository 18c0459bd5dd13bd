/**
 * Simulator-wide settings. Every fact the notes tag [mem], leave open, or where the notes and the current code
 * disagree is a setting here, so a test can pin either reading; the README lists them with their defaults.
 */

export interface WooSimConfig {
  /**
   * `woocommerce_max_webhook_delivery_failures` (default 5). A failed delivery disables the webhook when its
   * failure_count is already greater than this; otherwise the count goes up (notes §8.5: the 7th consecutive
   * failure disables at the default).
   */
  maxDeliveryFailures: number;
  /** Whether PUT status=active clears failure_count (not verified; the code read resets it only on success). */
  resetFailuresOnReactivate: boolean;
  /** `woocommerce_webhook_deliver_async` (default true): queue through Action Scheduler, payload built at delivery. */
  deliverAsync: boolean;
  /** How long after the triggering request the queue runner picks a job up, simulated ms (depends on WP-Cron). */
  asyncDelayMs: number;
  /** Delivery request timeout, simulated ms (`MINUTE_IN_SECONDS`). */
  deliveryTimeoutMs: number;
  /** Ping timeout, simulated ms (WordPress's default 5 s, [mem]). */
  pingTimeoutMs: number;
  /** Real-ms floor for both timeouts when the clock runs fast (a loopback round trip still takes real time). */
  minRealTimeoutMs: number;
  /**
   * How `after`/`before`/`modified_*` values with an offset are read. `ignored` (notes §4.1: "a trailing Z did not
   * help"): the written wall time is compared with the column. `converted-to-site-time` (newer WP_Date_Query):
   * an offset-bearing value is converted to site time first, then compared with the column `dates_are_gmt` picks.
   */
  dateFilterOffsets: 'ignored' | 'converted-to-site-time';
  /** `orderby=modified` is accepted (current code and the 2021 OpenAPI file; the docs' list lacks it). */
  orderbyModified: boolean;
  /** Key of the reason in `refunds[]` of an order: current code `reason`, the docs' example `refund`. */
  refundSummaryKey: 'reason' | 'refund';
  /**
   * Fields newer WooCommerce adds beyond the 2021 OpenAPI file: order `payment_url`, `is_editable`,
   * `needs_payment`, `needs_processing`; line `image`, `parent_name`; item meta `display_key`/`display_value`;
   * coupon `discount_type`, `nominal_amount`, `free_shipping`; shipping line `instance_id`; `shipping.phone`;
   * tax line `rate_percent`.
   */
  modernFields: boolean;
  /** `Link` rels on lists: the CRUD controller sends only `prev`/`next`; the docs also name `first`/`last`. */
  linkRels: 'prev-next' | 'all';
  /**
   * POST /orders/{id}/refunds with `api_refund` (default true) asks the gateway to refund; the manual gateways
   * (bacs, cheque, cod, none) cannot, and the request fails with 500 ([mem]). Off: every refund is manual.
   */
  gatewayRefundCheck: boolean;
  /** Reported in User-Agent and `version`. */
  wcVersion: string;
  wpVersion: string;
}

export const DEFAULT_CONFIG: WooSimConfig = {
  maxDeliveryFailures: 5,
  resetFailuresOnReactivate: false,
  deliverAsync: true,
  asyncDelayMs: 10_000,
  deliveryTimeoutMs: 60_000,
  pingTimeoutMs: 5_000,
  minRealTimeoutMs: 250,
  dateFilterOffsets: 'ignored',
  orderbyModified: true,
  refundSummaryKey: 'reason',
  modernFields: true,
  linkRels: 'prev-next',
  gatewayRefundCheck: true,
  wcVersion: '9.8.0',
  wpVersion: '6.8.1',
};

export type ConfigPatch = Partial<WooSimConfig>;

export function mergeConfig(base: WooSimConfig, patch: ConfigPatch = {}): WooSimConfig {
  const next = { ...base };
  for (const [key, value] of Object.entries(patch) as [keyof WooSimConfig, unknown][]) {
    if (!(key in DEFAULT_CONFIG)) throw new Error(`unknown setting ${String(key)}`);
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}
