/**
 * Backfill, ShipStation → QuickBooks Online, end to end through both simulators: 1,000 orders imported into
 * ShipStation become exactly 1,000 invoices, each DocNumber once, through QuickBooks' batch endpoint, with an
 * exact count of QuickBooks calls of each kind worked out from the data. A dry run first writes nothing; a second
 * run finds everything posted and makes no QuickBooks call at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShipStationSim, type AccountKeys, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import type { OrderInput } from '../../simulators/shipstation/order-input.ts';
import { connectShipStation } from '../../src/cli/connect-flows.ts';
import { formatDec, parseDec } from '../../src/core/money.ts';
import { backfill, BACKFILL_CHUNK } from '../../src/sync/backfill.ts';
import type { Connection, Integration } from '../../src/sync/ports.ts';
import { startPlatform, type Platform } from '../support/e2e.ts';

const ORDERS = 1_000;
const CUSTOMERS = [
  { email: 'ada@example.com', name: 'Ada Lovelace' },
  { email: 'grace@example.com', name: 'Grace Hopper' },
];
const PRODUCTS = [
  { sku: 'MUG-BLK', name: 'Black mug', unitPrice: '10.00' },
  { sku: 'TEE-M', name: 'T-shirt (M)', unitPrice: '12.50' },
  { sku: 'CAP-RED', name: 'Red cap', unitPrice: '25.00' },
];
/** California sales tax in the seeded US sandbox company (tax code 2, 8%): every line is taxed at exactly 8%. */
const TAX_RATE = '0.08';
const SHIPPING = '5.00';

let p: Platform;
let ss: ShipStationSim;
let account: AccountKeys;
let source: Connection;
let integration: Integration;

