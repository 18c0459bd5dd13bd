/**
 * End-to-end wiring for tests: both simulators in process, a fresh store, the real engine, queue, transport
 * and HTTP app on loopback, and a tenant connected through the same connect path the CLI and sandbox use.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { startShopifySim, type ShopifySim } from '../../simulators/shopify/index.ts';
import type { PlaceOrderInput } from '../../simulators/shopify/types.ts';
import { startZohoBooksSim, type ZohoBooksSim } from '../../simulators/zoho-books/index.ts';
import { startQuickBooksSim, type QuickBooksSim } from '../../simulators/quickbooks/index.ts';
import { connectQuickBooks, connectShopify, connectZohoBooks } from '../../src/cli/connect-flows.ts';
import { authorizeUrl as quickbooksAuthorizeUrl } from '../../src/connectors/quickbooks/auth.ts';
import { consent } from '../../src/cli/sandbox.ts';
import { createLogger } from '../../src/config/logger.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { buildApp } from '../../src/http/app.ts';
import { createEngine, systemClock } from '../../src/main.ts';
import type { Engine } from '../../src/sync/engine.ts';
import type { Clock, Connection, JobWorker, RecordState, SyncRecord } from '../../src/sync/ports.ts';
import { openTestStore, type BackendName, type TestStore } from './test-db.ts';

export const SHOP = 'e2e-shop.myshopify.com';
export const SHOPIFY_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'customers/create', 'customers/update'];

/** The product side of an end-to-end test: store, engine, HTTP app, and a target (Zoho Books or QuickBooks) connected by OAuth. */
export interface Platform {
  zoho: ZohoBooksSim;
  /** Set when the target is QuickBooks Online. */
  qbo: QuickBooksSim | null;
  realmId: string;
  db: TestStore;
  engine: Engine;
  app: FastifyInstance;
  appUrl: string;
  adminToken: string;
  tenant: string;
  tenantId: string;
  target: Connection;
  organizationId: string;
  zohoApiPrefix: string;
  webhookUrlOf(connection: Connection): string;
  startWorker(concurrency?: number): JobWorker;
  stopWorker(): Promise<void>;
  records(state?: RecordState): Promise<SyncRecord[]>;
  waitForRecords(predicate: (records: SyncRecord[]) => boolean, what: string, timeoutMs?: number): Promise<SyncRecord[]>;
  invoices(): Array<Record<string, unknown>>;
  zohoRequests(method: string, pathEnd: string): number;
  /** Extra cleanup a source adds (its simulator). */
  onClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface E2E extends Platform {
  shopify: ShopifySim;
  source: Connection;
  webhookUrl: string;
}

export interface PlatformOptions {
  backend?: BackendName;
  leaseMs?: number;
  clock?: Clock;
  target?: 'zoho-books' | 'quickbooks';
  /** Where the engine logs (at debug level); silent without it. */
  logTo?: NodeJS.WritableStream;
  /** The fetch every outbound call goes through (a test records them); the global one without it. */
  fetchImpl?: typeof fetch;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  const zoho = await startZohoBooksSim();
  const qbo = options.target === 'quickbooks' ? await startQuickBooksSim() : null;
  const db = await openTestStore(options.backend ? { backend: options.backend } : {});
  const logger = options.logTo ? createLogger({ level: 'debug', destination: options.logTo }) : createLogger({ level: 'silent' });
  const engine = createEngine({ db: db.db, store: db.store, logger, clock, transport: createTransport({ defaultTimeoutMs: 5_000, ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}) }), ownerId: `e2e-${randomUUID().slice(0, 8)}` });
  const queue = engine.deps.queue;
  const adminToken = `test-admin-${randomUUID()}`;
  const app = await buildApp({ engine, adminToken, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const appUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const tenant = 'e2e';
  const redirectUri = `${appUrl}/oauth/callback`;
  const books = zoho.seedSandbox({ dc: 'eu', currencyCode: 'USD', redirectUris: [redirectUri] });
  let realmId = '';
  let target;
  if (qbo) {
    const seed = qbo.seedSandbox({ redirectUris: [redirectUri] });
    realmId = seed.company.realmId;
    const answer = await fetch(quickbooksAuthorizeUrl({ clientId: seed.app.clientId, redirectUri, state: 'e2e', oauthBaseUrl: qbo.url }), { redirect: 'manual' });
    const back = new URL(answer.headers.get('location') ?? '');
    target = await connectQuickBooks({ store: db.store, engine }, {
      tenant,
      clientId: seed.app.clientId,
      clientSecret: seed.app.clientSecret,
      redirectUri,
      code: back.searchParams.get('code') ?? '',
      realmId: back.searchParams.get('realmId') ?? '',
      environment: 'sandbox',
      oauthBaseUrl: qbo.url,
      apiBaseUrl: seed.endpoints.apiBase.sandbox,
    });
  } else {
    const grant = await consent(books.accountsServer, books.clientId, redirectUri);
    target = await connectZohoBooks({ store: db.store, engine }, { tenant, clientId: books.clientId, clientSecret: books.clientSecret, redirectUri, grant, organizationId: books.organizationId });
  }

  let worker: JobWorker | null = null;
  const closers: Array<() => Promise<void>> = [];
  const tenantId = target.connection.tenantId;
  const records = (state?: RecordState) => db.store.records.list(tenantId, { limit: 10_000, ...(state ? { state } : {}) });
  const platform: Platform = {
    zoho,
    qbo,
    realmId,
    db,
    engine,
    app,
    appUrl,
    adminToken,
    tenant,
    tenantId,
    target: target.connection,
    organizationId: books.organizationId,
    zohoApiPrefix: new URL(books.apiDomain).pathname,
    webhookUrlOf: (connection) => `${appUrl}/webhooks/${connection.id}/${connection.webhookKey}`,
    startWorker: (concurrency = 2) => {
      worker = engine.startWorker({ concurrency, pollMs: 25, ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}) });
      return worker;
    },
    stopWorker: async () => {
      await worker?.close(2_000);
      worker = null;
    },
    records,
    async waitForRecords(predicate, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last: SyncRecord[] = [];
      while (Date.now() < deadline) {
        last = await records();
        if (predicate(last)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}; records: ${JSON.stringify(last.map((r) => ({ e: r.entityType, s: r.state, ref: r.sourceRef, reason: r.reason })))}`);
    },
    invoices: () =>
      qbo ? (qbo.listEntities({ realmId, entity: 'Invoice' }) as Array<Record<string, unknown>>) : (zoho.state(books.organizationId).invoices as unknown as Array<Record<string, unknown>>),
    zohoRequests: (method, pathEnd) => zoho.server.requests().filter((r) => r.method === method && r.path.endsWith(pathEnd)).length,
    onClose: (fn) => closers.push(fn),
    async close() {
      await platform.stopWorker();
      await queue.close();
      await app.close();
      for (const fn of closers) await fn();
      await qbo?.close();
      await zoho.close();
      await db.close();
    },
  };
  return platform;
}

/** Shopify → Zoho Books: the platform plus a Shopify simulator shop connected with keys and subscribed. */
export async function startE2E(options: PlatformOptions = {}): Promise<E2E> {
  const platform = await startPlatform(options);
  const shopify = await startShopifySim();
  platform.onClose(() => shopify.close());
  const shop = shopify.createShop({ domain: SHOP, currency: 'USD' });
  const source = await connectShopify({ store: platform.db.store, engine: platform.engine }, { tenant: platform.tenant, shop: shop.domain, token: shop.accessToken, webhookSecret: shop.clientSecret, apiBaseUrl: shopify.url });
  const webhookUrl = platform.webhookUrlOf(source.connection);
  for (const topic of SHOPIFY_TOPICS) shopify.subscribeWebhook({ shop: shop.domain, topic, address: webhookUrl });
  return Object.assign(platform, { shopify, source: source.connection, webhookUrl });
}

/** A shop order input with tax and shipping, unique per call. */
export function sampleOrder(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
    lineItems: [
      { sku: 'MUG-BLK', title: 'Black mug', quantity: 2, price: '14.50', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '2.10' }] },
      { sku: 'TEE-M', title: 'T-shirt (M)', quantity: 1, price: '25.00', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '1.81' }] },
    ],
    shippingLines: [{ title: 'Standard', code: 'STANDARD', price: '6.95' }],
    financialStatus: 'PAID',
    ...overrides,
  };
}
