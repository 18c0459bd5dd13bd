/**
 * The product in a child process, for the crash storm (tests/e2e/crash-storm.e2e.test.ts): the parent keeps the
 * simulators and SIGKILLs this process at random moments. One role per process, chosen by CRASH_ROLE:
 *
 *   setup   connect Zoho Books, Shopify and ShipStation through the real connect flows, choose journal mode for
 *           shipments, print `result {json}` and exit (cleanly: the store is closed before exit).
 *   all     embedded mode: webhooks + worker + scheduler in one process on a PGlite data directory, opened by
 *           the real `openRuntime` (instance lock, migrations, secret key file), as `ml-connector serve` does.
 *   web     server and distributed modes: webhooks + scheduler (no worker).
 *   worker  server and distributed modes: a worker.
 *
 * The store is PGlite when ML_CONNECTOR_DATA_DIR is set, else PostgreSQL (CRASH_DATABASE_URL + CRASH_SCHEMA) with
 * the jobs table, or with BullMQ, leases and budgets on Redis when CRASH_REDIS_URL is set (distributed mode).
 * Every role except setup prints `ready <statsPort>` once it runs; GET http://127.0.0.1:<statsPort>/ answers
 * the records and job counts straight from the store, so the parent can tell when the work is done.
 *
 * The only departure from the shipped wiring: the rate budgets are scaled by CRASH_BUDGET_SCALE (the simulators
 * get the same scale), because 500 orders at Zoho's real 100 calls a minute take a quarter of an hour. The
 * budget code itself still runs on every call.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { consent } from '../../src/cli/sandbox.ts';
import { connectShipStation, connectShopify, connectZohoBooks } from '../../src/cli/connect-flows.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { createRegistry } from '../../src/connectors/registry.ts';
import { buildApp } from '../../src/http/app.ts';
import { createEngine, openRuntime, systemClock } from '../../src/main.ts';
import { createStore, migrate, openDatabase, type Db } from '../../src/store/index.ts';
import type { Engine } from '../../src/sync/engine.ts';
import type { ConnectorRegistry, JobWorker, Logger, Store } from '../../src/sync/ports.ts';
import { startScheduler, type Scheduler } from '../../src/sync/scheduler.ts';
import { checkWebhooks } from '../../src/sync/webhook-health.ts';
import { testSealer } from './test-db.ts';

export type CrashRole = 'setup' | 'all' | 'web' | 'worker';

/** What the setup role needs: the simulators' accounts, made by the parent. */
export interface CrashSetupInput {
  tenant: string;
  publicUrl: string;
  zoho: { clientId: string; clientSecret: string; accountsServer: string; organizationId: string; expenseAccountId: string; creditAccountId: string };
  shopify: { shop: string; token: string; webhookSecret: string; apiBaseUrl: string };
  shipstation: { apiKey: string; apiSecret: string; apiBaseUrl: string };
}

export interface CrashSetupResult {
  tenantId: string;
  shopify: { id: string; webhookKey: string };
  shipstation: { id: string; webhookKey: string };
}

export interface CrashStats {
  records: Array<{ entityType: string; state: string; sourceId: string; sourceRef: string | null; reason: string | null; targetId: string | null; attempts: number }>;
  jobs: Record<string, number>;
  /** Inbox events committed but never handed to the queue. */
  unenqueued: number;
  /** Named leases held now (poll streams, link claims), with seconds left. */
  leases: Array<{ name: string; owner: string; secondsLeft: number }>;
  /** Poll cursors per connection and stream. */
  cursors: Array<{ connectionId: string; stream: string; cursor: string | null }>;
}

export interface CrashSummary {
  /** Records not in a terminal state. */
  open: number;
  jobs: Record<string, number>;
  unenqueued: number;
}

/** The real connectors, with every budget rule's limit multiplied by `scale`. */
export function scaledRegistry(scale: number): ConnectorRegistry {
  const real = createRegistry({ clock: systemClock });
  return {
    ...real,
    budget(connection) {
      const budget = real.budget(connection);
      return budget && { key: budget.key, rules: budget.rules.map((rule) => ({ limit: rule.limit * scale, windowMs: rule.windowMs })) };
    },
  };
}

