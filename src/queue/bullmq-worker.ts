/**
 * A JobWorker on a BullMQ Worker. BullMQ claims jobs (its job lock, lockDuration = leaseMs, is the claim's lease);
 * this class adds what the port promises on top:
 *
 * - The key lock. Before its handler runs, a job takes its key's Redis lock (TTL = leaseMs, renewed every leaseMs/3
 *   while the handler runs). A job that finds the key taken is parked: moved to delayed and registered with the key;
 *   the holder promotes the parked jobs when it lets go, and a parked job looks again when the holder's TTL would run
 *   out, in case the holder died.
 * - Outcomes: done completes the job, failed fails it, retry and a throw move it back to delayed (backoff.ts), all
 *   after the key is let go. The processor never throws anything else at BullMQ, so BullMQ never fails a job on its
 *   own; a Redis error leaves the job active until its lock runs out and the stalled check puts it back.
 * - close(graceMs): BullMQ stops claiming at once; running handlers get the grace, then their signal is aborted and
 *   their jobs are moved back to the front of the wait list, claimable by anyone.
 * - Lease loss. Key lock taken by another job (this process stalled past its lease): the handler is aborted and its
 *   outcome ignored; the job goes back to wait. A key lock that merely expired is taken again. BullMQ lock lost (the
 *   job was taken over): the handler is aborted but keeps the key until it returns, so the new run of the job waits
 *   for it; nothing about the job is written.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { JobContext, JobName, JobOutcome, JobWorker } from '../sync/ports.ts';
import { backoffMs } from './backoff.ts';
import { bringForward, type JobData, type QueueParts } from './bullmq-parts.ts';
import type { SlotState } from './bullmq-scripts.ts';

export interface WorkerSettings {
  workerId: string;
  concurrency: number;
  leaseMs: number;
  onClosed: () => void;
}

/** A parked job looks at its key again at least this often, whatever the holder's TTL says. */
const PARK_MAX_MS = 5_000;
/** A parked set outlives its last registration by this much; parked jobs register again each time they look. */
const PARKED_TTL_MS = 10 * 60_000;
const DEFAULT_WORKER_GRACE_MS = 30_000;

type BullJob = Job<JobData, void, string>;

/** One job as this worker holds it, from claim to outcome. */
interface Claim {
  job: BullJob;
  id: string;
  token: string;
  lockKey: string;
  parkedKey: string;
  slot: string;
  lockValue: string;
  prio: number;
}

interface Running extends Claim {
  controller: AbortController;
  timer: NodeJS.Timeout | undefined;
  extending: boolean;
  /** Handed back, or the key lock was lost: this worker no longer owns the outcome. */
  released: boolean;
  /** BullMQ gave the job to another worker: keep the key until the handler returns, write nothing about the job. */
  jobLost: boolean;
  /** Ends the run now; the processor then hands the job back. */
  stop: () => void;
  stopped: Promise<null>;
}

export class BullmqWorker implements JobWorker {
  private readonly worker: Worker<JobData, void, string>;
  private readonly running = new Map<string, Running>();
  private readonly processing = new Set<Promise<void>>();
  private closing = false;
  private graceOver = false;
  private closed: Promise<void> | null = null;
  private lastErrorLog = 0;

  constructor(
    private readonly parts: QueueParts,
    private readonly handler: (job: JobContext) => Promise<JobOutcome>,
    private readonly settings: WorkerSettings,
  ) {
    this.worker = new Worker<JobData, void, string>(parts.queueName, (job, token) => this.track(this.process(job, token ?? '')), {
      connection: parts.connection,
      prefix: parts.prefix,
      concurrency: settings.concurrency,
      lockDuration: settings.leaseMs,
      stalledInterval: parts.stalledCheckMs,
      // A job whose worker died is run again however often that happens, as the jobs table does; only a handler's
      // own outcome (or maxThrownAttempts throws) fails a job.
      maxStalledCount: 1_000_000_000,
      // After a Redis error the fetch loop retries this soon (BullMQ's 15 s default would also hold up close()).
      runRetryDelay: 1_000,
    });
    this.worker.on('error', (error) => this.logError(error));
    this.worker.on('lockRenewalFailed', (ids: string[]) => {
      for (const id of ids) {
        const entry = this.running.get(id);
        if (!entry || entry.jobLost) continue;
        entry.jobLost = true;
        entry.controller.abort(new Error('job lease lost to another worker'));
        this.parts.logger.warn({ jobId: id, key: entry.job.data.key }, 'job lease lost; its outcome will be ignored');
      }
    });
  }

  close(graceMs = DEFAULT_WORKER_GRACE_MS): Promise<void> {
    this.closed ??= this.shutDown(graceMs);
    return this.closed;
  }

  private track(run: Promise<void>): Promise<void> {
    this.processing.add(run);
    void run.catch(() => undefined).finally(() => this.processing.delete(run));
    return run;
  }

