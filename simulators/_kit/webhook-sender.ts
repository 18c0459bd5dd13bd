/**
 * Outbound webhooks with a platform's own retry schedule. Each delivery keeps its id across retries (as the
 * real platforms do) and every attempt is recorded for tests. Switches drop or duplicate deliveries.
 */
import type { SimClock } from './clock.ts';

export interface WebhookDelivery {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  attempts: { at: string; status: number; error?: string; ms: number }[];
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
}

export interface WebhookSenderOptions {
  clock: SimClock;
  /** Delays (simulated ms) before each retry after the first attempt. Its length is the number of retries. */
  retrySchedule: readonly number[];
  /** How long the receiver has to answer (simulated ms); slower counts as a failure. */
  timeoutMs: number;
  /**
   * The least real time a receiver gets, whatever the clock speed: at the speeds that squeeze hours of retries
   * into a test, the simulated window would shrink below one loopback round trip. Default 250 ms.
   */
  minRealTimeoutMs?: number;
  /** A 2xx within the timeout is success; the platform may also count some 3xx/4xx as failures. */
  isSuccess?: (status: number) => boolean;
  /** Called once a delivery gives up (e.g. Shopify removes the subscription after its retries). */
  onGiveUp?: (delivery: WebhookDelivery) => void;
  onAttempt?: (delivery: WebhookDelivery, ok: boolean) => void;
}

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  /** Probability 0..1 that a delivery is silently never sent. */
  dropRate = 0;
  /** Probability 0..1 that a delivery is sent twice (same id). */
  duplicateRate = 0;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly options: WebhookSenderOptions) {}

  send(delivery: Omit<WebhookDelivery, 'attempts' | 'state'>): WebhookDelivery {
    const record: WebhookDelivery = { ...delivery, attempts: [], state: 'pending' };
    this.deliveries.push(record);
    if (Math.random() < this.dropRate) {
      record.state = 'dropped';
      return record;
    }
    this.track(this.run(record));
    if (Math.random() < this.duplicateRate) this.track(this.attempt(record).then(() => undefined));
    return record;
  }

  /** Resolves when no delivery is in flight (retries included). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async run(record: WebhookDelivery): Promise<void> {
    if (await this.attempt(record)) return;
    for (const delay of this.options.retrySchedule) {
      await this.options.clock.sleep(delay);
      if (await this.attempt(record)) return;
    }
    record.state = 'failed';
    this.options.onGiveUp?.(record);
  }

  private async attempt(record: WebhookDelivery): Promise<boolean> {
    const started = Date.now();
    const isSuccess = this.options.isSuccess ?? ((s: number) => s >= 200 && s < 300);
    let status = 0;
    let error: string | undefined;
    try {
      const response = await fetch(record.url, {
        method: 'POST',
        headers: record.headers,
        body: record.body,
        signal: AbortSignal.timeout(answerWindowMs(this.options)),
        redirect: 'manual',
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const ok = error === undefined && isSuccess(status);
    record.attempts.push({ at: this.options.clock.date().toISOString(), status, ms: Date.now() - started, ...(error ? { error } : {}) });
    if (ok) record.state = 'delivered';
    this.options.onAttempt?.(record, ok);
    return ok;
  }
}

/** Largest delay a Node timer takes; a nearly frozen test clock would otherwise overflow it. */
const MAX_TIMER_MS = 2_147_483_647;

function answerWindowMs(options: WebhookSenderOptions): number {
  return Math.min(MAX_TIMER_MS, Math.max(options.clock.realDelay(options.timeoutMs), options.minRealTimeoutMs ?? 250));
}
