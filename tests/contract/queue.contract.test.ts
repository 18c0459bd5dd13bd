/**
 * Queue conformance: what every JobQueue adapter must do (DESIGN.md §2.3, §3). The suite knows only the port;
 * each factory says how to open a queue as one process would, and how to kill such a process. The jobs table (on
 * PGlite and PostgreSQL) and BullMQ (on Redis) pass the same suite.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createBullmqQueue } from '../../src/queue/bullmq.ts';
import { createJobsTableQueue, type JobsTableQueue } from '../../src/queue/jobs-table.ts';
import { closeRedis, openRedis } from '../../src/queue/redis.ts';
import type { Db } from '../../src/store/db.ts';
import type { JobContext, JobOutcome, JobQueue, JobSpec, JobWorker } from '../../src/sync/ports.ts';
import { describeGated, gateOf, probePostgres, probeRedis, reachable, redisAvailability, type Gate } from '../support/backends.ts';
import { deleteRedisKeys } from '../support/redis.ts';
import { openPgliteTestDatabase, openPostgresTestDatabase, postgresAvailability, type TestDatabase } from '../support/test-db.ts';

// ---------------------------------------------------------------- the factory: one entry per adapter and backend

interface QueueHarness {
  /** A queue client as one process holds it. */
  open(): Promise<JobQueue>;
  /** The process holding `queue` dies: from now on it reaches nothing, and hands nothing back. */
  kill(queue: JobQueue): void;
  /** Empties the queue between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

interface QueueFactory {
  name: string;
  gate: Gate;
  create(): Promise<QueueHarness>;
}

/** A Db whose owner can be "killed": every later call fails, as if the process had died. */
function killable(db: Db): { db: Db; kill(): void } {
  let dead = false;
  const killed = () => Promise.reject(new Error('process killed'));
  const wrap = (inner: Db): Db => ({
    driver: inner.driver,
    query: (sql, params) => (dead ? killed() : inner.query(sql, params)),
    exec: (sql) => (dead ? killed() : inner.exec(sql)),
    transaction: (fn) => (dead ? killed() : inner.transaction((tx) => fn(wrap(tx)))),
    close: () => inner.close(),
  });
  return { db: wrap(db), kill: () => void (dead = true) };
}

function jobsTableFactory(name: string, gate: Gate, openDatabase: () => Promise<TestDatabase>): QueueFactory {
  return {
    name,
    gate,
    async create() {
      const database = await openDatabase();
      const kills = new Map<JobQueue, () => void>();
      return {
        async open() {
          const handle = killable(await database.connect());
          const queue = createJobsTableQueue({ db: handle.db });
          kills.set(queue, handle.kill);
          return queue;
        },
        kill: (queue) => kills.get(queue)?.(),
        reset: () => database.reset(),
        close: () => database.close(),
      };
    },
  };
}

/**
 * A Redis client as one process holds it, with every connection BullMQ duplicates from it (a worker's blocking
 * connection). Killing cuts them all and forbids reconnecting: the process's locks stop being renewed and run out.
 */
function killableRedis(url: string): { client: Redis; kill(): void; close(): Promise<void> } {
  const clients: Redis[] = [];
  const track = (client: Redis): Redis => {
    clients.push(client);
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args: Parameters<Redis['duplicate']>) => track(duplicate(...args));
    return client;
  };
  const client = track(openRedis(url));
  return {
    client,
    kill() {
      for (const c of clients) {
        c.connect = () => Promise.reject(new Error('process killed'));
        c.disconnect();
      }
    },
    close: async () => void (await Promise.all(clients.map((c) => closeRedis(c)))),
  };
}

function bullmqFactory(name: string, gate: Gate, url: () => string): QueueFactory {
  return {
    name,
    gate,
    async create() {
      // One prefix per suite run: parallel test files and other engineers' runs share the Redis server.
      const prefix = `mlc-test-${randomUUID().slice(0, 8)}`;
      const admin = openRedis(url());
      const processes = new Map<JobQueue, ReturnType<typeof killableRedis>>();
      return {
        async open() {
          const process = killableRedis(url());
          const queue = createBullmqQueue({ connection: process.client, prefix });
          processes.set(queue, process);
          return queue;
        },
        kill: (queue) => processes.get(queue)?.kill(),
        reset: () => deleteRedisKeys(admin, prefix),
        async close() {
          for (const [queue, process] of processes) {
            await queue.close().catch(() => undefined);
            await process.close();
          }
          await deleteRedisKeys(admin, prefix);
          await closeRedis(admin);
        },
      };
    },
  };
}

