/**
 * Request limits on the simulator clock (api notes §7 [src S10]): 500 requests per minute per realm, 10 per second
 * per realm and app, 10 concurrent per realm and app (2016), and for batches 40 per minute per realm and app and 120
 * per minute per realm. Windows slide [mem: Intuit does not say]; refused requests are not counted [mem].
 */
import type { QboSimConfig } from './config.ts';

export type LimitName = 'perSecond' | 'perMinute' | 'concurrent' | 'batchPerMinuteApp' | 'batchPerMinuteRealm';

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  private recent(key: string, now: number, windowMs: number): number[] {
    const list = (this.windows.get(key) ?? []).filter((t) => t > now - windowMs);
    this.windows.set(key, list);
    return list;
  }

  /** Counts one request, or names the limit it would break. */
  take(realmId: string, clientId: string, isBatch: boolean, now: number, cfg: QboSimConfig): LimitName | undefined {
    const second = this.recent(`s|${realmId}|${clientId}`, now, 1000);
    const minute = this.recent(`m|${realmId}`, now, 60_000);
    const batchApp = this.recent(`ba|${realmId}|${clientId}`, now, 60_000);
    const batchRealm = this.recent(`br|${realmId}`, now, 60_000);
    if ((this.inFlight.get(`${realmId}|${clientId}`) ?? 0) >= cfg.concurrentPerRealmApp) return 'concurrent';
    if (second.length >= cfg.perSecondPerRealmApp) return 'perSecond';
    if (minute.length >= cfg.perMinutePerRealm) return 'perMinute';
    if (isBatch && batchApp.length >= cfg.batchPerMinutePerRealmApp) return 'batchPerMinuteApp';
    if (isBatch && batchRealm.length >= cfg.batchPerMinutePerRealm) return 'batchPerMinuteRealm';
    second.push(now);
    minute.push(now);
    if (isBatch) {
      batchApp.push(now);
      batchRealm.push(now);
    }
    return undefined;
  }

  enter(realmId: string, clientId: string): void {
    const key = `${realmId}|${clientId}`;
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  leave(realmId: string, clientId: string): void {
    const key = `${realmId}|${clientId}`;
    this.inFlight.set(key, Math.max(0, (this.inFlight.get(key) ?? 1) - 1));
  }

  usage(realmId: string, clientId: string, now: number): { lastSecond: number; lastMinute: number; inFlight: number } {
    return {
      lastSecond: this.recent(`s|${realmId}|${clientId}`, now, 1000).length,
      lastMinute: this.recent(`m|${realmId}`, now, 60_000).length,
      inFlight: this.inFlight.get(`${realmId}|${clientId}`) ?? 0,
    };
  }

  reset(): void {
    this.windows.clear();
    this.inFlight.clear();
  }
}