  /** BullMQ's processor: resolves to complete the job; DelayedError means "moved already", UnrecoverableError fails it. */
  private async process(job: BullJob, token: string): Promise<void> {
    const { keys, scripts, jobKeyPrefix } = this.parts;
    const id = job.id!;
    const claim: Claim = {
      job,
      id,
      token,
      lockKey: keys.lock(job.data.key),
      parkedKey: keys.parked(job.data.key),
      slot: keys.slot(job.name, job.data.key),
      lockValue: `${id}:${token}`,
      prio: job.priority ?? 0,
    };
    if (this.closing) return this.handBack(claim, null);

    let got: [number, number];
    try {
      got = await scripts.acquire(claim.lockKey, claim.parkedKey, claim.slot, jobKeyPrefix + id, id, claim.lockValue, this.settings.leaseMs, PARKED_TTL_MS);
    } catch (error) {
      this.logError(error);
      throw new DelayedError();
    }
    if (got[0] === -1) throw new DelayedError(); // removed meanwhile: nothing to run
    if (got[0] === -2) return this.drop(claim);
    if (got[0] === 0) return this.park(claim, got[1]);

    const attempt = got[1];
    let stop!: () => void;
    const stopped = new Promise<null>((resolve) => (stop = () => resolve(null)));
    const entry: Running = { ...claim, controller: new AbortController(), timer: undefined, extending: false, released: false, jobLost: false, stop, stopped };
    this.running.set(id, entry);
    try {
      if (this.graceOver) {
        entry.released = true;
        return await this.handBack(entry, entry);
      }
      entry.timer = setInterval(() => void this.extend(entry), Math.max(10, Math.floor(this.settings.leaseMs / 3)));
      const outcome = await Promise.race([this.run(entry, attempt), entry.stopped]);
      if (outcome === null || entry.released) return await this.handBack(entry, entry);
      if (entry.jobLost) {
        await this.release(entry);
        throw new DelayedError();
      }
      return await this.finish(entry, outcome, attempt);
    } finally {
      clearInterval(entry.timer);
      // A later claim of the same job (after a stall) may have its own entry by now.
      if (this.running.get(id) === entry) this.running.delete(id);
    }
  }

  private async run(entry: Running, attempt: number): Promise<JobOutcome> {
    const { job } = entry;
    try {
      const outcome = await this.handler({
        id: entry.id,
        name: job.name as JobName,
        tenantId: job.data.tenantId,
        key: job.data.key,
        payload: job.data.payload,
        attempt,
        signal: entry.controller.signal,
      });
      if (!isOutcome(outcome)) throw new TypeError('handler returned no job outcome');
      return outcome;
    } catch (error) {
      // Only the error's name and code: messages may quote URLs or payloads, which may hold secrets.
      const label = describeThrown(error);
      this.parts.logger.warn({ jobId: entry.id, name: job.name, attempt, error: label }, 'job handler threw');
      return attempt >= this.parts.maxThrownAttempts
        ? { status: 'failed', reason: `handler threw ${label} on ${attempt} attempts` }
        : { status: 'retry', delayMs: backoffMs(attempt, this.parts.random), reason: `handler threw ${label}` };
    }
  }

  private async finish(entry: Running, outcome: JobOutcome, attempt: number): Promise<void> {
    if (outcome.status === 'retry') {
      const delay = Math.max(0, Math.floor(outcome.delayMs ?? backoffMs(attempt, this.parts.random)));
      // The key is still held, so no other run of this job can count an attempt in between.
      if (outcome.wait) await this.parts.scripts.giveBack(this.parts.jobKeyPrefix + entry.id).catch((error: unknown) => this.logError(error));
      await this.requeue(entry, Date.now() + delay, 'delayed');
      throw new DelayedError();
    }
    // The key is let go before BullMQ records the outcome: the handler is done, and the next job of the key may start.
    await this.release(entry);
    if (outcome.status === 'failed') throw new UnrecoverableError(outcome.reason);
  }

  /** The key is busy: wait in delayed until its holder wakes this job, or its TTL would have run out. */
  private async park(claim: Claim, holderTtlMs: number): Promise<void> {
    const wait = Math.min(Math.max(holderTtlMs, 0) + 25, PARK_MAX_MS);
    try {
      await claim.job.moveToDelayed(Date.now() + wait, claim.token);
      if ((await this.parts.scripts.park(claim.lockKey, claim.parkedKey, claim.id, PARKED_TTL_MS)) === 1) {
        await this.parts.queue.getBackend().promote(claim.id).catch(() => undefined);
      }
    } catch (error) {
      // Left active: its BullMQ lock runs out and the stalled check puts it back.
      this.logError(error);
    }
    throw new DelayedError();
  }

  /** Gives a job back, due now: at shutdown, or after its key lock was lost. */
  private async handBack(claim: Claim, entry: Running | null): Promise<void> {
    if (entry) {
      entry.controller.abort(new Error('worker shutting down; job handed back'));
      if (entry.jobLost) {
        await this.release(entry);
        throw new DelayedError();
      }
    }
    await this.requeue(claim, Date.now(), 'wait');
    throw new DelayedError();
  }

