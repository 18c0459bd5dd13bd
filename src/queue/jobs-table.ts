/**
 * The `JobQueue` port over the `jobs` table (embedded and server modes, DESIGN.md §3).
 *
 * - One writer per entity (§2.3): a claim never picks a job whose key already has a running job, and the partial
 *   unique index jobs_one_running_per_key turns a lost race into an error instead of a second writer.
 * - Queued duplicates coalesce on (key, name): the earlier run time and the higher priority win.
 * - A claim is a lease: the worker extends it while the handler runs; when a process dies, the lease runs out and
 *   any worker takes the job over. Every write about a claimed job is fenced by (locked_by, attempts), so a
 *   worker that lost its lease can never overwrite the new holder's outcome.
 * - Time is the database's clock, the one clock all processes share.
 */
import type { Db } from '../store/db.ts';
import type { Json, JobContext, JobName, JobOutcome, JobQueue, JobSpec, JobWorker, Logger } from '../sync/ports.ts';
import { backoffMs } from './backoff.ts';

export interface JobsTableQueueOptions {
  /** The same, migrated database as the store. The queue never closes it. */
  db: Db;
  logger?: Logger;
  /** Jitter source for backoff (tests pass a fixed one). */
  random?: () => number;
  /** A handler that keeps throwing is marked failed after this many attempts (default 25). */
  maxThrownAttempts?: number;
  /** Grace given to workers still running when `close()` is called on the queue (default 10 s). */
  closeGraceMs?: number;
}

export interface JobsTableQueue extends JobQueue {
  /** Deletes done jobs finished more than `olderThanMs` ago; returns how many. */
  purgeDone(olderThanMs: number): Promise<number>;
}

interface ClaimedRow {
  id: string;
  name: JobName;
  tenant_id: string;
  key: string;
  payload: Json;
  attempts: unknown;
}

interface Claimed {
  id: string;
  name: JobName;
  tenantId: string;
  key: string;
  payload: Json;
  attempt: number;
  workerId: string;
}

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_POLL_MS = 100;
const DEFAULT_WORKER_GRACE_MS = 30_000;
const UNIQUE_VIOLATION = '23505';

const ms = (param: string) => `(${param}::double precision * interval '1 millisecond')`;

// Expired running jobs first (their key is blocked until they finish), then live before backfill, then oldest due.
const CLAIM_SQL = `
  WITH candidate AS (
    SELECT j.id FROM jobs j
    WHERE (j.state = 'running' AND j.lease_until <= now())
       OR (j.state = 'queued' AND j.run_at <= now()
           AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.key = j.key AND r.state = 'running'))
    ORDER BY (j.state = 'running') DESC, j.priority, j.run_at, j.seq
    LIMIT 1
    FOR UPDATE SKIP LOCKED
  )
  UPDATE jobs SET state = 'running', locked_by = $1, lease_until = now() + ${ms('$2')},
    attempts = jobs.attempts + 1, updated_at = now()
  FROM candidate WHERE jobs.id = candidate.id
  RETURNING jobs.id, jobs.name, jobs.tenant_id, jobs.key, jobs.payload, jobs.attempts`;

// Fence for every write about a claimed job: still running, still ours, still the same attempt.
const FENCE = `id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3`;

const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
};

