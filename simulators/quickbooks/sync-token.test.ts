/** SyncToken optimistic locking, sparse and full updates, delete and void (api notes §2.1, §5). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('SyncToken and updates', () => {
  it('a new entity has SyncToken "0" and every write adds one', async () => {
    h = await startHarness();
    const c = (await h.create('customer', { DisplayName: 'Counter' })).body.Customer;
    expect(c.SyncToken).toBe('0');
    const u1 = (await h.create('customer', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'a' })).body.Customer;
    const u2 = (await h.create('customer', { Id: c.Id, SyncToken: u1.SyncToken, sparse: true, Notes: 'b' }, { query: { operation: 'update' } })).body.Customer;
    expect([u1.SyncToken, u2.SyncToken]).toEqual(['1', '2']);
  });

  it('a stale SyncToken answers 5010 and writes nothing', async () => {
    h = await startHarness();
    const c = (await h.create('customer', { DisplayName: 'Racer' })).body.Customer;
    await h.create('customer', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'first' });
    const r = await h.create('customer', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'second' });
    expect(r.status).toBe(400);
    expect(faultOf(r)).toMatchObject({ code: '5010', Message: 'Stale Object Error', type: 'ValidationFault' });
    expect(faultOf(r).Detail).toBe('Stale Object Error : You and Test App were working on this at the same time. Test App finished before you did, so your work was not saved.');
    expect((await h.call('GET', `/customer/${c.Id}`)).body.Customer).toMatchObject({ Notes: 'first', SyncToken: '1' });
  });

  it('an edit made in QuickBooks makes the client SyncToken stale and names the user', async () => {
    h = await startHarness();
    const c = (await h.create('customer', { DisplayName: 'Edited Elsewhere' })).body.Customer;
    h.sim.editAsUser({ realmId: h.realmId, entity: 'Customer', id: c.Id, patch: { Notes: 'changed in the UI' }, user: 'Pat Bookkeeper' });
    const r = await h.create('customer', { Id: c.Id, SyncToken: '0', sparse: true, Notes: 'mine' });
    expect(faultOf(r).Detail).toContain('You and Pat Bookkeeper were working on this at the same time.');
  });

  it('a sparse update changes only the fields sent', async () => {
    h = await startHarness();
    const c = (await h.create('customer', { DisplayName: 'Sparse', CompanyName: 'Sparse Inc', Notes: 'keep' })).body.Customer;
    const u = (await h.create('customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, CompanyName: 'Sparse LLC' })).body.Customer;
    expect(u).toMatchObject({ DisplayName: 'Sparse', CompanyName: 'Sparse LLC', Notes: 'keep' });
  });

  it('a full update clears the writable fields it leaves out', async () => {
    h = await startHarness();
    const c = (await h.create('customer', { DisplayName: 'Full', CompanyName: 'Full Inc', Notes: 'gone' })).body.Customer;
    const u = (await h.create('customer', { Id: c.Id, SyncToken: c.SyncToken, DisplayName: 'Full' })).body.Customer;
    expect(u.Notes).toBeUndefined();
    expect(u.CompanyName).toBeUndefined();
  });

  it('a sparse update that sends Line replaces every line', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 10), itemLine(itemId, 20)] })).body.Invoice;
    const u = (await h.create('invoice', { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, Line: [itemLine(itemId, 5)] })).body.Invoice;
    expect(u.Line.filter((l: { DetailType: string }) => l.DetailType === 'SalesItemLineDetail')).toHaveLength(1);
    expect(u.TotalAmt).toBe(5);
  });

  it('deleting a transaction answers the Deleted stub and reading it afterwards answers 610', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 10)] })).body.Invoice;
    const del = await h.create('invoice', { Id: inv.Id, SyncToken: inv.SyncToken }, { query: { operation: 'delete' } });
    expect(del.body.Invoice).toEqual({ status: 'Deleted', domain: 'QBO', Id: inv.Id, MetaData: expect.any(Object) });
    const read = await h.call('GET', `/invoice/${inv.Id}`);
    expect(read.status).toBe(400);
    expect(faultOf(read)).toMatchObject({ code: '610', Message: 'Object Not Found' });
  });

  it('an update without Id-matching object answers 610 and without SyncToken 2020', async () => {
    h = await startHarness();
    expect(faultOf(await h.create('customer', { Id: '999', SyncToken: '0', sparse: true, Notes: 'x' })).code).toBe('610');
    const c = (await h.create('customer', { DisplayName: 'No Token' })).body.Customer;
    expect(faultOf(await h.create('customer', { Id: c.Id, sparse: true, Notes: 'x' }, { query: { operation: 'update' } })).code).toBe('2020');
  });
});
