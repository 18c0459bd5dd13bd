/**
 * How much longer than its window a granted call keeps counting, in every rate budget adapter (database and Redis),
 * so both modes grant exactly alike. A quarter of the window, at most 250 ms: room for the latency jitter between our
 * grant and the server's count. QuickBooks answers a crossed 10-per-second line with a 429 that costs a 60 s pause,
 * so a 1 s window takes the full 250 ms (8 calls a second in effect) rather than risk it.
 */
export function budgetGuardMs(windowMs: number): number {
  return Math.min(250, Math.floor(windowMs / 4));
}
