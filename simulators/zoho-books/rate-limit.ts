/**
 * Per-organization API budgets on the simulator clock (api notes §4): a fixed one-minute window (the notes
 * advise backing off "to the next minute boundary") and a daily cap that resets at UTC midnight [mem]. The
 * `X-Rate-Limit-*` headers describe the daily quota; a 429 carries no Retry-After.
 */
import { DAY_MS } from './time-format.ts';

interface Usage {
  minuteStart: number;
  minuteCount: number;
  dayStart: number;
  dayCount: number;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; which: 'minute' | 'day'; headers: Record<string, string> };

export class RateLimiter {
  private readonly usage = new Map<string, Usage>();

  /** Counts one request for the org unless a budget is spent; refused requests are not counted [mem]. */
  take(orgId: string, now: number, perMinute: number, dailyCap: number): RateDecision {
    const minuteStart = now - (now % 60_000);
    const dayStart = now - (now % DAY_MS);
    const u = this.usage.get(orgId) ?? { minuteStart, minuteCount: 0, dayStart, dayCount: 0 };
    if (u.minuteStart !== minuteStart) {
      u.minuteStart = minuteStart;
      u.minuteCount = 0;
    }
    if (u.dayStart !== dayStart) {
      u.dayStart = dayStart;
      u.dayCount = 0;
    }
    this.usage.set(orgId, u);
    const headers = (): Record<string, string> => ({
      'X-Rate-Limit-Limit': String(dailyCap),
      'X-Rate-Limit-Remaining': String(Math.max(0, dailyCap - u.dayCount)),
      'X-Rate-Limit-Reset': String(Math.ceil((dayStart + DAY_MS - now) / 1000)),
    });
    if (u.dayCount >= dailyCap) return { ok: false, which: 'day', headers: headers() };
    if (u.minuteCount >= perMinute) return { ok: false, which: 'minute', headers: headers() };
    u.minuteCount++;
    u.dayCount++;
    return { ok: true, headers: headers() };
  }

  reset(): void {
    this.usage.clear();
  }
}