const postgres = await reachable(postgresAvailability(), probePostgres);
const redis = await reachable(redisAvailability(), probeRedis);
const factories: QueueFactory[] = [
  jobsTableFactory('jobs table on PGlite', { run: true }, () => openPgliteTestDatabase()),
  jobsTableFactory('jobs table on PostgreSQL', gateOf(postgres), () => openPostgresTestDatabase(postgres.run ? postgres.url : '')),
  bullmqFactory('BullMQ on Redis', gateOf(redis), () => (redis.run ? redis.url : '')),
];

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

const spec = (key: string, extra: Partial<JobSpec> = {}): JobSpec => ({ name: 'sync-entity', tenantId: 'tenant-1', key, payload: { key }, ...extra });

const done: JobOutcome = { status: 'done' };

// ---------------------------------------------------------------- the suite

for (const factory of factories) {
  describeGated(`JobQueue contract: ${factory.name}`, factory.gate, () => {
    let harness: QueueHarness;
    let queue: JobQueue;
    const workers: JobWorker[] = [];
    const work = (q: JobQueue, handler: (job: JobContext) => Promise<JobOutcome>, options: { workerId?: string; concurrency?: number; leaseMs?: number; pollMs?: number } = {}) => {
      const worker = q.work(handler, { workerId: options.workerId ?? 'w1', concurrency: options.concurrency ?? 1, pollMs: options.pollMs ?? 20, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) });
      workers.push(worker);
      return worker;
    };

    beforeAll(async () => {
      harness = await factory.create();
      queue = await harness.open();
    });
    afterAll(async () => {
      await harness?.close();
    });
    beforeEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.close(0)));
      await harness.reset();
    });

    it('enqueues, runs a job once with its context, and marks it done', async () => {
      const payload = { orderId: '820982911946154508', total: '19.99', nested: [1, { a: null }] };
      const { id, coalesced } = await queue.enqueue(spec('shopify:order:1', { payload, tenantId: 'tenant-9' }));
      expect(coalesced).toBe(false);
      expect(await queue.counts()).toEqual({ queued: 1, running: 0, done: 0, failed: 0 });
      const seen: JobContext[] = [];
      work(queue, async (job) => {
        seen.push(job);
        return done;
      });
      await waitFor(async () => (await queue.counts()).done === 1, 5_000, 'the job to finish');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id, name: 'sync-entity', tenantId: 'tenant-9', key: 'shopify:order:1', payload, attempt: 1 });
      expect(seen[0]!.signal.aborted).toBe(false);
      await sleep(60);
      expect(seen).toHaveLength(1);
    });

    it('does not run a delayed job early', async () => {
      const started = new Map<string, number>();
      const t0 = Date.now();
      await queue.enqueue(spec('later', { delayMs: 400 }));
      await queue.enqueue(spec('now'));
      work(queue, async (job) => {
        started.set(job.key, Date.now());
        return done;
      });
      await waitFor(() => started.has('later'), 5_000, 'the delayed job');
      expect(started.get('now')! - t0).toBeLessThan(400);
      expect(started.get('later')! - t0).toBeGreaterThanOrEqual(395);
    });

    it('retries after the delay asked for, backs off without one, retries a throw, and stops on failed', async () => {
      const runs: { key: string; attempt: number; at: number }[] = [];
      await Promise.all(['delay', 'backoff', 'throws', 'fails'].map((key) => queue.enqueue(spec(key))));
      work(
        queue,
        async (job) => {
          runs.push({ key: job.key, attempt: job.attempt, at: Date.now() });
          if (job.attempt > 1) return done;
          if (job.key === 'delay') return { status: 'retry', delayMs: 300, reason: 'rate limited' };
          if (job.key === 'backoff') return { status: 'retry', reason: 'transient' };
          if (job.key === 'throws') throw new Error('secret token sk_live_123 in a message');
          return { status: 'failed', reason: 'validation' };
        },
        { concurrency: 4 },
      );
      await waitFor(async () => (await queue.counts()).done === 3, 5_000, 'three retried jobs to finish');
      const of = (key: string) => runs.filter((r) => r.key === key);
      expect(of('delay').map((r) => r.attempt)).toEqual([1, 2]);
      expect(of('delay')[1]!.at - of('delay')[0]!.at).toBeGreaterThanOrEqual(295);
      expect(of('backoff').map((r) => r.attempt)).toEqual([1, 2]);
      // Attempt 1 backs off at most 1 s (base), with jitter.
      expect(of('backoff')[1]!.at - of('backoff')[0]!.at).toBeLessThan(1_500);
      expect(of('throws').map((r) => r.attempt)).toEqual([1, 2]);
      expect(of('fails').map((r) => r.attempt)).toEqual([1]);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 3, failed: 1 });
    });

    it('a wait gives its attempt back: three waits, then a retry, count as attempts 1, 1, 1, 1, 2', async () => {
      const attempts: number[] = [];
      await queue.enqueue(spec('waits'));
      work(queue, async (job) => {
        attempts.push(job.attempt);
        if (attempts.length <= 3) return { status: 'retry', delayMs: 20, reason: 'rate limited', wait: true };
        if (attempts.length === 4) return { status: 'retry', delayMs: 20, reason: 'transient' };
        return done;
      });
      await waitFor(async () => (await queue.counts()).done === 1, 5_000, 'the waiting job to finish');
      expect(attempts).toEqual([1, 1, 1, 1, 2]);
    });

    it('coalesces queued duplicates of one key, keeping the earlier run time and the first payload', async () => {
      const first = await queue.enqueue(spec('order:1', { delayMs: 60_000, payload: { n: 1 } }));
      const second = await queue.enqueue(spec('order:1', { payload: { n: 2 } }));
      expect(second).toEqual({ id: first.id, coalesced: true });
      const otherKey = await queue.enqueue(spec('order:2'));
      expect(otherKey.coalesced).toBe(false);
      expect((await queue.counts()).queued).toBe(2);

      const ran: string[] = [];
      const payloads = new Map<string, unknown>();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      work(
        queue,
        async (job) => {
          ran.push(job.id);
          payloads.set(job.id, job.payload);
          if (job.id === first.id && ran.filter((id) => id === first.id).length === 1) await gate;
          return done;
        },
        { concurrency: 4 },
      );
      // The coalesced job took the earlier (immediate) run time.
      await waitFor(() => ran.includes(first.id), 3_000, 'the coalesced job to start');
      expect(payloads.get(first.id)).toEqual({ n: 1 });
      // While it runs, a new trigger for it is a new queued job, which waits for the running one.
      const during = await queue.enqueue(spec('order:1'));
      expect(during.coalesced).toBe(false);
      await sleep(100);
      expect(ran).not.toContain(during.id);
      release();
      await waitFor(() => ran.includes(during.id), 3_000, 'the follow-up job');
      await waitFor(async () => (await queue.counts()).done === 3);
      expect(ran.sort()).toEqual([first.id, otherKey.id, during.id].sort());
    });

    it('runs live jobs before backfill jobs', async () => {
      await queue.enqueue(spec('backfill:1', { priority: 'backfill' }));
      await queue.enqueue(spec('backfill:2', { priority: 'backfill' }));
      await queue.enqueue(spec('live:1', { priority: 'live' }));
      await queue.enqueue(spec('live:2'));
      const order: string[] = [];
      work(queue, async (job) => {
        order.push(job.key);
        return done;
      });
      await waitFor(() => order.length === 4);
      expect(order).toEqual(['live:1', 'live:2', 'backfill:1', 'backfill:2']);
    });

    it('never runs two jobs of one key at once: 2 processes × concurrency 4, 200 enqueues on 10 keys', async () => {
      const other = await harness.open();
      const intervals = new Map<string, { start: number; end: number }[]>();
      const executed: string[] = [];
      const active = new Map<string, number>();
      let overall = 0;
      let maxOverall = 0;
      const maxPerWorker = new Map<string, number>();
      const handlerFor = (workerId: string) => async (job: JobContext): Promise<JobOutcome> => {
        const start = performance.now();
        active.set(workerId, (active.get(workerId) ?? 0) + 1);
        maxPerWorker.set(workerId, Math.max(maxPerWorker.get(workerId) ?? 0, active.get(workerId)!));
        maxOverall = Math.max(maxOverall, ++overall);
        await sleep(1 + Math.random() * 8);
        overall--;
        active.set(workerId, active.get(workerId)! - 1);
        executed.push(job.id);
        const list = intervals.get(job.key) ?? [];
        list.push({ start, end: performance.now() });
        intervals.set(job.key, list);
        return done;
      };
      work(queue, handlerFor('a'), { workerId: 'a', concurrency: 4, pollMs: 10 });
      work(other, handlerFor('b'), { workerId: 'b', concurrency: 4, pollMs: 10 });

      const ids = new Set<string>();
      for (let wave = 0; wave < 20; wave++) {
        const results = await Promise.all(Array.from({ length: 10 }, (_, k) => (wave % 2 ? other : queue).enqueue(spec(`key:${k}`, { payload: { wave } }))));
        for (const r of results) ids.add(r.id);
        await sleep(4);
      }
      await waitFor(async () => (await queue.counts()).done === ids.size, 20_000, 'every enqueued job to finish');

      expect(executed.sort()).toEqual([...ids].sort());
      for (const [key, list] of intervals) {
        list.sort((x, y) => x.start - y.start);
        for (let i = 1; i < list.length; i++) expect(list[i]!.start, `overlap on ${key}`).toBeGreaterThanOrEqual(list[i - 1]!.end);
      }
      expect(Math.max(...maxPerWorker.values())).toBeLessThanOrEqual(4);
      // The suite proves something only if work did run in parallel, on both processes.
      expect(maxOverall).toBeGreaterThan(1);
      expect(maxPerWorker.size).toBe(2);
      expect(ids.size).toBeGreaterThan(10);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: ids.size, failed: 0 });
    }, 30_000);

    it('lets another process take over a job whose worker died', async () => {
      const crashed = await harness.open();
      const attempts: { worker: string; attempt: number }[] = [];
      await queue.enqueue(spec('order:crash'));
      const dead = work(crashed, async (job) => {
        attempts.push({ worker: 'crashed', attempt: job.attempt });
        await new Promise(() => undefined); // never completes
        return done;
      }, { workerId: 'crashed', leaseMs: 300, pollMs: 10 });
      await waitFor(() => attempts.length === 1, 3_000, 'the first claim');
      harness.kill(crashed);
      const t0 = Date.now();
      work(queue, async (job) => {
        attempts.push({ worker: 'survivor', attempt: job.attempt });
        return done;
      }, { workerId: 'survivor', pollMs: 10 });
      await waitFor(async () => (await queue.counts()).done === 1, 5_000, 'the takeover');
      expect(attempts).toEqual([{ worker: 'crashed', attempt: 1 }, { worker: 'survivor', attempt: 2 }]);
      expect(Date.now() - t0).toBeLessThan(2_000);
      await dead.close(0);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 1, failed: 0 });
    });

    it('on close, lets short jobs finish and hands long ones back', async () => {
      const signals = new Map<string, AbortSignal>();
      await queue.enqueue(spec('short'));
      await queue.enqueue(spec('long'));
      const worker = work(queue, async (job) => {
        signals.set(job.key, job.signal);
        if (job.key === 'short') {
          await sleep(50);
          return done;
        }
        await new Promise((resolve) => job.signal.addEventListener('abort', resolve));
        return done; // ignored: the job was handed back
      }, { concurrency: 2 });
      await waitFor(() => signals.size === 2, 3_000, 'both jobs to start');
      const t0 = Date.now();
      await worker.close(200);
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(190);
      expect(took).toBeLessThan(1_500);
      expect(signals.get('long')!.aborted).toBe(true);
      expect(signals.get('short')!.aborted).toBe(false);
      await sleep(50);
      expect(await queue.counts()).toEqual({ queued: 1, running: 0, done: 1, failed: 0 });

      // The handed-back job is immediately claimable by anyone.
      const next: JobContext[] = [];
      work(queue, async (job) => {
        next.push(job);
        return done;
      }, { workerId: 'w2' });
      await waitFor(() => next.length === 1, 3_000, 'the handed-back job to run again');
      expect(next[0]).toMatchObject({ key: 'long', attempt: 2 });
    });

    it('closing an idle worker is quick, and a closed worker claims nothing', async () => {
      const ran: string[] = [];
      const worker = work(queue, async (job) => {
        ran.push(job.key);
        return done;
      }, { pollMs: 50 });
      const t0 = Date.now();
      await worker.close(5_000);
      expect(Date.now() - t0).toBeLessThan(500);
      await queue.enqueue(spec('after-close'));
      await sleep(150);
      expect(ran).toEqual([]);
      expect((await queue.counts()).queued).toBe(1);
    });

    it('makes a queued backfill job live when a live trigger for it coalesces', async () => {
      await queue.enqueue(spec('backfill:1', { priority: 'backfill' }));
      const upgraded = await queue.enqueue(spec('order:9', { priority: 'backfill' }));
      expect(await queue.enqueue(spec('order:9', { priority: 'live' }))).toEqual({ id: upgraded.id, coalesced: true });
      const order: string[] = [];
      work(queue, async (job) => {
        order.push(job.key);
        return done;
      });
      await waitFor(() => order.length === 2);
      expect(order).toEqual(['order:9', 'backfill:1']);
    });

    it('after a crash, runs the dead job again and the next job of its key, one at a time', async () => {
      const crashed = await harness.open();
      const first = await queue.enqueue(spec('order:crash'));
      let claimed = false;
      const dead = work(crashed, async () => {
        claimed = true;
        await new Promise(() => undefined); // never completes
        return done;
      }, { workerId: 'crashed', leaseMs: 300, pollMs: 10 });
      await waitFor(() => claimed, 3_000, 'the first claim');
      harness.kill(crashed);
      // Queued while the dead job still holds its key: it must wait for the key, whichever of the two runs first.
      const next = await queue.enqueue(spec('order:crash'));
      expect(next.coalesced).toBe(false);
      const runs: { id: string; attempt: number; start: number; end: number }[] = [];
      work(queue, async (job) => {
        const start = performance.now();
        await sleep(20);
        runs.push({ id: job.id, attempt: job.attempt, start, end: performance.now() });
        return done;
      }, { workerId: 'survivor', concurrency: 4, pollMs: 10 });
      await waitFor(async () => (await queue.counts()).done === 2, 10_000, 'the takeover and the next job');
      expect(runs.map((r) => `${r.id}#${r.attempt}`).sort()).toEqual([`${first.id}#2`, `${next.id}#1`].sort());
      runs.sort((a, b) => a.start - b.start);
      expect(runs[1]!.start).toBeGreaterThanOrEqual(runs[0]!.end);
      await dead.close(0);
    });
  });
}

