/** `requestid` replay (api notes §9). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('requestid', () => {
  it('a repeated requestid creates one invoice', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const body = { CustomerRef: { value: customerId }, DocNumber: 'R-1', Line: [itemLine(itemId, 10)] };
    const first = await h.create('invoice', body, { query: { requestid: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' } });
    const second = await h.create('invoice', body, { query: { requestid: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' } });
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(h.sim.listEntities({ realmId: h.realmId, entity: 'Invoice' })).toHaveLength(1);
  });

  it('the first answer is replayed even when it was an error and the body changed', async () => {
    h = await startHarness();
    const first = await h.create('customer', { DisplayName: 'Bad:Name' }, { query: { requestid: 'rid-err' } });
    const second = await h.create('customer', { DisplayName: 'Good Name' }, { query: { requestid: 'rid-err' } });
    expect(first.status).toBe(400);
    expect(second.text).toBe(first.text);
    h.sim.configure({ requestIdReplaysErrors: false });
    await h.create('customer', { DisplayName: 'Bad:Name' }, { query: { requestid: 'rid-err-2' } });
    expect((await h.create('customer', { DisplayName: 'Good Name' }, { query: { requestid: 'rid-err-2' } })).status).toBe(200);
  });

  it('a requestid is forgotten after the 24-hour window', async () => {
    h = await startHarness();
    await h.create('customer', { DisplayName: 'Once' }, { query: { requestid: 'same' } });
    h.sim.clock.advance(24 * 3600_000);
    h.reconnect();
    expect(faultOf(await h.create('customer', { DisplayName: 'Once' }, { query: { requestid: 'same' } })).code).toBe('6240');
  });

  it('a requestid is remembered per company', async () => {
    h = await startHarness();
    const other = h.sim.createCompany({ name: 'Second Books' });
    const token = h.sim.connect({ clientId: h.clientId, realmId: other.realmId }).access_token;
    await h.create('customer', { DisplayName: 'Twin' }, { query: { requestid: 'shared-id' } });
    await h.create('customer', { DisplayName: 'Twin' }, { query: { requestid: 'shared-id' }, realmId: other.realmId, token });
    expect(h.sim.listEntities({ realmId: other.realmId, entity: 'Customer' })).toHaveLength(1);
  });

  it('a requestid over 50 characters is refused', async () => {
    h = await startHarness();
    expect((await h.create('customer', { DisplayName: 'Ok' }, { query: { requestid: 'x'.repeat(50) } })).status).toBe(200);
    expect(faultOf(await h.create('customer', { DisplayName: 'Long' }, { query: { requestid: 'x'.repeat(51) } })).code).toBe('2030');
  });
});
