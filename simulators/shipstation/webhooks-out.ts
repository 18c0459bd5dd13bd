/**
 * V1 pointer webhooks (notes §4): ShipStation POSTs only `{"resource_url": …, "resource_type": …}` and the
 * receiver fetches the URL with its own Basic credentials to get the batch as a paged list. V1 webhooks carry
 * no signature header of any kind — the simulator sends none, so a client must guard its endpoint itself
 * (secret in the target URL, host allow-list before following resource_url; pitfall 6).
 * Delivery runs on the kit's WebhookSender after a delay; retries and timeout are configurable because V1's are
 * undocumented. Switches drop, duplicate or hold deliveries.
 */
import type { SimClock } from '../_kit/clock.ts';
import { WebhookSender, type WebhookDelivery } from '../_kit/webhook-sender.ts';
import type { ShipStationSimConfig } from './config.ts';
import { guid } from './ids.ts';
import { writeJsonText } from '../_kit/json-text.ts';
import type { ShipStationState, SimEvent } from './state.ts';
import type { WebhookEvent } from './types.ts';

export interface DeliveryInfo {
  accountId: number;
  webHookId: number;
  event: WebhookEvent;
  resourceUrl: string;
}

export interface WebhookSwitches {
  /** Probability 0..1 that a delivery is never sent. */
  dropRate?: number;
  /** Probability 0..1 that a delivery is sent twice. */
  duplicateRate?: number;
  /** true: queue new deliveries until released; false: release them now. */
  hold?: boolean;
}

/** resource_url is at most 200 characters (notes §4 [src S5]). */
export const MAX_RESOURCE_URL = 200;

export class ShipStationWebhooks {
  readonly sender: WebhookSender;
  private readonly info = new Map<string, DeliveryInfo>();
  private held: (() => void)[] | undefined;
  private readonly delayed = new Set<Promise<void>>();
  /** Bumped by reset(), so a delivery still waiting out its delay from before a reset is never sent. */
  private generation = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly state: () => ShipStationState,
    private readonly config: () => ShipStationSimConfig,
    private readonly baseUrl: () => string,
  ) {
    const cfg = config;
    this.sender = new WebhookSender({
      clock,
      get minRealTimeoutMs() {
        return cfg().webhooks.minRealTimeoutMs;
      },
      // Getters: the sender reads these on every attempt, so `configure` takes effect without a new sender.
      get retrySchedule() {
        return cfg().webhooks.retrySchedule;
      },
      get timeoutMs() {
        return cfg().webhooks.timeoutMs;
      },
      isSuccess: (status) => status >= 200 && status < 300,
    });
  }

  /** The hook types an event reaches, each with its resource URL. */
  private targets(event: SimEvent): { hook: WebhookEvent; url: string; storeIds: number[] }[] {
    const base = (this.config().webhooks.resourceUrlBase ?? this.baseUrl()).replace(/\/+$/, '');
    switch (event.kind) {
      case 'ORDER_NOTIFY': {
        // Observed: …/orders?storeID=123456&importBatch=<guid> (notes §4 [obs S18]); ITEM_ORDER_NOTIFY's URL is not captured [inf: same].
        const url = `${base}/orders?${this.config().webhooks.storeParam}=${event.storeId}&importBatch=${event.importBatch}`;
        return [
          { hook: 'ORDER_NOTIFY', url, storeIds: [event.storeId] },
          { hook: 'ITEM_ORDER_NOTIFY', url, storeIds: [event.storeId] },
        ];
      }
      case 'SHIP_NOTIFY':
        // Observed: …/shipments?batchId=144015674&includeShipmentItems=False; ITEM_SHIP_NOTIFY has True (notes §4 [obs S17, S18]).
        return [
          { hook: 'SHIP_NOTIFY', url: `${base}/shipments?batchId=${event.batchId}&includeShipmentItems=False`, storeIds: event.storeIds },
          { hook: 'ITEM_SHIP_NOTIFY', url: `${base}/shipments?batchId=${event.batchId}&includeShipmentItems=True`, storeIds: event.storeIds },
        ];
      case 'FULFILLMENT_SHIPPED':
        // Not captured anywhere [inf]: a /fulfillments list filtered by the documented fulfillmentId parameter.
        return [{ hook: 'FULFILLMENT_SHIPPED', url: `${base}/fulfillments?fulfillmentId=${event.fulfillmentId}`, storeIds: event.storeIds }];
    }
  }

  handle(event: SimEvent): void {
    for (const { hook, url, storeIds } of this.targets(event)) {
      if (url.length > MAX_RESOURCE_URL) throw new Error(`resource_url longer than ${MAX_RESOURCE_URL} characters: ${url}`);
      for (const sub of this.state().subscriptionsFor(event.account, [hook], storeIds)) {
        const id = guid();
        this.info.set(id, { accountId: event.account.accountId, webHookId: sub.webHookId, event: hook, resourceUrl: url });
        const body = writeJsonText({ resource_url: url, resource_type: hook });
        const send = () => void this.sender.send({ id, url: sub.targetUrl, headers: { 'Content-Type': 'application/json' }, body });
        this.schedule(send);
      }
    }
  }

  private schedule(send: () => void): void {
    const delay = this.config().webhooks.deliveryDelayMs;
    const generation = this.generation;
    const afterDelay = () => {
      if (generation !== this.generation) return;
      if (this.held) this.held.push(send);
      else send();
    };
    if (delay <= 0) {
      afterDelay();
      return;
    }
    const p = this.clock.sleep(delay).then(afterDelay);
    this.delayed.add(p);
    void p.finally(() => this.delayed.delete(p));
  }

  setSwitches(switches: WebhookSwitches): Required<WebhookSwitches> {
    if (switches.dropRate !== undefined) this.sender.dropRate = switches.dropRate;
    if (switches.duplicateRate !== undefined) this.sender.duplicateRate = switches.duplicateRate;
    if (switches.hold === true) this.held ??= [];
    if (switches.hold === false) this.release();
    return { dropRate: this.sender.dropRate, duplicateRate: this.sender.duplicateRate, hold: this.held !== undefined };
  }

  /** Sends every held delivery (optionally newest first) and stops holding. */
  release(options: { reverse?: boolean } = {}): number {
    const queue = this.held ?? [];
    this.held = undefined;
    for (const send of options.reverse ? [...queue].reverse() : queue) send();
    return queue.length;
  }

  deliveries(): (WebhookDelivery & { info: DeliveryInfo | undefined })[] {
    return this.sender.deliveries.map((d) => ({ ...d, info: this.info.get(d.id) }));
  }

  /** Resolves once nothing is waiting out its delay or in flight (retries included); held deliveries stay held. */
  async settle(): Promise<void> {
    while (this.delayed.size > 0) {
      await Promise.allSettled([...this.delayed]);
    }
    await this.sender.settle();
    if (this.delayed.size > 0) await this.settle();
  }

  reset(): void {
    this.generation += 1;
    this.sender.deliveries.length = 0;
    this.sender.dropRate = 0;
    this.sender.duplicateRate = 0;
    this.info.clear();
    this.held = undefined;
  }
}
