/**
 * Named leases in Redis (distributed mode, DESIGN.md §3): the same promise as the database's leases table. A lease
 * is one key holding its owner, expiring on Redis's clock, the one clock every process shares.
 */
import type { Redis } from 'ioredis';
import type { Leases } from '../sync/ports.ts';
import { defineScript } from './redis.ts';

// Granted when absent (never taken, released or expired) or already ours; ours is extended to the new ttl.
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

// Only the holder may release: a late release after someone else took over changes nothing.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisLeasesOptions {
  /** Not closed by the leases. */
  connection: Redis;
  /** Key namespace; one per install (and per test). Default 'mlc'. */
  prefix?: string;
}

export function createRedisLeases(options: RedisLeasesOptions): Leases {
  const prefix = options.prefix ?? 'mlc';
  const acquire = defineScript<number>(options.connection, 'mlcLeaseAcquire', 1, ACQUIRE);
  const release = defineScript<number>(options.connection, 'mlcLeaseRelease', 1, RELEASE);
  const keyOf = (name: string) => `${prefix}:lease:${name}`;
  return {
    async acquire(name, owner, ttlMs) {
      if (!(ttlMs > 0)) throw new RangeError('lease ttlMs must be positive');
      return (await acquire(keyOf(name), owner, Math.ceil(ttlMs))) === 1;
    },
    async release(name, owner) {
      await release(keyOf(name), owner);
    },
  };
}