  /**
   * Puts a claimed job back in BullMQ (retry: delayed; hand-back: front of the wait list), then lets its key go and
   * wakes the jobs parked on it. If a twin was enqueued for the same (key, name) while it ran, the twin merges into
   * this job: it keeps its attempt count, and the earlier run time and higher priority of the two. The merge is
   * decided while the key is still held, so the twin cannot have started meanwhile.
   */
  private async requeue(claim: Claim, runAt: number, where: 'delayed' | 'wait'): Promise<void> {
    const { scripts, jobKeyPrefix } = this.parts;
    try {
      if (where === 'wait') await claim.job.moveToWait(claim.token);
      else await claim.job.moveToDelayed(runAt, claim.token);
    } catch (error) {
      // The job is not ours any more (lock lost) or Redis is away: only the key is ours to let go.
      this.logError(error);
      await this.release(claim);
      return;
    }
    let merged: [string, string] | null = null;
    try {
      const twin = await scripts.requeue(claim.slot, claim.id, runAt, claim.prio, jobKeyPrefix);
      if (twin.length > 0) {
        const [twinId, added] = twin as SlotState;
        merged = await scripts.merge(claim.slot, jobKeyPrefix + twinId, twinId, claim.id, runAt, claim.prio);
        // A twin still being added is removed by its enqueuer, which finds the slot taken. One being claimed right
        // now is not removed by BullMQ: it is marked merged and drops itself (see process()).
        if (merged && added === '1') await this.parts.queue.remove(twinId).catch(() => 0);
      }
    } catch (error) {
      // The job is queued either way; at worst a twin runs too, which is harmless (handlers are idempotent, §2.2).
      this.logError(error);
    }
    await this.release(claim);
    if (merged) {
      await bringForward(this.parts, claim.id, claim.slot, { runAt: Number(merged[0]), prio: Number(merged[1]) }, { runAt, prio: claim.prio }).catch((error: unknown) => this.logError(error));
    }
  }

  /** A twin merged into another job while this worker was claiming it: out of BullMQ, without a trace in the counts. */
  private async drop(claim: Claim): Promise<void> {
    try {
      // BullMQ removes no claimed job: put it aside first (no worker takes a job due in an hour before it is gone).
      await claim.job.moveToDelayed(Date.now() + 3_600_000, claim.token);
      await this.parts.queue.remove(claim.id);
    } catch (error) {
      this.logError(error);
    }
    throw new DelayedError();
  }

  private async release(claim: Claim): Promise<void> {
    try {
      this.wake(await this.parts.scripts.release(claim.lockKey, claim.parkedKey, claim.lockValue));
    } catch (error) {
      // The key lock's TTL frees the key.
      this.logError(error);
    }
  }

  private wake(ids: string[]): void {
    const backend = this.parts.queue.getBackend();
    // A parked job that is no longer delayed (taken, removed) refuses: nothing to do.
    for (const id of ids) void backend.promote(id).catch(() => undefined);
  }

  private async extend(entry: Running): Promise<void> {
    if (entry.extending || entry.released) return;
    entry.extending = true;
    try {
      const still = await this.parts.scripts.extend(entry.lockKey, entry.lockValue, this.settings.leaseMs);
      if (still !== 1 && !entry.released) {
        entry.released = true;
        entry.controller.abort(new Error('job key lease lost'));
        this.parts.logger.warn({ jobId: entry.id, key: entry.job.data.key }, 'job key lease lost; its outcome will be ignored');
        entry.stop();
      }
    } catch (error) {
      // Redis is unreachable for now; the next tick tries again before the lease runs out.
      this.logError(error);
    } finally {
      entry.extending = false;
    }
  }

  private async shutDown(graceMs: number): Promise<void> {
    this.closing = true;
    // BullMQ stops claiming at once and resolves once every processor returned.
    const bullClosed = this.worker.close().catch((error: unknown) => this.logError(error));
    if (this.processing.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.processing]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, graceMs));
        }),
      ]);
      clearTimeout(timer);
    }
    this.graceOver = true;
    for (const entry of this.running.values()) {
      entry.released = true;
      entry.controller.abort(new Error('worker shutting down; job handed back'));
      entry.stop();
    }
    await bullClosed;
    this.settings.onClosed();
  }

  /** Redis and BullMQ errors name commands and keys, not secrets; a dead Redis would repeat them, hence the limit. */
  private logError(error: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 5_000) return;
    this.lastErrorLog = now;
    this.parts.logger.warn({ workerId: this.settings.workerId, err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, 'bullmq worker error');
  }
}

function isOutcome(value: unknown): value is JobOutcome {
  const status = (value as { status?: unknown } | null | undefined)?.status;
  return status === 'done' || status === 'retry' || status === 'failed';
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}
