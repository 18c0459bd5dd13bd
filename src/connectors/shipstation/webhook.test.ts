import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookInput } from '../../sync/ports.ts';
import { testConnection } from './test-kit.ts';
import { checkPointer, shipstationWebhook } from './webhook.ts';

const ORDER_URL = 'https://ssapi.shipstation.com/orders?storeID=123456&importBatch=1ab23c4d-12ab-1abc-a1bc-a12b12cdabcd';
const SHIP_URL = 'https://ssapi.shipstation.com/shipments?batchId=144015674&includeShipmentItems=False';

function delivery(body: unknown): WebhookInput {
  return { headers: { 'content-type': 'application/json', 'user-agent': 'ShipStation' }, rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const production = testConnection();
const simulated = testConnection({ apiBaseUrl: 'http://127.0.0.1:4010' });

describe('shipstationWebhook.verify: what a delivery becomes', () => {
  it('ORDER_NOTIFY → one order pointer event, id = SHA-256 of the pointer', () => {
    const verdict = shipstationWebhook.verify(delivery({ resource_url: ORDER_URL, resource_type: 'ORDER_NOTIFY' }), production);
    const id = sha(`ORDER_NOTIFY ${ORDER_URL}`);
    expect(verdict).toEqual({
      ok: true,
      events: [{ deliveryId: id, topic: 'ORDER_NOTIFY', entityType: 'order', sourceId: id, triggeredAt: null, pointer: { url: ORDER_URL, resourceType: 'ORDER_NOTIFY' } }],
    });
  });

  it('SHIP_NOTIFY and FULFILLMENT_SHIPPED → shipment pointers; the ITEM_ variants are followed too', () => {
    const cases = [
      ['SHIP_NOTIFY', SHIP_URL],
      ['ITEM_SHIP_NOTIFY', 'https://ssapi.shipstation.com/shipments?batchId=1&includeShipmentItems=True'],
      ['FULFILLMENT_SHIPPED', 'https://ssapi.shipstation.com/fulfillments?fulfillmentId=5501'],
    ] as const;
    for (const [type, url] of cases) {
      const verdict = shipstationWebhook.verify(delivery({ resource_url: url, resource_type: type }), production);
      expect(verdict.ok && 'events' in verdict && verdict.events[0]).toMatchObject({ topic: type, entityType: 'shipment', pointer: { url, resourceType: type } });
    }
    const item = shipstationWebhook.verify(delivery({ resource_url: ORDER_URL, resource_type: 'ITEM_ORDER_NOTIFY' }), production);
    expect(item.ok && item.events[0]?.entityType).toBe('order');
  });

  it('the same pointer redelivered (even re-serialised) has the same delivery id; another batch another', () => {
    const a = shipstationWebhook.verify(delivery({ resource_url: SHIP_URL, resource_type: 'SHIP_NOTIFY' }), production);
    const b = shipstationWebhook.verify(delivery(`{ "resource_type" : "SHIP_NOTIFY",\n  "resource_url": "${SHIP_URL}" }`), production);
    const c = shipstationWebhook.verify(delivery({ resource_url: SHIP_URL.replace('144015674', '144015675'), resource_type: 'SHIP_NOTIFY' }), production);
    const id = (v: typeof a) => (v.ok ? v.events[0]?.deliveryId : undefined);
    expect(id(a)).toBe(id(b));
    expect(id(a)).not.toBe(id(c));
  });

  it('accepts numbered API hosts (ssapi6, ssapi11) with the default base URL', () => {
    for (const host of ['ssapi6', 'ssapi11', 'SSAPI']) {
      const url = `https://${host}.shipstation.com/shipments?batchId=1&includeShipmentItems=False`;
      expect(shipstationWebhook.verify(delivery({ resource_url: url, resource_type: 'SHIP_NOTIFY' }), production).ok).toBe(true);
    }
  });

  it('FULFILLMENT_REJECTED is acknowledged with no event (polling sees the status)', () => {
    expect(shipstationWebhook.verify(delivery({ resource_url: ORDER_URL, resource_type: 'FULFILLMENT_REJECTED' }), production)).toEqual({ ok: true, events: [] });
  });

  it('with apiBaseUrl set (the simulator), the pointer must use exactly that origin', () => {
    const url = 'http://127.0.0.1:4010/orders?storeID=1&importBatch=x';
    expect(shipstationWebhook.verify(delivery({ resource_url: url, resource_type: 'ORDER_NOTIFY' }), simulated).ok).toBe(true);
    for (const other of ['http://127.0.0.1:4011/orders?importBatch=x', ORDER_URL, 'https://127.0.0.1:4010/orders?importBatch=x']) {
      expect(shipstationWebhook.verify(delivery({ resource_url: other, resource_type: 'ORDER_NOTIFY' }), simulated)).toMatchObject({ ok: false, status: 400, code: 'webhook_foreign_url' });
    }
  });
});

describe('shipstationWebhook.verify: refusals (400)', () => {
  const refused = (body: unknown, code: string) => {
    const verdict = shipstationWebhook.verify(delivery(body), production);
    expect(verdict).toMatchObject({ ok: false, status: 400, code });
    return verdict.ok ? '' : verdict.message;
  };

  it('a body that is not JSON, not an object, or lacks the two fields', () => {
    expect(refused('resource_url=https://ssapi.shipstation.com/orders', 'webhook_invalid_body')).toMatch(/not valid JSON/);
    refused('[]', 'webhook_invalid_body');
    refused({ resource_url: ORDER_URL }, 'webhook_invalid_body');
    refused({ resource_type: 'ORDER_NOTIFY' }, 'webhook_invalid_body');
    refused({ resource_url: 42, resource_type: 'ORDER_NOTIFY' }, 'webhook_invalid_body');
  });

  it('an unknown resource_type', () => {
    expect(refused({ resource_url: ORDER_URL, resource_type: 'ORDER_DELETED' }, 'webhook_invalid_body')).toMatch(/not a ShipStation V1 webhook event/);
    refused({ resource_url: ORDER_URL, resource_type: 'SHIPMENT_CREATED_V2' }, 'webhook_invalid_body');
  });

  it('a resource_url on a foreign host: we would send the merchant\'s credentials there', () => {
    for (const url of [
      'https://evil.example.com/orders?importBatch=x',
      'https://ssapi.shipstation.com.evil.example.com/orders',
      'https://evilssapi.shipstation.com/orders',
      'http://ssapi.shipstation.com/orders?importBatch=x',
      'https://ssapi.shipstation.com:8443/orders',
      'https://user:pw@ssapi.shipstation.com/orders',
      'https://api.shipstation.com/v2/shipments',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(shipstationWebhook.verify(delivery({ resource_url: url, resource_type: 'ORDER_NOTIFY' }), production)).toMatchObject({ ok: false, status: 400, code: 'webhook_foreign_url' });
    }
  });

  it('a resource_url naming another endpoint than its type lists', () => {
    expect(refused({ resource_url: 'https://ssapi.shipstation.com/customers', resource_type: 'ORDER_NOTIFY' }, 'webhook_foreign_url')).toMatch(/must list \/orders/);
    refused({ resource_url: ORDER_URL, resource_type: 'SHIP_NOTIFY' }, 'webhook_foreign_url');
    refused({ resource_url: 'https://ssapi.shipstation.com/webhooks/subscribe', resource_type: 'SHIP_NOTIFY' }, 'webhook_foreign_url');
  });
});

describe('checkPointer', () => {
  it('is the same check expandPointer repeats before fetching', () => {
    expect(checkPointer(SHIP_URL, 'SHIP_NOTIFY', production)).toMatchObject({ ok: true, target: { listKey: 'shipments', entityType: 'shipment' } });
    expect(checkPointer(SHIP_URL, 'FULFILLMENT_REJECTED', production).ok).toBe(false);
  });

  it('keeps a path prefix of apiBaseUrl (a proxy under a path)', () => {
    const proxied = testConnection({ apiBaseUrl: 'https://proxy.example.com/shipstation' });
    expect(checkPointer('https://proxy.example.com/shipstation/orders?importBatch=x', 'ORDER_NOTIFY', proxied).ok).toBe(true);
    expect(checkPointer('https://proxy.example.com/orders?importBatch=x', 'ORDER_NOTIFY', proxied).ok).toBe(false);
  });
});
