/**
 * One WooCommerce store: its settings, API keys, id counters and records. WordPress shares one post-id sequence
 * between orders, refunds and products (so ids interleave), users have their own (1 is the shop owner), order
 * items and meta rows theirs; webhooks live in their own table since WC 3.3.
 */
import { siteSalt } from './ids.ts';
import type { ApiKey, CustomerRecord, OrderRecord, OrderStatus, ProductRecord, RefundRecord, TaxRate, WebhookRecord } from './types.ts';

export class SiteState {
  readonly keys: ApiKey[] = [];
  readonly orders = new Map<number, OrderRecord>();
  readonly refunds = new Map<number, RefundRecord>();
  readonly customers = new Map<number, CustomerRecord>();
  readonly products = new Map<number, ProductRecord>();
  readonly webhooks = new Map<number, WebhookRecord>();
  /** Status an order had before it was trashed (`_wp_trash_meta_status`), for restore. */
  readonly trashedFrom = new Map<number, OrderStatus>();
  readonly salt = siteSalt();
  private postId: number;
  private userId = 1;
  private itemId = 0;
  private keyId = 0;
  private webhookId = 0;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly currency: string,
    readonly pricesIncludeTax: boolean,
    readonly timezone: string,
    readonly https: boolean,
    readonly taxRates: TaxRate[],
    /** `${server}/sites/${id}`: where a test reaches the store. */
    readonly siteUrl: string,
    /** `home_url()`: the same with https when the store runs behind TLS (OAuth base string, webhook Source). */
    readonly homeUrl: string,
    firstPostId: number,
  ) {
    this.postId = firstPostId - 1;
  }

  nextPostId(): number {
    return ++this.postId;
  }

  nextUserId(): number {
    return ++this.userId;
  }

  nextItemId = (): number => ++this.itemId;

  nextKeyId(): number {
    return ++this.keyId;
  }

  nextWebhookId(): number {
    return ++this.webhookId;
  }

  restUrl(route: string): string {
    return `${this.siteUrl}/wp-json${route}`;
  }

  productBySku(sku: string): ProductRecord | undefined {
    for (const p of this.products.values()) if (p.sku !== '' && p.sku === sku) return p;
    return undefined;
  }

  refundsOf(order: OrderRecord): RefundRecord[] {
    return order.refundIds.map((id) => this.refunds.get(id)).filter((r): r is RefundRecord => r !== undefined);
  }
}
