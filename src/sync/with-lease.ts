/**
 * Runs `fn` while holding a named lease, waiting for it a bounded time. Used where two different jobs may
 * create the same target object (two orders of one new customer): one finds what the other created.
 */
import { SyncError } from '../core/errors.ts';
import type { Clock, Leases } from './ports.ts';

let holds = 0;

/**
 * How long a link lease lasts unless renewed; its holder renews it every third of that while it works. A holder
 * that dies (SIGKILL, OOM) blocks the name for at most this long, shorter than a waiter waits (15 s by default).
 */
export const LEASE_TTL_MS = 10_000;

/**
 * A holder id unique to this call: the lease must exclude other jobs of this very process too, and a lease
 * "already ours" would let two jobs of one process in at once.
 */
export function holderId(ownerId: string): string {
  holds += 1;
  return `${ownerId}#${holds}`;
}

export async function withLease<T>(
  deps: { leases: Leases; clock: Clock; ownerId: string },
  name: string,
  fn: () => Promise<T>,
  options: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const holder = holderId(deps.ownerId);
  const deadline = deps.clock.now().getTime() + (options.waitMs ?? 15_000);
  let pause = 20;
  while (!(await deps.leases.acquire(name, holder, ttlMs))) {
    if (deps.clock.now().getTime() > deadline) {
      throw new SyncError('TRANSIENT', `another job is still working on ${name}`);
    }
    await deps.clock.sleep(pause);
    pause = Math.min(pause * 2, 500);
  }
  // Renewing is taking it again as the same holder; the last renewal is awaited before the release, so a late one
  // cannot bring the lease back after it.
  let renewing: Promise<unknown> = Promise.resolve();
  const renew = setInterval(() => {
    renewing = deps.leases.acquire(name, holder, ttlMs).catch(() => false);
  }, Math.max(10, Math.floor(ttlMs / 3)));
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await renewing;
    await deps.leases.release(name, holder);
  }
}
