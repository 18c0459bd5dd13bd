/**
 * Outbound webhooks (notes §4.2–4.4): one delivery per subscription per event, the body rendered once at
 * trigger time (retries carry the original payload to the address configured at trigger time), signed with the
 * shop's client secret, retried on the kit's WebhookSender, and the subscription removed when a delivery
 * exhausts its retries.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { SimClock } from '../_kit/clock.ts';
import { WebhookSender, type WebhookDelivery } from '../_kit/webhook-sender.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { writeJson } from './json-text.ts';
import { restCustomer, restOrder, restRefund } from './rest-shape.ts';
import type { ShopifyState, SimEvent } from './state.ts';
import type { ShopRecord } from './types.ts';

const MINUTE = 60_000;

/**
 * 8 retries over 4 hours with exponential backoff (notes §4.4, src S24). The individual delays are not published:
 * doubling from one minute, the last one trimmed so the eight add up to exactly 4 h. Configurable.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 113].map((m) => m * MINUTE);

export interface WebhookOptions {
  /** Simulated ms before each retry; its length is the retry count. */
  retrySchedule: readonly number[];
  /** Answer window, simulated ms (Shopify: 5 s total). */
  timeoutMs: number;
  /** Real-ms floor for the answer window at high clock speeds (see the kit's WebhookSender). */
  minRealTimeoutMs: number;
  /** Delete the subscription when a delivery exhausts its retries (Admin-API subscriptions: yes). */
  removeSubscriptionOnGiveUp: boolean;
  /** Ruby-style `\/` and `\u0026` escapes in bodies (see json-text.ts). */
  rubyEscapes: boolean;
}

export function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export interface DeliveryInfo {
  shop: string;
  subscriptionId: string;
  topic: string;
  eventId: string;
}

export class ShopifyWebhooks {
  readonly sender: WebhookSender;
  private readonly info = new Map<string, DeliveryInfo>();
  private held: (() => void)[] | undefined;
  private removed: { subscriptionId: string; shop: string; at: string }[] = [];

  constructor(
    private readonly clock: SimClock,
    private readonly state: () => ShopifyState,
    readonly options: WebhookOptions,
  ) {
    this.sender = new WebhookSender({
      clock,
      minRealTimeoutMs: options.minRealTimeoutMs,
      retrySchedule: options.retrySchedule,
      timeoutMs: options.timeoutMs,
      // Any non-2xx (3xx included) counts as a failure; the sender does not follow redirects.
      isSuccess: (status) => status >= 200 && status < 300,
      onGiveUp: (delivery) => this.giveUp(delivery),
    });
  }

  /** Renders and sends an event to every subscription of its topic in its shop. */
  handle(event: SimEvent): void {
    const subs = this.state().subscriptionsFor(event.shop, event.topic);
    if (subs.length === 0) return;
    const body = writeJson(this.payload(event), { rubyEscapes: this.options.rubyEscapes });
    const eventId = randomUUID();
    const triggeredAt = this.clock.date().toISOString();
    const hmac = sign(body, event.shop.clientSecret);
    for (const sub of subs) {
      const id = randomUUID();
      this.info.set(id, { shop: event.shop.domain, subscriptionId: sub.id, topic: event.topic, eventId });
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': 'Shopify-Captain-Hook',
        'X-Shopify-Topic': event.topic,
        'X-Shopify-Hmac-Sha256': hmac,
        'X-Shopify-Shop-Domain': event.shop.domain,
        'X-Shopify-API-Version': sub.apiVersion,
        'X-Shopify-Webhook-Id': id,
        'X-Shopify-Event-Id': eventId,
        'X-Shopify-Triggered-At': triggeredAt,
      };
      const send = () => void this.sender.send({ id, url: sub.uri, headers, body });
      if (this.held) this.held.push(send);
      else send();
    }
  }

  private payload(event: SimEvent): JsonValue {
    switch (event.topic) {
      case 'customers/create':
      case 'customers/update':
        return restCustomer(event.shop, event.customer);
      case 'refunds/create':
        return restRefund(event.shop, event.order, event.refund);
      default:
        return restOrder(event.shop, event.order);
    }
  }

  private giveUp(delivery: WebhookDelivery): void {
    const info = this.info.get(delivery.id);
    if (!info || !this.options.removeSubscriptionOnGiveUp) return;
    let shop: ShopRecord | undefined;
    try {
      shop = this.state().shop(info.shop);
    } catch {
      return;
    }
    if (shop.subscriptions.delete(info.subscriptionId)) {
      this.removed.push({ subscriptionId: info.subscriptionId, shop: info.shop, at: this.clock.date().toISOString() });
    }
  }

  /** Holds new deliveries until release(): lets a test deliver events out of order. */
  hold(): void {
    this.held ??= [];
  }

  release(options: { reverse?: boolean } = {}): number {
    const queue = this.held ?? [];
    this.held = undefined;
    for (const send of options.reverse ? [...queue].reverse() : queue) send();
    return queue.length;
  }

  deliveries(): readonly (WebhookDelivery & { info: DeliveryInfo | undefined })[] {
    return this.sender.deliveries.map((d) => ({ ...d, info: this.info.get(d.id) }));
  }

  removedSubscriptions(): readonly { subscriptionId: string; shop: string; at: string }[] {
    return this.removed;
  }

  settle(): Promise<void> {
    return this.sender.settle();
  }

  reset(): void {
    this.sender.deliveries.length = 0;
    this.info.clear();
    this.removed = [];
    this.held = undefined;
  }
}
