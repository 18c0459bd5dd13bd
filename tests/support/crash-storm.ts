/**
 * The crash storm's parent side (tests/e2e/crash-storm.e2e.test.ts): simulators that stay up in the test
 * process, the product in child processes (tests/support/crash-host.ts) that are SIGKILLed at seeded random
 * moments and restarted, the order workload placed in bursts, and the tally of what reached the books.
 *
 * Shipments come from ShipStation: the Shopify simulator and connector have no fulfillments, so Shopify
 * contributes orders only and ShipStation contributes orders and their label shipments. ShipStation's flow
 * books each shipment as one journal entry (reference SHIP-<shipmentId>) plus one tracking comment on the
 * order's invoice, both countable per shipment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startShipStationSim, type AccountKeys, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import type { OrderInput } from '../../simulators/shipstation/order-input.ts';
import { startShopifySim, type ShopifySim } from '../../simulators/shopify/index.ts';
import type { PlaceOrderInput } from '../../simulators/shopify/types.ts';
import { startZohoBooksSim, type ZohoBooksSim } from '../../simulators/zoho-books/index.ts';
import type { CrashRole, CrashSetupInput, CrashSetupResult, CrashStats, CrashSummary } from './crash-host.ts';

const HOST = fileURLToPath(new URL('./crash-host.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOP = 'crash-storm.myshopify.com';
export const SHOPIFY_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'customers/create', 'customers/update'];

// ---------------------------------------------------------------- randomness

/** mulberry32: a small seeded PRNG, so a failing storm can be replayed with CRASH_STORM_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------- simulators

export interface StormSims {
  shopify: ShopifySim;
  zoho: ZohoBooksSim;
  shipstation: ShipStationSim;
  account: AccountKeys;
  organizationId: string;
  /** Everything the setup role needs except the product's public URL. */
  setupInput(publicUrl: string): CrashSetupInput;
  close(): Promise<void>;
}

/**
 * The three simulators, with their rate limits multiplied by `budgetScale` (as the host's budgets are) and a
 * compressed Shopify retry schedule: the real one is 8 retries over 4 hours, then the subscription is deleted;
 * this one spans ~2 minutes, so a delivery usually meets the product up between kills, and when one gives up all
 * the same (a slow machine, long restarts), Shopify deletes that topic's subscription and polling carries it.
 * ShipStation keeps its default of no webhook retries: a pointer sent while the product is down is lost, and
 * polling has to find the change.
 */
export async function startStormSims(budgetScale: number, publicUrl: string): Promise<StormSims> {
  const shopify = await startShopifySim({
    webhooks: { retrySchedule: [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 30_000, 30_000] },
    throttle: { maximumAvailable: 2_000 * budgetScale, restoreRate: 100 * budgetScale },
  });
  const zoho = await startZohoBooksSim({ perMinute: 100 * budgetScale, dailyCap: 1_000 * budgetScale });
  const shipstation = await startShipStationSim({ v1PerMinute: 40 * budgetScale, webhooks: { deliveryDelayMs: 0 } });
  const shop = shopify.createShop({ domain: SHOP, currency: 'USD' });
  const books = zoho.seedSandbox({ dc: 'eu', currencyCode: 'USD', redirectUris: [`${publicUrl}/oauth/callback`] });
  const account = shipstation.createAccount({ name: 'crash-storm' });
  const accounts = zoho.state(books.organizationId).chartofaccounts as Array<{ account_id: string; account_name: string }>;
  const accountId = (name: string) => {
    const found = accounts.find((a) => a.account_name === name);
    if (!found) throw new Error(`the Zoho sandbox has no account "${name}"`);
    return found.account_id;
  };
  return {
    shopify,
    zoho,
    shipstation,
    account,
    organizationId: books.organizationId,
    setupInput: (url) => ({
      tenant: 'storm',
      publicUrl: url,
      zoho: {
        clientId: books.clientId,
        clientSecret: books.clientSecret,
        accountsServer: books.accountsServer,
        organizationId: books.organizationId,
        expenseAccountId: accountId('Cost of Goods Sold'),
        creditAccountId: accountId('Accounts Payable'),
      },
      shopify: { shop: shop.domain, token: shop.accessToken, webhookSecret: shop.clientSecret, apiBaseUrl: shopify.url },
      shipstation: { apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: shipstation.url },
    }),
    async close() {
      await shopify.close();
      await zoho.close();
      await shipstation.close();
    },
  };
}

