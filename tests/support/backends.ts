/**
 * Registers a contract suite once per backend, with the rule the project keeps for external services:
 * available → run; required here but missing (CI) → one failing test that says why; otherwise → skipped, saying why.
 * "Available" means answering: a URL that is set but unreachable fails its suite too (see `reachable`).
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, it } from 'vitest';
import { describeRedisUrl } from '../../src/queue/redis.ts';
import { describeUrl } from '../../src/store/db.ts';
import type { Availability } from './test-db.ts';

export type Gate = { run: true } | { run: false; fail: boolean; message: string };

export function gateOf(availability: Availability | { run: true }): Gate {
  return availability.run ? { run: true } : availability;
}

export function describeGated(title: string, gate: Gate, body: () => void): void {
  if (gate.run) {
    describe(title, body);
  } else if (gate.fail) {
    describe(title, () => {
      it('has its service available', () => {
        throw new Error(gate.message);
      });
    });
  } else {
    describe.skip(`${title} (${gate.message})`, body);
  }
}

// ---------------------------------------------------------------- Redis, and reachability of both services

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Redis runs when REDIS_URL is set; in CI its absence is a failure, on a laptop a skip (as postgresAvailability). */
export function redisAvailability(env: NodeJS.ProcessEnv = process.env): Availability {
  const url = env.REDIS_URL;
  if (url) return { run: true, url };
  if (env.CI) {
    return {
      run: false,
      fail: true,
      message: `REDIS_URL is not set but CI is: the Redis contract suites must run in CI (e.g. REDIS_URL=${DEFAULT_REDIS_URL})`,
    };
  }
  return { run: false, fail: false, message: `Redis suite skipped: set REDIS_URL (e.g. ${DEFAULT_REDIS_URL}) to run it` };
}

/** How long a probe waits for an answer: a URL that nothing answers must fail its suite, not hang it. */
export const PROBE_TIMEOUT_MS = 2_000;

/** Null when Redis at `url` answers PING, else why not (host and error only: the URL may hold a password). */
export async function probeRedis(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect().then(() => client.ping()), timeoutMs);
    return null;
  } catch (error) {
    return `REDIS_URL (${describeRedisUrl(url)}) is set but Redis does not answer within ${timeoutMs} ms: ${reason(error)}`;
  } finally {
    client.disconnect();
  }
}

/** Null when PostgreSQL at `url` answers a query, else why not. */
export async function probePostgres(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect().then(() => client.query('SELECT 1')), timeoutMs);
    return null;
  } catch (error) {
    return `DATABASE_URL (${describeUrl(url)}) is set but PostgreSQL does not answer within ${timeoutMs} ms: ${reason(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * An availability that says "run" after the service answered; a set URL that nothing answers becomes a failing
 * gate (in CI and out of it: the developer asked for that service). For test files' top level:
 *   const redis = await reachable(redisAvailability(), probeRedis);
 */
export async function reachable(availability: Availability, probe: (url: string) => Promise<string | null>): Promise<Availability> {
  if (!availability.run) return availability;
  const problem = await probe(availability.url);
  return problem === null ? availability : { run: false, fail: true, message: problem };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : error.name);
}
