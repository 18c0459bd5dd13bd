/** Change Data Capture (api notes §10.4). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const cdc = (hh: Harness, entities: string, changedSince: string) => hh.call('GET', '/cdc', { query: { entities, changedSince } });

describe('cdc', () => {
  it('lists objects changed since changedSince, deleted ones as stubs', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const keep = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 1)] })).body.Invoice;
    const drop = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 2)] })).body.Invoice;
    h.sim.clock.advance(3600_000);
    h.reconnect();
    const since = new Date(h.sim.clock.now()).toISOString();
    await h.create('invoice', { Id: keep.Id, SyncToken: keep.SyncToken, sparse: true, PrivateNote: 'changed' });
    await h.create('invoice', { Id: drop.Id, SyncToken: drop.SyncToken }, { query: { operation: 'delete' } });
    const r = await cdc(h, 'Invoice,Customer', since);
    expect(r.status).toBe(200);
    const [invoices, customers] = r.body.CDCResponse[0].QueryResponse;
    expect(customers).toEqual({});
    expect(invoices).toMatchObject({ startPosition: 1, maxResults: 2 });
    expect(invoices.Invoice[0]).toMatchObject({ Id: keep.Id, PrivateNote: 'changed' });
    expect(invoices.Invoice[1]).toMatchObject({ Id: drop.Id, status: 'Deleted', domain: 'QBO' });
  });

  it('refuses a changedSince more than 30 days back', async () => {
    h = await startHarness();
    const old = new Date(h.sim.clock.now() - 31 * 86_400_000).toISOString();
    expect(faultOf(await cdc(h, 'Invoice', old)).code).toBe('6000');
    expect(faultOf(await cdc(h, 'Invoice', 'yesterday')).code).toBe('2010');
    expect(faultOf(await cdc(h, 'TaxCode', new Date().toISOString())).code).toBe('4001');
  });

  it('answers at most cdcMaxObjects objects, oldest changes first', async () => {
    h = await startHarness({ config: { cdcMaxObjects: 2 } });
    const since = new Date(h.sim.clock.now() - 1000).toISOString();
    for (const name of ['A', 'B', 'C']) await h.create('customer', { DisplayName: name });
    const r = await cdc(h, 'Customer', since);
    expect(r.body.CDCResponse[0].QueryResponse[0].Customer.map((c: any) => c.DisplayName)).toEqual(['A', 'B']);
    expect(h.sim.config().cdcMaxObjects).toBe(2);
  });
});
