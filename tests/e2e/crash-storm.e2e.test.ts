/**
 * Crash storm: 500 orders (400 Shopify, 100 ShipStation, every ShipStation order shipped) flow through the
 * simulators while the product's processes are SIGKILLed at seeded random moments, at least 20 times per mode,
 * and restarted at once. Afterwards every order has exactly one invoice with the order's total, every shipment
 * one journal entry and one tracking note, and no record is left in a non-terminal state.
 *
 *   embedded     one process (webhooks + worker + scheduler) on a PGlite data directory; killing it kills all
 *                three, webhooks sent meanwhile are retried by Shopify (ShipStation does not retry: polling finds
 *                those), and the data directory must come back after every SIGKILL.
 *   server       PostgreSQL jobs table: a web+scheduler process that stays up and two worker processes that are
 *                killed, sometimes both at once.
 *   distributed  the same on PostgreSQL + BullMQ, leases and budgets on Redis.
 *
 * The modes run one after another (each has its own simulators, port, store and Redis prefix): side by side they
 * starved the rest of the suite on a 2-core CI machine (other files' tests timed out). The simulators stay up in this process; the product runs in
 * tests/support/crash-host.ts. The seed is printed; CRASH_STORM_SEED=<n> replays a storm (kill moments and burst
 * timing; the machine's speed still varies), CRASH_STORM_KILLS=<n> changes the number of kills per mode.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, it, type ExpectStatic } from 'vitest';
import type { CrashStats } from '../support/crash-host.ts';
import {
  cpuSecondsOf,
  deliveryReport,
  freePort,
  openLog,
  prepareHost,
  readStats,
  readSummary,
  runSetup,
  runStorm,
  seededRandom,
  settled,
  sleep,
  spawnHost,
  startStormSims,
  SHOP,
  SHOPIFY_TOPICS,
  tally,
  Workload,
  type HostEnv,
  type HostHandle,
  type Slot,
  type Tally,
} from '../support/crash-storm.ts';
import { describeGated, gateOf, probePostgres, probeRedis, reachable, redisAvailability } from '../support/backends.ts';
import { deleteRedisKeys } from '../support/redis.ts';
import { openTestDatabase, pgliteSnapshot, postgresAvailability } from '../support/test-db.ts';
import { BACKOFF_CAP_MS } from '../../src/queue/backoff.ts';

const SEED = Number(process.env.CRASH_STORM_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MIN_KILLS = Number(process.env.CRASH_STORM_KILLS ?? '20');
const PLAN = { shopifyOrders: 400, shipstationOrders: 100, bursts: 20 };
/** Job leases (and BullMQ locks) in the children: short, so a dead worker's jobs are taken over fast. */
const LEASE_MS = 1_500;
const POLL_MS = 3_000;
/** Kill a host this long after it is ready (uniformly). */
const GAP_MS: [number, number] = [300, 2_000];
/** Rate limits ×60 on both sides (host budgets and simulators): the real 100 calls/min would take 15 min. */
const BUDGET_SCALE = 60;
/**
 * Generous on purpose: on a loaded 2-core CI machine the three modes share the CPU with the rest of the suite.
 * What fails the test is a drain that stops making progress (STALL_MS), not a slow one.
 */
const TEST_TIMEOUT_MS = 600_000;
/** Past this a mode stops waiting for the drain and reports what it has, before the test's own timeout. */
const MODE_BUDGET_MS = TEST_TIMEOUT_MS - 25_000;
/**
 * A drain with no record or job settling for this long is stuck: report it. Longer than the queue's backoff cap,
 * or a record correctly waiting out its backoff (a shipment whose invoice was posted during the storm) reads as stuck.
 */
const STALL_MS = BACKOFF_CAP_MS + 30_000;

const postgres = gateOf(await reachable(postgresAvailability(), probePostgres));
const redisAvailable = await reachable(redisAvailability(), probeRedis);
const distributed = postgres.run ? gateOf(redisAvailable) : postgres;

type ModeName = 'embedded' | 'server' | 'distributed';

interface Mode {
  name: ModeName;
  /** Environment every host of this mode gets (where the store is), given the mode's scratch directory. */
  env(dir: string): HostEnv;
  /** The product's processes: the slots the storm kills, the host that answers stats, every live host. */
  topology(args: string[], env: HostEnv, log: ReturnType<typeof openLog>): { slots: Slot[]; stats: () => HostHandle; all: () => HostHandle[] };
}

interface ModeResult {
  tally: Tally;
  kills: number;
}