// ---------------------------------------------------------------- product processes

/** How `node` starts a host: the node arguments before the host's own. */
let hostArgs: Promise<string[]> | null = null;

/**
 * The host as one ES module, bundled with esbuild once per test process (our sources only; packages stay imports,
 * so PGlite finds its WASM files). The code is the same; a restart then costs ~0.5 s of CPU instead of ~1.3 s
 * through tsx's per-file loader, which matters with some 60 restarts on two cores. Each file's `import.meta.url`
 * is kept as its own (migrations and the UI page are read relative to it). Falls back to tsx when esbuild (tsx's
 * own dependency) cannot be loaded.
 */
export function prepareHost(): Promise<string[]> {
  hostArgs ??= (async () => {
    let esbuild: typeof import('esbuild');
    try {
      esbuild = await import('esbuild');
    } catch {
      return ['--import', 'tsx', HOST];
    }
    const result = await esbuild.build({
      entryPoints: [HOST],
      write: false,
      outfile: 'host.mjs',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
      plugins: [
        {
          name: 'own-import-meta-url',
          setup(build) {
            build.onLoad({ filter: /\.ts$/ }, async (args) => ({
              contents: (await readFile(args.path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
              loader: 'ts',
            }));
          },
        },
      ],
    });
    const code = result.outputFiles[0]?.text ?? '';
    // Named by content: parallel runs of the same sources share one file; other versions are pruned after a day.
    // It lives under node_modules so that the bundle's package imports resolve as the sources' do.
    const dir = join(ROOT, 'node_modules', '.cache', 'crash-storm');
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `host-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(outfile)) {
      const temp = `${outfile}.${process.pid}.tmp`;
      writeFileSync(temp, code);
      renameSync(temp, outfile);
    }
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (path !== outfile && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { force: true });
    }
    return [outfile];
  })();
  return hostArgs;
}

export interface HostHandle {
  readonly proc: ChildProcess;
  readonly role: CrashRole;
  /** Resolves with the stats port once the host prints `ready`; rejects if it exits first. */
  readonly ready: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isReady(): boolean;
  /** Milliseconds from spawn to `ready`, once ready. */
  readyAfterMs(): number | null;
  /** The last lines the host wrote to stderr. */
  stderrTail(): string;
}

export interface HostEnv {
  [name: string]: string | undefined;
}

/** Starts a host; `args` from prepareHost(). */
export function spawnHost(args: string[], role: CrashRole, env: HostEnv, log: WriteStream): HostHandle {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env, CRASH_ROLE: role },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const spawnedAt = Date.now();
  let readyAt: number | null = null;
  proc.stderr?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    tail.push(chunk.toString());
    while (tail.length > 40) tail.shift();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      log.write(`[${role} ${proc.pid} stdout] ${line}\n`);
      const match = /^ready (\d+)/.exec(line);
      if (match) {
        readyAt = Date.now();
        resolve(Number(match[1]));
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`${role} host ${proc.pid} exited before it was ready (code ${code}, signal ${signal}): ${tail.join('').slice(-2_000)}`)));
  });
  ready.catch(() => undefined);
  return { proc, role, ready, exited, isReady: () => readyAt !== null, readyAfterMs: () => (readyAt === null ? null : readyAt - spawnedAt), stderrTail: () => tail.join('') };
}

/** Runs the setup role to completion and returns what it printed. */
export async function runSetup(args: string[], env: HostEnv, input: CrashSetupInput, log: WriteStream): Promise<CrashSetupResult> {
  const handle = spawnHost(args, 'setup', { ...env, CRASH_SETUP: JSON.stringify(input) }, log);
  let result: CrashSetupResult | null = null;
  createInterface({ input: handle.proc.stdout! }).on('line', (line) => {
    if (line.startsWith('result ')) result = JSON.parse(line.slice('result '.length)) as CrashSetupResult;
  });
  const { code } = await handle.exited;
  if (code !== 0 || !result) throw new Error(`setup failed (exit ${code}): ${handle.stderrTail().slice(-3_000)}`);
  return result;
}

export async function readSummary(port: number): Promise<CrashSummary> {
  const response = await fetch(`http://127.0.0.1:${port}/?summary`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`stats answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as CrashSummary;
}

export async function readStats(port: number): Promise<CrashStats> {
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`stats answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as CrashStats;
}

export function openLog(path: string): WriteStream {
  return createWriteStream(path, { flags: 'a' });
}

/** CPU seconds a live process has used so far (Linux /proc; 0 elsewhere or once it is gone). */
export function cpuSecondsOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command: state is field 3, utime and stime are fields 14 and 15 (in clock ticks, 100 a second).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------- the storm

/** A product process that is killed and restarted; `current` is the live one. */
export interface Slot {
  name: string;
  current: HostHandle;
  spawn(): HostHandle;
}

export interface StormOptions {
  slots: Slot[];
  random: () => number;
  minKills: number;
  /** Kill delay after a host is ready, uniformly in [min, max] ms. */
  gapMs: [number, number];
  /** Share of kills aimed at a host still starting (migrations, PGlite recovery) instead of a running one. */
  startupKillShare: number;
  /** Keep killing while this says so, even past minKills (e.g. until the workload is placed). */
  keepGoing: () => boolean;
  /** Called after each kill, with the number of kills so far. */
  onKill?: (kills: number) => void;
  log: (line: string) => void;
}

export interface StormReport {
  kills: number;
  startupKills: number;
  /** Hosts that failed to come back after a kill, with their last words. */
  failedRestarts: string[];
  /** CPU the killed processes had used. */
  killedCpuSeconds: number;
}

/**
 * One loop per slot: wait for the host (or not, for a startup kill), wait a random gap, SIGKILL, restart at once.
 * Slots run side by side, so with two workers both are sometimes down together.
 */
export async function runStorm(options: StormOptions): Promise<StormReport> {
  const report: StormReport = { kills: 0, startupKills: 0, failedRestarts: [], killedCpuSeconds: 0 };
  const done = () => report.kills >= options.minKills && !options.keepGoing();
  await Promise.all(
    options.slots.map(async (slot) => {
      while (!done() && report.failedRestarts.length === 0) {
        const host = slot.current;
        const duringStartup = !host.isReady() && options.random() < options.startupKillShare;
        if (duringStartup) {
          await sleep(100 + options.random() * 1_200);
        } else {
          try {
            await host.ready;
          } catch (error) {
            report.failedRestarts.push(`${slot.name}: ${error instanceof Error ? error.message : String(error)}`);
            return;
          }
          const [min, max] = options.gapMs;
          await sleep(min + options.random() * (max - min));
        }
        if (done()) return;
        const wasReady = host.isReady();
        report.killedCpuSeconds += cpuSecondsOf(host.proc.pid);
        host.proc.kill('SIGKILL');
        await host.exited;
        report.kills += 1;
        if (!wasReady) report.startupKills += 1;
        options.log(`kill #${report.kills}: ${slot.name} pid ${host.proc.pid}${wasReady ? '' : ' (while starting)'}`);
        options.onKill?.(report.kills);
        slot.current = slot.spawn();
      }
    }),
  );
  return report;
}

