/**
 * The mapping view of a flow and the check on mapping changes, on a real test store with fake connectors: what
 * each shipping method and product maps to, what the target offers, and refusals that save nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SyncError } from '../core/errors.ts';
import { engineOn } from '../../tests/engine/support.ts';
import { openTestStore, type TestStore } from '../../tests/support/test-db.ts';
import type { Engine } from './engine.ts';
import { checkMappingSettings, mappingOptions } from './mapping-options.ts';
import type { Integration, MappingChoices, SourceClient, TargetClient } from './ports.ts';

let db: TestStore;
beforeAll(async () => {
  db = await openTestStore();
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

const CHOICES: MappingChoices = {
  items: [
    { id: 'SHIPPING_ITEM_ID', name: 'Shipping (QuickBooks built-in shipping line)', sku: null, type: 'Shipping' },
    { id: '19', name: 'Ground shipping', sku: 'SHIP-GND', type: 'Service' },
    { id: '20', name: 'Coffee Mug', sku: null, type: 'NonInventory' },
    { id: '21', name: 'Black mug', sku: 'MUG-BLK', type: 'NonInventory' },
  ],
  accounts: [
    { id: '4', name: 'Shipping Income', type: 'Income' },
    { id: '9', name: 'Checking', type: 'Bank' },
    { id: '11', name: 'Shipping, Freight & Delivery', type: 'Expense' },
  ],
};

interface Fake {
  engine: Engine;
  integration: Integration;
  choiceCalls: () => number;
  setChoices(next: MappingChoices | Error | null): void;
}

async function setup(): Promise<Fake> {
  let choices: MappingChoices | Error | null = CHOICES;
  let choiceCalls = 0;
  const source: SourceClient = {
    ping: async () => ({ ok: true, message: 'ok' }),
    fetchOrder: async () => null,
    fetchCustomer: async () => null,
    poll: async function* () {},
    catalog: async () => ({
      products: [
        { sourceId: '1', sku: '1004', name: 'Coffee Mug', price: '26', active: true },
        { sourceId: '2', sku: 'MUG-BLK', name: 'Black mug', price: '14.50', active: true },
        { sourceId: '3', sku: 'TEE-M', name: 'T-shirt (M)', price: '25.00', active: true },
        { sourceId: '4', sku: 'NEW-1', name: 'New thing', price: '5', active: true },
        { sourceId: '5', sku: 'OLD-1', name: 'Discontinued mug', price: '9.99', active: false },
      ],
      shippingMethods: [
        { carrierCode: 'ups', carrierName: 'UPS', serviceCode: 'ups_ground', name: 'UPS® Ground', domestic: true, international: false },
        { carrierCode: 'ups', carrierName: 'UPS', serviceCode: 'ups_next_day_air', name: 'UPS Next Day Air®', domestic: true, international: false },
        { carrierCode: 'fedex', carrierName: 'FedEx', serviceCode: 'fedex_2day', name: 'FedEx 2Day®', domestic: true, international: false },
      ],
    }),
  };
  const target = {
    resolveCurrency: async () => ({ id: 'USD', isBase: true }),
    get mappingChoices() {
      if (choices === null) return undefined;
      return async () => {
        choiceCalls += 1;
        if (choices instanceof Error) throw choices;
        return choices as MappingChoices;
      };
    },
  } as unknown as TargetClient;
  const engine = engineOn(db, { source: () => source, target: () => target }, async () => ({ status: 200, headers: {}, text: '{}' }));
  const tenant = await db.store.tenants.create({ name: 'shop' });
  const ss = await db.store.connections.create({ tenantId: tenant.id, system: 'shipstation', role: 'source', label: 'ShipStation (abcd…)', config: {}, secrets: {} });
  const qbo = await db.store.connections.create({ tenantId: tenant.id, system: 'quickbooks', role: 'target', label: 'QuickBooks', config: {}, secrets: {} });
  const integration = await db.store.integrations.create({ tenantId: tenant.id, sourceConnectionId: ss.id, targetConnectionId: qbo.id, settings: { shippingByMethod: { ups_ground: '19', fedex_2day: '77' } } });
  return { engine, integration, choiceCalls: () => choiceCalls, setChoices: (next) => (choices = next) };
}

describe('mappingOptions', () => {
  it('polls a never-polled catalog, and shows each method and product with what it maps to and the target choices', async () => {
    const f = await setup();
    const { tenantId } = f.integration;
    await db.store.links.confirm(tenantId, (await db.store.links.claim(tenantId, f.integration.targetConnectionId, 'item', 'sku:TEE-M')).id, '33');
    const view = await mappingOptions(f.engine, tenantId, f.integration.id);
    expect(view?.catalogPolledAt).toMatch(/^\d{4}-/);
    expect(view?.source).toMatchObject({ system: 'shipstation' });
    expect(view?.shippingMethods.map((m) => [m.serviceCode, m.mappedTo])).toEqual([
      ['fedex_2day', { id: '77', name: null, offered: false }],
      ['ups_next_day_air', null],
      ['ups_ground', { id: '19', name: 'Ground shipping', offered: true }],
    ]);
    expect(view?.products.map((p) => [p.sku, p.active, p.mappedItem && { id: p.mappedItem.id, via: p.mappedItem.via }])).toEqual([
      ['MUG-BLK', true, { id: '21', via: 'sku' }],
      ['1004', true, { id: '20', via: 'name' }],
      ['OLD-1', false, null],
      ['NEW-1', true, null],
      ['TEE-M', true, { id: '33', via: 'link' }],
    ]);
    expect(view?.targetChoices).toEqual(CHOICES);
    expect(view?.unmapped).toEqual({ shippingMethods: 1, products: 1 });
    expect(view?.notOffered).toBe(1);
    expect(await mappingOptions(f.engine, tenantId, 'no-such-flow')).toBeNull();
    expect(await mappingOptions(f.engine, 'another-tenant', f.integration.id)).toBeNull();
  });

  it('says why there are no choices: a target that cannot list them, or one that failed', async () => {
    const f = await setup();
    f.setChoices(null);
    const none = await mappingOptions(f.engine, f.integration.tenantId, f.integration.id);
    expect(none?.targetChoices).toBeNull();
    expect(none?.targetChoicesError).toMatch(/does not list/);
    expect(none?.shippingMethods.find((m) => m.serviceCode === 'fedex_2day')?.mappedTo).toEqual({ id: '77', name: null, offered: true });
    f.setChoices(new SyncError('TRANSIENT', 'QuickBooks failed with HTTP 503'));
    expect((await mappingOptions(f.engine, f.integration.tenantId, f.integration.id))?.targetChoicesError).toMatch(/could not read QuickBooks Online's items and accounts: .*QuickBooks failed with HTTP 503/);
  });
});

describe('checkMappingSettings', () => {
  it('accepts offered items and accounts of the right kind', async () => {
    const f = await setup();
    const settings = { shippingByMethod: { ups_ground: '19', ups_next_day_air: 'SHIPPING_ITEM_ID' }, shipments: { mode: 'journal' as const, expenseAccountId: '11', creditAccountId: '9' } };
    expect(await checkMappingSettings(f.engine, f.integration, settings)).toEqual({ ok: true });
  });

  it('refuses an item or account the target does not offer, or of the wrong kind, naming each', async () => {
    const f = await setup();
    const result = await checkMappingSettings(f.engine, f.integration, {
      shippingByMethod: { ups_ground: '19', ups_next_day_air: '999' },
      shipments: { mode: 'journal', expenseAccountId: '4', creditAccountId: '4' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.message).toContain('shippingByMethod.ups_next_day_air: "999" is not an active QuickBooks Online item');
    expect(result.message).toContain('shipments.expenseAccountId: "Shipping Income" is an Income account');
    expect(result.message).toContain('shipments.creditAccountId: "Shipping Income" is an Income account');
    expect(result.message).toContain('Nothing was saved');
  });

  it('does not check mappings left as they were, nor ask the target when nothing changed', async () => {
    const f = await setup();
    // fedex_2day → 77 is not offered, but it was already there: other changes still go through.
    expect(await checkMappingSettings(f.engine, f.integration, { shippingByMethod: { ups_ground: '19', fedex_2day: '77' }, markSent: true })).toEqual({ ok: true });
    expect(f.choiceCalls()).toBe(0);
    expect(await checkMappingSettings(f.engine, f.integration, { shippingByMethod: { ups_ground: '21', fedex_2day: '77' } })).toEqual({ ok: true });
    expect(f.choiceCalls()).toBe(1);
  });

  it('refuses with 502 when the target cannot be asked; a target without choices is not checked', async () => {
    const f = await setup();
    f.setChoices(new SyncError('TRANSIENT', 'QuickBooks failed with HTTP 503'));
    expect(await checkMappingSettings(f.engine, f.integration, { shippingByMethod: { ups_next_day_air: '19' } })).toEqual({
      ok: false,
      status: 502,
      message: expect.stringMatching(/^could not check the mapping against QuickBooks Online \(.*QuickBooks failed with HTTP 503\); nothing was saved$/),
    });
    f.setChoices(null);
    expect(await checkMappingSettings(f.engine, f.integration, { shippingByMethod: { ups_next_day_air: 'anything' } })).toEqual({ ok: true });
  });
});
