/**
 * The autumn DST change inside ShipStation's polling window, end to end. ShipStation stamps changes in Pacific
 * wall time without an offset, so 01:40 happens twice on 2026-11-01: an order changed in the first (PDT) and
 * one changed in the second (PST) both reach Zoho Books by polling alone, once each. The product and the
 * simulator share a clock set to that morning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../simulators/_kit/clock.ts';
import { startShipStationSim, type AccountKeys, type ShipStationSim } from '../../simulators/shipstation/index.ts';
import { connectShipStation } from '../../src/cli/connect-flows.ts';
import { systemClock } from '../../src/main.ts';
import type { Clock, Connection } from '../../src/sync/ports.ts';
import { startPlatform, type Platform } from '../support/e2e.ts';

const FIRST_0140 = Date.parse('2026-11-01T08:40:00Z'); // 01:40 PDT
const HOUR = 3_600_000;

/** Real time shifted to the DST morning; `advance` moves the product and the simulator together. */
let offset = FIRST_0140 - Date.now();
const clock: Clock = { now: () => new Date(Date.now() + offset), sleep: systemClock.sleep };
const simClock = new SimClock();

let p: Platform;
let ss: ShipStationSim;
let account: AccountKeys;
let source: Connection;

beforeAll(async () => {
  offset = FIRST_0140 - Date.now();
  simClock.advance(offset);
  p = await startPlatform({ clock });
  ss = await startShipStationSim({ clock: simClock, webhooks: { deliveryDelayMs: 0 } });
  p.onClose(() => ss.close());
  account = ss.createAccount({ name: 'dst' });
  source = (await connectShipStation({ store: p.db.store, engine: p.engine }, { tenant: p.tenant, apiKey: account.apiKey, apiSecret: account.apiSecret, apiBaseUrl: ss.url })).connection;
  // As if polling had been running since 01:30 PDT; no webhooks are subscribed: polling alone must find both.
  await p.db.store.cursors.set(p.tenantId, source.id, 'orders', '2026-11-01T08:30:00.000Z');
  p.startWorker();
});
afterAll(async () => p.close());

function importOrder(orderNumber: string) {
  return ss.importOrder({
    accountId: account.accountId,
    order: { orderNumber, orderStatus: 'awaiting_shipment', customerEmail: `${orderNumber.toLowerCase()}@example.com`, items: [{ sku: 'MUG', name: 'Mug', quantity: 1, unitPrice: '10.00' }], amountPaid: '10.00' },
  });
}

const pacificWall = (ms: number) => new Intl.DateTimeFormat('en-US', { timeZone: 'America/Los_Angeles', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

describe('a DST change inside the ShipStation polling window', () => {
  it('posts an order changed at 01:40 PDT and another at 01:40 PST, each once, by polling alone', async () => {
    const first = importOrder('DST-PDT');
    await new Promise((r) => setTimeout(r, 1_100));
    // A filter naming 01:xx cannot say which 01:xx it means, so a scan during the PDT copy of the hour stops
    // before it (the connector's rule: late by at most an hour once a year, never lost).
    await p.engine.poll(source, 'orders');

    offset += HOUR;
    simClock.advance(HOUR); // 01:40 again, now PST
    const second = importOrder('DST-PST');
    expect(pacificWall(second.modifyDate)).toBe(pacificWall(first.modifyDate)); // the same wall-clock minute
    await new Promise((r) => setTimeout(r, 1_100));
    await p.engine.poll(source, 'orders');
    await p.waitForRecords((rs) => rs.filter((r) => r.state === 'synced' && r.entityType === 'order').length === 2, 'both orders');
    expect(p.invoices().map((i) => i.reference_number).sort()).toEqual(['DST-PDT', 'DST-PST']);

    const again = await p.engine.poll(source, 'orders');
    expect(again.queued).toBe(0); // both are seen again in the overlap, and neither is new
    expect(p.invoices()).toHaveLength(2);
  });
});
