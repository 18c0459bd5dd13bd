/**
 * Link leases after a crash (found by tests/e2e/crash-storm.e2e.test.ts): a job killed while it held the lease on
 * a contact or item link (claim, search, create) used to leave it for 30 s; every job needing that contact or item
 * waited 15 s, failed as transient and spent an attempt, until records gave up ("another job is still working on
 * link:…"). The lease is now short and renewed while its holder works.
 */
import { describe, expect, it } from 'vitest';
import { SyncError } from '../core/errors.ts';
import type { Clock, Leases } from './ports.ts';
import { LEASE_TTL_MS, withLease } from './with-lease.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const clock: Clock = { now: () => new Date(), sleep: (ms) => sleep(ms) };

/** Leases in memory, with the contract of the real ones: absent, expired or already ours → granted (and extended). */
function memoryLeases() {
  const held = new Map<string, { owner: string; until: number }>();
  const leases: Leases = {
    async acquire(name, owner, ttlMs) {
      const current = held.get(name);
      if (current && current.owner !== owner && current.until > Date.now()) return false;
      held.set(name, { owner, until: Date.now() + ttlMs });
      return true;
    },
    async release(name, owner) {
      if (held.get(name)?.owner === owner) held.delete(name);
    },
  };
  return { leases, held };
}

describe('withLease', () => {
  it('is short by default: a holder that died blocks the name for less than a waiter waits', () => {
    expect(LEASE_TTL_MS).toBeLessThan(15_000);
  });

  it('renews the lease while the work outlasts it, so nobody else gets in meanwhile', async () => {
    const { leases } = memoryLeases();
    const deps = { leases, clock, ownerId: 'process-a' };
    const long = withLease(deps, 'link:c:item:sku:TEE-M', () => sleep(1_000).then(() => 'created'), { ttlMs: 300 });
    await sleep(100);
    const other = withLease({ ...deps, ownerId: 'process-b' }, 'link:c:item:sku:TEE-M', async () => 'twin', { ttlMs: 300, waitMs: 600 });
    await expect(other).rejects.toThrow(SyncError);
    await expect(long).resolves.toBe('created');
  });

  it('a holder that died blocks the name only until its lease runs out', async () => {
    const { leases } = memoryLeases();
    await leases.acquire('link:c:contact:email:ada', 'killed-process#1', 300); // its last renewal
    const started = Date.now();
    const result = await withLease({ leases, clock, ownerId: 'process-b' }, 'link:c:contact:email:ada', async () => 'found', { ttlMs: 300, waitMs: 2_000 });
    expect(result).toBe('found');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('releases the lease when the work ends, and no late renewal brings it back', async () => {
    const { leases, held } = memoryLeases();
    await withLease({ leases, clock, ownerId: 'process-a' }, 'link:c:tax:rate:0.0725', () => sleep(250), { ttlMs: 60 });
    await sleep(100);
    expect(held.has('link:c:tax:rate:0.0725')).toBe(false);
  });
});