const env = process.env;
const role = env.CRASH_ROLE as CrashRole | undefined;
if (!role || !['setup', 'all', 'web', 'worker'].includes(role)) throw new Error(`CRASH_ROLE must be setup, all, web or worker (got ${role})`);
const leaseMs = Number(env.CRASH_LEASE_MS ?? '1500');
const pollMs = Number(env.CRASH_POLL_MS ?? '2000');
const concurrency = Number(env.CRASH_CONCURRENCY ?? '4');
const budgetScale = Number(env.CRASH_BUDGET_SCALE ?? '1');
const logger = createLogger({ level: env.CRASH_LOG_LEVEL ?? 'warn', name: `crash-${role}-${process.pid}` });

interface Opened {
  db: Db;
  store: Store;
  engine: Engine;
  close(): Promise<void>;
}

async function open(): Promise<Opened> {
  const registry = scaledRegistry(budgetScale);
  const transport = createTransport({ defaultTimeoutMs: 10_000 });
  const ownerId = `crash-${role}-${process.pid}-${randomUUID().slice(0, 6)}`;
  if (env.ML_CONNECTOR_DATA_DIR) {
    if (role === 'setup' && env.CRASH_PGLITE_SNAPSHOT) {
      // A migrated data directory from the tests' snapshot instead of initdb (seconds on a busy machine); the
      // runtime below then opens it as it opens any existing install.
      mkdirSync(env.ML_CONNECTOR_DATA_DIR, { recursive: true, mode: 0o700 });
      const pglite = new PGlite({ dataDir: join(env.ML_CONNECTOR_DATA_DIR, 'pglite'), loadDataDir: new Blob([readFileSync(env.CRASH_PGLITE_SNAPSHOT)]) });
      await pglite.waitReady;
      await pglite.close();
    }
    // Embedded: exactly what `serve` opens (lock, PGlite directory, migrations, secret key and admin token files).
    const runtime = await openRuntime(parseEnv({ ML_CONNECTOR_DATA_DIR: env.ML_CONNECTOR_DATA_DIR, LOG_LEVEL: 'silent' }), { purpose: `crash-storm ${role}`, logger, transport });
    const engine = createEngine({ db: runtime.db, store: runtime.store, logger, transport, registry, ownerId });
    return {
      db: runtime.db,
      store: runtime.store,
      engine,
      close: async () => {
        await engine.deps.queue.close();
        await runtime.close();
      },
    };
  }
  const url = env.CRASH_DATABASE_URL;
  const schema = env.CRASH_SCHEMA;
  if (!url || !schema) throw new Error('ML_CONNECTOR_DATA_DIR, or CRASH_DATABASE_URL and CRASH_SCHEMA, are required');
  const db = await openDatabase({ url, schema, maxConnections: 6 });
  if (role === 'setup') await migrate(db);
  const store = createStore({ db, sealer: testSealer() });
  // Distributed mode: the queue (BullMQ), leases and budgets in Redis, under a prefix of this run's own.
  const redis = env.CRASH_REDIS_URL ? { redisUrl: env.CRASH_REDIS_URL, redisPrefix: env.CRASH_REDIS_PREFIX ?? `crash-${schema}` } : {};
  const engine = createEngine({ db, store, logger, transport, registry, ownerId, ...redis });
  return {
    db,
    store,
    engine,
    close: async () => {
      await engine.deps.queue.close();
      await store.close();
    },
  };
}

async function setup(opened: Opened): Promise<CrashSetupResult> {
  const input = JSON.parse(env.CRASH_SETUP ?? 'null') as CrashSetupInput | null;
  if (!input) throw new Error('CRASH_SETUP is required for the setup role');
  const rt = { store: opened.store, engine: opened.engine };
  const redirectUri = `${input.publicUrl}/oauth/callback`;
  const grant = await consent(input.zoho.accountsServer, input.zoho.clientId, redirectUri);
  await connectZohoBooks(rt, {
    tenant: input.tenant,
    clientId: input.zoho.clientId,
    clientSecret: input.zoho.clientSecret,
    redirectUri,
    grant,
    organizationId: input.zoho.organizationId,
  });
  const shopify = await connectShopify(rt, { tenant: input.tenant, ...input.shopify });
  const shipstation = await connectShipStation(rt, { tenant: input.tenant, ...input.shipstation });
  const tenantId = shopify.connection.tenantId;
  // Journal mode for ShipStation shipments: each shipment is one journal entry, countable by its reference.
  for (const integration of await opened.store.integrations.list(tenantId)) {
    if (integration.sourceConnectionId !== shipstation.connection.id) continue;
    await opened.store.integrations.update(tenantId, integration.id, {
      settings: { ...integration.settings, shipments: { mode: 'journal', expenseAccountId: input.zoho.expenseAccountId, creditAccountId: input.zoho.creditAccountId } },
    });
  }
  const health = await checkWebhooks(opened.engine, shipstation.connection, input.publicUrl);
  if (!health?.ok) throw new Error(`ShipStation webhooks were not registered: ${health?.message ?? 'no answer'}`);
  return {
    tenantId,
    shopify: { id: shopify.connection.id, webhookKey: shopify.connection.webhookKey },
    shipstation: { id: shipstation.connection.id, webhookKey: shipstation.connection.webhookKey },
  };
}

