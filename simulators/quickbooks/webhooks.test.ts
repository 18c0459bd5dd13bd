/** Outbound event notifications (api notes §10.1-10.3). */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../_kit/clock.ts';
import { customerAndItem, itemLine, startHarness, startReceiver, type Harness } from './test-support.ts';

let h: Harness | undefined;
const receivers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

function fastClock(): SimClock {
  const clock = new SimClock();
  clock.speed = 1000;
  return clock;
}

async function receiver(status?: (n: number) => number) {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}

describe('webhooks', () => {
  it('webhooks are signed with intuit-signature', async () => {
    const rx = await receiver();
    h = await startHarness({ app: { webhookUrl: rx.url, verifierToken: 'verifier-123' } });
    const c = (await h.create('customer', { DisplayName: 'Hooked' })).body.Customer;
    await h.sim.settleWebhooks();
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    expect(got.headers['intuit-signature']).toBe(createHmac('sha256', 'verifier-123').update(got.body).digest('base64'));
    expect(got.headers['content-type']).toContain('application/json');
    const body = JSON.parse(got.body);
    expect(body).toEqual({ eventNotifications: [{ realmId: h.realmId, dataChangeEvent: { entities: [{ name: 'Customer', id: c.Id, operation: 'Create', lastUpdated: expect.stringMatching(/Z$/) }] } }] });
  });

  it('one notification carries every change of one request (a batch), with Update, Delete and Void', async () => {
    const rx = await receiver();
    h = await startHarness({ app: { webhookUrl: rx.url } });
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 5)] })).body.Invoice;
    await h.call('POST', '/batch', {
      body: {
        BatchItemRequest: [
          { bId: '1', operation: 'create', Customer: { DisplayName: 'In Batch' } },
          { bId: '2', operation: 'update', Invoice: { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, PrivateNote: 'n' } },
        ],
      },
    });
    await h.create('invoice', { Id: inv.Id, SyncToken: '1' }, { query: { operation: 'void' } });
    await h.sim.settleWebhooks();
    const bodies = rx.received.map((r) => JSON.parse(r.body).eventNotifications[0].dataChangeEvent.entities.map((e: any) => `${e.name}:${e.operation}`));
    expect(bodies.slice(-2)).toEqual([['Customer:Create', 'Invoice:Update'], ['Invoice:Void']]);
  });

  it('events reach only apps connected to the company, and only changes after the connection', async () => {
    const connected = await receiver();
    const other = await receiver();
    h = await startHarness({ app: { webhookUrl: connected.url } });
    const late = h.sim.registerApp({ redirectUris: ['http://127.0.0.1:9/cb'], webhookUrl: other.url });
    await h.create('customer', { DisplayName: 'Before' });
    h.sim.connect({ clientId: late.clientId, realmId: h.realmId });
    await h.create('customer', { DisplayName: 'After' });
    await h.sim.settleWebhooks();
    expect(connected.received).toHaveLength(2);
    expect(other.received).toHaveLength(1);
    h.sim.revokeGrant({ clientId: h.clientId });
    h.reconnect();
    await h.sim.settleWebhooks();
    expect(connected.received).toHaveLength(2);
  });

  it('a failed delivery is retried after 10 s, 20 s and 30 s until it gets HTTP 200', async () => {
    const rx = await receiver((n) => (n < 3 ? 500 : 200));
    h = await startHarness({ clock: fastClock(), app: { webhookUrl: rx.url } });
    await h.create('customer', { DisplayName: 'Retry Me' });
    await h.sim.settleWebhooks();
    const [d] = h.sim.deliveries();
    expect(d!.state).toBe('delivered');
    expect(d!.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    const times = d!.attempts.map((a) => Date.parse(a.at));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual([10_000, 20_000, 30_000][i]! - 50));
    expect(h.sim.config().webhookRetrySchedule.slice(0, 8)).toEqual([10_000, 20_000, 30_000, 300_000, 1_200_000, 7_200_000, 14_400_000, 21_600_000]);
  });

  it('only HTTP 200 counts as delivered', async () => {
    const rx = await receiver((n) => (n === 0 ? 204 : 200));
    h = await startHarness({ clock: fastClock(), app: { webhookUrl: rx.url } });
    await h.create('customer', { DisplayName: 'No Content' });
    await h.sim.settleWebhooks();
    expect(h.sim.deliveries()[0]!.attempts.map((a) => a.status)).toEqual([204, 200]);
  });

  it('later notifications wait while an earlier one is failing', async () => {
    const rx = await receiver((n) => (n < 2 ? 500 : 200));
    h = await startHarness({ clock: fastClock(), app: { webhookUrl: rx.url } });
    await h.create('customer', { DisplayName: 'First' });
    await h.create('customer', { DisplayName: 'Second' });
    await h.sim.settleWebhooks();
    const names = rx.received.map((r) => JSON.parse(r.body).eventNotifications[0].dataChangeEvent.entities[0].id);
    expect(names).toEqual(['1', '1', '1', '2']);
  });

  it('sends the CloudEvents array when the app chose it', async () => {
    const rx = await receiver();
    h = await startHarness({ app: { webhookUrl: rx.url, webhookFormat: 'cloudevents' } });
    const c = (await h.create('customer', { DisplayName: 'Cloudy' })).body.Customer;
    await h.sim.settleWebhooks();
    const body = JSON.parse(rx.received[0]!.body);
    expect(body).toEqual([
      expect.objectContaining({ specversion: '1.0', type: 'qbo.customer.created.v1', datacontenttype: 'application/json', intuitentityid: c.Id, intuitaccountid: h.realmId, data: {} }),
    ]);
  });

  it('only subscribed entities are sent', async () => {
    const rx = await receiver();
    h = await startHarness({ app: { webhookUrl: rx.url, webhookEntities: ['Invoice'] } });
    await h.create('customer', { DisplayName: 'Not Sent' });
    await h.sim.settleWebhooks();
    expect(rx.received).toHaveLength(0);
  });
});
