/**
 * ShipStation's catalog, end to end through both simulators (ShipStation → QuickBooks Online): products and
 * shipping methods are polled and stored, offered for mapping next to QuickBooks' items and accounts (admin API),
 * a mapping naming an item QuickBooks does not offer is refused and nothing is saved, a mapped shipping method
 * posts an order's shipping line to the chosen item, a method nobody mapped shows up as unmapped, and a product
 * removed from ShipStation turns inactive at the next poll.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startShipStationSim, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import { formatMappings } from '../../src/cli/mappings.ts';
import { connectShipStation } from '../../src/cli/connect-flows.ts';
import { formatDec, parseDec } from '../../src/core/money.ts';
import type { MappingOptionsView } from '../../src/sync/mapping-options.ts';
import { pollCatalog } from '../../src/sync/poll-catalog.ts';
import type { Connection, Integration } from '../../src/sync/ports.ts';
import { checkWebhooks } from '../../src/sync/webhook-health.ts';
import { startPlatform, type Platform } from '../support/e2e.ts';

let p: Platform | undefined;
afterEach(async () => p?.close());

interface Setup {
  p: Platform;
  ss: ShipStationSim;
  accountId: number;
  source: Connection;
  flow: Integration;
  api<T>(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

async function setup(): Promise<Setup> {
  const platform = await startPlatform({ target: 'quickbooks' });
  p = platform;
  const ss = await startShipStationSim({ webhooks: { deliveryDelayMs: 0 } });
  platform.onClose(() => ss.close());
  const account = ss.createAccount({ name: 'Catalog shop' });
  const source = (await connectShipStation({ store: platform.db.store, engine: platform.engine }, { tenant: platform.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
  const flow = (await platform.db.store.integrations.listBySource(platform.tenantId, source.id)).find((i) => i.targetConnectionId === platform.target.id);
  if (!flow) throw new Error('connecting ShipStation made no flow to QuickBooks');
  const api = async <T>(method: 'GET' | 'PUT', path: string, body?: unknown) => {
    const response = await fetch(`${platform.appUrl}/api/tenants/${platform.tenantId}${path}`, {
      method,
      headers: { authorization: `Bearer ${platform.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  return { p: platform, ss, accountId: account.accountId, source, flow, api };
}

/** A QuickBooks item for UPS Ground shipping, made through the product's own target client. */
async function shippingItem(s: Setup): Promise<string> {
  const target = s.p.engine.runtime.target(s.p.target, { tenantId: s.p.tenantId, recordId: null });
  return (await target.createItem({ key: 'e2e:ups-ground', name: 'UPS Ground shipping', rate: '0' })).id;
}

