/**
 * The catalog poll on a real test store with fake connectors: stored per tenant and connection, polled once per
 * period however often it is asked, vanished entries kept inactive, one poll at a time, failures audited.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SyncError } from '../core/errors.ts';
import { engineOn } from '../../tests/engine/support.ts';
import { openTestStore, type TestStore } from '../../tests/support/test-db.ts';
import type { Engine } from './engine.ts';
import { CATALOG_CURSOR, pollCatalog, pollCatalogs } from './poll-catalog.ts';
import { startScheduler } from './scheduler.ts';
import type { Connection, SourceCatalog, SourceClient } from './ports.ts';

let db: TestStore;
beforeAll(async () => {
  db = await openTestStore();
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

const MUG = { sourceId: '1', sku: 'MUG', name: 'Mug', price: '12.50', active: true };
const TEE = { sourceId: '2', sku: 'TEE', name: 'T-shirt', price: '20', active: true };
const GROUND = { carrierCode: 'ups', carrierName: 'UPS', serviceCode: 'ups_ground', name: 'UPS® Ground', domestic: true, international: false };

interface Fake {
  engine: Engine;
  source: Connection;
  calls: () => number;
  set(catalog: SourceCatalog | Error): void;
}

async function setup(options: { withCatalog?: boolean } = {}): Promise<Fake> {
  let catalog: SourceCatalog | Error = { products: [MUG, TEE], shippingMethods: [GROUND] };
  let calls = 0;
  const client: SourceClient = {
    ping: async () => ({ ok: true, message: 'ok' }),
    fetchOrder: async () => null,
    fetchCustomer: async () => null,
    poll: async function* () {},
    ...(options.withCatalog === false
      ? {}
      : {
          catalog: async () => {
            calls += 1;
            if (catalog instanceof Error) throw catalog;
            return catalog;
          },
        }),
  };
  const engine = engineOn(db, { source: () => client }, async () => ({ status: 200, headers: {}, text: '{}' }));
  const tenant = await db.store.tenants.create({ name: 'shop' });
  const source = await db.store.connections.create({ tenantId: tenant.id, system: 'shipstation', role: 'source', label: 'ShipStation', config: {}, secrets: { apiKey: 'k', apiSecret: 's' } });
  return { engine, source, calls: () => calls, set: (next) => (catalog = next) };
}

describe('pollCatalog', () => {
  it('stores the catalog for the tenant and connection, and records when', async () => {
    const f = await setup();
    const report = await pollCatalog(f.engine, f.source);
    expect(report.counts).toEqual({ products: { seen: 2, added: 2, deactivated: 0 }, shippingMethods: { seen: 1, added: 1, deactivated: 0 } });
    expect((await db.store.catalog.products(f.source.tenantId, f.source.id)).map((p) => [p.sku, p.price, p.active])).toEqual([
      ['MUG', '12.50', true],
      ['TEE', '20', true],
    ]);
    expect(await db.store.cursors.get(f.source.tenantId, f.source.id, CATALOG_CURSOR)).toBe(report.polledAt);
    const audit = await db.store.audit.list(f.source.tenantId, { connectionId: f.source.id });
    expect(audit.map((a) => a.step)).toContain('catalog-polled');
  });

  it('is not polled again before it is due, unless forced; a vanished product turns inactive', async () => {
    const f = await setup();
    await pollCatalog(f.engine, f.source);
    expect((await pollCatalog(f.engine, f.source)).skipped).toBe('not-due');
    expect(f.calls()).toBe(1);
    f.set({ products: [MUG], shippingMethods: [GROUND] });
    expect((await pollCatalog(f.engine, f.source, { everyMs: 0 })).counts?.products).toEqual({ seen: 1, added: 0, deactivated: 1 });
    expect((await db.store.catalog.products(f.source.tenantId, f.source.id)).find((p) => p.sku === 'TEE')).toMatchObject({ active: false });
    expect((await pollCatalog(f.engine, f.source, { force: true })).counts?.products.deactivated).toBe(0);
    expect(f.calls()).toBe(3);
  });

  it('skips sources without a catalog, inactive connections, and a catalog another process is polling', async () => {
    const bare = await setup({ withCatalog: false });
    expect((await pollCatalog(bare.engine, bare.source)).skipped).toBe('unsupported');
    await db.reset();
    const f = await setup();
    expect((await pollCatalog(f.engine, { ...f.source, status: 'needs_reauth' })).skipped).toBe('inactive');
    await f.engine.deps.leases.acquire(`catalog:${f.source.id}`, 'another-process', 60_000);
    expect((await pollCatalog(f.engine, f.source)).skipped).toBe('busy');
    expect(f.calls()).toBe(0);
  });

  it('a failed poll stores nothing and moves no cursor; pollCatalogs logs it, audits it and goes on', async () => {
    const f = await setup();
    f.set(new SyncError('RATE_LIMITED', 'the shared budget for shipstation:x is spent', { retryAfterMs: 20_000 }));
    await expect(pollCatalog(f.engine, f.source)).rejects.toThrow(/budget/);
    expect(await db.store.cursors.get(f.source.tenantId, f.source.id, CATALOG_CURSOR)).toBeNull();
    expect(await pollCatalogs(f.engine)).toEqual([]);
    const failed = (await db.store.audit.list(f.source.tenantId, { connectionId: f.source.id })).find((a) => a.step === 'catalog-poll-failed');
    expect(failed?.error).toMatch(/budget/);
    f.set({ products: [MUG], shippingMethods: [] });
    const [report] = await pollCatalogs(f.engine);
    expect(report?.counts?.products.added).toBe(1);
  });
});

describe('the scheduler', () => {
  it('polls a due catalog in a round, and not again within the period', async () => {
    const f = await setup();
    const scheduler = startScheduler(f.engine, { pollEveryMs: 3_600_000 });
    try {
      await scheduler.tick();
      expect(f.calls()).toBe(1);
      await scheduler.tick();
      expect(f.calls()).toBe(1);
    } finally {
      await scheduler.stop();
    }
    const fast = startScheduler(f.engine, { pollEveryMs: 3_600_000, catalogEveryMs: 1 });
    try {
      await new Promise((r) => setTimeout(r, 5));
      await fast.tick();
      expect(f.calls()).toBe(2);
    } finally {
      await fast.stop();
    }
  });
});
