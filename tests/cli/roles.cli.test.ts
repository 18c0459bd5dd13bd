/**
 * `ml-connector serve --role …` as separate processes on one PostgreSQL schema, the way they run on separate
 * machines: the web role takes webhooks and runs no job, a worker with no HTTP listener runs them, a scheduler
 * polls, and each stops on SIGTERM with exit code 0, a stopping worker finishing its job or handing it back.
 * The embedded database refuses split roles.
 *
 * The simulators run in this test process; the test connects the tenant through the connect path with the same
 * secret key the processes are given, so they can open the sealed credentials.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopifySim, type ShopifySim } from '../../simulators/shopify/index.ts';
import { startZohoBooksSim, type ZohoBooksSim } from '../../simulators/zoho-books/index.ts';
import { connectShopify, connectZohoBooks } from '../../src/cli/connect-flows.ts';
import { consent } from '../../src/cli/sandbox.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { createEngine } from '../../src/main.ts';
import { createSealer, createStore, loadOrCreateSecretKey } from '../../src/store/index.ts';
import type { Engine } from '../../src/sync/engine.ts';
import type { Connection, Store } from '../../src/sync/ports.ts';
import { describeGated, gateOf } from '../support/backends.ts';
import { SHOPIFY_TOPICS, sampleOrder } from '../support/e2e.ts';
import { openPostgresTestDatabase, postgresAvailability, type TestDatabase } from '../support/test-db.ts';

const BIN = fileURLToPath(new URL('../../bin/ml-connector.js', import.meta.url));
const SHOP = 'roles-shop.myshopify.com';
const SECRET_KEY = randomBytes(32).toString('base64');
const ADMIN_TOKEN = `roles-admin-${randomBytes(8).toString('hex')}`;
const children = new Set<ChildProcess>();

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `serve` with `args` and waits for its ready line. */
async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<Proc> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  await until(() => {
    if (child.exitCode !== null) throw new Error(`serve ${args.join(' ')} exited (${child.exitCode}) before it was ready:\n${text}`);
    return text.includes('Ctrl-C stops it.');
  }, `serve ${args.join(' ')} to start`, 90_000);
  return { child, output: () => text, exited };
}

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('split roles on the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-roles-embedded-'));
  const env = { ...process.env, ML_CONNECTOR_DATA_DIR: dataDir, DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'warn' };
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, ...args], { env, timeout: 60_000 }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, stderr: e.stderr ?? '' }),
    );

  it('refuses --role worker with the reason (PGlite is one process\'s)', async () => {
    const result = await cli(['serve', '--role', 'worker']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--role worker needs PostgreSQL/);
    expect(result.stderr).toMatch(/PGlite/);
    expect(result.stderr).toMatch(/single process/);
    expect(result.stderr).toMatch(/DATABASE_URL/);
  });

  it('refuses an unknown role', async () => {
    const result = await cli(['serve', '--role', 'web,cook']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown role "cook"/);
  });
});

