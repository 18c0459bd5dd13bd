/**
 * Webhook intake on a real store: an event whose fields hold text PostgreSQL cannot store (NUL, an unpaired
 * surrogate) is refused with 400 and a security line, instead of failing the insert with a 500 that the
 * platform would retry for ever. Found by tests/e2e/bad-input.e2e.test.ts (a WooCommerce date_modified_gmt
 * and a ShipStation resource_url carrying "\u0000").
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection, WebhookEvent } from '../../src/sync/ports.ts';
import { openTestStore, type TestStore } from '../support/test-db.ts';
import { engineOn } from './support.ts';

let db: TestStore;
beforeAll(async () => {
  db = await openTestStore();
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

const noHttp = async () => {
  throw new Error('no http in this test');
};

/** An engine whose verifier accepts every delivery and names the events `events` gives. */
async function intake(events: WebhookEvent[]) {
  const tenant = await db.store.tenants.create({ name: 't' });
  const connection: Connection = await db.store.connections.create({ tenantId: tenant.id, system: 'woocommerce', role: 'source', label: 'Shop', config: {}, secrets: {} });
  const engine = engineOn(db, { webhook: () => ({ verify: () => ({ ok: true, events }) }) }, noHttp);
  const result = await engine.ingestWebhook({ connectionId: connection.id, webhookKey: connection.webhookKey, headers: {}, rawBody: Buffer.from('{}') });
  const inbox = await db.db.query<{ n: string | number }>('SELECT count(*) AS n FROM inbox_events');
  const security = await db.store.audit.list(tenant.id, { limit: 10 });
  return { result, stored: Number(inbox[0]?.n), security: security.filter((a) => a.kind === 'security') };
}

const event = (overrides: Partial<WebhookEvent>): WebhookEvent => ({ deliveryId: 'd-1', topic: 'order.created', entityType: 'order', sourceId: '42', triggeredAt: null, ...overrides });

describe('ingestWebhook: text the store cannot hold', () => {
  it.each([
    ['a NUL in the delivery id (WooCommerce date_modified_gmt)', event({ deliveryId: '17:abc:42:2026-04-01T10:00:00\u0000' })],
    ['an unpaired high surrogate in the delivery id', event({ deliveryId: 'd-\ud800' })],
    ['an unpaired low surrogate in the source id', event({ sourceId: '\udc00' })],
    ['a NUL in a pointer url (ShipStation resource_url, stored as jsonb)', event({ pointer: { url: 'https://ssapi.shipstation.com/orders?importBatch=1\u0000', resourceType: 'ORDER_NOTIFY' } })],
    ['an unpaired surrogate in a pointer url', event({ pointer: { url: 'https://ssapi.shipstation.com/orders?importBatch=\ud800', resourceType: 'ORDER_NOTIFY' } })],
  ])('%s: 400, nothing stored, one security row', async (_name, e) => {
    const { result, stored, security } = await intake([e]);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: 'webhook_invalid_body' });
    expect(stored).toBe(0);
    expect(security).toHaveLength(1);
  });

  it('a valid surrogate pair (an emoji) and other Unicode are stored as sent', async () => {
    const { result, stored, security } = await intake([event({ deliveryId: 'd-😀-é-中' })]);
    expect(result).toEqual({ status: 200, body: { received: 1, duplicates: 0 } });
    expect(stored).toBe(1);
    expect(security).toHaveLength(0);
    const [row] = await db.db.query<{ delivery_id: string }>('SELECT delivery_id FROM inbox_events');
    expect(row?.delivery_id).toBe('d-😀-é-中');
  });
});