/** SIGTERM and a short grace, then SIGKILL. */
async function stopHost(host: HostHandle): Promise<void> {
  if (host.proc.exitCode !== null || host.proc.signalCode !== null) return;
  host.proc.kill('SIGTERM');
  const stopped = await Promise.race([host.exited.then(() => true), sleep(8_000).then(() => false)]);
  if (!stopped) {
    host.proc.kill('SIGKILL');
    await host.exited;
  }
}

/** Runs cleanups last-in first-out, whatever fails; `clean` says whether the mode found nothing wrong. */
function cleanupStack() {
  const stack: Array<() => Promise<unknown>> = [];
  return {
    clean: false,
    push: (fn: () => Promise<unknown>) => stack.push(fn),
    async run() {
      while (stack.length > 0) await stack.pop()?.().catch(() => undefined);
    },
  };
}

async function runMode(mode: Mode, cleanups: ReturnType<typeof cleanupStack>): Promise<ModeResult> {
  const { name } = mode;
  const started = Date.now();
  const seed = SEED + ['embedded', 'server', 'distributed'].indexOf(name);
  const random = seededRandom(seed);
  const dir = mkdtempSync(join(tmpdir(), `crash-storm-${name}-`));
  const logPath = join(dir, 'hosts.log');
  const log = openLog(logPath);
  const say = (line: string) => log.write(`[storm ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const sims = await startStormSims(BUDGET_SCALE, publicUrl);
  cleanups.push(async () => {
    await sims.close();
    log.end();
  });
  const env: HostEnv = { ...mode.env(dir), CRASH_PORT: String(port), CRASH_LEASE_MS: String(LEASE_MS), CRASH_POLL_MS: String(POLL_MS), CRASH_BUDGET_SCALE: String(BUDGET_SCALE) };

  const args = await prepareHost();
  const setup = await runSetup(args, env, sims.setupInput(publicUrl), log);
  const webhookUrl = `${publicUrl}/webhooks/${setup.shopify.id}/${setup.shopify.webhookKey}`;
  for (const topic of SHOPIFY_TOPICS) sims.shopify.subscribeWebhook({ shop: SHOP, topic, address: webhookUrl });

  const { slots, stats, all } = mode.topology(args, env, log);
  cleanups.push(() => Promise.all(all().map(stopHost)));
  await Promise.all(all().map((h) => h.ready));
  const setupS = (Date.now() - started) / 1000;
  say(`setup done, hosts ready; seed ${seed}`);

  const restartMs: number[] = [];
  for (const slot of slots) {
    const spawnOne = slot.spawn;
    slot.spawn = () => {
      const handle = spawnOne();
      void handle.ready.then(() => restartMs.push(handle.readyAfterMs() ?? 0), () => undefined);
      return handle;
    };
  }

  // The work arrives while the storm blows: one burst at the start and one after each kill, at a random moment
  // of the next kill cycle, so bursts land on a product that is running, starting or dead (Shopify then retries;
  // ShipStation's pointers are lost and polling has to find them).
  const workload = new Workload(sims, PLAN);
  let bursts = 0;
  const burst = () => {
    if (bursts >= PLAN.bursts) return;
    bursts += 1;
    workload.burst();
    if (bursts === PLAN.bursts) workload.shipPending();
    say(`burst ${bursts}: ${workload.placed} orders, ${workload.shipments.length} shipments`);
  };
  burst();
  const timers = new Set<NodeJS.Timeout>();
  const storm = await runStorm({
    slots,
    random,
    minKills: MIN_KILLS,
    gapMs: GAP_MS,
    startupKillShare: 0.15,
    keepGoing: () => bursts < PLAN.bursts,
    onKill: () => {
      const cycle = (restartMs.at(-1) ?? 3_000) + GAP_MS[1];
      const timer = setTimeout(() => {
        timers.delete(timer);
        burst();
      }, random() * cycle);
      timers.add(timer);
    },
    log: say,
  });
  for (const timer of timers) clearTimeout(timer);
  while (bursts < PLAN.bursts) burst();
  const stormS = (Date.now() - started) / 1000;
  say(`storm over: ${storm.kills} kills (${storm.startupKills} while starting)`);
  if (storm.failedRestarts.length > 0) {
    throw new Error(`${name}: the product did not come back after a SIGKILL (seed ${seed}, log ${logPath}):\n${storm.failedRestarts.join('\n')}`);
  }

  // The drain: no more kills; wait until the product says it is done, then count what reached the books.
  let last: Tally | null = null;
  let lastStats: CrashStats | null = null;
  let progressAt = Date.now();
  let lastOutstanding = Number.POSITIVE_INFINITY;
  for (;;) {
    try {
      const port = await stats().ready;
      const summary = await readSummary(port);
      const outstanding = summary.open + (summary.jobs.queued ?? 0) + (summary.jobs.running ?? 0) + summary.unenqueued;
      if (outstanding < lastOutstanding) progressAt = Date.now();
      lastOutstanding = Math.min(lastOutstanding, outstanding);
      // Every record and the books only once the product says it is done: both are not free to render.
      if (settled(summary)) {
        lastStats = await readStats(port);
        last = tally(sims, workload, lastStats);
        if (last.missing === 0) break;
      }
    } catch (error) {
      say(`stats: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (Date.now() - started > MODE_BUDGET_MS || Date.now() - progressAt > STALL_MS) break;
    await sleep(1_000);
  }
  // Anything a late job would still write shows up now.
  await sleep(1_500);
  try {
    lastStats = await readStats(await stats().ready);
  } catch {
    // keep the previous answer
  }
  if (!lastStats) throw new Error(`${name}: no stats from the product (log ${logPath})`);
  last = tally(sims, workload, lastStats);
  const elapsedS = (Date.now() - started) / 1000;
  const productCpuS = storm.killedCpuSeconds + all().reduce((sum, h) => sum + cpuSecondsOf(h.proc.pid), 0);
  const parentCpu = process.cpuUsage();

  const sorted = [...restartMs].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? 0;
  console.log(
    `crash-storm[${name}]: orders=${last.orders} shipments=${last.shipments} kills=${storm.kills} duplicates=${last.duplicates} missing=${last.missing} stuck=${last.stuck.length} elapsed=${elapsedS.toFixed(1)}s` +
      `\n  seed=${seed} kills-while-starting=${storm.startupKills} invoices=${last.invoices} wrong-totals=${last.wrongTotals.length} failed/conflict=${last.unsynced.length} jobs=${JSON.stringify(last.jobs)}` +
      `\n  setup=${setupS.toFixed(1)}s storm-until=${stormS.toFixed(1)}s drain=${(elapsedS - stormS).toFixed(1)}s restart-to-ready p50=${pct(0.5)}ms max=${pct(1)}ms (n=${sorted.length}, in order ${restartMs.map((ms) => (ms / 1000).toFixed(1)).join(' ')})` +
      ` cpu: product=${productCpuS.toFixed(0)}s test-process(all modes)=${((parentCpu.user + parentCpu.system) / 1e6).toFixed(0)}s` +
      `\n  shopify webhooks: ${deliveryReport(sims.shopify.deliveries())}, subscriptions removed ${sims.shopify.removedSubscriptions().length}` +
      `\n  shipstation webhooks: ${deliveryReport(sims.shipstation.deliveries())}`,
  );
  const problems = [
    ...last.duplicateInvoices.map((d) => `duplicate invoice ${d}`),
    ...last.duplicateJournals.map((d) => `duplicate journal ${d}`),
    ...last.duplicateNotes.map((d) => `duplicate note ${d}`),
    ...last.missingInvoices.map((d) => `no invoice for ${d}`),
    ...last.missingJournals.map((d) => `no journal ${d}`),
    ...last.missingNotes.map((d) => `no note ${d}`),
    ...last.wrongTotals.map((d) => `wrong total ${d}`),
    ...last.stuck.map((r) => `stuck ${r.entityType} ${r.sourceRef ?? r.sourceId}: ${r.state} ${r.reason ?? ''}`),
    ...last.unsynced.map((r) => `${r.state} ${r.entityType} ${r.sourceRef ?? r.sourceId}: ${r.reason ?? ''}`),
  ];
  if (problems.length > 0) {
    // The scratch directory (host log, PGlite data directory) is kept for a post-mortem.
    console.log(
      `  problems in ${name} (seed ${seed}, kept ${dir}):\n    ${problems.slice(0, 30).join('\n    ')}${problems.length > 30 ? `\n    … ${problems.length - 30} more` : ''}` +
        `\n  leases ${JSON.stringify(lastStats.leases)}\n  cursors ${JSON.stringify(lastStats.cursors)}`,
    );
  } else {
    cleanups.clean = true;
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  }
  return { tally: last, kills: storm.kills };
}