export function createJobsTableQueue(options: JobsTableQueueOptions): JobsTableQueue {
  const { db } = options;
  const logger = options.logger ?? noopLogger;
  const random = options.random ?? Math.random;
  const maxThrownAttempts = options.maxThrownAttempts ?? 25;
  const workers = new Set<TableWorker>();

  const ops: QueueOps = {
    async claim(workerId, leaseMs) {
      try {
        const rows = await db.query<ClaimedRow>(CLAIM_SQL, [workerId, leaseMs]);
        const row = rows[0];
        if (!row) return 'none';
        return { id: row.id, name: row.name, tenantId: row.tenant_id, key: row.key, payload: row.payload, attempt: Number(row.attempts), workerId };
      } catch (error) {
        // Two claims picked different jobs of one key at once: the index refused the second. Nothing to do.
        if (codeOf(error) === UNIQUE_VIOLATION) return 'raced';
        throw error;
      }
    },
    async extend(job, leaseMs) {
      const rows = await db.query(`UPDATE jobs SET lease_until = now() + ${ms('$4')} WHERE ${FENCE} RETURNING id`, [job.id, job.workerId, job.attempt, leaseMs]);
      return rows.length === 1;
    },
    async finish(job, outcome) {
      if (outcome.status === 'done') {
        await db.query(
          `UPDATE jobs SET state = 'done', locked_by = NULL, lease_until = NULL, last_error = NULL, finished_at = now(), updated_at = now() WHERE ${FENCE}`,
          [job.id, job.workerId, job.attempt],
        );
      } else if (outcome.status === 'failed') {
        await db.query(
          `UPDATE jobs SET state = 'failed', locked_by = NULL, lease_until = NULL, last_error = $4, finished_at = now(), updated_at = now() WHERE ${FENCE}`,
          [job.id, job.workerId, job.attempt, outcome.reason],
        );
      } else {
        const delay = outcome.delayMs ?? backoffMs(job.attempt, random);
        await requeue(db, job, Math.max(0, delay), outcome.reason, outcome.wait === true);
      }
    },
    handBack: (job) => requeue(db, job, 0, 'handed back at shutdown'),
  };

  return {
    async enqueue(spec: JobSpec) {
      const id = crypto.randomUUID();
      const rows = await db.query<{ id: string }>(
        `INSERT INTO jobs AS j (id, tenant_id, name, key, payload, priority, state, attempts, run_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'queued', 0, now() + ${ms('$7')}, now(), now())
         ON CONFLICT (key, name) WHERE state = 'queued' DO UPDATE SET
           run_at = LEAST(j.run_at, excluded.run_at),
           priority = LEAST(j.priority, excluded.priority),
           updated_at = excluded.updated_at
         RETURNING id`,
        [id, spec.tenantId, spec.name, spec.key, JSON.stringify(spec.payload ?? null), spec.priority === 'backfill' ? 1 : 0, Math.max(0, spec.delayMs ?? 0)],
      );
      const stored = rows[0]!.id;
      return { id: stored, coalesced: stored !== id };
    },
    work(handler, workOptions) {
      if (!(workOptions.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
      const worker = new TableWorker(ops, handler, {
        workerId: workOptions.workerId,
        concurrency: Math.floor(workOptions.concurrency),
        leaseMs: workOptions.leaseMs ?? DEFAULT_LEASE_MS,
        pollMs: workOptions.pollMs ?? DEFAULT_POLL_MS,
        maxThrownAttempts,
        random,
        logger: logger.child({ workerId: workOptions.workerId }),
        onClosed: () => workers.delete(worker),
      });
      workers.add(worker);
      return worker;
    },
    async counts() {
      const rows = await db.query<{ state: 'queued' | 'running' | 'done' | 'failed'; n: unknown }>('SELECT state, count(*) AS n FROM jobs GROUP BY state');
      const counts = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const row of rows) counts[row.state] = Number(row.n);
      return counts;
    },
    async purgeDone(olderThanMs) {
      const rows = await db.query<{ n: unknown }>(
        `WITH gone AS (DELETE FROM jobs WHERE state = 'done' AND finished_at < now() - ${ms('$1')} RETURNING 1) SELECT count(*) AS n FROM gone`,
        [Math.max(0, olderThanMs)],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async close() {
      await Promise.all([...workers].map((worker) => worker.close(options.closeGraceMs ?? 10_000)));
    },
  };
}

/**
 * Puts a claimed job back in the queue (retry or hand-back). If a queued twin (same key and name) arrived while it
 * ran, the twin merges into this job: the twin is deleted and its earlier run time and priority kept, so the
 * (key, name) slot stays single and this job keeps its attempt history. A `giveBack` run (a wait, not a failure)
 * returns the attempt its claim counted.
 */
async function requeue(db: Db, job: Claimed, delayMs: number, reason: string, giveBack = false): Promise<void> {
  for (let round = 0; ; round++) {
    try {
      await db.transaction(async (tx) => {
        const mine = await tx.query<{ key: string; name: string }>(`SELECT key, name FROM jobs WHERE ${FENCE} FOR UPDATE`, [job.id, job.workerId, job.attempt]);
        if (!mine[0]) return;
        const twins = await tx.query<{ run_at: Date; priority: number }>(
          `DELETE FROM jobs WHERE key = $1 AND name = $2 AND state = 'queued' RETURNING run_at, priority`,
          [mine[0].key, mine[0].name],
        );
        const twin = twins[0];
        await tx.query(
          `UPDATE jobs SET state = 'queued', locked_by = NULL, lease_until = NULL, last_error = $2,
             run_at = LEAST(now() + ${ms('$3')}, $4::timestamptz), priority = LEAST(priority, $5::smallint),
             attempts = attempts - $6::int, updated_at = now()
           WHERE id = $1`,
          [job.id, reason, delayMs, twin ? twin.run_at.toISOString() : null, twin ? twin.priority : null, giveBack ? 1 : 0],
        );
      });
      return;
    } catch (error) {
      // An enqueue slipped a new twin in between the delete and the update (PostgreSQL only): merge again.
      if (codeOf(error) === UNIQUE_VIOLATION && round < 5) continue;
      throw error;
    }
  }
}

interface QueueOps {
  claim(workerId: string, leaseMs: number): Promise<Claimed | 'none' | 'raced'>;
  extend(job: Claimed, leaseMs: number): Promise<boolean>;
  finish(job: Claimed, outcome: JobOutcome): Promise<void>;
  handBack(job: Claimed): Promise<void>;
}

interface WorkerSettings {
  workerId: string;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  maxThrownAttempts: number;
  random: () => number;
  logger: Logger;
  onClosed: () => void;
}

interface Running {
  job: Claimed;
  controller: AbortController;
  timer: NodeJS.Timeout;
  extending: boolean;
  /** Lease lost or job handed back: this worker no longer owns the outcome. */
  released: boolean;
  settled: Promise<void>;
}

class TableWorker implements JobWorker {
  private readonly running = new Map<string, Running>();
  private closing = false;
  private closed: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly loopDone: Promise<void>;

  constructor(
    private readonly ops: QueueOps,
    private readonly handler: (job: JobContext) => Promise<JobOutcome>,
    private readonly settings: WorkerSettings,
  ) {
    this.loopDone = this.loop();
  }

  close(graceMs = DEFAULT_WORKER_GRACE_MS): Promise<void> {
    this.closed ??= this.shutDown(graceMs);
    return this.closed;
  }

  private async loop(): Promise<void> {
    const { concurrency, pollMs, leaseMs, workerId, logger } = this.settings;
    while (!this.closing) {
      let failed = false;
      let races = 0;
      // Claim until the slots are full or the queue has nothing due: a worker that found work asks again at once.
      while (!this.closing && this.running.size < concurrency) {
        let claimed: Claimed | 'none' | 'raced';
        try {
          claimed = await this.ops.claim(workerId, leaseMs);
        } catch (error) {
          logger.warn({ err: describeError(error) }, 'job claim failed; retrying after the poll interval');
          failed = true;
          break;
        }
        if (claimed === 'none') break;
        if (claimed === 'raced') {
          if (++races > 3) break;
          continue;
        }
        if (this.closing) {
          // Claimed while close() began: give it straight back rather than start it.
          await this.ops.handBack(claimed).catch((error: unknown) => logger.warn({ err: describeError(error), jobId: claimed.id }, 'hand-back failed'));
          break;
        }
        this.start(claimed);
      }
      if (this.closing) break;
      // Full: wait for a slot. Otherwise wait for the poll interval or a finished job, whichever comes first.
      await this.pause(this.running.size >= concurrency && !failed ? null : pollMs);
    }
  }

  private pause(ms: number | null): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === null ? undefined : setTimeout(done, ms);
      const wake = () => done();
      this.wake = wake;
      function done() {
        if (timer) clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = null;
    });
  }

  private start(job: Claimed): void {
    const { leaseMs } = this.settings;
    // This worker may claim a job it is still running: the lease ran out while the process stalled, and an expired
    // job is anyone's. The earlier run's outcome is void now (fenced by the attempt); the new run waits for it to
    // end, so one process never runs two handlers of one job at once (DESIGN.md §2.3).
    const earlier = [...this.running.values()].find((other) => other.job.id === job.id);
    if (earlier && !earlier.released) {
      earlier.released = true;
      earlier.controller.abort(new Error('job lease lost; this worker claimed the job again'));
    }
    const slot = `${job.id}#${job.attempt}`;
    const entry: Running = {
      job,
      controller: new AbortController(),
      timer: setInterval(() => void this.extend(entry), Math.max(10, Math.floor(leaseMs / 3))),
      extending: false,
      released: false,
      settled: Promise.resolve(),
    };
    this.running.set(slot, entry);
    entry.settled = (earlier ? earlier.settled.then(() => this.execute(entry)) : this.execute(entry)).finally(() => {
      clearInterval(entry.timer);
      this.running.delete(slot);
      this.wake?.();
    });
  }

  private async extend(entry: Running): Promise<void> {
    if (entry.extending || entry.released) return;
    entry.extending = true;
    try {
      const still = await this.ops.extend(entry.job, this.settings.leaseMs);
      if (!still && !entry.released) {
        entry.released = true;
        entry.controller.abort(new Error('job lease lost to another worker'));
        this.settings.logger.warn({ jobId: entry.job.id, key: entry.job.key }, 'job lease lost; its outcome will be ignored');
      }
    } catch (error) {
      // The database is unreachable for now; the next tick tries again before the lease runs out.
      this.settings.logger.warn({ err: describeError(error), jobId: entry.job.id }, 'job lease extension failed');
    } finally {
      entry.extending = false;
    }
  }

  private async execute(entry: Running): Promise<void> {
    const { job } = entry;
    const { logger, maxThrownAttempts, random } = this.settings;
    if (entry.released) return; // lost while it waited for an earlier run of the same job
    let outcome: JobOutcome;
    try {
      outcome = await this.handler({
        id: job.id,
        name: job.name,
        tenantId: job.tenantId,
        key: job.key,
        payload: job.payload,
        attempt: job.attempt,
        signal: entry.controller.signal,
      });
      if (!isOutcome(outcome)) throw new TypeError('handler returned no job outcome');
    } catch (error) {
      // Only the error's name and code: messages may quote URLs or payloads, which may hold secrets.
      const label = describeThrown(error);
      logger.warn({ jobId: job.id, name: job.name, attempt: job.attempt, error: label }, 'job handler threw');
      outcome = job.attempt >= maxThrownAttempts
        ? { status: 'failed', reason: `handler threw ${label} on ${job.attempt} attempts` }
        : { status: 'retry', delayMs: backoffMs(job.attempt, random), reason: `handler threw ${label}` };
    }
    if (entry.released) return;
    try {
      await this.ops.finish(job, outcome);
    } catch (error) {
      // Not recorded: the lease runs out and another claim runs the job again (handlers are idempotent, §2.2).
      logger.error({ err: describeError(error), jobId: job.id }, 'could not record job outcome');
    }
  }

  private async shutDown(graceMs: number): Promise<void> {
    this.closing = true;
    this.wake?.();
    await this.loopDone;
    if (this.running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...this.running.values()].map((entry) => entry.settled)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, graceMs));
        }),
      ]);
      clearTimeout(timer);
    }
    const leftovers = [...this.running.values()];
    this.running.clear();
    await Promise.all(
      leftovers.map(async (entry) => {
        entry.released = true;
        clearInterval(entry.timer);
        entry.controller.abort(new Error('worker shutting down; job handed back'));
        try {
          await this.ops.handBack(entry.job);
        } catch (error) {
          // The lease will run out and another worker takes the job over.
          this.settings.logger.warn({ err: describeError(error), jobId: entry.job.id }, 'hand-back failed');
        }
      }),
    );
    this.settings.onClosed();
  }
}

function isOutcome(value: unknown): value is JobOutcome {
  const status = (value as { status?: unknown } | null | undefined)?.status;
  return status === 'done' || status === 'retry' || status === 'failed';
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = codeOf(error);
  return code ? `${error.name} ${code}` : error.name;
}

/** Database errors: their messages name tables and constraints, not secrets. */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
