/**
 * Capped exponential backoff with full jitter (DESIGN.md §2.9, transient errors): attempt n waits a uniformly
 * random time in [0, min(cap, base · 2^(n-1))). Full jitter spreads a burst of failures instead of letting them
 * retry in lockstep. Pure: pass `random` to make it deterministic.
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2^30 already exceeds the cap; clamping the exponent keeps the arithmetic finite for absurd attempt counts.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(Math.floor(r * ceiling), ceiling);
}
