/**
 * Helpers for the storm tests (tests/e2e/*-storm.e2e.test.ts): compressed time, figures, and checks on the
 * simulators' own state.
 *
 * Compressed time. Zoho Books allows 100 calls a minute per organization, and the product keeps to that in its
 * shared rate budget (DESIGN.md §2.7); a hundred orders take minutes of wall time at that pace. A `Warp` runs the
 * minute `speed` times faster for both sides at once, so the limits bind exactly as they would, only sooner:
 * - the target simulator's clock (its rate windows, token lifetimes) runs at `speed`;
 * - the engine's clock is that same SimClock (token refresh-ahead, Zoho's minute-boundary waits, inline sleeps);
 * - the engine's rate budget (in the database, on the database's clock) gets every window divided by `speed`,
 *   and answers its waits multiplied back, so the engine sees simulated milliseconds throughout;
 * - the worker's retry delays (backoff, Retry-After, minute boundaries: all simulated ms) are divided by `speed`
 *   before they reach the jobs table, which schedules on the database's clock.
 * Nothing else changes: the engine, queue, store, transport and HTTP app are the ones startPlatform builds (the budget
 * is swapped in place on `engine.deps`). Transport timeouts and the Shopify simulator (its clock, its 5 s answer
 * window) stay in real time; the shop has a Plus cost bucket, so the source hardly throttles (if it does, its wait is
 * shortened too, and the client simply asks again).
 */
import { SimClock } from '../../simulators/_kit/clock.ts';
import type { PlaceOrderInput } from '../../simulators/shopify/types.ts';
import { backoffMs } from '../../src/queue/backoff.ts';
import type { Clock, JobContext, JobOutcome, JobWorker, RateBudget, SyncRecord } from '../../src/sync/ports.ts';
import { startE2E, type E2E, type Platform } from './e2e.ts';
import type { BackendName } from './test-db.ts';

export interface Warp {
  readonly speed: number;
  /** Pass as `clock` to startPlatform / startE2E. */
  readonly clock: Clock;
  /** Binds the engine to `simClock` (the target simulator's) at `speed`, and scales the engine's rate budget. */
  attach(platform: Platform, simClock: SimClock): void;
  /** A worker on the platform's queue whose retry delays are scaled to the warp. Close it before platform.close(). */
  startWorker(platform: Platform, concurrency: number): JobWorker;
}

export function createWarp(speed: number): Warp {
  // Until attach() the engine runs on a private clock at real speed (connecting happens then).
  let current = new SimClock();
  const clock: Clock = {
    now: () => current.date(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        void current.sleep(Math.max(0, ms)).then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      }),
  };
  return {
    speed,
    clock,
    attach(platform, simClock) {
      // Both clocks started at real time moments ago; switching now moves the engine's time by a few ms at most.
      current = simClock;
      simClock.speed = speed;
      const inner = platform.engine.deps.budget;
      const scaled: RateBudget = {
        take: async (key, rules) => {
          const real = await inner.take(key, rules.map((r) => ({ limit: r.limit, windowMs: Math.max(1, Math.round(r.windowMs / speed)) })));
          return real * speed;
        },
        pause: (key, ms) => inner.pause(key, ms / speed),
      };
      platform.engine.deps.budget = scaled;
    },
    startWorker(platform, concurrency) {
      const handle = async (job: JobContext): Promise<JobOutcome> => {
        const outcome = await platform.engine.handle(job);
        if (outcome.status !== 'retry') return outcome;
        const simulated = outcome.delayMs ?? backoffMs(job.attempt);
        return { ...outcome, delayMs: Math.ceil(simulated / speed) };
      };
      return platform.engine.deps.queue.work(handle, { workerId: platform.engine.deps.ownerId, concurrency, pollMs: 25 });
    },
  };
}

// ---------------------------------------------------------------- waiting and counting

