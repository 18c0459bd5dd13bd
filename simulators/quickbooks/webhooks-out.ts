/**
 * Outbound event notifications (api notes §10 [src S18]):
 * - Only apps connected to the company through OAuth get them, and only for changes after the connection.
 * - Payload: legacy `{"eventNotifications":[{realmId, dataChangeEvent:{entities:[{name,id,operation,lastUpdated}]}}]}`
 *   (ids only) or the CloudEvents array, per app.
 * - `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body)).
 * - A delivery needs HTTP 200 within 3 s; failures retry on 10s/20s/30s/5m/20m/2h/4h/6h then every 6 h; later
 *   notifications for the same app and company wait while one is failing.
 * Changes of one API request go out as one notification (or coalesce over `webhookBatchDelayMs`).
 */
import { createHmac } from 'node:crypto';
import type { SimClock } from '../_kit/clock.ts';
import { WebhookSender, type WebhookDelivery } from '../_kit/webhook-sender.ts';
import type { ChangeEvent, ChangeOperation } from './company.ts';
import type { QboSimConfig } from './config.ts';
import { ENTITY_SPECS } from './entity-specs.ts';
import { uuid } from './ids.ts';
import type { AppRecord, TokenStore } from './tokens.ts';

export function sign(body: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(body, 'utf8').digest('base64');
}

export interface DeliveryInfo {
  clientId: string;
  realmId: string;
  events: { name: string; id: string; operation: ChangeOperation; lastUpdated: string }[];
}

export interface WebhookSwitches {
  /** Probability 0..1 that a notification is never sent. */
  dropRate?: number;
  /** Probability 0..1 that a notification is sent twice. */
  duplicateRate?: number;
}

const VERB: Record<ChangeOperation, string> = { Create: 'created', Update: 'updated', Delete: 'deleted', Void: 'voided', Emailed: 'emailed', Merge: 'merged' };

export class QboWebhooks {
  private senders: WebhookSender[] = [];
  private senderKey = '';
  private readonly info = new Map<string, DeliveryInfo>();
  private pending: ChangeEvent[] = [];
  private timer: Promise<void> | undefined;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly waiters = new Map<string, () => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private switches: Required<WebhookSwitches> = { dropRate: 0, duplicateRate: 0 };

  constructor(
    private readonly clock: SimClock,
    private readonly tokens: TokenStore,
    private readonly config: () => QboSimConfig,
  ) {}

  /** The sender for the current settings; a new one when the retry settings change (old ones finish their work). */
  private sender(): WebhookSender {
    const cfg = this.config();
    const key = JSON.stringify([cfg.webhookRetrySchedule, cfg.webhookTimeoutMs, cfg.webhookSuccess, cfg.webhookMinRealTimeoutMs]);
    let current = this.senders[this.senders.length - 1];
    if (!current || key !== this.senderKey) {
      current = new WebhookSender({
        clock: this.clock,
        minRealTimeoutMs: cfg.webhookMinRealTimeoutMs,
        retrySchedule: cfg.webhookRetrySchedule,
        timeoutMs: cfg.webhookTimeoutMs,
        isSuccess: cfg.webhookSuccess === '200' ? (s) => s === 200 : (s) => s >= 200 && s < 300,
        onAttempt: (d, ok) => ok && this.release(d.id),
        onGiveUp: (d) => this.release(d.id),
      });
      current.dropRate = this.switches.dropRate;
      current.duplicateRate = this.switches.duplicateRate;
      this.senders.push(current);
      this.senderKey = key;
    }
    return current;
  }

  private release(id: string): void {
    const resolve = this.waiters.get(id);
    this.waiters.delete(id);
    resolve?.();
  }

  collect(event: ChangeEvent): void {
    if (!ENTITY_SPECS[event.entity].tracked) return;
    this.pending.push(event);
    const delay = this.config().webhookBatchDelayMs;
    if (delay > 0 && !this.timer) {
      this.timer = this.clock.sleep(delay).then(() => {
        this.timer = undefined;
        this.flush(true);
      });
      this.track(this.timer);
    }
  }

  /** Sends what was collected; with a batch delay configured only the timer (or settle) flushes. */
  flush(force = false): void {
    if (!force && this.config().webhookBatchDelayMs > 0) return;
    const events = this.pending;
    this.pending = [];
    const byRealm = new Map<string, ChangeEvent[]>();
    for (const e of events) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
    for (const [realmId, list] of byRealm) this.deliver(realmId, list);
  }

  private deliver(realmId: string, events: ChangeEvent[]): void {
    const now = this.clock.now();
    const seen = new Set<string>();
    for (const grant of this.tokens.liveGrants(realmId, now)) {
      if (seen.has(grant.clientId)) continue;
      seen.add(grant.clientId);
      const app = this.tokens.apps.get(grant.clientId);
      if (!app?.webhookUrl) continue;
      const connectedAt = Math.min(...this.tokens.liveGrants(realmId, now).filter((g) => g.clientId === app.clientId).map((g) => g.createdAt));
      const wanted = events.filter((e) => e.at >= connectedAt && (!app.webhookEntities || app.webhookEntities.includes(e.entity)));
      if (wanted.length === 0) continue;
      this.enqueue(app, realmId, wanted);
    }
  }

  private enqueue(app: AppRecord, realmId: string, events: ChangeEvent[]): void {
    const entities = events.map((e) => ({ name: e.entity, id: e.id, operation: e.operation, lastUpdated: new Date(e.at).toISOString() }));
    const body =
      app.webhookFormat === 'cloudevents'
        ? JSON.stringify(
            events.map((e) => ({
              specversion: '1.0',
              id: uuid(),
              source: `intuit.${app.clientId.slice(2, 14).toLowerCase()}`,
              type: `qbo.${e.entity.toLowerCase()}.${VERB[e.operation]}.v1`,
              datacontenttype: 'application/json',
              time: new Date(e.at).toISOString(),
              intuitentityid: e.id,
              intuitaccountid: realmId,
              data: {},
            })),
          )
        : JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities } }] });
    const headers = { 'content-type': 'application/json; charset=utf-8', 'intuit-signature': sign(body, app.verifierToken) };
    const url = app.webhookUrl!;
    const send = (): WebhookDelivery => {
      const id = uuid();
      this.info.set(id, { clientId: app.clientId, realmId, events: entities });
      return this.sender().send({ id, url, headers, body });
    };
    if (!this.config().webhookHoldWhileFailing) {
      send();
      return;
    }
    const key = `${app.clientId}|${realmId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(
      () =>
        new Promise<void>((resolve) => {
          const d = send();
          if (d.state !== 'pending') resolve();
          else this.waiters.set(d.id, resolve);
        }),
    );
    this.chains.set(key, next);
    this.track(next);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  setSwitches(switches: WebhookSwitches): Required<WebhookSwitches> {
    this.switches = { ...this.switches, ...switches };
    for (const s of this.senders) {
      s.dropRate = this.switches.dropRate;
      s.duplicateRate = this.switches.duplicateRate;
    }
    return this.switches;
  }

  /** Flushes pending events and waits until no delivery is in flight (retries included). */
  async settle(): Promise<void> {
    this.flush(true);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    for (const s of this.senders) await s.settle();
  }

  deliveries(): (WebhookDelivery & { info: DeliveryInfo | undefined })[] {
    return this.senders.flatMap((s) => s.deliveries.map((d) => ({ ...d, info: this.info.get(d.id) })));
  }

  reset(): void {
    for (const s of this.senders) s.deliveries.length = 0;
    this.info.clear();
    this.pending = [];
    this.chains.clear();
  }
}