// ---------------------------------------------------------------- jobs-table specifics (not part of the port)

for (const [name, gate, open] of [
  ['PGlite', { run: true }, () => openPgliteTestDatabase({ inMemory: true })],
  ['PostgreSQL', gateOf(postgres), () => openPostgresTestDatabase(postgres.run ? postgres.url : '')],
] as const satisfies readonly (readonly [string, Gate, () => Promise<TestDatabase>])[]) {
  describeGated(`jobs table specifics on ${name}`, gate, () => {
    let database: TestDatabase;
    let queue: JobsTableQueue;
    const workers: JobWorker[] = [];
    beforeAll(async () => {
      database = await open();
      queue = createJobsTableQueue({ db: database.db, random: () => 0, maxThrownAttempts: 3 });
    });
    afterAll(async () => {
      await queue?.close();
      await database?.close();
    });
    beforeEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.close(0)));
      await database.reset();
    });

    it('refuses a second running job for one key at the index, whatever the claim query does', async () => {
      const first = await queue.enqueue(spec('k'));
      await database.db.query(`UPDATE jobs SET state = 'running', locked_by = 'x', lease_until = now() + interval '1 minute' WHERE id = $1`, [first.id]);
      const second = await queue.enqueue(spec('k'));
      expect(second.coalesced).toBe(false);
      await expect(database.db.query(`UPDATE jobs SET state = 'running', locked_by = 'y', lease_until = now() + interval '1 minute' WHERE id = $1`, [second.id])).rejects.toThrow();
    });

    it('marks a job failed after it threw maxThrownAttempts times, logging nothing of the message', async () => {
      await queue.enqueue(spec('poison'));
      const attempts: number[] = [];
      workers.push(queue.work(async (job) => {
        attempts.push(job.attempt);
        throw new Error('token sk_live_secret');
      }, { workerId: 'w', concurrency: 1, pollMs: 10 }));
      await waitFor(async () => (await queue.counts()).failed === 1, 5_000, 'the poison job to fail');
      expect(attempts).toEqual([1, 2, 3]);
      const rows = await database.db.query<{ last_error: string }>('SELECT last_error FROM jobs');
      expect(rows[0]!.last_error).toMatch(/handler threw Error/);
      expect(rows[0]!.last_error).not.toContain('sk_live_secret');
    });

    it('merges a queued twin into a job that is retried', async () => {
      const first = await queue.enqueue(spec('twin'));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const runs: { id: string; attempt: number }[] = [];
      workers.push(queue.work(async (job) => {
        runs.push({ id: job.id, attempt: job.attempt });
        if (job.attempt === 1) {
          await gate;
          return { status: 'retry', delayMs: 60_000, reason: 'later' };
        }
        return done;
      }, { workerId: 'w', concurrency: 2, pollMs: 10 }));
      await waitFor(() => runs.length === 1);
      const twin = await queue.enqueue(spec('twin'));
      expect(twin.coalesced).toBe(false);
      release();
      // The twin was due now, so the merged job runs now rather than in a minute.
      await waitFor(async () => (await queue.counts()).done === 1, 3_000, 'the merged job');
      expect(runs).toEqual([{ id: first.id, attempt: 1 }, { id: first.id, attempt: 2 }]);
      expect(await database.db.query('SELECT id FROM jobs')).toHaveLength(1);
    });

    it('purges done jobs older than asked', async () => {
      await queue.enqueue(spec('a'));
      await queue.enqueue(spec('b'));
      workers.push(queue.work(async () => done, { workerId: 'w', concurrency: 2, pollMs: 10 }));
      await waitFor(async () => (await queue.counts()).done === 2);
      expect(await queue.purgeDone(60_000)).toBe(0);
      await sleep(20);
      expect(await queue.purgeDone(10)).toBe(2);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 0, failed: 0 });
    });
  });
}