describeGated('serve --role on PostgreSQL', gateOf(postgresAvailability()), () => {
  let database: TestDatabase;
  let store: Store;
  let engine: Engine;
  let shopify: ShopifySim;
  let zoho: ZohoBooksSim;
  let source: Connection;
  let organizationId = '';
  let invoicesPath = '';
  let env: NodeJS.ProcessEnv;
  let web: Proc;
  let webUrl = '';

  const jobs = () => database.db.query<{ name: string; state: string; key: string }>('SELECT name, state, key FROM jobs ORDER BY created_at');
  const orderRecord = async (orderId: string) =>
    (await store.records.list(source.tenantId, { limit: 1000 })).find((r) => r.entityType === 'order' && r.sourceId === orderId);
  const invoicesFor = (name: string) => (zoho.state(organizationId).invoices as unknown as Array<{ reference_number?: string }>).filter((i) => i.reference_number === name);
  const orderJob = async (orderId: string) => (await jobs()).find((j) => j.name === 'sync-entity' && j.key.endsWith(`:order:${orderId}`));

  beforeAll(async () => {
    const availability = postgresAvailability();
    if (!availability.run) throw new Error('unreachable: gated');
    database = await openPostgresTestDatabase(availability.url);
    const dataDir = mkdtempSync(join(tmpdir(), 'mlc-roles-'));
    const key = loadOrCreateSecretKey({ envValue: SECRET_KEY, dataDir });
    store = createStore({ db: { ...database.db, close: async () => undefined }, sealer: createSealer({ keys: { [key.keyId]: key.key }, activeKeyId: key.keyId }) });
    engine = createEngine({ db: database.db, store, logger: createLogger({ level: 'silent' }), transport: createTransport({ defaultTimeoutMs: 10_000 }), ownerId: 'roles-test' });

    shopify = await startShopifySim();
    zoho = await startZohoBooksSim();
    const shop = shopify.createShop({ domain: SHOP, currency: 'USD' });
    source = (await connectShopify({ store, engine }, { tenant: 'roles', shop: shop.domain, token: shop.accessToken, webhookSecret: shop.clientSecret, apiBaseUrl: shopify.url })).connection;
    const redirectUri = 'http://127.0.0.1:9/oauth/callback';
    const books = zoho.seedSandbox({ dc: 'eu', currencyCode: 'USD', redirectUris: [redirectUri] });
    organizationId = books.organizationId;
    invoicesPath = `${new URL(books.apiDomain).pathname.replace(/\/$/, '')}/books/v3/invoices`;
    const grant = await consent(books.accountsServer, books.clientId, redirectUri);
    await connectZohoBooks({ store, engine }, { tenant: 'roles', clientId: books.clientId, clientSecret: books.clientSecret, redirectUri, grant, organizationId });

    env = {
      ...process.env,
      DATABASE_URL: availability.url,
      DATABASE_SCHEMA: database.postgres?.schema,
      // Server mode: this suite reads the jobs table. With REDIS_URL the roles would run distributed (BullMQ).
      REDIS_URL: '',
      ML_CONNECTOR_SECRET_KEY: SECRET_KEY,
      ML_CONNECTOR_ADMIN_TOKEN: ADMIN_TOKEN,
      ML_CONNECTOR_DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await engine?.deps.queue.close();
    await shopify?.close();
    await zoho?.close();
    await database?.close();
  });

  it('web: answers /health and takes a webhook, but runs no job and polls nothing', async () => {
    web = await serve(['--role', 'web'], env);
    webUrl = /health\s+(http:\/\/\S+)\/health/.exec(web.output())?.[1] ?? '';
    expect(webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.output()).toMatch(/roles\s+web\n/);
    expect(web.output()).not.toMatch(/^\s+(worker|scheduler)\s/m);
    expect(web.output()).not.toContain('Sandbox:'); // a real connection exists

    const health = await fetch(`${webUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, roles: ['web'] });

    for (const topic of SHOPIFY_TOPICS) shopify.subscribeWebhook({ shop: SHOP, topic, address: `${webUrl}/webhooks/${source.id}/${source.webhookKey}` });
    shopify.server.clearRequests();
    const order = shopify.placeOrder(SHOP, sampleOrder());
    await until(async () => (await orderJob(order.id)) !== undefined, 'the webhook to queue a job');
    // A worker would claim it within a poll interval (100 ms); give it far longer to show nobody does.
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await orderJob(order.id))?.state).toBe('queued');
    expect((await orderRecord(order.id))?.state).toBe('pending');
    // No job fetched the order, no poller asked for pages: the web role made no call to Shopify.
    expect(shopify.server.requests().filter((r) => r.path.endsWith('/graphql.json'))).toEqual([]);
  });

  it('worker: no HTTP listener, runs the queued job to an invoice', async () => {
    const order = shopify.listOrders(SHOP).at(-1)!;
    const worker = await serve(['--role', 'worker'], env);
    expect(worker.output()).toMatch(/roles\s+worker\n/);
    expect(worker.output()).toContain('no HTTP listener');
    expect(worker.output()).not.toMatch(/http:\/\//);
    await until(async () => (await orderRecord(order.id))?.state === 'synced', 'the worker to sync the order');
    expect((await orderJob(order.id))?.state).toBe('done');
    expect(invoicesFor(order.name)).toHaveLength(1);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('SIGTERM on a worker mid-job: it lets the job finish within the grace, and exits 0', async () => {
    // Zoho creates the invoice at once and answers 3 s late: the signal lands inside that window.
    zoho.server.faults.add({ pathPrefix: invoicesPath, method: 'POST', delayResponseMs: 3_000, times: 1 });
    const worker = await serve(['--role', 'worker'], env);
    const order = shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' } }));
    await until(() => invoicesFor(order.name).length === 1, 'Zoho to create the invoice');
    expect((await orderJob(order.id))?.state).toBe('running');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('Stopped.');
    expect((await orderJob(order.id))?.state).toBe('done');
    expect((await orderRecord(order.id))?.state).toBe('synced');
  });

  it('SIGTERM on a worker whose job outlasts the grace: the job goes back to queued, exit 0, and the next worker finishes it once', async () => {
    zoho.server.faults.add({ pathPrefix: invoicesPath, method: 'POST', delayResponseMs: 15_000, times: 1 });
    const worker = await serve(['--role', 'worker'], { ...env, ML_CONNECTOR_SHUTDOWN_GRACE_MS: '300' });
    const order = shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' } }));
    await until(() => invoicesFor(order.name).length === 1, 'Zoho to create the invoice');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const job = await orderJob(order.id);
    expect(job?.state).toBe('queued');

    const next = await serve(['--role', 'worker'], env);
    await until(async () => (await orderRecord(order.id))?.state === 'synced', 'the next worker to finish the handed-back job');
    expect(invoicesFor(order.name)).toHaveLength(1); // it looked before it created
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
  });

  it('a second SIGTERM exits at once, with a non-zero code', async () => {
    zoho.server.faults.add({ pathPrefix: invoicesPath, method: 'POST', delayResponseMs: 15_000, times: 1 });
    const worker = await serve(['--role', 'worker'], { ...env, ML_CONNECTOR_SHUTDOWN_GRACE_MS: '60000' });
    const order = shopify.placeOrder(SHOP, sampleOrder({ customer: { email: 'alan@example.com', firstName: 'Alan', lastName: 'Turing' } }));
    await until(() => invoicesFor(order.name).length === 1, 'Zoho to create the invoice');
    worker.child.kill('SIGTERM');
    await until(() => worker.output().includes('SIGTERM: finishing'), 'the first signal to be taken');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(143);
    expect(worker.output()).toContain('SIGTERM again: exiting now');
    expect(worker.output()).not.toContain('Stopped.');
  });

  it('scheduler: polls the streams with no HTTP listener, and stops on SIGTERM with exit 0', async () => {
    shopify.server.clearRequests();
    const scheduler = await serve(['--role', 'scheduler'], { ...env, ML_CONNECTOR_POLL_MINUTES: '0.02' });
    expect(scheduler.output()).toMatch(/roles\s+scheduler\n/);
    expect(scheduler.output()).not.toMatch(/http:\/\//);
    await until(() => shopify.server.requests().some((r) => r.body.includes('query OrdersPage')), 'the scheduler to poll orders');
    scheduler.child.kill('SIGTERM');
    expect(await scheduler.exited).toBe(0);
  });

  it('web: stops on SIGTERM with exit 0 and refuses connections after', async () => {
    web.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    await expect(fetch(`${webUrl}/health`)).rejects.toThrow();
  });
});
