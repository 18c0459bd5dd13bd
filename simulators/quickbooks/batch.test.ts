/** The batch endpoint (api notes §8). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const batch = (hh: Harness, items: unknown[], query: Record<string, string> = {}) => hh.call('POST', '/batch', { body: { BatchItemRequest: items }, query });

describe('batch', () => {
  it('runs items in order and answers each by bId, with a Fault for the ones that fail (HTTP 200)', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 10)] })).body.Invoice;
    const r = await batch(h, [
      { bId: 'b1', operation: 'create', Customer: { DisplayName: 'Batch One' } },
      { bId: 'b2', operation: 'create', Customer: { DisplayName: 'Batch One' } },
      { bId: 'b3', operation: 'update', Invoice: { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'x' } },
      { bId: 'b4', Query: 'select * from Customer where DisplayName = \'Batch One\'' },
      { bId: 'b5', operation: 'delete', Invoice: { Id: inv.Id, SyncToken: '0' } },
    ]);
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.BatchItemResponse.map((x: any) => [x.bId, x]));
    expect(by.b1.Customer.DisplayName).toBe('Batch One');
    expect(by.b2.Fault).toMatchObject({ type: 'ValidationFault', Error: [{ code: '6240', Message: 'Duplicate Name Exists Error' }] });
    expect(by.b3.Invoice).toMatchObject({ PrivateNote: 'x', SyncToken: '1' });
    expect(by.b5.Fault.Error[0].code).toBe('5010');
    expect(r.body.time).toBeDefined();
  });

  it('batch refuses more than 30 items', async () => {
    h = await startHarness();
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ bId: `q${i}`, Query: 'select count(*) from Customer' }));
    expect((await batch(h, items(30))).status).toBe(200);
    const r = await batch(h, items(31));
    expect(r.status).toBe(400);
    expect(faultOf(r)).toMatchObject({ Message: 'MalformedRequest' });
  });

  it('an empty batch answers "Batch Request is Empty"', async () => {
    h = await startHarness();
    const r = await batch(h, []);
    expect(r.status).toBe(400);
    expect(faultOf(r)).toMatchObject({ code: '400', Message: 'MalformedRequest', Detail: 'Batch Request is Empty' });
  });

  it('an item cannot see an object created earlier in the same batch', async () => {
    h = await startHarness();
    const { itemId } = await customerAndItem(h);
    const r = await batch(h, [
      { bId: '1', operation: 'create', Customer: { DisplayName: 'New In Batch' } },
      { bId: '2', Query: "select * from Customer where DisplayName = 'New In Batch'" },
    ]);
    const customerId = r.body.BatchItemResponse[0].Customer.Id;
    expect(r.body.BatchItemResponse[1].QueryResponse).toEqual({});
    const again = await batch(h, [{ bId: '3', operation: 'create', Invoice: { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 1)] } }]);
    expect(again.body.BatchItemResponse[0].Invoice.CustomerRef.value).toBe(customerId);
  });

  it('with a requestid, bIds longer than 10 characters are refused and the batch replays', async () => {
    h = await startHarness();
    const items = [{ bId: 'short', operation: 'create', Customer: { DisplayName: 'Replayed' } }];
    const first = await batch(h, items, { requestid: 'batch-rid-1' });
    const second = await batch(h, items, { requestid: 'batch-rid-1' });
    expect(second.text).toBe(first.text);
    expect(faultOf(await batch(h, [{ bId: 'much-too-long-bid', Query: 'select * from Customer' }], { requestid: 'batch-rid-2' })).code).toBe('2030');
  });
});
