/**
 * The V2 subset (notes §6 [src S11]): shipments (V1 orders seen through V2), labels, label void, shipment cancel,
 * paging with links, UTC timestamps, and the V2 error envelope.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountKeys, ShipStationSim } from './index.ts';
import { sampleOrder, startSim, v2 } from './test-helpers.ts';

let sim: ShipStationSim;
let keys: AccountKeys;
beforeEach(async () => {
  sim = await startSim();
  keys = sim.createAccount();
});
afterEach(async () => sim.close());

function label(orderId: number) {
  return sim.shipOrder({ accountId: keys.accountId, orderId, carrierCode: 'stamps_com', serviceCode: 'usps_priority_mail', shipmentCost: '8.50' });
}

describe('V2 shipments', () => {
  it('lists orders as shipments with se- ids, UTC timestamps, money objects, and the paged envelope with links', async () => {
    for (let i = 0; i < 3; i++) {
      sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: `V${i}` }) });
      sim.clock.advance(1_000);
    }
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments', { page_size: '2' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['shipments', 'total', 'page', 'pages', 'links']);
    expect(res.body).toMatchObject({ total: 3, page: 1, pages: 2 });
    // Newest first by default (sort_dir desc).
    expect(res.body.shipments.map((s: { shipment_number: string }) => s.shipment_number)).toEqual(['V2', 'V1']);
    const s = res.body.shipments[0];
    expect(s.shipment_id).toMatch(/^se(-[a-z0-9]+)+$/);
    expect(s.created_at).toBe('2026-06-15T17:00:02.000Z');
    expect(s.amount_paid).toEqual({ currency: 'usd', amount: 50.76 });
    expect(s.shipment_status).toBe('pending');
    expect(s.items).toHaveLength(2);
    expect(res.body.links.prev).toEqual({});
    expect(res.body.links.next.href).toContain('page=2');
    const next = await fetch(res.body.links.next.href, { headers: { 'api-key': keys.v2ApiKey } });
    expect(((await next.json()) as { shipments: unknown[] }).shipments).toHaveLength(1);
  });

  it('filters by shipment_status and modified_at (UTC, not Pacific)', async () => {
    const a = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'A' }) });
    sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'B' }) });
    sim.clock.advance(3_600_000);
    label(a.orderId);
    const ids = async (query: Record<string, string>) => (await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments', query)).body.shipments.map((s: { shipment_number: string }) => s.shipment_number);
    expect(await ids({ shipment_status: 'label_purchased' })).toEqual(['A']);
    expect(await ids({ modified_at_start: '2026-06-15T17:30:00Z' })).toEqual(['A']);
    expect(await ids({ modified_at_start: '2026-06-15T10:30:00-07:00' })).toEqual(['A']);
    expect(await ids({ modified_at_end: '2026-06-15T17:00:00.000Z', sort_dir: 'asc' })).toEqual(['B']);
    const bad = await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments', { shipment_status: 'shipped' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ error_type: 'validation', error_code: 'invalid_field_value' });
  });

  it('gets a shipment by id and by external_shipment_id (the orderKey); 404 in the V2 envelope otherwise', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderKey: 'ext-1' }) });
    expect((await v2(sim, keys.v2ApiKey, 'GET', `/v2/shipments/${order.v2ShipmentId}`)).body.external_shipment_id).toBe('ext-1');
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments/external_shipment_id/ext-1')).body.shipment_id).toBe(order.v2ShipmentId);
    const missing = await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments/se-1');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0].error_code).toBe('invalid_identifier');
  });

  it('cancel answers 204, but only once the label is voided', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const shipment = label(order.orderId);
    const refused = await v2(sim, keys.v2ApiKey, 'PUT', `/v2/shipments/${order.v2ShipmentId}/cancel`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].error_code).toBe('invalid_status');
    expect((await v2(sim, keys.v2ApiKey, 'PUT', `/v2/labels/${shipment.labelId}/void`)).body.approved).toBe(true);
    const ok = await v2(sim, keys.v2ApiKey, 'PUT', `/v2/shipments/${order.v2ShipmentId}/cancel`);
    expect(ok.status).toBe(204);
    expect(ok.text).toBe('');
    expect(sim.getOrder({ accountId: keys.accountId, orderId: order.orderId }).orderStatus).toBe('cancelled');
  });
});

describe('V2 labels', () => {
  it('lists V1 label shipments as labels with cost objects and a completed status', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const shipment = label(order.orderId);
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels');
    expect(res.body).toMatchObject({ total: 1, page: 1, pages: 1 });
    expect(res.body.labels[0]).toMatchObject({
      label_id: shipment.labelId,
      status: 'completed',
      shipment_id: order.v2ShipmentId,
      shipment_cost: { currency: 'usd', amount: 8.5 },
      carrier_code: 'stamps_com',
      tracking_number: shipment.trackingNumber,
      voided: false,
      voided_at: null,
    });
  });

  it('voids a label: approved, status voided, the V1 shipment voided too; a second void is not approved', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    const shipment = label(order.orderId);
    const first = await v2(sim, keys.v2ApiKey, 'PUT', `/v2/labels/${shipment.labelId}/void`);
    expect(first.body.approved).toBe(true);
    const read = await v2(sim, keys.v2ApiKey, 'GET', `/v2/labels/${shipment.labelId}`);
    expect(read.body).toMatchObject({ status: 'voided', voided: true, voided_at: '2026-06-15T17:00:00.000Z' });
    expect(sim.listShipments({ accountId: keys.accountId })[0]!.voided).toBe(true);
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels', { label_status: 'voided' })).body.total).toBe(1);
    const second = await v2(sim, keys.v2ApiKey, 'PUT', `/v2/labels/${shipment.labelId}/void`);
    expect(second.body).toMatchObject({ approved: false, reason_code: 'label_already_voided' });
  });

  it('answers an unknown label_id with 404 and an empty body, as the spec says', async () => {
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels/se-999');
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/orders')).status).toBe(404);
  });
});
