/**
 * What the BullMQ queue and its workers share: the BullMQ queue object, the Redis client and scripts, key names,
 * and the one slot operation both need (moving a queued job earlier).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Json, Logger } from '../sync/ports.ts';
import type { KeyNames, QueueScripts } from './bullmq-scripts.ts';

/** A job's BullMQ data; its BullMQ name is the JobName. */
export interface JobData {
  tenantId: string;
  key: string;
  payload: Json;
}

export interface QueueParts {
  queue: Queue<JobData, void, string>;
  connection: Redis;
  prefix: string;
  queueName: string;
  keys: KeyNames;
  /** "<prefix>:<queue>:": a job's BullMQ hash is this plus its id. */
  jobKeyPrefix: string;
  scripts: QueueScripts;
  logger: Logger;
  random: () => number;
  maxThrownAttempts: number;
  stalledCheckMs: number;
}

export interface RunAt {
  /** Epoch ms. */
  runAt: number;
  /** BullMQ priority: 0 live (wait list), 1 backfill (prioritized set, read when wait is empty). */
  prio: number;
}

/**
 * Moves a queued job to an earlier run time or a higher priority than it `had`. Several enqueuers may do this at once
 * in any order, so after each change the slot (which only ever moves earlier) is read again and applied until it
 * holds. A job that is no longer delayed, or no longer queued, refuses the change: it is due or running already.
 */
export async function bringForward(parts: QueueParts, id: string, slot: string, want: RunAt, had: RunAt): Promise<void> {
  const backend = parts.queue.getBackend();
  for (let round = 0; round < 5; round++) {
    // Only on a real change: BullMQ re-queues a job whose priority is set, behind the others of its level.
    if (want.prio < had.prio) await backend.changePriority(id, want.prio).catch(() => undefined);
    if (want.runAt < had.runAt) {
      const delay = want.runAt - Date.now();
      if (delay <= 0) await backend.promote(id).catch(() => undefined);
      else await backend.changeDelay(id, delay).catch(() => undefined);
    }
    const slotNow = await parts.scripts.slotOf(slot, id);
    if (!slotNow) return;
    had = want;
    want = { runAt: Math.min(want.runAt, Number(slotNow[0])), prio: Math.min(want.prio, Number(slotNow[1])) };
    if (want.runAt >= had.runAt && want.prio >= had.prio) return;
  }
}

export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
};
