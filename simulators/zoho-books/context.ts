/** What every handler of the simulator shares: stores, configuration, the clock and the public URL. */
import type { SimClock } from '../_kit/clock.ts';
import type { ZohoSimConfig } from './config.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Store } from './state.ts';
import type { TokenStore } from './tokens.ts';

export interface SimContext {
  readonly store: Store;
  readonly tokens: TokenStore;
  readonly limiter: RateLimiter;
  readonly clock: SimClock;
  config(): ZohoSimConfig;
  /** `http://127.0.0.1:<port>`; DC hosts are path prefixes under it. */
  baseUrl(): string;
}