function expectClean(expect: ExpectStatic, result: ModeResult): void {
  const t = result.tally;
  expect(result.kills).toBeGreaterThanOrEqual(MIN_KILLS);
  expect(t.orders).toBe(PLAN.shopifyOrders + PLAN.shipstationOrders);
  expect(t.shipments).toBe(PLAN.shipstationOrders);
  expect({
    duplicates: t.duplicates,
    missing: t.missing,
    stuck: t.stuck.length,
    wrongTotals: t.wrongTotals,
    unsynced: t.unsynced.map((r) => `${r.entityType} ${r.sourceRef}: ${r.reason}`),
  }).toEqual({ duplicates: 0, missing: 0, stuck: 0, wrongTotals: [], unsynced: [] });
  expect(t.invoices).toBe(t.orders);
}

/** PostgreSQL hosts: a web+scheduler process that is never killed and two workers that are. */
function serverTopology(args: string[], env: HostEnv, log: ReturnType<typeof openLog>) {
  const web = spawnHost(args, 'web', env, log);
  const workerEnv = { ...env, CRASH_PORT: undefined, CRASH_CONCURRENCY: '4' };
  const workers: Slot[] = [1, 2].map((n) => ({ name: `worker-${n}`, current: spawnHost(args, 'worker', workerEnv, log), spawn: () => spawnHost(args, 'worker', workerEnv, log) }));
  return { slots: workers, stats: () => web, all: () => [web, ...workers.map((w) => w.current)] };
}