// ---------------------------------------------------------------- workload

export interface ExpectedOrder {
  source: 'shopify' | 'shipstation';
  /** Zoho reference_number: Shopify's order name, ShipStation's orderNumber. */
  reference: string;
  /** Order total in cents. */
  totalCents: bigint;
}

export interface ExpectedShipment {
  shipmentId: string;
  orderReference: string;
  tracking: string;
}

const cents = (text: string): bigint => {
  const match = /^(-?)(\d+)(?:\.(\d{1,2})\d*)?$/.exec(text.trim());
  if (!match) throw new Error(`not an amount: ${text}`);
  const value = BigInt(match[2] ?? '0') * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return match[1] ? -value : value;
};
const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/**
 * Tax on the two lines (2 × 14.50 and 25.00). Every fourth order at 7.25 %, whose per-line amounts (2.10, 1.81)
 * differ by a cent from the target's own computation, so the invoice gets its rounding adjustment (a second write
 * that a crash can interrupt); the others at 8 %, exact (2.32, 2.00).
 */
function taxOf(n: number): { title: string; rate: string; mug: string; tee: string; totalCents: number } {
  return n % 4 === 0
    ? { title: 'CA State Tax', rate: '0.0725', mug: '2.10', tee: '1.81', totalCents: 391 }
    : { title: 'NY State Tax', rate: '0.08', mug: '2.32', tee: '2.00', totalCents: 432 };
}

