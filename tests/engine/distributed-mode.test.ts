/**
 * Runtime modes (DESIGN.md §3) as main.ts wires them: REDIS_URL with DATABASE_URL puts the queue, leases and rate
 * budgets in Redis, under a key prefix of the install's schema; without both, all three stay in the database. Closing
 * the runtime closes every Redis connection it opened.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createEngine, openRuntime, type Runtime } from '../../src/main.ts';
import { closeRedis, openRedis } from '../../src/queue/redis.ts';
import type { Redis } from 'ioredis';
import { describeGated, gateOf, probePostgres, probeRedis, reachable, redisAvailability, type Gate } from '../support/backends.ts';
import { deleteRedisKeys } from '../support/redis.ts';
import { openTestStore, postgresAvailability, type TestStore } from '../support/test-db.ts';

const postgres = await reachable(postgresAvailability(), probePostgres);
const redis = await reachable(redisAvailability(), probeRedis);
// Both services are needed: the first missing one decides the gate.
const gate: Gate = !postgres.run ? gateOf(postgres) : gateOf(redis);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

describeGated('distributed mode wiring', gate, () => {
  const databaseUrl = postgres.run ? postgres.url : '';
  const redisUrl = redis.run ? redis.url : '';
  // Named like test-db.ts's schemas, so a run that dies leaves nothing that outlives the stale-schema sweep.
  const schema = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const prefix = `mlc-${schema}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-distributed-'));
  const runtimes: Runtime[] = [];
  let admin: Redis;

  const envOf = (vars: Record<string, string | undefined>) =>
    parseEnv({
      ML_CONNECTOR_DATA_DIR: dataDir,
      ML_CONNECTOR_SECRET_KEY: randomBytes(32).toString('base64'),
      ML_CONNECTOR_ADMIN_TOKEN: `admin-${randomBytes(8).toString('hex')}`,
      LOG_LEVEL: 'silent',
      ...vars,
    });
  const open = async (vars: Record<string, string | undefined>) => {
    const runtime = await openRuntime(envOf(vars), { purpose: 'distributed-mode test', logger: createLogger({ level: 'silent' }) });
    runtimes.push(runtime);
    return runtime;
  };
  const clientsOf = async (name: string) => String(await admin.call('CLIENT', 'LIST')).split('\n').filter((line) => line.includes(`name=${name}`));
  const jobRows = async (runtime: Runtime) => Number((await runtime.db.query<{ n: unknown }>('SELECT count(*) AS n FROM jobs'))[0]?.n);

  beforeAll(() => {
    admin = openRedis(redisUrl);
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close().catch(() => undefined);
    await deleteRedisKeys(admin, prefix);
    await closeRedis(admin);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('with DATABASE_URL and REDIS_URL, jobs, leases and budgets live in Redis under the schema\'s prefix; close() closes its connections', async () => {
    const runtime = await open({ DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, REDIS_URL: redisUrl });
    const { queue, leases, budget } = runtime.engine.deps;

    const job = await queue.enqueue({ name: 'sync-entity', tenantId: 't1', key: 'shopify:order:1', payload: { id: '1' } });
    expect(job.coalesced).toBe(false);
    expect(await queue.counts()).toEqual({ queued: 1, running: 0, done: 0, failed: 0 });
    expect(await admin.exists(`${prefix}:jobs:${job.id}`)).toBe(1);
    expect(await jobRows(runtime)).toBe(0);

    expect(await leases.acquire('refresh:c1', 'me', 10_000)).toBe(true);
    expect(await admin.get(`${prefix}:lease:refresh:c1`)).toBe('me');
    expect(await budget.take('zoho:org-1', [{ limit: 1, windowMs: 60_000 }])).toBe(0);
    expect(await budget.take('zoho:org-1', [{ limit: 1, windowMs: 60_000 }])).toBeGreaterThan(0);

    const worker = runtime.engine.startWorker({ concurrency: 1 });
    expect((await clientsOf(prefix)).length).toBeGreaterThan(0);
    await worker.close(0);
    await runtime.close();
    // The server drops a connection right after answering its QUIT: wait for the list to catch up.
    await waitFor(async () => (await clientsOf(prefix)).length === 0, 'every Redis connection of the runtime to close');
  });

  it('without REDIS_URL, or without DATABASE_URL, jobs stay in the database', async () => {
    const server = await open({ DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema });
    await server.engine.deps.queue.enqueue({ name: 'sync-entity', tenantId: 't1', key: 'shopify:order:2', payload: null });
    expect(await jobRows(server)).toBe(1);
    await server.close();

    const embedded = await open({ REDIS_URL: redisUrl });
    expect(embedded.mode).toBe('embedded');
    await embedded.engine.deps.queue.enqueue({ name: 'sync-entity', tenantId: 't1', key: 'shopify:order:3', payload: null });
    expect(await jobRows(embedded)).toBe(1);
    await embedded.close();
  });

  it('createEngine on a Redis client of the caller leaves that client open when the queue closes', async () => {
    let store: TestStore | undefined;
    const client = openRedis(redisUrl);
    try {
      store = await openTestStore();
      const engine = createEngine({ db: store.db, store: store.store, logger: createLogger({ level: 'silent' }), redis: client, redisPrefix: prefix });
      const job = await engine.deps.queue.enqueue({ name: 'sync-entity', tenantId: 't1', key: 'shopify:order:4', payload: null });
      expect(await client.exists(`${prefix}:jobs:${job.id}`)).toBe(1);
      await engine.deps.queue.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await closeRedis(client);
      await store?.close();
    }
  });
});