/** The platform with `target`, a ShipStation account connected to it, and their integration. */
async function setup(target: 'quickbooks' | 'zoho-books'): Promise<void> {
  p = await startPlatform({ target });
  ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
  p.onClose(() => ss.close());
  account = ss.createAccount({ name: 'backfill' });
  // No webhooks are subscribed and no worker runs: everything that reaches the target is the backfill's doing.
  source = (await connectShipStation({ store: p.db.store, engine: p.engine }, { tenant: p.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
  const found = (await p.db.store.integrations.list(p.tenantId)).find((i) => i.sourceConnectionId === source.id && i.targetConnectionId === p.target.id);
  if (!found) throw new Error('no ShipStation → target integration');
  integration = found;
}
afterEach(async () => p?.close());

const money = (value: unknown) => formatDec(parseDec(String(value)), 2);
const cents = (text: string) => BigInt(text.replace('.', ''));
const fromCents = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;

/** Order i: customer i mod 2; products i mod 3 and (i + 1) mod 3, quantities 1–4 and 1–2; 8% tax per line; $5 shipping. */
function order(i: number): { input: OrderInput; total: string } {
  const customer = CUSTOMERS[i % CUSTOMERS.length]!;
  const lines = [
    { product: PRODUCTS[i % 3]!, quantity: 1 + (i % 4) },
    { product: PRODUCTS[(i + 1) % 3]!, quantity: 1 + (i % 2) },
  ];
  let net = 0n;
  let tax = 0n;
  const items = lines.map(({ product, quantity }) => {
    const amount = cents(product.unitPrice) * BigInt(quantity);
    const lineTax = (amount * 8n) / 100n; // exact: every price is a multiple of 25 cents
    net += amount;
    tax += lineTax;
    return { sku: product.sku, name: product.name, quantity, unitPrice: product.unitPrice, taxAmount: fromCents(lineTax) };
  });
  const total = fromCents(net + tax + cents(SHIPPING));
  return {
    total,
    input: {
      orderNumber: `BF-${String(10_000 + i)}`,
      orderStatus: 'awaiting_shipment',
      customerEmail: customer.email,
      customerUsername: customer.email,
      billTo: { name: customer.name },
      items,
      taxAmount: fromCents(tax),
      shippingAmount: SHIPPING,
      amountPaid: total,
      paymentDate: new Date().toISOString(),
    },
  };
}

/** QuickBooks API calls since `from` in the simulator's request log, by kind (the OAuth host is not counted). */
function qboCalls(from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of (p.qbo?.server.requests() ?? []).slice(from)) {
    const api = /\/v3\/company\/[^/]+\/([^?]+)/.exec(r.path);
    if (!api) continue;
    const resource = (api[1] ?? '').toLowerCase();
    const kind = resource === 'query' ? `query ${/FROM\s+(\w+)/i.exec(r.body)?.[1] ?? '?'}` : `${r.method} ${resource.replace(/\/\d+$/, '/{id}')}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

const shipstationCalls = (from: number) => ss.server.requests().slice(from).map((r) => `${r.method} ${r.path}`);

describe('backfill ShipStation → QuickBooks Online', () => {
  it(`posts ${ORDERS} orders through the batch endpoint with an exact count of calls; a dry run writes nothing; a second run posts nothing`, async () => {
    await setup('quickbooks');
    const qbo = p.qbo;
    if (!qbo) throw new Error('no QuickBooks simulator');
    const since = new Date(Date.now() - 60_000);
    const orders = Array.from({ length: ORDERS }, (_, i) => order(i));
    ss.importOrders({ accountId: account.accountId, orders: orders.map((o) => o.input) });
    const expectedTotals = new Map(orders.map((o) => [o.input.orderNumber, o.total]));

    const listPages = Math.ceil(ORDERS / 500); // ShipStation's largest page
    const batches = Math.ceil(ORDERS / BACKFILL_CHUNK); // 34: 33 of 30 and one of 10
    const log: string[] = [];

    // ---- the preview: reads only
    let qboFrom = qbo.server.requests().length;
    let ssFrom = ss.server.requests().length;
    const preview = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since, dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, mode: 'batch', orders: ORDERS, posted: ORDERS, alreadyPosted: 0, linked: 0, conflicts: 0, skipped: 0, queued: 0, failed: 0, batches });
    // One DocNumber IN (...) lookup per chunk of 30, and the preferences (does the company number its own invoices?).
    expect(qboCalls(qboFrom)).toEqual({ 'query Invoice': batches, 'GET preferences': 1 });
    expect(shipstationCalls(ssFrom)).toEqual(Array.from({ length: listPages }, () => 'GET /orders'));
    expect(p.invoices()).toHaveLength(0);
    expect(await p.records()).toHaveLength(0);
    log.push(`dry run: ${preview.orders} orders, ${preview.posted} would be posted in ${preview.batches} batches; QuickBooks calls ${JSON.stringify(qboCalls(qboFrom))}`);

    // ---- the backfill
    qboFrom = qbo.server.requests().length;
    ssFrom = ss.server.requests().length;
    const started = Date.now();
    const progress: number[] = [];
    const report = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since, onProgress: (r) => progress.push(r.batches) });
    const seconds = (Date.now() - started) / 1000;
    expect(report).toEqual({
      integrationId: integration.id,
      since: since.toISOString(),
      dryRun: false,
      mode: 'batch',
      orders: ORDERS,
      posted: ORDERS,
      alreadyPosted: 0,
      linked: 0,
      conflicts: 0,
      skipped: 0,
      queued: 0,
      failed: 0,
      batches,
    });
    expect(progress.at(-1)).toBe(batches);

    // Every call by kind, worked out from the data (2 customers, 3 SKUs, one 8% rate plus untaxed shipping):
    const expected = {
      'GET companyinfo/{id}': 1, // US or not (tax codes), once per backfill
      // home currency and invoice numbering: none, the preview's read is remembered for the hour (ctx.memo)
      'query Customer': CUSTOMERS.length, // each buyer looked up once by e-mail…
      'POST customer': CUSTOMERS.length, // …and created once
      'query Item': PRODUCTS.length * 2, // each SKU looked up by Sku, then by Name…
      'query Account': 1, // the income account for new items, once
      'POST item': PRODUCTS.length, // …and created once
      'query TaxRate': 1, // the company's tax rates and codes, once, for the 8% rate
      'query TaxCode': 1,
      'query Invoice': batches, // look before create: one DocNumber IN (...) per chunk of 30
      'POST batch': batches, // ceil(1000 / 30) = 34 creates of up to 30 invoices
    };
    const calls = qboCalls(qboFrom);
    expect(calls).toEqual(expected);
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    expect(total).toBe(2 * batches + 1 + 2 * CUSTOMERS.length + 3 * PRODUCTS.length + 1 + 2);
    expect(shipstationCalls(ssFrom)).toEqual(Array.from({ length: listPages }, () => 'GET /orders'));
    // Every batch request carries its own requestid (so a retried chunk cannot create twice).
    const batchIds = qbo.server.requests().slice(qboFrom).filter((r) => r.path.endsWith('/batch')).map((r) => r.query['requestid'] ?? '');
    expect(batchIds.every((id) => /^bat-[0-9a-f]{30}\.0$/.test(id))).toBe(true);
    expect(new Set(batchIds).size).toBe(batches);

    // Exactly one invoice per order, each DocNumber once, each TotalAmt the order's total.
    const invoices = p.invoices();
    expect(invoices).toHaveLength(ORDERS);
    const numbers = invoices.map((i) => String(i.DocNumber));
    expect(new Set(numbers).size).toBe(ORDERS);
    expect([...numbers].sort()).toEqual([...expectedTotals.keys()].sort());
    expect(invoices.filter((i) => money(i.TotalAmt) !== expectedTotals.get(String(i.DocNumber)))).toEqual([]);
    const records = await p.records();
    expect(records.filter((r) => r.entityType === 'order' && r.state === 'synced' && r.targetId)).toHaveLength(ORDERS);
    log.push(`backfill: ${report.orders} orders, ${report.posted} posted in ${report.batches} batches, ${total} QuickBooks calls ${JSON.stringify(calls)}, ShipStation calls ${listPages}, ${seconds.toFixed(1)} s`);

    // ---- again: everything is already posted, so QuickBooks is not called at all
    qboFrom = qbo.server.requests().length;
    ssFrom = ss.server.requests().length;
    const again = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since });
    expect(again).toMatchObject({ orders: ORDERS, posted: 0, alreadyPosted: ORDERS, linked: 0, conflicts: 0, failed: 0, batches: 0 });
    expect(qboCalls(qboFrom)).toEqual({});
    expect(shipstationCalls(ssFrom)).toEqual(Array.from({ length: listPages }, () => 'GET /orders'));
    expect(p.invoices()).toHaveLength(ORDERS);
    log.push(`second run: ${again.alreadyPosted} already posted, ${again.batches} batches, 0 QuickBooks calls`);

    console.info(`[backfill e2e]\n  ${log.join('\n  ')}`);
  }, 300_000); // counts calls, not time: room for a loaded CI machine

  it('a target without a batch endpoint (Zoho Books) gets the normal per-order jobs, queued behind live ones', async () => {
    await setup('zoho-books');
    const since = new Date(Date.now() - 60_000);
    const orders = Array.from({ length: 6 }, (_, i) => order(i));
    ss.importOrders({ accountId: account.accountId, orders: orders.map((o) => o.input) });

    const preview = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since, dryRun: true });
    expect(preview).toMatchObject({ mode: 'jobs', orders: 6, queued: 6, posted: 0, batches: 0 });
    expect(await p.records()).toHaveLength(0);

    const report = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since });
    expect(report).toMatchObject({ mode: 'jobs', orders: 6, queued: 6, posted: 0, alreadyPosted: 0, batches: 0 });
    expect(p.invoices()).toHaveLength(0); // nothing is written by the backfill itself
    p.startWorker();
    await p.waitForRecords((rs) => rs.filter((r) => r.entityType === 'order' && r.state === 'synced').length === 6, 'the six queued orders');
    const invoices = p.invoices();
    expect(invoices.map((i) => String(i.reference_number)).sort()).toEqual(orders.map((o) => o.input.orderNumber).sort());
    expect(invoices.filter((i) => money(i.total) !== orders.find((o) => o.input.orderNumber === String(i.reference_number))?.total)).toEqual([]);

    const again = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since });
    expect(again).toMatchObject({ orders: 6, alreadyPosted: 6, queued: 0 });
  }, 60_000);

  it('a 429 (3001) on a batch waits as told and sends the same chunk again under the same requestid: nothing twice', async () => {
    await setup('quickbooks');
    const qbo = p.qbo;
    if (!qbo) throw new Error('no QuickBooks simulator');
    const since = new Date(Date.now() - 60_000);
    const orders = Array.from({ length: 45 }, (_, i) => order(i));
    ss.importOrders({ accountId: account.accountId, orders: orders.map((o) => o.input) });
    const batchPath = new URL(`${String(p.target.config.apiBaseUrl)}/v3/company/${p.realmId}/batch`).pathname;
    qbo.server.faults.add({
      pathPrefix: batchPath,
      method: 'POST',
      status: 429,
      times: 1,
      headers: { 'Retry-After': '1' },
      body: { Fault: { Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' }], type: 'SERVICE' } },
    });
    const from = qbo.server.requests().length;
    const started = Date.now();
    const report = await backfill(p.engine, { tenantId: p.tenantId, integrationId: integration.id, since });
    expect(report).toMatchObject({ orders: 45, posted: 45, failed: 0, batches: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const batches = qbo.server.requests().slice(from).filter((r) => r.path === batchPath);
    expect(batches.map((r) => r.status)).toEqual([429, 200, 200]);
    expect(batches[1]?.query['requestid']).toBe(batches[0]?.query['requestid']);
    expect(p.invoices()).toHaveLength(45);
    expect(new Set(p.invoices().map((i) => String(i.DocNumber))).size).toBe(45);
  }, 60_000);
});