async function stats(db: Db, engine: Engine): Promise<CrashStats> {
  const records = await db.query<{ entity_type: string; state: string; source_id: string; source_ref: string | null; reason: string | null; target_id: string | null; attempts: unknown }>(
    'SELECT entity_type, state, source_id, source_ref, reason, target_id, attempts FROM sync_records',
  );
  // Through the queue port, so the count is right whichever adapter holds the jobs.
  const jobs = await engine.deps.queue.counts();
  const [inbox] = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events WHERE enqueued_at IS NULL');
  const leases = await db.query<{ name: string; owner: string; left: unknown }>('SELECT name, owner, extract(epoch FROM expires_at - now()) AS left FROM leases WHERE expires_at > now()');
  const cursors = await db.query<{ connection_id: string; stream: string; cursor: string | null }>('SELECT connection_id, stream, value AS cursor FROM cursors');
  return {
    leases: leases.map((l) => ({ name: l.name, owner: l.owner, secondsLeft: Math.round(Number(l.left)) })),
    cursors: cursors.map((c) => ({ connectionId: c.connection_id, stream: c.stream, cursor: c.cursor })),
    records: records.map((r) => ({ entityType: r.entity_type, state: r.state, sourceId: r.source_id, sourceRef: r.source_ref, reason: r.reason, targetId: r.target_id, attempts: Number(r.attempts) })),
    jobs: { ...jobs },
    unenqueued: Number(inbox?.n ?? 0),
  };
}

/** The cheap question asked every second while draining: how many records are not done, and is the queue idle. */
async function summary(db: Db, engine: Engine): Promise<CrashSummary> {
  const [open] = await db.query<{ n: unknown }>(`SELECT count(*) AS n FROM sync_records WHERE state NOT IN ('synced', 'failed', 'conflict', 'skipped')`);
  const [inbox] = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events WHERE enqueued_at IS NULL');
  return { open: Number(open?.n ?? 0), jobs: { ...(await engine.deps.queue.counts()) }, unenqueued: Number(inbox?.n ?? 0) };
}

function startStats(db: Db, engine: Engine, log: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    (request.url?.includes('summary') ? summary(db, engine) : stats(db, engine)).then(
      (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      (error: unknown) => {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'stats failed');
        response.writeHead(500).end(String(error));
      },
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const opened = await open();
if (role === 'setup') {
  const result = await setup(opened);
  await opened.close();
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
  process.exit(0);
}

let app: Awaited<ReturnType<typeof buildApp>> | null = null;
let worker: JobWorker | null = null;
let scheduler: Scheduler | null = null;
if (role === 'all' || role === 'web') {
  const port = Number(env.CRASH_PORT ?? '0');
  app = await buildApp({ engine: opened.engine, adminToken: `crash-${randomUUID()}`, logger });
  await app.listen({ host: '127.0.0.1', port });
  const publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  scheduler = startScheduler(opened.engine, { pollEveryMs: pollMs, publicUrl, sweepEveryMs: pollMs, webhookCheckEveryMs: 10_000 });
}
if (role === 'all' || role === 'worker') {
  worker = opened.engine.startWorker({ concurrency, leaseMs, pollMs: 25 });
}
const statsServer = await startStats(opened.db, opened.engine, logger);

let stopping = false;
process.once('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await scheduler?.stop();
    await worker?.close(5_000);
    await app?.close();
    await new Promise((resolve) => statsServer.close(resolve));
    await opened.close();
    process.exit(0);
  })();
});

const cpu = process.cpuUsage();
process.stdout.write(`ready ${(statsServer.address() as AddressInfo).port} cpu=${Math.round((cpu.user + cpu.system) / 1000)}ms uptime=${Math.round(process.uptime() * 1000)}ms\n`);
