/**
 * Outbound webhooks (notes §8). A change queues one Action Scheduler job per (webhook, resource); while that job
 * is pending, further changes to the same resource add nothing, so bursts coalesce into one delivery. The job
 * runs `asyncDelayMs` later (or when a test runs the queue) and builds the payload then — the resource as
 * `GET /wc/v3/...` shows it at delivery time, `{ "id": N }` for `deleted`. A queued job is delivered even if the
 * webhook was paused or disabled meanwhile (only queueing checks the status).
 *
 * Success is a status 200–302 (redirects are not followed); anything else, a transport error or the 60-second
 * timeout counts as a failure. There are no retries: a failure only counts, and a failure arriving when the count
 * is already above `maxDeliveryFailures` disables the webhook, silently. A success resets the count.
 * The creation ping is separate: a form body `webhook_id=N`, no X-WC headers, exactly 200 expected, never counted.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SimClock } from '../_kit/clock.ts';
import { WebhookSender, type WebhookDelivery } from '../_kit/webhook-sender.ts';
import type { WooSimConfig } from './config.ts';
import { deliveryId } from './ids.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { phpJson } from './php-json.ts';
import { orderJson } from './shape-order.ts';
import { customerJson, productJson } from './shape-other.ts';
import type { SiteState } from './site.ts';
import type { SimEvent, WooState } from './state.ts';
import { topicParts } from './topics.ts';
import type { WebhookRecord } from './types.ts';

export interface DeliveryInfo {
  siteId: string;
  webhookId: number;
  topic: string;
  /** The resource id (the queue job's argument); null for pings. */
  resourceId: number | null;
  kind: 'event' | 'ping';
}

export type WooDelivery = WebhookDelivery & { info: DeliveryInfo };

export interface WebhookSwitches {
  /** Probability 0..1 that a delivery is never sent. */
  dropRate?: number;
  /** Probability 0..1 that a delivery is sent twice. */
  duplicateRate?: number;
  /** true: queued jobs wait for releaseWebhooks(); false: release them. */
  hold?: boolean;
}

export interface PingResult {
  ok: boolean;
  status: number;
  error?: string;
}

interface Job {
  site: SiteState;
  webhookId: number;
  topic: string;
  resourceId: number;
  dueAt: number;
}

/** `wp_specialchars_decode( $secret, ENT_QUOTES )`: the secret is used entity-decoded. */
export function decodeSecret(secret: string): string {
  return secret
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;/g, "'")
    .replace(/&amp;/g, '&');
}

export function signBody(body: string, secret: string): string {
  return createHmac('sha256', decodeSecret(secret)).update(body, 'utf8').digest('base64');
}

export class WooWebhooks {
  readonly sender: WebhookSender;
  private readonly pingSender: WebhookSender;
  private readonly senderOptions: { timeoutMs: number; minRealTimeoutMs: number };
  private readonly pingOptions: { timeoutMs: number; minRealTimeoutMs: number };
  private readonly jobs = new Map<string, Job>();
  private readonly log: { record: WebhookDelivery; info: DeliveryInfo }[] = [];
  private readonly infoById = new Map<string, DeliveryInfo>();
  private held = false;
  private generation = 0;
  private readonly disabledLog: { siteId: string; webhookId: number; at: string }[] = [];

  constructor(
    private readonly clock: SimClock,
    private readonly state: () => WooState,
    private readonly config: () => WooSimConfig,
  ) {
    const cfg = config();
    // The kit keeps a real-time floor under the answer window, so a fast clock cannot starve a receiver.
    this.senderOptions = { timeoutMs: cfg.deliveryTimeoutMs, minRealTimeoutMs: cfg.minRealTimeoutMs };
    this.pingOptions = { timeoutMs: cfg.pingTimeoutMs, minRealTimeoutMs: cfg.minRealTimeoutMs };
    this.sender = new WebhookSender(
      Object.assign(this.senderOptions, {
        clock,
        retrySchedule: [],
        isSuccess: (status: number) => status >= 200 && status < 303,
        onAttempt: (delivery: WebhookDelivery, ok: boolean) => this.counted(delivery, ok),
      }),
    );
    this.pingSender = new WebhookSender(
      Object.assign(this.pingOptions, { clock, retrySchedule: [], isSuccess: (status: number) => status === 200 }),
    );
  }