/** Polls `probe` until it returns a truthy value; throws with `describe()` after `timeoutMs`. */
export async function waitUntil<T>(probe: () => Promise<T> | T, what: string, timeoutMs: number, describe?: () => Promise<string> | string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${await describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function jobCounts(platform: Platform): Promise<{ queued: number; running: number; done: number; failed: number }> {
  return platform.engine.deps.queue.counts();
}

export async function inboxCount(platform: Platform): Promise<number> {
  const rows = await platform.db.db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events');
  return Number(rows[0]?.n ?? 0);
}

/** Record states by entity type, e.g. { 'order:synced': 118, 'order:failed': 2 }. */
export function tally(records: readonly SyncRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) out[`${r.entityType}:${r.state}`] = (out[`${r.entityType}:${r.state}`] ?? 0) + 1;
  return out;
}

/** How many target documents carry each reference. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

/** Duplicates and missing references between what should exist (`expected`) and what does (`counts`). */
export function reconcile(expected: readonly string[], counts: Map<string, number>): { duplicates: string[]; missing: string[]; strays: string[] } {
  const want = new Set(expected);
  return {
    duplicates: [...counts].filter(([, n]) => n > 1).map(([ref]) => ref),
    missing: expected.filter((ref) => !counts.has(ref)),
    strays: [...counts.keys()].filter((ref) => !want.has(ref)),
  };
}

/** The q-quantile (0..1) of `values`, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Amount text → integer cents (the simulators write "64.86", "64.9" or 64.86). */
export function cents(value: unknown): bigint {
  const text = String(value);
  const m = /^(-?)(\d+)(?:\.(\d{1,2})0*)?$/.exec(text);
  if (!m) throw new Error(`not a 2-decimal amount: ${text}`);
  const units = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -units : units;
}

/** Prints one line of figures for the reader of the test log (and returns it). */
export function figures(label: string, parts: Record<string, unknown>): string {
  const render = (v: unknown): string =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${render(x)}`).join(', ')}}`
      : String(v);
  const line = `${label}: ${Object.entries(parts).map(([k, v]) => `${k}=${render(v)}`).join(' ')}`;
  console.log(line);
  return line;
}

// ---------------------------------------------------------------- a platform set up for storms

export interface StormOptions {
  backend?: BackendName;
  /** How much faster than real time the target's minute runs (see Warp). */
  speed: number;
  target?: 'zoho-books' | 'quickbooks';
}

export interface Storm {
  e: E2E;
  warp: Warp;
  startWorker(concurrency?: number): JobWorker;
  /** Stops the storm's worker (if any) after its running jobs finish, and waits for intake to settle. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Shopify → target, as startE2E builds it, with time compressed by `speed` and the limits a shop that takes a
 * thousand orders at once would have: Zoho Books at 10,000 calls a day (its top plans; the Free plan's 1,000 would
 * park the run for a day, which is its own test), a Shopify Plus cost bucket (10,000 points, 1,000 a second).
 */
export async function startStorm(options: StormOptions): Promise<Storm> {
  const warp = createWarp(options.speed);
  const e = await startE2E({ clock: warp.clock, ...(options.backend ? { backend: options.backend } : {}), ...(options.target ? { target: options.target } : {}) });
  warp.attach(e, e.qbo ? e.qbo.clock : e.zoho.clock);
  e.shopify.setThrottle({ maximumAvailable: 10_000, restoreRate: 1_000 });
  if (!e.qbo) {
    e.zoho.configure({ dailyCap: 10_000 });
    e.target = await e.db.store.connections.update(e.tenantId, e.target.id, { config: { ...e.target.config, dailyCap: 10_000 } });
  }
  let worker: JobWorker | null = null;
  const storm: Storm = {
    e,
    warp,
    startWorker(concurrency = 4) {
      worker = warp.startWorker(e, concurrency);
      return worker;
    },
    async stopWorker() {
      await e.engine.intakeIdle();
      await worker?.close(10_000);
      worker = null;
    },
    async close() {
      await storm.stopWorker().catch(() => undefined);
      await e.close();
    },
  };
  return storm;
}

/** Waits until intake has handed everything over and no job is queued or running. */
export async function drained(e: Platform, timeoutMs: number): Promise<void> {
  await e.engine.intakeIdle();
  await waitUntil(async () => {
    const c = await jobCounts(e);
    return c.queued === 0 && c.running === 0;
  }, 'the queue to drain', timeoutMs, async () => `jobs ${JSON.stringify(await jobCounts(e))}; records ${JSON.stringify(tally(await e.records()))}`);
}

// ---------------------------------------------------------------- a burst of webhook deliveries

export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryAnswer {
  status: number;
  /** Wall-clock ms from sending the request to the end of the answer. */
  ms: number;
  error?: string;
}

/**
 * Sends every delivery at the same moment, each on its own connection, from a worker thread with node:http, and
 * reports each answer. A platform's sender is another machine: sending from the app's own event loop (a thousand
 * fetch() calls) would charge the sender's work to our intake, so the sender gets its own thread.
 */
export async function blast(url: string, deliveries: readonly Delivery[], timeoutMs = 30_000): Promise<DeliveryAnswer[]> {
  const { Worker } = await import('node:worker_threads');
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const http = require('node:http');
    const { url, deliveries, timeoutMs } = workerData;
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const target = new URL(url);
    const one = (d) => new Promise((resolve) => {
      const started = performance.now();
      const done = (status, error) => resolve({ status, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) });
      const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode));
        res.on('error', (e) => done(0, String(e)));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', (e) => done(0, String(e.message || e)));
      req.end(d.body);
    });
    Promise.all(deliveries.map(one)).then((answers) => { agent.destroy(); parentPort.postMessage(answers); });
  `;
  const worker = new Worker(source, { eval: true, workerData: { url, deliveries, timeoutMs } });
  try {
    return await new Promise<DeliveryAnswer[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the delivery thread exited (${code}) before answering`)));
    });
  } finally {
    await worker.terminate();
  }
}