export class Workload {
  readonly orders = new Map<string, ExpectedOrder>();
  readonly shipments: ExpectedShipment[] = [];
  private shopifyPlaced = 0;
  private shipstationPlaced = 0;
  private unshipped: Array<{ orderId: number; orderNumber: string }> = [];

  constructor(
    private readonly sims: StormSims,
    readonly plan: { shopifyOrders: number; shipstationOrders: number; bursts: number },
  ) {}

  get placed(): number {
    return this.shopifyPlaced + this.shipstationPlaced;
  }

  get complete(): boolean {
    return this.shopifyPlaced >= this.plan.shopifyOrders && this.shipstationPlaced >= this.plan.shipstationOrders && this.unshipped.length === 0;
  }

  /** One burst: a slice of Shopify orders, one ShipStation import batch, and labels for the previous batch. */
  burst(): void {
    const shopifyEach = Math.ceil(this.plan.shopifyOrders / this.plan.bursts);
    const shipstationEach = Math.ceil(this.plan.shipstationOrders / this.plan.bursts);
    this.shipPending();
    for (let i = 0; i < shopifyEach && this.shopifyPlaced < this.plan.shopifyOrders; i++) this.placeShopifyOrder();
    const batch: OrderInput[] = [];
    for (let i = 0; i < shipstationEach && this.shipstationPlaced + batch.length < this.plan.shipstationOrders; i++) batch.push(this.shipstationOrder(this.shipstationPlaced + batch.length));
    if (batch.length > 0) {
      const imported = this.sims.shipstation.importOrders({ accountId: this.sims.account.accountId, orders: batch });
      this.shipstationPlaced += imported.length;
      for (const order of imported) this.unshipped.push({ orderId: order.orderId, orderNumber: order.orderNumber });
    }
  }

  /** Labels for every imported order not yet shipped: one batch, one SHIP_NOTIFY. */
  shipPending(): void {
    if (this.unshipped.length === 0) return;
    const pending = this.unshipped;
    this.unshipped = [];
    const shipments = this.sims.shipstation.shipOrders({
      accountId: this.sims.account.accountId,
      shipments: pending.map((o, i) => ({ orderId: o.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: `1ZSTORM${o.orderId}`, shipmentCost: money(650 + ((o.orderId + i) % 300)) })),
    });
    for (const s of shipments) this.shipments.push({ shipmentId: String(s.shipmentId), orderReference: s.orderNumber, tracking: s.trackingNumber ?? '' });
  }

