/**
 * The `JobQueue` port on BullMQ (distributed mode, DESIGN.md §3): the same promises as the jobs-table adapter, so
 * both pass one conformance suite (tests/contract/queue.contract.test.ts).
 *
 * - One writer per entity (§2.3). BullMQ (open source) has no per-key concurrency, so a job must take its key's
 *   Redis lock before its handler runs. A job that finds the key busy is parked: put back as delayed and registered
 *   with the key, and the holder wakes it when it lets go. The lock has a TTL renewed while the handler runs, so a
 *   dead process's key frees itself. See bullmq-scripts.ts and bullmq-worker.ts.
 * - Queued duplicates coalesce on (key, name) through a Redis slot naming the queued job: the earlier run time and
 *   the higher priority win, the first payload stays.
 * - A claim is BullMQ's job lock (lockDuration = leaseMs). When a process dies its locks run out and BullMQ's
 *   stalled-job check in any live worker puts the job back; the next run takes the key once its lock expired too.
 * - Live jobs go to BullMQ's wait list, backfill jobs to its prioritized set, which is read only when wait is empty.
 * - Tenant and key travel in the job data; the job's BullMQ name is the JobName.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobQueue, JobSpec, JobWorker, Logger } from '../sync/ports.ts';
import { keyNames, queueScripts } from './bullmq-scripts.ts';
import { bringForward, noopLogger, type JobData, type QueueParts } from './bullmq-parts.ts';
import { BullmqWorker } from './bullmq-worker.ts';

export interface BullmqQueueOptions {
  /**
   * An ioredis client opened with `maxRetriesPerRequest: null` (openRedis without failFast), as BullMQ requires.
   * Shared by the queue and its workers (each worker adds one blocking connection of its own); the queue never
   * closes it.
   */
  connection: Redis;
  /** Key prefix for everything this queue stores: one per install, and one per test to isolate it. Default 'mlc'. */
  prefix?: string;
  logger?: Logger;
  /** Jitter source for backoff (tests pass a fixed one). */
  random?: () => number;
  /** A handler that keeps throwing is marked failed after this many attempts (default 25). */
  maxThrownAttempts?: number;
  /** Grace given to workers still running when `close()` is called on the queue (default 10 s). */
  closeGraceMs?: number;
  /**
   * How often workers look for jobs whose process died (BullMQ's stalledInterval; default 500 ms). A dead job is
   * taken over within about two checks after its lease ran out. One check per interval runs across all workers.
   */
  stalledCheckMs?: number;
  /** Done jobs are kept this long for counts and inspection (default one day); failed jobs are kept. */
  keepDoneMs?: number;
}

/** BullMQ's queue name under the prefix: all of the product's jobs share one queue. */
const QUEUE_NAME = 'jobs';
/** How long a slot may name a job that its enqueuer has not yet added to BullMQ (a crash in between frees it). */
const PENDING_SLOT_TTL_MS = 30_000;

export function createBullmqQueue(options: BullmqQueueOptions): JobQueue {
  const prefix = options.prefix ?? 'mlc';
  const logger = options.logger ?? noopLogger;
  const connection = options.connection;
  const keepDoneMs = options.keepDoneMs ?? 24 * 3_600_000;
  const queue = new Queue<JobData, void, string>(QUEUE_NAME, { connection, prefix });
  queue.on('error', (error) => logger.warn({ err: error.message }, 'bullmq queue error'));
  const base = `${prefix}:${QUEUE_NAME}`;
  const parts: QueueParts = {
    queue,
    connection,
    prefix,
    queueName: QUEUE_NAME,
    keys: keyNames(base),
    jobKeyPrefix: `${base}:`,
    scripts: queueScripts(connection),
    logger,
    random: options.random ?? Math.random,
    maxThrownAttempts: options.maxThrownAttempts ?? 25,
    stalledCheckMs: options.stalledCheckMs ?? 500,
  };
  const workers = new Set<BullmqWorker>();

  return {
    async enqueue(spec: JobSpec) {
      const id = randomUUID();
      const delayMs = Math.max(0, Math.floor(spec.delayMs ?? 0));
      const runAt = Date.now() + delayMs;
      const prio = spec.priority === 'backfill' ? 1 : 0;
      const slot = parts.keys.slot(spec.name, spec.key);
      const found = await parts.scripts.enqueue(slot, id, runAt, prio, parts.jobKeyPrefix, PENDING_SLOT_TTL_MS);
      if (found.length > 1) {
        const [existing, added, oldRunAt, oldPrio, newRunAt, newPrio] = found as [string, string, string, string, string, string];
        // A job still being added picks up what was asked when its enqueuer settles the slot.
        if (added === '1' && (Number(newRunAt) < Number(oldRunAt) || Number(newPrio) < Number(oldPrio))) {
          await bringForward(parts, existing, slot, { runAt: Number(newRunAt), prio: Number(newPrio) }, { runAt: Number(oldRunAt), prio: Number(oldPrio) });
        }
        return { id: existing, coalesced: true };
      }
      const data: JobData = { tenantId: spec.tenantId, key: spec.key, payload: spec.payload ?? null };
      await queue.add(spec.name, data, {
        jobId: id,
        ...(delayMs > 0 ? { delay: delayMs } : {}),
        ...(prio > 0 ? { priority: prio } : {}),
        removeOnComplete: { age: Math.ceil(keepDoneMs / 1000) },
        removeOnFail: false,
      });
      const settled = await parts.scripts.settle(slot, parts.jobKeyPrefix + id, id, runAt, prio, parts.jobKeyPrefix);
      if (settled[0] === 'merged') {
        // A job retried meanwhile took this trigger over (see the worker's requeue): this job goes.
        const [, other, added, oldRunAt, oldPrio, newRunAt, newPrio] = settled;
        await queue.remove(id).catch(() => 0);
        if (added === '1' && (Number(newRunAt) < Number(oldRunAt) || Number(newPrio) < Number(oldPrio))) {
          await bringForward(parts, other, slot, { runAt: Number(newRunAt), prio: Number(newPrio) }, { runAt: Number(oldRunAt), prio: Number(oldPrio) });
        }
        return { id: other, coalesced: true };
      }
      const [, wantedRunAt, wantedPrio] = settled;
      if (Number(wantedRunAt) < runAt || Number(wantedPrio) < prio) {
        await bringForward(parts, id, slot, { runAt: Number(wantedRunAt), prio: Number(wantedPrio) }, { runAt, prio });
      }
      return { id, coalesced: false };
    },

    work(handler, workOptions) {
      if (!(workOptions.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
      const worker = new BullmqWorker(parts, handler, {
        workerId: workOptions.workerId,
        concurrency: Math.floor(workOptions.concurrency),
        leaseMs: workOptions.leaseMs ?? 30_000,
        onClosed: () => workers.delete(worker),
      });
      workers.add(worker);
      return worker satisfies JobWorker;
    },

    async counts() {
      const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed');
      const n = (state: string) => c[state] ?? 0;
      return {
        queued: n('waiting') + n('delayed') + n('prioritized') + n('waiting-children'),
        running: n('active'),
        done: n('completed'),
        failed: n('failed'),
      };
    },

    async close() {
      await Promise.all([...workers].map((worker) => worker.close(options.closeGraceMs ?? 10_000)));
      await queue.close();
    },
  };
}