/**
 * Collects what a platform would have sent, instead of sending it: a loopback server that answers 200 at once and
 * keeps each request's headers and body (as the sender wrote them: signature, ids, timestamps).
 */
export async function startCapture(): Promise<{ url: string; captured: Delivery[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const captured: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'host' && k !== 'connection') headers[k] = v;
      captured.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/capture`,
    captured,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

// ---------------------------------------------------------------- orders

/** The buyers of storm orders: order i is bought by buyer i mod `count`. */
export const stormBuyer = (i: number, count = 20) => `buyer${i % count}@example.com`;

/**
 * Storm order i: one or two lines with quantities varying with i, 7.25 % tax per line as Shopify states it (rounded
 * per line, so Zoho's per-rate rounding sometimes differs by a cent and the engine books a rounding adjustment),
 * standard shipping. Totals differ from order to order, so a swapped or duplicated invoice shows.
 */
export function stormOrder(i: number, financialStatus: 'PENDING' | 'PAID' = 'PENDING', buyers = 20): PlaceOrderInput {
  const qty = 1 + (i % 3);
  const lineItems = [{ sku: 'MUG-BLK', title: 'Black mug', quantity: qty, price: '14.50', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: tax725(1450n * BigInt(qty)) }] }];
  if (i % 2 === 0) lineItems.push({ sku: 'TEE-M', title: 'T-shirt (M)', quantity: 1 + (i % 5), price: '25.00', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: tax725(2500n * BigInt(1 + (i % 5))) }] });
  return { customer: { email: stormBuyer(i, buyers) }, lineItems, shippingLines: [{ title: 'Standard', code: 'STANDARD', price: '6.95' }], financialStatus };
}

/** 7.25 % of `minor` cents, rounded half up, as "d.cc". */
function tax725(minor: bigint): string {
  const c = (minor * 725n + 5_000n) / 10_000n;
  return `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
}
