/**
 * The composition root: the only place that builds adapters and hands them to the engine. Everything else
 * receives what it needs as arguments.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { loadOrCreateAdminToken } from './config/admin-token.ts';
import type { Env } from './config/env.ts';
import { createLogger } from './config/logger.ts';
import { createTransport } from './connectors/_kit/http.ts';
import { createRegistry } from './connectors/registry.ts';
import { acquireInstanceLock } from './cli/instance.ts';
import { createBullmqQueue } from './queue/bullmq.ts';
import { createJobsTableQueue } from './queue/jobs-table.ts';
import { createRedisLeases } from './queue/redis-leases.ts';
import { createRedisRateBudget } from './queue/redis-rate-budget.ts';
import { closeRedis, openRedis } from './queue/redis.ts';
import { createDbLeases, createDbRateBudget, createSealer, createStore, loadOrCreateSecretKey, migrate, openDatabase, type Db } from './store/index.ts';
import type { EngineDeps } from './sync/deps.ts';
import { Engine } from './sync/engine.ts';
import type { Clock, ConnectorRegistry, HttpCall, Logger, Store } from './sync/ports.ts';

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};

export interface EngineWiring {
  db: Db;
  store: Store;
  logger: Logger;
  clock?: Clock;
  transport?: HttpCall;
  /** Defaults to the real connectors; use-case tests pass a fake. */
  registry?: ConnectorRegistry;
  ownerId?: string;
  /**
   * Distributed mode (DESIGN.md §3): the queue (BullMQ), leases and rate budgets go to Redis. A URL is opened here
   * and its connections are closed by the queue's close(); a client (opened with openRedis, no failFast) stays the
   * caller's to close. Without either, all three live in the database.
   */
  redisUrl?: string;
  redis?: Redis;
  /** Redis key prefix: one per install sharing a Redis server (default 'mlc'). */
  redisPrefix?: string;
}

/**
 * The engine over one database, and in distributed mode over Redis too: its queue, leases and rate budget live where
 * every process that opens the same database (or Redis) shares them. The one place an Engine is assembled (the
 * runtime, tests, worker processes).
 */
export function createEngine(wiring: EngineWiring): Engine {
  const clock = wiring.clock ?? systemClock;
  const coordination = wiring.redis || wiring.redisUrl ? redisCoordination(wiring) : databaseCoordination(wiring);
  return new Engine({
    store: wiring.store,
    ...coordination,
    registry: wiring.registry ?? createRegistry({ clock }),
    transport: wiring.transport ?? createTransport(),
    clock,
    logger: wiring.logger,
    ownerId: wiring.ownerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  });
}

/**
 * Distributed mode is REDIS_URL with DATABASE_URL (DESIGN.md §3): Redis without a shared database would split one
 * install's state. Installs (or test runs) that share a Redis server but not a schema get key prefixes apart.
 */
export function redisWiring(env: Pick<Env, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'REDIS_URL'>): Pick<EngineWiring, 'redisUrl' | 'redisPrefix'> {
  if (!env.DATABASE_URL || !env.REDIS_URL) return {};
  return { redisUrl: env.REDIS_URL, redisPrefix: env.DATABASE_SCHEMA ? `mlc-${env.DATABASE_SCHEMA}` : 'mlc' };
}

type Coordination = Pick<EngineDeps, 'queue' | 'leases' | 'budget'>;

function databaseCoordination(wiring: EngineWiring): Coordination {
  return {
    queue: createJobsTableQueue({ db: wiring.db, logger: wiring.logger }),
    leases: createDbLeases(wiring.db),
    budget: createDbRateBudget(wiring.db),
  };
}

function redisCoordination(wiring: EngineWiring): Coordination {
  const prefix = wiring.redisPrefix ?? 'mlc';
  const url = wiring.redisUrl;
  // BullMQ's connection waits out a Redis outage; leases and budgets get their own that fails fast instead, since
  // their callers retry on their own and must not hang.
  const queueConnection = wiring.redis ?? openRedis(url!, { name: `${prefix}:queue`, logger: wiring.logger });
  const coordination = url && !wiring.redis ? openRedis(url, { failFast: true, name: `${prefix}:coordination`, logger: wiring.logger }) : queueConnection;
  const queue = createBullmqQueue({ connection: queueConnection, prefix, logger: wiring.logger });
  return {
    queue: {
      ...queue,
      close: async () => {
        await queue.close();
        // Only what was opened here from the URL; a client passed in is its owner's to close.
        if (!wiring.redis) await Promise.all([closeRedis(queueConnection), closeRedis(coordination)]);
      },
    },
    leases: createRedisLeases({ connection: coordination, prefix }),
    budget: createRedisRateBudget({ connection: coordination, prefix }),
  };
}

export interface Runtime {
  env: Env;
  db: Db;
  store: Store;
  engine: Engine;
  logger: Logger;
  adminToken: string;
  mode: 'embedded' | 'server';
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  /** Shown to a second process that finds the embedded database in use. */
  purpose: string;
  logger?: Logger;
  clock?: Clock;
  transport?: HttpCall;
}

export async function openRuntime(env: Env, options: OpenRuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL });
  const mode = env.DATABASE_URL ? 'server' : 'embedded';
  // Two processes on one PGlite directory corrupt it: embedded mode takes the data directory's lock.
  const releaseLock = mode === 'embedded' ? acquireInstanceLock(env.dataDir, options.purpose) : () => undefined;
  try {
    const db = await openDatabase(
      env.DATABASE_URL
        ? { url: env.DATABASE_URL, ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}) }
        : { dataDir: join(env.dataDir, 'pglite') },
    );
    if (env.DATABASE_URL && env.DATABASE_SCHEMA) await ensureSchema(db, env.DATABASE_SCHEMA);
    await migrate(db);
    const secretKey = loadOrCreateSecretKey({ envValue: env.ML_CONNECTOR_SECRET_KEY, dataDir: env.dataDir, envName: 'ML_CONNECTOR_SECRET_KEY' });
    const sealer = createSealer({ keys: { [secretKey.keyId]: secretKey.key }, activeKeyId: secretKey.keyId });
    const store = createStore({ db, sealer });
    const engine = createEngine({ db, store, logger, ...redisWiring(env), ...(options.clock ? { clock: options.clock } : {}), ...(options.transport ? { transport: options.transport } : {}) });
    const adminToken = loadOrCreateAdminToken({ envValue: env.ML_CONNECTOR_ADMIN_TOKEN, dataDir: env.dataDir }).token;
    return {
      env,
      db,
      store,
      engine,
      logger,
      adminToken,
      mode,
      close: async () => {
        await engine.deps.queue.close();
        await store.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** Several processes may start at once on a new schema: whoever loses the race to create it finds it made. */
async function ensureSchema(db: Db, schema: string): Promise<void> {
  try {
    // The name was checked against the env schema's pattern: safe to splice.
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}