  /** Re-reads timeouts after a config change (the kit reads its options object on every attempt). */
  refreshConfig(): void {
    this.senderOptions.timeoutMs = this.config().deliveryTimeoutMs;
    this.pingOptions.timeoutMs = this.config().pingTimeoutMs;
    this.senderOptions.minRealTimeoutMs = this.config().minRealTimeoutMs;
    this.pingOptions.minRealTimeoutMs = this.config().minRealTimeoutMs;
  }

  /** A change happened: queue (or send) it for every active subscriber (`WC_Webhook::process`). */
  handle(event: SimEvent): void {
    const state = this.state();
    if (event.topic.startsWith('order.') && event.topic !== 'order.deleted') {
      // Draft orders never trigger webhooks (`should_deliver`).
      const order = event.site.orders.get(event.resourceId);
      if (order && order.status === 'checkout-draft') return;
    }
    for (const hook of state.subscribers(event.site, event.topic)) {
      if (this.config().deliverAsync) this.enqueue(event.site, hook, event.resourceId);
      else this.deliver(event.site, hook.id, hook.topic, event.resourceId);
    }
  }

  private enqueue(site: SiteState, hook: WebhookRecord, resourceId: number): void {
    const key = `${site.id}:${hook.id}:${resourceId}`;
    if (this.jobs.has(key)) return;
    const delay = this.config().asyncDelayMs;
    this.jobs.set(key, { site, webhookId: hook.id, topic: hook.topic, resourceId, dueAt: this.clock.now() + delay });
    const generation = this.generation;
    void this.clock.sleep(delay).then(() => {
      if (generation === this.generation) this.runDue(false);
    });
  }

  /** Runs queued jobs: the due ones, or all of them (`wp action-scheduler run`). Returns how many ran. */
  runQueue(all = true): number {
    return this.runDue(all);
  }

  private runDue(all: boolean, reverse = false): number {
    if (this.held) return 0;
    const now = this.clock.now();
    const due = [...this.jobs.entries()].filter(([, job]) => all || job.dueAt <= now);
    if (reverse) due.reverse();
    for (const [key, job] of due) {
      this.jobs.delete(key);
      this.deliver(job.site, job.webhookId, job.topic, job.resourceId);
    }
    return due.length;
  }

  pendingJobs(): { siteId: string; webhookId: number; topic: string; resourceId: number; dueAt: string }[] {
    return [...this.jobs.values()].map((j) => ({ siteId: j.site.id, webhookId: j.webhookId, topic: j.topic, resourceId: j.resourceId, dueAt: new Date(j.dueAt).toISOString() }));
  }

  /** `WC_Webhook::deliver`: payload built now, signed, posted once. */
  private deliver(site: SiteState, webhookId: number, topic: string, resourceId: number): void {
    const hook = site.webhooks.get(webhookId);
    if (!hook) return;
    const cfg = this.config();
    const body = phpJson(this.payload(site, hook.topic, resourceId)).trim();
    const { resource, event } = topicParts(hook.topic);
    const headers: Record<string, string> = {
      'User-Agent': `WooCommerce/${cfg.wcVersion} Hookshot (WordPress/${cfg.wpVersion})`,
      'Content-Type': 'application/json',
      'X-WC-Webhook-Source': `${site.homeUrl}/`,
      'X-WC-Webhook-Topic': hook.topic,
      'X-WC-Webhook-Resource': resource,
      'X-WC-Webhook-Event': event,
      'X-WC-Webhook-Signature': signBody(body, hook.secret),
      'X-WC-Webhook-ID': String(hook.id),
      'X-WC-Webhook-Delivery-ID': deliveryId(site.salt, hook.id, this.clock.now()),
    };
    const info: DeliveryInfo = { siteId: site.id, webhookId: hook.id, topic, resourceId, kind: 'event' };
    const id = randomUUID();
    this.infoById.set(id, info);
    const record = this.sender.send({ id, url: hook.deliveryUrl, headers, body });
    this.log.push({ record, info });
  }

