/**
 * Fixed one-minute windows per API key on the simulator clock (notes §5): V1 allows 40 requests per key+secret,
 * counting down in `X-Rate-Limit-Remaining`, with `X-Rate-Limit-Reset` in seconds left in the window (not an epoch).
 * A refused request is not counted [inf]. V2 uses the same counter with its own limit and key.
 */

export interface RateDecision {
  ok: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets (at least 1 while it is open). */
  resetSeconds: number;
}

interface Window {
  start: number;
  count: number;
}

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  take(key: string, now: number, limit: number, anchor: 'first-request' | 'clock-minute'): RateDecision {
    let w = this.windows.get(key);
    if (!w || now >= w.start + WINDOW_MS || now < w.start) {
      w = { start: anchor === 'clock-minute' ? now - (now % WINDOW_MS) : now, count: 0 };
      this.windows.set(key, w);
    }
    const ok = w.count < limit;
    if (ok) w.count += 1;
    return { ok, limit, remaining: Math.max(0, limit - w.count), resetSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  }

  /** The current window without counting (a control read). */
  peek(key: string, now: number, limit: number): RateDecision {
    const w = this.windows.get(key);
    if (!w || now >= w.start + WINDOW_MS) return { ok: true, limit, remaining: limit, resetSeconds: 60 };
    return { ok: w.count < limit, limit, remaining: Math.max(0, limit - w.count), resetSeconds: Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000)) };
  }

  reset(): void {
    this.windows.clear();
  }
}