  private placeShopifyOrder(): void {
    const n = this.shopifyPlaced;
    const tax = taxOf(n);
    const input: PlaceOrderInput = {
      customer: { email: `buyer${n % 25}@example.com`, firstName: 'Buyer', lastName: `No${n % 25}` },
      lineItems: [
        { sku: 'MUG-BLK', title: 'Black mug', quantity: 2, price: '14.50', taxLines: [{ title: tax.title, rate: tax.rate, amount: tax.mug }] },
        { sku: 'TEE-M', title: 'T-shirt (M)', quantity: 1, price: '25.00', taxLines: [{ title: tax.title, rate: tax.rate, amount: tax.tee }] },
      ],
      shippingLines: [{ title: 'Standard', code: 'STANDARD', price: money(500 + (n % 97)) }],
      financialStatus: 'PAID',
    };
    const order = this.sims.shopify.placeOrder(SHOP, input);
    this.shopifyPlaced += 1;
    this.orders.set(order.name, { source: 'shopify', reference: order.name, totalCents: cents(order.current.total.shop) });
  }

  private shipstationOrder(n: number): OrderInput {
    const shippingCents = 600 + (n % 89);
    const orderNumber = `SS-STORM-${10_000 + n}`;
    const tax = taxOf(n);
    // Items 2 × 14.50 + 25.00 = 54.00, plus tax and shipping.
    const total = 5400 + tax.totalCents + shippingCents;
    this.orders.set(orderNumber, { source: 'shipstation', reference: orderNumber, totalCents: BigInt(total) });
    return {
      orderNumber,
      orderStatus: 'awaiting_shipment',
      customerEmail: `ss-buyer${n % 10}@example.com`,
      customerUsername: `ss-buyer${n % 10}`,
      billTo: { name: `ShipStation Buyer ${n % 10}` },
      items: [
        { sku: 'MUG-BLK', name: 'Black mug', quantity: 2, unitPrice: '14.50', taxAmount: tax.mug },
        { sku: 'TEE-M', name: 'T-shirt (M)', quantity: 1, unitPrice: '25.00', taxAmount: tax.tee },
      ],
      taxAmount: money(tax.totalCents),
      shippingAmount: money(shippingCents),
      amountPaid: money(total),
      paymentDate: new Date().toISOString(),
    };
  }
}

// ---------------------------------------------------------------- the tally

/** How webhook deliveries went: final states, and every attempt by outcome (status, refused, timed out). */
export function deliveryReport(deliveries: ReadonlyArray<{ state: string; attempts: ReadonlyArray<{ status: number; error?: string; ms: number }> }>): string {
  const states: Record<string, number> = {};
  const attempts: Record<string, number> = {};
  const okMs: number[] = [];
  for (const delivery of deliveries) {
    states[delivery.state] = (states[delivery.state] ?? 0) + 1;
    for (const attempt of delivery.attempts) {
      const outcome = attempt.error ? (/timeout|aborted/i.test(attempt.error) ? 'timeout' : attempt.error.slice(0, 60)) : String(attempt.status);
      attempts[outcome] = (attempts[outcome] ?? 0) + 1;
      if (!attempt.error && attempt.status >= 200 && attempt.status < 300) okMs.push(attempt.ms);
    }
  }
  okMs.sort((a, b) => a - b);
  const at = (p: number) => okMs[Math.min(okMs.length - 1, Math.floor((okMs.length - 1) * p))] ?? 0;
  return `deliveries ${JSON.stringify(states)} attempts ${JSON.stringify(attempts)} answered in p50=${at(0.5)}ms p95=${at(0.95)}ms max=${at(1)}ms`;
}

export interface Tally {
  orders: number;
  shipments: number;
  invoices: number;
  /** Invoices beyond the first per reference, journal entries beyond the first per shipment, tracking notes beyond the first per shipment. */
  duplicates: number;
  duplicateInvoices: string[];
  duplicateJournals: string[];
  duplicateNotes: string[];
  /** Orders without an invoice, shipments without a journal entry or without a tracking note. */
  missing: number;
  missingInvoices: string[];
  missingJournals: string[];
  missingNotes: string[];
  /** Invoices whose total differs from their order's. */
  wrongTotals: string[];
  /** Records not in a terminal state, or skipped without a reason. */
  stuck: CrashStats['records'];
  /** Records that ended failed or in conflict (terminal, but not done). */
  unsynced: CrashStats['records'];
  jobs: Record<string, number>;
}

