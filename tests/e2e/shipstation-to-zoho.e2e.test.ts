/**
 * ShipStation → Zoho Books end to end: pointer webhooks followed with an authenticated GET, edits and
 * cancellations (which fire no webhook) caught by polling, shipments booked once whatever is redelivered,
 * and a 429 storm on the 40-per-minute budget with nothing lost. The autumn DST hour is proven in
 * tests/contract/shipstation-client.contract.test.ts, where the simulator's clock can sit in that hour.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startShipStationSim, type AccountKeys, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import type { OrderInput } from '../../simulators/shipstation/order-input.ts';
import { connectShipStation } from '../../src/cli/connect-flows.ts';
import type { Connection } from '../../src/sync/ports.ts';
import { checkWebhooks } from '../../src/sync/webhook-health.ts';
import { startPlatform, type Platform } from '../support/e2e.ts';

let p: Platform;
let ss: ShipStationSim;
let account: AccountKeys;
let source: Connection;

beforeEach(async () => {
  p = await startPlatform();
  ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
  p.onClose(() => ss.close());
  account = ss.createAccount({ name: 'e2e' });
  source = (await connectShipStation({ store: p.db.store, engine: p.engine }, { tenant: p.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
  const health = await checkWebhooks(p.engine, source, p.appUrl);
  expect(health?.ok).toBe(true);
});
afterEach(async () => p.close());

let seq = 0;
function order(overrides: Partial<OrderInput> = {}): OrderInput {
  seq += 1;
  return {
    orderNumber: `SS-${1000 + seq}`,
    orderStatus: 'awaiting_shipment',
    customerEmail: 'ada@example.com',
    customerUsername: 'ada',
    billTo: { name: 'Ada Lovelace' },
    items: [
      { sku: 'MUG-BLK', name: 'Black mug', quantity: 2, unitPrice: '14.50', taxAmount: '2.10' },
      { sku: 'TEE-M', name: 'T-shirt (M)', quantity: 1, unitPrice: '25.00', taxAmount: '1.81' },
    ],
    taxAmount: '3.91',
    shippingAmount: '6.95',
    amountPaid: '64.86',
    paymentDate: new Date().toISOString(),
    ...overrides,
  };
}

/** Filters name whole seconds and a scan ends at "now": a change made this very second is found from the next one. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1_100));

const synced = (n: number) => (rs: Array<{ entityType: string; state: string }>) => rs.filter((r) => r.entityType === 'order' && r.state === 'synced').length >= n;

describe('ShipStation → Zoho Books', () => {
  it('subscribes its own webhooks once', async () => {
    const hooks = ss.listWebhooks({ accountId: account.accountId });
    expect(hooks.map((h) => (h as unknown as { HookType?: string; event?: string }).HookType ?? (h as unknown as { event: string }).event).sort()).toEqual(['FULFILLMENT_SHIPPED', 'ORDER_NOTIFY', 'SHIP_NOTIFY']);
    const again = await checkWebhooks(p.engine, source, p.appUrl);
    expect(again?.repaired).toEqual([]);
    expect(ss.listWebhooks({ accountId: account.accountId })).toHaveLength(3);
  });

  it('follows an ORDER_NOTIFY pointer to the order and posts one invoice', async () => {
    p.startWorker();
    const imported = ss.importOrder({ accountId: account.accountId, order: order() });
    await ss.settleWebhooks();
    const records = await p.waitForRecords(synced(1), 'the imported order');
    expect(records.find((r) => r.entityType === 'order')?.sourceRef).toBe(imported.orderNumber);
    const invoices = p.invoices();
    expect(invoices).toHaveLength(1);
    expect(String(invoices[0]?.total)).toBe('64.86');
    expect(invoices[0]?.reference_number).toBe(imported.orderNumber);
  });

  it('picks up an edit made after import (no webhook) by polling', async () => {
    p.startWorker();
    const imported = ss.importOrder({ accountId: account.accountId, order: order() });
    await ss.settleWebhooks();
    await p.waitForRecords(synced(1), 'the imported order');
    ss.updateOrder({ accountId: account.accountId, orderId: imported.orderId, patch: { items: [{ sku: 'MUG-BLK', name: 'Black mug', quantity: 3, unitPrice: '14.50', taxAmount: '3.15' }], taxAmount: '3.15', shippingAmount: '6.95', amountPaid: '53.60' } });
    await nextSecond();
    const report = await p.engine.poll(source, 'orders');
    expect(report.queued).toBeGreaterThanOrEqual(1);
    await p.waitForRecords(() => String(p.invoices()[0]?.total) === '53.6' || String(p.invoices()[0]?.total) === '53.60', 'the edit to reach the invoice');
    expect(p.invoices()).toHaveLength(1);
  });

  it('a cancelled order (no webhook) voids its unpaid invoice after the next poll', async () => {
    p.startWorker();
    const imported = ss.importOrder({ accountId: account.accountId, order: order() });
    await ss.settleWebhooks();
    await p.waitForRecords(synced(1), 'the imported order');
    ss.cancelOrder({ accountId: account.accountId, orderId: imported.orderId });
    await nextSecond();
    await p.engine.poll(source, 'orders');
    await p.waitForRecords(() => p.invoices()[0]?.status === 'void', 'the invoice to be voided');
  });

  it('books a shipment once however often its pointer is delivered, and reverses a void once', async () => {
    const accounts = p.zoho.state(p.organizationId).chartofaccounts as Array<{ account_id: string; account_name: string }>;
    const expense = accounts.find((a) => a.account_name === 'Cost of Goods Sold')?.account_id ?? '';
    const payable = accounts.find((a) => a.account_name === 'Accounts Payable')?.account_id ?? '';
    const [integration] = await p.db.store.integrations.list(p.tenantId);
    await p.db.store.integrations.update(p.tenantId, integration?.id ?? '', { settings: { shipments: { mode: 'journal', expenseAccountId: expense, creditAccountId: payable } } });
    p.startWorker();
    const imported = ss.importOrder({ accountId: account.accountId, order: order() });
    await ss.settleWebhooks();
    await p.waitForRecords(synced(1), 'the imported order');

    ss.setWebhookSwitches({ duplicateRate: 1 });
    const shipment = ss.shipOrder({ accountId: account.accountId, orderId: imported.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1Z999AA10123456784', shipmentCost: '8.50' });
    await ss.settleWebhooks();
    const pointer = ss.deliveries().filter((d) => d.body.includes('SHIP_NOTIFY')).at(-1);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(p.webhookUrlOf(source), { method: 'POST', headers: { 'content-type': 'application/json' }, body: pointer?.body ?? '' });
      expect(res.status).toBe(200);
    }
    await p.waitForRecords((rs) => rs.some((r) => r.entityType === 'shipment' && r.state === 'synced'), 'the shipment');
    await nextSecond();
    await p.engine.poll(source, 'shipments');
    await p.waitForRecords((rs) => rs.every((r) => r.state === 'synced' || r.state === 'skipped'), 'everything to settle');
    const state = p.zoho.state(p.organizationId) as unknown as { journals: Array<{ reference_number: string; total: unknown }>; comments: Array<{ description: string }> };
    expect(state.journals.map((j) => j.reference_number)).toEqual([expect.stringMatching(/^SHIP-/)]);
    expect(state.comments.filter((c) => c.description.includes('1Z999AA10123456784') && c.description.startsWith('Shipped'))).toHaveLength(1);

    ss.voidShipment({ accountId: account.accountId, shipmentId: shipment.shipmentId });
    await nextSecond();
    await p.engine.poll(source, 'shipments');
    await p.waitForRecords(() => (p.zoho.state(p.organizationId) as unknown as { journals: unknown[] }).journals.length === 2, 'the reversal');
    await p.engine.poll(source, 'shipments');
    await new Promise((r) => setTimeout(r, 300));
    const after = p.zoho.state(p.organizationId) as unknown as { journals: Array<{ reference_number: string }> };
    expect(after.journals.map((j) => j.reference_number).sort()).toEqual([expect.stringMatching(/^SHIP-.*[^D]$/), expect.stringMatching(/-VOID$/)].sort());
  });

  it('a shipment whose order never reached the product brings the order in, then goes on its invoice', async () => {
    p.startWorker();
    ss.setWebhookSwitches({ dropRate: 1 });
    const imported = ss.importOrder({ accountId: account.accountId, order: order() });
    await ss.settleWebhooks();
    ss.setWebhookSwitches({ dropRate: 0 });
    expect(await p.records()).toEqual([]);

    ss.shipOrder({ accountId: account.accountId, orderId: imported.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1Z999AA10123456785', shipmentCost: '8.50' });
    await ss.settleWebhooks();
    const all = await p.waitForRecords((rs) => rs.some((r) => r.entityType === 'shipment' && r.state === 'synced'), 'the shipment, after its order');
    expect(all.filter((r) => r.entityType === 'order').map((r) => r.state)).toEqual(['synced']);
    expect(p.invoices().map((i) => i.reference_number)).toEqual([imported.orderNumber]);
    const shipmentRecord = all.find((r) => r.entityType === 'shipment');
    const trail = await p.db.store.audit.list(p.tenantId, { recordId: shipmentRecord?.id ?? '' });
    expect(trail.map((a) => a.step)).toContain('queued-order');
  });

  it('a shipment whose order is a conflict stops at once, naming the order, instead of waiting it out', async () => {
    p.startWorker();
    const imported = ss.importOrder({ accountId: account.accountId, order: order({ orderTotal: '99.99' }) });
    await ss.settleWebhooks();
    await p.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'conflict'), 'the order conflict');

    ss.shipOrder({ accountId: account.accountId, orderId: imported.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', trackingNumber: '1Z999AA10123456786', shipmentCost: '8.50' });
    await ss.settleWebhooks();
    const all = await p.waitForRecords((rs) => rs.some((r) => r.entityType === 'shipment' && r.state === 'failed'), 'the shipment to stop');
    const shipmentRecord = all.find((r) => r.entityType === 'shipment');
    expect(shipmentRecord?.attempts).toBe(1);
    expect(shipmentRecord?.reason).toContain(`order ${imported.orderNumber} is conflict (`);
    expect(shipmentRecord?.reason).toContain('replay the shipment once the order has its invoice');
    expect(p.invoices()).toEqual([]);
  });

  it('a 429 storm on the 40-per-minute budget loses nothing and duplicates nothing', async () => {
    p.startWorker(4);
    ss.server.faults.add({ pathPrefix: '/orders', method: 'GET', status: 429, rate: 0.5, times: 12, body: { message: 'Too Many Requests' }, headers: { 'X-Rate-Limit-Limit': '40', 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': '1' } });
    for (let i = 0; i < 8; i++) ss.importOrder({ accountId: account.accountId, order: order({ customerEmail: `buyer${i}@example.com` }) });
    await ss.settleWebhooks();
    await p.waitForRecords(synced(8), 'all eight orders through the storm', 90_000);
    expect(p.invoices()).toHaveLength(8);
    expect(new Set(p.invoices().map((i) => i.reference_number)).size).toBe(8);
    expect(ss.server.requests().filter((r) => r.status === 429).length).toBeGreaterThan(0);
  }, 120_000);
});