  private payload(site: SiteState, topic: string, resourceId: number): JsonValue {
    const { resource, event } = topicParts(topic);
    if (event === 'deleted') return { id: resourceId };
    const cfg = this.config();
    if (resource === 'order') {
      const order = site.orders.get(resourceId);
      return order ? orderJson(site, order, { dp: 2, config: cfg }) : missing('woocommerce_rest_shop_order_invalid_id');
    }
    if (resource === 'customer') {
      const customer = site.customers.get(resourceId);
      return customer ? customerJson(site, customer, cfg.modernFields) : missing('woocommerce_rest_invalid_id');
    }
    if (resource === 'product') {
      const product = site.products.get(resourceId);
      return product ? productJson(site, product) : missing('woocommerce_rest_product_invalid_id');
    }
    return { id: resourceId };
  }

  /** `log_delivery` → success resets the count; `failed_delivery` counts or disables. */
  private counted(delivery: WebhookDelivery, ok: boolean): void {
    const info = this.infoById.get(delivery.id);
    if (!info) return;
    const site = this.state().findSite(info.siteId);
    const hook = site?.webhooks.get(info.webhookId);
    if (!hook) return;
    if (ok) {
      hook.failureCount = 0;
      return;
    }
    if (hook.failureCount > this.config().maxDeliveryFailures) {
      if (hook.status !== 'disabled') this.disabledLog.push({ siteId: info.siteId, webhookId: hook.id, at: this.clock.date().toISOString() });
      hook.status = 'disabled';
    } else hook.failureCount += 1;
  }

  /** `deliver_ping`: blocking, form-encoded, exactly 200 is success; clears `pending_delivery` on success. */
  async ping(site: SiteState, hook: WebhookRecord): Promise<PingResult> {
    const cfg = this.config();
    const id = randomUUID();
    const info: DeliveryInfo = { siteId: site.id, webhookId: hook.id, topic: hook.topic, resourceId: null, kind: 'ping' };
    this.infoById.set(id, info);
    const record = this.pingSender.send({
      id,
      url: hook.deliveryUrl,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8', 'User-Agent': `WordPress/${cfg.wpVersion}; ${site.homeUrl}` },
      body: `webhook_id=${hook.id}`,
    });
    this.log.push({ record, info });
    await this.pingSender.settle();
    const attempt = record.attempts[0];
    const ok = record.state === 'delivered';
    if (ok) hook.pendingDelivery = false;
    return { ok, status: attempt?.status ?? 0, ...(attempt?.error ? { error: attempt.error } : {}) };
  }

  deliveries(): WooDelivery[] {
    return this.log.map(({ record, info }) => ({ ...record, attempts: [...record.attempts], info }));
  }

  disabled(): readonly { siteId: string; webhookId: number; at: string }[] {
    return this.disabledLog;
  }

  switches(patch: WebhookSwitches): Required<WebhookSwitches> {
    if (patch.dropRate !== undefined) this.sender.dropRate = patch.dropRate;
    if (patch.duplicateRate !== undefined) this.sender.duplicateRate = patch.duplicateRate;
    if (patch.hold === true) this.held = true;
    if (patch.hold === false) this.release();
    return { dropRate: this.sender.dropRate, duplicateRate: this.sender.duplicateRate, hold: this.held };
  }

  /** Lets held jobs run, oldest first or (reverse) newest first. */
  release(options: { reverse?: boolean } = {}): number {
    this.held = false;
    return this.runDue(true, options.reverse === true);
  }

  /** Runs every queued job now (unless held) and waits until nothing is in flight. */
  async settle(): Promise<void> {
    this.runDue(true);
    await Promise.all([this.sender.settle(), this.pingSender.settle()]);
  }

  reset(): void {
    this.generation += 1;
    this.jobs.clear();
    this.log.length = 0;
    this.infoById.clear();
    this.disabledLog.length = 0;
    this.sender.deliveries.length = 0;
    this.pingSender.deliveries.length = 0;
    this.held = false;
  }
}

function missing(code: string): JsonValue {
  return { code, message: 'Invalid ID.', data: { status: 404 } };
}
