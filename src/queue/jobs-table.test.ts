/**
 * A worker whose own job outlived its lease (the process stalled: CPU starvation, a long GC, a busy PGlite
 * connection) claims that job again, since an expired running job is anyone's. It must not run the handler a
 * second time while the first run is still going: two runs of one entity at once is exactly what the queue
 * promises never to do (DESIGN.md §2.3), and found by tests/e2e/crash-storm.e2e.test.ts as a duplicate invoice.
 * Another process still takes over a job whose holder went quiet: that is what the lease is for.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../tests/support/test-db.ts';
import type { JobContext, JobOutcome, JobWorker } from '../sync/ports.ts';
import { createJobsTableQueue } from './jobs-table.ts';

let t: TestDatabase;
const workers: JobWorker[] = [];

beforeEach(async () => {
  t = await openTestDatabase();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close(100)));
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A handler that blocks each run until released, counting runs and the most that ran at once. */
function gatedHandler() {
  const gates: Array<() => void> = [];
  const state = { started: 0, running: 0, most: 0, starts: [] as Array<{ attempt: number; aborted: () => boolean }> };
  const handler = async (job: JobContext): Promise<JobOutcome> => {
    state.started += 1;
    state.running += 1;
    state.most = Math.max(state.most, state.running);
    state.starts.push({ attempt: job.attempt, aborted: () => job.signal.aborted });
    await new Promise<void>((resolve) => gates.push(resolve));
    state.running -= 1;
    return { status: 'done' };
  };
  return { handler, state, releaseAll: () => gates.splice(0).forEach((open) => open()) };
}

/** The lease runs out under the running job, as if the worker had not extended it in time. */
const expireLease = () => t.db.exec(`UPDATE jobs SET lease_until = now() - interval '1 second' WHERE state = 'running'`);

describe('jobs table: a lease lost inside one process', () => {
  it('the worker that claims its own still-running job again waits for the first run instead of running it twice', async () => {
    const queue = createJobsTableQueue({ db: t.db });
    const { handler, state, releaseAll } = gatedHandler();
    // A long lease: its extension timer does not fire during the test, so the expiry below stays in force.
    workers.push(queue.work(handler, { workerId: 'process-a', concurrency: 2, leaseMs: 60_000, pollMs: 10 }));
    await queue.enqueue({ name: 'sync-entity', tenantId: 't', key: 'order:1', payload: {} });
    await until(() => state.started === 1, 'the first run');

    await expireLease();
    // The worker's free slot finds the expired job (its own) and claims it again: attempt 2.
    const attempts = async () => Number((await t.db.query<{ attempts: unknown }>(`SELECT attempts FROM jobs WHERE key = 'order:1'`))[0]?.attempts);
    await until(async () => (await attempts()) === 2, 'the worker to claim its own job again');
    await sleep(200);
    expect(state.started).toBe(1); // not a second run while the first is going
    expect(state.starts[0]?.aborted()).toBe(true); // the first run was told its lease is gone

    releaseAll(); // the first run ends; its outcome is ignored (fenced), the second run starts
    await until(() => state.started === 2, 'the second run, after the first');
    expect(state.starts[1]?.attempt).toBe(2);
    releaseAll();
    const jobState = async () => (await t.db.query<{ state: string }>(`SELECT state FROM jobs WHERE key = 'order:1'`))[0]?.state;
    await until(async () => (await jobState()) === 'done', 'the second run to be recorded');
    expect(state.most).toBe(1);
  });

  it('another worker still takes over a job whose lease ran out', async () => {
    const queue = createJobsTableQueue({ db: t.db });
    const a = gatedHandler();
    const b = gatedHandler();
    workers.push(queue.work(a.handler, { workerId: 'process-a', concurrency: 1, leaseMs: 60_000, pollMs: 10 }));
    await queue.enqueue({ name: 'sync-entity', tenantId: 't', key: 'order:2', payload: {} });
    await until(() => a.state.started === 1, 'the first run');
    await expireLease();
    workers.push(queue.work(b.handler, { workerId: 'process-b', concurrency: 1, leaseMs: 60_000, pollMs: 10 }));
    await until(() => b.state.started === 1, 'the takeover by another process');
    a.releaseAll();
    b.releaseAll();
  });
});