// ---------------------------------------------------------------- BullMQ specifics (not part of the port)

describeGated('BullMQ specifics on Redis', gateOf(redis), () => {
  const url = redis.run ? redis.url : '';
  const prefix = `mlc-test-${randomUUID().slice(0, 8)}`;
  let connection: Redis;
  let admin: Redis;
  let queue: JobQueue;
  const workers: JobWorker[] = [];
  const work = (handler: (job: JobContext) => Promise<JobOutcome>, options: { workerId?: string; concurrency?: number; leaseMs?: number } = {}) => {
    const worker = queue.work(handler, { workerId: options.workerId ?? 'w', concurrency: options.concurrency ?? 2, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) });
    workers.push(worker);
    return worker;
  };
  const jobHash = (id: string) => `${prefix}:jobs:${id}`;

  beforeAll(() => {
    connection = openRedis(url);
    admin = openRedis(url);
    queue = createBullmqQueue({ connection, prefix, random: () => 0, maxThrownAttempts: 3 });
  });
  afterAll(async () => {
    await queue?.close();
    await deleteRedisKeys(admin, prefix);
    await Promise.all([closeRedis(connection), closeRedis(admin)]);
  });
  beforeEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close(0)));
    await deleteRedisKeys(admin, prefix);
  });

  it('marks a job failed after it threw maxThrownAttempts times, storing nothing of the message', async () => {
    const { id } = await queue.enqueue(spec('poison'));
    const attempts: number[] = [];
    work(async (job) => {
      attempts.push(job.attempt);
      throw new Error('token sk_live_secret');
    });
    await waitFor(async () => (await queue.counts()).failed === 1, 5_000, 'the poison job to fail');
    expect(attempts).toEqual([1, 2, 3]);
    const stored = JSON.stringify(await admin.hgetall(jobHash(id)));
    expect(await admin.hget(jobHash(id), 'failedReason')).toMatch(/handler threw Error on 3 attempts/);
    expect(stored).not.toContain('sk_live_secret');
  });

  it('merges a queued twin into a job that is retried', async () => {
    const first = await queue.enqueue(spec('twin'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs: { id: string; attempt: number }[] = [];
    work(async (job) => {
      runs.push({ id: job.id, attempt: job.attempt });
      if (job.attempt === 1) {
        await gate;
        return { status: 'retry', delayMs: 60_000, reason: 'later' };
      }
      return done;
    });
    await waitFor(() => runs.length === 1);
    const twin = await queue.enqueue(spec('twin'));
    expect(twin.coalesced).toBe(false);
    release();
    // The twin was due now, so the merged job runs now rather than in a minute.
    await waitFor(async () => (await queue.counts()).done === 1, 5_000, 'the merged job');
    expect(runs).toEqual([{ id: first.id, attempt: 1 }, { id: first.id, attempt: 2 }]);
    expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 1, failed: 0 });
    expect(await admin.exists(jobHash(twin.id))).toBe(0);
  });

  it('merges a twin enqueued while its job is being retried, whichever lands first', async () => {
    for (let round = 0; round < 10; round++) {
      await Promise.all(workers.splice(0).map((w) => w.close(0)));
      await deleteRedisKeys(admin, prefix);
      const first = await queue.enqueue(spec('twin'));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const runs: string[] = [];
      work(async (job) => {
        runs.push(`${job.id === first.id ? 'first' : 'twin'}#${job.attempt}`);
        if (job.attempt === 1 && job.id === first.id) {
          await gate;
          return { status: 'retry', delayMs: 60_000, reason: 'later' };
        }
        return done;
      });
      await waitFor(() => runs.length === 1);
      const twin = queue.enqueue(spec('twin'));
      release();
      await twin;
      await waitFor(async () => (await queue.counts()).done === 1, 5_000, 'the merged job');
      expect(runs).toEqual(['first#1', 'first#2']);
      expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 1, failed: 0 });
    }
  });

  it('a job taken from a live worker (its BullMQ lock lost) runs again only after the first handler returned', async () => {
    const { id } = await queue.enqueue(spec('order:lost'));
    const runs: { attempt: number; start: number; end: number; aborted: boolean }[] = [];
    let firstStarted = false;
    work(async (job) => {
      const start = performance.now();
      if (job.attempt === 1) {
        firstStarted = true;
        // Ignores its signal for a while, as a handler in the middle of a target call would.
        await waitFor(async () => job.signal.aborted, 10_000, 'the first run to be aborted');
        await sleep(300);
      }
      runs.push({ attempt: job.attempt, start, end: performance.now(), aborted: job.signal.aborted });
      return done;
    }, { leaseMs: 300, concurrency: 2 });
    await waitFor(() => firstStarted, 3_000, 'the first run');
    // Someone else's stalled check saw the lock gone: BullMQ hands the job to the next claim.
    await admin.del(`${jobHash(id)}:lock`);
    await waitFor(async () => runs.length === 2, 15_000, 'the second run');
    expect(runs.map((r) => [r.attempt, r.aborted])).toEqual([[1, true], [2, false]]);
    expect(runs[1]!.start).toBeGreaterThanOrEqual(runs[0]!.end);
  });

  it('ignores the outcome of a handler whose key lock was lost to another holder, and runs the job again', async () => {
    await queue.enqueue(spec('order:key-lost'));
    const lock = `${prefix}:jobs:mlc:lock:order:key-lost`;
    const seen: { attempt: number; aborted: boolean }[] = [];
    work(async (job) => {
      if (job.attempt === 1) {
        await waitFor(async () => job.signal.aborted, 10_000, 'the first run to be aborted');
        seen.push({ attempt: 1, aborted: true });
        return { status: 'failed', reason: 'must be ignored' };
      }
      seen.push({ attempt: job.attempt, aborted: job.signal.aborted });
      return done;
    }, { leaseMs: 300 });
    await waitFor(async () => (await admin.exists(lock)) === 1, 3_000, 'the key lock');
    // As if the process had stalled past its lease and another process had taken the key.
    await admin.set(lock, 'another-job:another-token', 'PX', 500);
    await waitFor(async () => (await queue.counts()).done === 1, 10_000, 'the second run');
    await waitFor(async () => seen.length === 2, 10_000, 'the first run to return');
    expect(seen).toEqual([{ attempt: 1, aborted: true }, { attempt: 2, aborted: false }]);
    expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 1, failed: 0 });
  });

  it('takes its key lock again when it expired (a stall) and nobody took it meanwhile', async () => {
    await queue.enqueue(spec('order:stalled'));
    const lock = `${prefix}:jobs:mlc:lock:order:stalled`;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: { attempt: number; aborted: boolean }[] = [];
    work(async (job) => {
      await gate;
      seen.push({ attempt: job.attempt, aborted: job.signal.aborted });
      return done;
    }, { leaseMs: 300 });
    await waitFor(async () => (await admin.exists(lock)) === 1, 3_000, 'the key lock');
    await admin.del(lock);
    await waitFor(async () => (await admin.exists(lock)) === 1, 3_000, 'the key lock to be taken again');
    release();
    await waitFor(async () => (await queue.counts()).done === 1, 10_000, 'the run');
    expect(seen).toEqual([{ attempt: 1, aborted: false }]);
  });
});