describe('ShipStation catalog → QuickBooks mapping', () => {
  it('polls the catalog, offers it with QuickBooks choices, refuses an unknown item, and posts a mapped method to its item', async () => {
    const s = await setup();
    const itemId = await shippingItem(s);

    const polled = await pollCatalog(s.p.engine, s.source);
    expect(polled.counts).toEqual({ products: { seen: 6, added: 6, deactivated: 0 }, shippingMethods: { seen: 18, added: 18, deactivated: 0 } });
    // Polled within the period: the scheduler's next check leaves it alone.
    expect((await pollCatalog(s.p.engine, s.source)).skipped).toBe('not-due');

    const first = await s.api<MappingOptionsView>('GET', `/integrations/${s.flow.id}/mapping-options`);
    expect(first.status).toBe(200);
    const view = first.body;
    expect(view.shippingMethods).toHaveLength(18);
    expect(view.shippingMethods.find((m) => m.serviceCode === 'ups_ground')).toMatchObject({ carrierCode: 'ups', carrierName: 'UPS', name: 'UPS® Ground', mappedTo: null });
    expect(view.products.map((p) => p.sku).sort()).toEqual(['1004', 'CANDLE-LG', 'FirstSKU', 'MUG-BLK', 'OLD-1', 'TEE-M']);
    expect(view.products.find((p) => p.sku === 'MUG-BLK')).toMatchObject({ name: 'Black mug', price: '14.5', active: true, mappedItem: null });
    expect(view.products.find((p) => p.sku === 'OLD-1')?.active).toBe(false);
    expect(view.targetChoices?.items).toContainEqual({ id: itemId, name: 'UPS Ground shipping', sku: null, type: 'Service' });
    expect(view.targetChoices?.accounts.map((a) => a.type)).toEqual(expect.arrayContaining(['Income', 'Expense', 'Cost of Goods Sold', 'Bank']));
    expect(view.targetChoices?.accounts.some((a) => a.type === 'Accounts Receivable')).toBe(false);
    expect(view.unmapped).toEqual({ shippingMethods: 18, products: 5 });

    // An item QuickBooks does not have is refused, naming it, and nothing is saved.
    const refused = await s.api<{ error: string; message: string }>('PUT', `/integrations/${s.flow.id}/settings`, { shippingByMethod: { ups_ground: '999999' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_mapping');
    expect(refused.body.message).toContain('shippingByMethod.ups_ground: "999999" is not an active QuickBooks Online item');
    expect((await s.p.db.store.integrations.get(s.p.tenantId, s.flow.id))?.settings).toEqual(s.flow.settings);

    const saved = await s.api<{ integration: Integration }>('PUT', `/integrations/${s.flow.id}/settings`, { ...s.flow.settings, shippingByMethod: { ups_ground: itemId } });
    expect(saved.status).toBe(200);
    const after = (await s.api<MappingOptionsView>('GET', `/integrations/${s.flow.id}/mapping-options`)).body;
    expect(after.shippingMethods.find((m) => m.serviceCode === 'ups_ground')?.mappedTo).toEqual({ id: itemId, name: 'UPS Ground shipping', offered: true });
    // A method nobody mapped is listed as unmapped, and the CLI prints the command that maps it.
    expect(after.shippingMethods.find((m) => m.serviceCode === 'fedex_2day')?.mappedTo).toBeNull();
    expect(after.unmapped.shippingMethods).toBe(17);
    expect(formatMappings(after)).toContain(`ml-connector flows set ${s.flow.id} '{"shippingByMethod":{"ups_ground":"${itemId}","fedex_2day":"<ITEM_ID>"}`);

    // An order shipped by UPS Ground: its shipping line goes to the mapped item, not QuickBooks' built-in shipping line.
    await checkWebhooks(s.p.engine, s.source, s.p.appUrl);
    s.p.startWorker();
    s.ss.importOrder({
      accountId: s.accountId,
      order: {
        orderNumber: 'CAT-1',
        orderStatus: 'awaiting_shipment',
        customerEmail: 'ada@example.com',
        billTo: { name: 'Ada Lovelace' },
        items: [{ sku: 'MUG-BLK', name: 'Black mug', quantity: 2, unitPrice: '14.50' }],
        requestedShippingService: 'Ground',
        carrierCode: 'ups',
        serviceCode: 'ups_ground',
        shippingAmount: '7.00',
        amountPaid: '36.00',
      },
    });
    await s.ss.settleWebhooks();
    await s.p.waitForRecords((rs) => rs.some((r) => r.entityType === 'order' && r.state === 'synced'), 'the ShipStation order', 60_000);
    const invoice = s.p.invoices().find((i) => i.DocNumber === 'CAT-1');
    expect(formatDec(parseDec(String(invoice?.TotalAmt)), 2)).toBe('36.00');
    const lines = (invoice?.Line ?? []) as Array<{ Amount?: unknown; Description?: string; SalesItemLineDetail?: { ItemRef?: { value?: string } } }>;
    const shipping = lines.filter((l) => l.Description?.includes('ups_ground'));
    expect(shipping).toHaveLength(1);
    expect(shipping[0]?.SalesItemLineDetail?.ItemRef?.value).toBe(itemId);
    expect(formatDec(parseDec(String(shipping[0]?.Amount)), 2)).toBe('7.00');
    expect(lines.some((l) => l.SalesItemLineDetail?.ItemRef?.value === 'SHIPPING_ITEM_ID')).toBe(false);

    // The product the order created in QuickBooks is now what its SKU maps to.
    const linked = (await s.api<MappingOptionsView>('GET', `/integrations/${s.flow.id}/mapping-options`)).body.products.find((p) => p.sku === 'MUG-BLK');
    expect(linked?.mappedItem).toMatchObject({ via: 'link', offered: true });
  }, 120_000);

  it('a new carrier service shows up unmapped and a removed product turns inactive after the next poll', async () => {
    const s = await setup();
    await pollCatalog(s.p.engine, s.source);
    const tee = s.ss.listProducts({ accountId: s.accountId }).find((p) => p.sku === 'TEE-M');
    s.ss.deleteProduct({ accountId: s.accountId, productId: tee!.productId });
    s.ss.updateProduct({ accountId: s.accountId, productId: s.ss.listProducts({ accountId: s.accountId }).find((p) => p.sku === 'CANDLE-LG')!.productId, patch: { active: false } });
    s.ss.addCarrier({ accountId: s.accountId, code: 'dhl_express', name: 'DHL Express', services: [{ code: 'dhl_express_worldwide', name: 'DHL Express Worldwide', domestic: false, international: true }] });

    const next = await pollCatalog(s.p.engine, s.source, { force: true });
    expect(next.counts).toEqual({ products: { seen: 5, added: 0, deactivated: 2 }, shippingMethods: { seen: 19, added: 1, deactivated: 0 } });

    const view = (await s.api<MappingOptionsView>('GET', `/integrations/${s.flow.id}/mapping-options`)).body;
    expect(view.products.find((p) => p.sku === 'TEE-M')).toMatchObject({ active: false, mappedItem: null });
    expect(view.products.find((p) => p.sku === 'CANDLE-LG')?.active).toBe(false);
    expect(view.shippingMethods.find((m) => m.serviceCode === 'dhl_express_worldwide')).toMatchObject({ carrierName: 'DHL Express', active: true, mappedTo: null });
    expect(view.unmapped).toEqual({ shippingMethods: 19, products: 3 });
    const stored = await s.p.db.store.catalog.products(s.p.tenantId, s.source.id);
    expect(stored.find((p) => p.sku === 'TEE-M')?.vanishedAt).toBe(next.polledAt);
    expect(stored.find((p) => p.sku === 'CANDLE-LG')?.vanishedAt).toBeNull();
    // The poll's calls went through the audited runtime: products, carriers, one services list per carrier.
    const calls = await s.p.db.store.audit.list(s.p.tenantId, { connectionId: s.source.id, kind: 'api', limit: 500 });
    expect(calls.filter((c) => c.step === 'shipstation.carriers.services')).toHaveLength(3 + 4);
  }, 120_000);
});
