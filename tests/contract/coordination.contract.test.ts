/**
 * Coordination contract: what every Leases and RateBudget adapter must do (DESIGN.md §2.7, §2.8, §3). They live in
 * the database in embedded and server modes and in Redis in distributed mode; each factory opens one of them as a
 * process would. PostgreSQL and Redis run when their URL is set and answers, fail in CI without it, are skipped
 * elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createRedisLeases } from '../../src/queue/redis-leases.ts';
import { createRedisRateBudget } from '../../src/queue/redis-rate-budget.ts';
import { closeRedis, openRedis } from '../../src/queue/redis.ts';
import { createDbLeases } from '../../src/store/leases.repository.ts';
import { createDbRateBudget } from '../../src/store/rate-budget.ts';
import type { Leases, RateBudget } from '../../src/sync/ports.ts';
import { describeGated, gateOf, probePostgres, probeRedis, reachable, redisAvailability, type Gate } from '../support/backends.ts';
import { deleteRedisKeys } from '../support/redis.ts';
import { openPgliteTestDatabase, openPostgresTestDatabase, postgresAvailability, type TestDatabase } from '../support/test-db.ts';

// ---------------------------------------------------------------- the factory: one entry per adapter and backend

interface Coordination {
  leases: Leases;
  budget: RateBudget;
  /** Forgets every lease and every budget between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

interface CoordinationFactory {
  name: string;
  gate: Gate;
  open(): Promise<Coordination>;
}

function databaseFactory(name: string, gate: Gate, openDatabase: () => Promise<TestDatabase>): CoordinationFactory {
  return {
    name,
    gate,
    async open() {
      const database = await openDatabase();
      return { leases: createDbLeases(database.db), budget: createDbRateBudget(database.db), reset: () => database.reset(), close: () => database.close() };
    },
  };
}

function redisFactory(name: string, gate: Gate, url: () => string): CoordinationFactory {
  return {
    name,
    gate,
    async open() {
      // A prefix of its own: parallel test files and other people's runs share the Redis server.
      const prefix = `mlc-test-${randomUUID().slice(0, 8)}`;
      const connection = openRedis(url(), { failFast: true });
      return {
        leases: createRedisLeases({ connection, prefix }),
        budget: createRedisRateBudget({ connection, prefix }),
        reset: () => deleteRedisKeys(connection, prefix),
        async close() {
          await deleteRedisKeys(connection, prefix);
          await closeRedis(connection);
        },
      };
    },
  };
}

const postgres = await reachable(postgresAvailability(), probePostgres);
const redis = await reachable(redisAvailability(), probeRedis);
const factories: CoordinationFactory[] = [
  databaseFactory('PGlite', { run: true }, () => openPgliteTestDatabase({ inMemory: true })),
  databaseFactory('PostgreSQL', gateOf(postgres), () => openPostgresTestDatabase(postgres.run ? postgres.url : '')),
  redisFactory('Redis', gateOf(redis), () => (redis.run ? redis.url : '')),
];

// ---------------------------------------------------------------- the suite

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const factory of factories) {
  describeGated(`Leases and RateBudget contract on ${factory.name}`, factory.gate, () => {
    let coordination: Coordination;
    let leases: Leases;
    let budget: RateBudget;

    beforeAll(async () => {
      coordination = await factory.open();
      leases = coordination.leases;
      budget = coordination.budget;
    });
    afterAll(async () => {
      await coordination?.close();
    });
    beforeEach(async () => {
      await coordination.reset();
    });

    // ------------------------------------------------------------ leases

    it('grants a lease to one owner at a time, renews it, releases it, and lets it expire', async () => {
      expect(await leases.acquire('refresh:c1', 'worker-a', 10_000)).toBe(true);
      expect(await leases.acquire('refresh:c1', 'worker-b', 10_000)).toBe(false);
      expect(await leases.acquire('refresh:c1', 'worker-a', 10_000)).toBe(true);
      expect(await leases.acquire('refresh:c2', 'worker-b', 10_000)).toBe(true);
      await leases.release('refresh:c1', 'worker-b'); // not the holder: no effect
      expect(await leases.acquire('refresh:c1', 'worker-b', 10_000)).toBe(false);
      await leases.release('refresh:c1', 'worker-a');
      expect(await leases.acquire('refresh:c1', 'worker-b', 10_000)).toBe(true);

      expect(await leases.acquire('poll:orders', 'worker-a', 1_000)).toBe(true);
      expect(await leases.acquire('poll:orders', 'worker-b', 1_000)).toBe(false);
      await sleep(1_100);
      expect(await leases.acquire('poll:orders', 'worker-b', 10_000)).toBe(true);
      expect(await leases.acquire('poll:orders', 'worker-a', 10_000)).toBe(false);

      const racers = await Promise.all(Array.from({ length: 10 }, (_, i) => leases.acquire('race', `w${i}`, 10_000)));
      expect(racers.filter(Boolean)).toHaveLength(1);
    });

    // ------------------------------------------------------------ rate budget

    it('grants calls up to the limit per window, then says how long to wait', async () => {
      const rule = { limit: 100, windowMs: 60_000 };
      const first100 = [];
      for (let i = 0; i < 100; i++) first100.push(await budget.take('zoho:org-1', [rule]));
      expect(first100.every((wait) => wait === 0)).toBe(true);
      // A sliding window: the 101st waits until enough of the burst has slid out (at most two windows).
      const wait = await budget.take('zoho:org-1', [rule]);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(120_000);
      expect(await budget.take('zoho:org-1', [rule])).toBeGreaterThan(0); // refused calls spent nothing, still refused
      // Another key has its own budget.
      expect(await budget.take('zoho:org-2', [rule])).toBe(0);

      // A short window opens again. (A second long, not less: three takes must land inside it on a loaded machine.)
      const short = { limit: 2, windowMs: 1_000 };
      expect(await budget.take('short', [short])).toBe(0);
      expect(await budget.take('short', [short])).toBe(0);
      const shortWait = await budget.take('short', [short]);
      expect(shortWait).toBeGreaterThan(0);
      expect(shortWait).toBeLessThanOrEqual(2_000);
      await sleep(shortWait + 20);
      expect(await budget.take('short', [short])).toBe(0);
    });

    it('counts exactly under parallel takes and spends nothing on a refused call', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, () => budget.take('qbo:realm', [{ limit: 10, windowMs: 60_000 }])));
      expect(results.filter((w) => w === 0)).toHaveLength(10);

      const perMinute = { limit: 5, windowMs: 60_000 };
      const perSecond = { limit: 1, windowMs: 1_000 };
      expect(await budget.take('two-rules', [perMinute, perSecond])).toBe(0);
      for (let i = 0; i < 3; i++) expect(await budget.take('two-rules', [perMinute, perSecond])).toBeGreaterThan(0);
      // Only one of the five per-minute calls was spent, refusals included.
      for (let i = 0; i < 4; i++) expect(await budget.take('two-rules', [perMinute])).toBe(0);
      expect(await budget.take('two-rules', [perMinute])).toBeGreaterThan(0);
    });

    it('pauses a key when the server says stop', async () => {
      const rule = { limit: 100, windowMs: 60_000 };
      expect(await budget.take('shopify:shop', [rule])).toBe(0);
      // Seconds, not milliseconds: the calls below must land inside the pause on a loaded machine.
      await budget.pause('shopify:shop', 2_000);
      await budget.pause('shopify:shop', 500); // a shorter pause does not cut the longer one
      const wait = await budget.take('shopify:shop', [rule]);
      expect(wait).toBeGreaterThan(1_000);
      expect(wait).toBeLessThanOrEqual(2_000);
      expect(await budget.take('other', [rule])).toBe(0);
      await sleep(wait + 20);
      expect(await budget.take('shopify:shop', [rule])).toBe(0);
    });
  });
}