async function postgresMode(name: 'server' | 'distributed', cleanups: ReturnType<typeof cleanupStack>): Promise<Mode> {
  const database = await openTestDatabase('postgres');
  const pg = database.postgres;
  if (!pg) throw new Error('the test database is not PostgreSQL');
  // A failed storm keeps its schema for a post-mortem (test-db drops such schemas after an hour).
  cleanups.push(async () => {
    if (cleanups.clean) await database.close();
    else {
      console.log(`  ${name}: kept PostgreSQL schema ${pg.schema}`);
      await database.db.close();
    }
  });
  const redis: HostEnv = {};
  if (name === 'distributed') {
    const url = process.env.REDIS_URL ?? '';
    redis.CRASH_REDIS_URL = url;
    redis.CRASH_REDIS_PREFIX = `crash-${pg.schema}`;
    cleanups.push(async () => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await deleteRedisKeys(client, redis.CRASH_REDIS_PREFIX ?? '');
      } finally {
        client.disconnect();
      }
    });
  }
  return { name, env: () => ({ CRASH_DATABASE_URL: pg.url, CRASH_SCHEMA: pg.schema, ...redis }), topology: serverTopology };
}

describe('crash storm', () => {
  describe('embedded: PGlite, webhooks + worker + scheduler in one process', () => {
    it(`keeps every order exactly once through ${MIN_KILLS}+ SIGKILLs of the whole product`, async ({ expect }) => {
      const cleanups = cleanupStack();
      try {
        // The tests' migrated PGlite snapshot (built once per machine), so setup skips initdb.
        const snapshotPath = join(mkdtempSync(join(tmpdir(), 'crash-storm-snapshot-')), 'pglite.tar');
        cleanups.push(async () => rmSync(dirname(snapshotPath), { recursive: true, force: true }));
        writeFileSync(snapshotPath, Buffer.from(await (await pgliteSnapshot()).arrayBuffer()));
        const result = await runMode(
          {
            name: 'embedded',
            // The data directory lives in the mode's scratch directory, which is kept when something is wrong.
            env: (dir) => ({ ML_CONNECTOR_DATA_DIR: join(dir, 'data'), CRASH_PGLITE_SNAPSHOT: snapshotPath, CRASH_CONCURRENCY: '4' }),
            topology: (args, env, log) => {
              const slot: Slot = { name: 'embedded', current: spawnHost(args, 'all', env, log), spawn: () => spawnHost(args, 'all', env, log) };
              return { slots: [slot], stats: () => slot.current, all: () => [slot.current] };
            },
          },
          cleanups,
        );
        expectClean(expect, result);
      } finally {
        await cleanups.run();
      }
    }, TEST_TIMEOUT_MS);
  });

  describeGated('server: PostgreSQL jobs table, two worker processes', postgres, () => {
    it(`keeps every order exactly once through ${MIN_KILLS}+ SIGKILLs of two workers`, async ({ expect }) => {
      const cleanups = cleanupStack();
      try {
        expectClean(expect, await runMode(await postgresMode('server', cleanups), cleanups));
      } finally {
        await cleanups.run();
      }
    }, TEST_TIMEOUT_MS);
  });

  describeGated('distributed: PostgreSQL + BullMQ on Redis, two worker processes', distributed, () => {
    it(`keeps every order exactly once through ${MIN_KILLS}+ SIGKILLs of two workers`, async ({ expect }) => {
      const cleanups = cleanupStack();
      try {
        expectClean(expect, await runMode(await postgresMode('distributed', cleanups), cleanups));
      } finally {
        await cleanups.run();
      }
    }, TEST_TIMEOUT_MS);
  });
});