const TERMINAL = new Set(['synced', 'failed', 'conflict', 'skipped']);

/** The product's side of done: every record terminal, nothing queued or running, no inbox event left behind. */
export function settled(summary: CrashSummary): boolean {
  return summary.open === 0 && (summary.jobs.queued ?? 0) === 0 && (summary.jobs.running ?? 0) === 0 && summary.unenqueued === 0;
}

export function tally(sims: StormSims, workload: Workload, stats: CrashStats): Tally {
  const state = sims.zoho.state(sims.organizationId) as unknown as {
    invoices: Array<{ invoice_id: string; reference_number: string; total: unknown }>;
    journals: Array<{ reference_number: string }>;
    comments: Array<{ invoice_id?: string; description: string }>;
  };
  const invoicesByRef = new Map<string, Array<{ total: unknown }>>();
  for (const invoice of state.invoices) invoicesByRef.set(invoice.reference_number, [...(invoicesByRef.get(invoice.reference_number) ?? []), invoice]);
  const journalsByRef = new Map<string, number>();
  for (const journal of state.journals) journalsByRef.set(journal.reference_number, (journalsByRef.get(journal.reference_number) ?? 0) + 1);

  let duplicates = 0;
  const duplicateInvoices: string[] = [];
  const missingInvoices: string[] = [];
  const wrongTotals: string[] = [];
  for (const order of workload.orders.values()) {
    const found = invoicesByRef.get(order.reference) ?? [];
    if (found.length === 0) missingInvoices.push(order.reference);
    if (found.length > 1) {
      duplicates += found.length - 1;
      duplicateInvoices.push(`${order.reference} ×${found.length}`);
    }
    for (const invoice of found) {
      if (cents(String(invoice.total)) !== order.totalCents) wrongTotals.push(`${order.reference}: invoice ${String(invoice.total)}, order ${money(Number(order.totalCents))}`);
    }
  }
  // An invoice for a reference the workload never placed is a duplicate under another name.
  for (const [reference, found] of invoicesByRef) {
    if (workload.orders.has(reference)) continue;
    duplicates += found.length;
    duplicateInvoices.push(`${reference} ×${found.length} (no such order)`);
  }

  const duplicateJournals: string[] = [];
  const missingJournals: string[] = [];
  const duplicateNotes: string[] = [];
  const missingNotes: string[] = [];
  for (const shipment of workload.shipments) {
    const reference = `SHIP-${shipment.shipmentId}`;
    const journals = journalsByRef.get(reference) ?? 0;
    if (journals === 0) missingJournals.push(reference);
    if (journals > 1) {
      duplicates += journals - 1;
      duplicateJournals.push(`${reference} ×${journals}`);
    }
    const marker = `[shipment shipstation:${shipment.shipmentId} ${shipment.tracking}]`;
    const notes = state.comments.filter((c) => c.description.includes(marker)).length;
    if (notes === 0) missingNotes.push(marker);
    if (notes > 1) {
      duplicates += notes - 1;
      duplicateNotes.push(`${marker} ×${notes}`);
    }
  }
  const expectedJournals = new Set(workload.shipments.map((s) => `SHIP-${s.shipmentId}`));
  for (const [reference, n] of journalsByRef) {
    if (expectedJournals.has(reference)) continue;
    duplicates += n;
    duplicateJournals.push(`${reference} ×${n} (no such shipment)`);
  }

  return {
    orders: workload.orders.size,
    shipments: workload.shipments.length,
    invoices: state.invoices.length,
    duplicates,
    duplicateInvoices,
    duplicateJournals,
    duplicateNotes,
    missing: missingInvoices.length + missingJournals.length + missingNotes.length,
    missingInvoices,
    missingJournals,
    missingNotes,
    wrongTotals,
    stuck: stats.records.filter((r) => !TERMINAL.has(r.state) || (r.state === 'skipped' && !r.reason)),
    unsynced: stats.records.filter((r) => r.state === 'failed' || r.state === 'conflict'),
    jobs: stats.jobs,
  };
}
