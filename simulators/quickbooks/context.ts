/** What every handler of the simulator shares, and the narrower scope of one write. */
import type { SimClock } from '../_kit/clock.ts';
import type { Company } from './company.ts';
import type { QboSimConfig } from './config.ts';
import { makeFault, type FaultKey, type QboFault } from './fault.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { RequestIdStore } from './request-ids.ts';
import { qboTimestamp } from './time.ts';
import type { TokenStore } from './tokens.ts';
import type { QboWebhooks } from './webhooks-out.ts';

export interface SimContext {
  readonly tokens: TokenStore;
  readonly companies: Map<string, Company>;
  readonly limiter: RateLimiter;
  readonly requestIds: RequestIdStore;
  readonly webhooks: QboWebhooks;
  readonly clock: SimClock;
  config(): QboSimConfig;
  /** `http://127.0.0.1:<port>`; every Intuit host is a path prefix under it. */
  baseUrl(): string;
}

/** One API write (or read): the company, the batch it runs in, and the request's `include` flags. */
export interface Scope {
  readonly ctx: SimContext;
  readonly company: Company;
  /** Marker of the running batch; entities it created are invisible to its later items (api notes §8). */
  readonly batch: symbol | undefined;
  /** Named in the 5010 detail of whoever loses a race against this write. */
  readonly writer: string;
  /** `include=` values: allowduplicatedocnum, void. */
  readonly include: ReadonlySet<string>;
  readonly now: number;
}

export function fault(scope: Scope | SimContext, key: FaultKey, vars: Record<string, string> = {}, element = ''): QboFault {
  const ctx = 'ctx' in scope ? scope.ctx : scope;
  return makeFault(ctx.config(), key, vars, element);
}

/** `Business Validation Error: <reason>` (6000). */
export function businessError(scope: Scope, reason: string, element = ''): QboFault {
  return fault(scope, 'businessValidation', { reason }, element);
}

export function companyTime(company: Company, ms: number, withMs = false): string {
  return qboTimestamp(ms, company.options.timeZone, withMs);
}
