/**
 * V2 responses may only carry keys the ShipStation V2 OpenAPI file declares for them (a light check: names, not
 * types), and a few values are checked against the spec's enums and patterns. The spec file is required; a missing
 * file fails (SHIPSTATION_SPEC overrides its path). V1 has no machine-readable spec (shared/specs/SOURCES.md).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountKeys, ShipStationSim } from './index.ts';
import { describeShape, loadSpec, schemaShape, undeclaredKeys } from '../_kit/spec-check/openapi-shape.ts';
import type { YamlValue } from '../_kit/spec-check/yaml-lite.ts';
import { sampleOrder, startSim, v2 } from './test-helpers.ts';

const SPEC = process.env.SHIPSTATION_SPEC ?? fileURLToPath(new URL('../../../shared/specs/shipstation/v2-shipstation/openapi.yaml', import.meta.url));

type Obj = { [key: string]: YamlValue };
let doc: Obj;
let sim: ShipStationSim;
let keys: AccountKeys;
let labelId: string;
let shipmentId: string;

beforeAll(async () => {
  if (!existsSync(SPEC)) throw new Error(`ShipStation V2 OpenAPI file missing: ${SPEC} (see shared/specs/SOURCES.md)`);
  doc = loadSpec(SPEC);
  sim = await startSim();
  keys = sim.createAccount();
  const shop = sim.createStore({ accountId: keys.accountId, storeName: 'Shop', marketplaceName: 'Shopify' });
  const order = sim.importOrder({
    accountId: keys.accountId,
    storeId: shop.storeId,
    order: sampleOrder({
      shipByDate: '2026-06-20',
      holdUntilDate: '2026-06-18',
      gift: true,
      giftMessage: 'Happy birthday',
      customerNotes: 'Leave at door',
      weight: { value: '24', units: 'ounces' },
      advancedOptions: { customField1: 'c1', billToParty: 'my_other_account' },
      items: [{ lineItemKey: 'L1', sku: 'S', name: 'Item', quantity: 1, unitPrice: '10', taxAmount: '0.8', shippingAmount: '1', productId: 7, upc: '0001', weight: { value: '8', units: 'ounces' }, options: [{ name: 'Size', value: 'L' }], imageUrl: 'https://example.com/i.png', warehouseLocation: 'A1' }],
    }),
  });
  sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: 'pending-one' }) });
  const shipment = sim.shipOrder({ accountId: keys.accountId, orderId: order.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '12.34', insuranceCost: '1.5', confirmation: 'signature' });
  labelId = shipment.labelId;
  shipmentId = order.v2ShipmentId;
});
afterAll(async () => sim.close());

function expectDeclared(value: unknown, schema: string): void {
  expect(undeclaredKeys(value, schemaShape(doc, schema))).toEqual([]);
}

function schema(name: string): Obj {
  const node = ((doc.components as Obj).schemas as Obj)[name];
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new Error(`schema ${name} missing`);
  return node;
}

const enumOf = (name: string) => schema(name).enum as string[];
const patternOf = (name: string) => new RegExp(schema(name).pattern as string);

describe('V2 responses use only keys the OpenAPI file declares', () => {
  it('reads the spec (block scalars and allOf included)', () => {
    expect(Object.keys(doc.paths as Obj)).toHaveLength(49);
    expect(describeShape(schemaShape(doc, 'list_shipments_response_body'))).toContain('shipments.ship_to.address_line1');
    // The check can fail: a V1-style key in a V2 shipment is caught.
    expect(undeclaredKeys({ shipments: [{ shipment_id: 'se-1', orderId: 1 }], total: 1 }, schemaShape(doc, 'list_shipments_response_body'))).toEqual(['shipments[].orderId']);
  });

  it('GET /v2/shipments matches list_shipments_response_body', async () => {
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments');
    expect(res.body.shipments).toHaveLength(2);
    expectDeclared(res.body, 'list_shipments_response_body');
  });

  it('GET /v2/shipments/{id} matches get_shipment_by_id_response_body', async () => {
    expectDeclared((await v2(sim, keys.v2ApiKey, 'GET', `/v2/shipments/${shipmentId}`)).body, 'get_shipment_by_id_response_body');
  });

  it('GET /v2/labels and /v2/labels/{id} match list_labels_response_body and get_label_by_id_response_body', async () => {
    expectDeclared((await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels')).body, 'list_labels_response_body');
    expectDeclared((await v2(sim, keys.v2ApiKey, 'GET', `/v2/labels/${labelId}`)).body, 'get_label_by_id_response_body');
  });

  it('PUT /v2/labels/{id}/void and errors match void_label_response_body and error_response_body', async () => {
    const other = sim.createAccount();
    const o = sim.importOrder({ accountId: other.accountId, order: sampleOrder() });
    const s = sim.shipOrder({ accountId: other.accountId, orderId: o.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '1' });
    expectDeclared((await v2(sim, other.v2ApiKey, 'PUT', `/v2/labels/${s.labelId}/void`)).body, 'void_label_response_body');
    expectDeclared((await v2(sim, other.v2ApiKey, 'PUT', `/v2/labels/${s.labelId}/void`)).body, 'void_label_response_body');
    expectDeclared((await v2(sim, 'wrong', 'GET', '/v2/labels')).body, 'error_response_body');
    expectDeclared((await v2(sim, other.v2ApiKey, 'GET', '/v2/shipments/se-1')).body, 'error_response_body');
  });
});

describe('V2 values fit the spec', () => {
  it('ids, timestamps and enums', async () => {
    const shipments = (await v2(sim, keys.v2ApiKey, 'GET', '/v2/shipments')).body.shipments as Record<string, any>[];
    const [label] = (await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels')).body.labels as Record<string, any>[];
    const err = (await v2(sim, 'wrong', 'GET', '/v2/labels')).body.errors[0];
    const seId = patternOf('se_id');
    const dateTime = patternOf('date_time');
    for (const s of shipments) {
      for (const id of [s.shipment_id, s.store_id, s.warehouse_id]) expect(id).toMatch(seId);
      expect(s.created_at).toMatch(dateTime);
      expect(s.modified_at).toMatch(dateTime);
      expect(enumOf('shipment_status')).toContain(s.shipment_status);
      expect(enumOf('delivery_confirmation')).toContain(s.confirmation);
      expect(enumOf('address_residential_indicator')).toContain(s.ship_to.address_residential_indicator);
      expect(enumOf('insurance_provider')).toContain(s.insurance_provider);
      expect(enumOf('weight_unit')).toContain(s.total_weight.unit);
    }
    expect(enumOf('order_source_name')).toContain(shipments.find((s) => s.order_source_code)?.order_source_code);
    expect(patternOf('date')).toBeDefined();
    expect(label!.ship_date).toMatch(patternOf('date'));
    expect(label!.label_id).toMatch(seId);
    expect(label!.carrier_id).toMatch(seId);
    expect(enumOf('label_status')).toContain(label!.status);
    expect(enumOf('label_charge_event')).toContain(label!.charge_event);
    expect(enumOf('tracking_status')).toContain(label!.tracking_status);
    expect(enumOf('error_source')).toContain(err.error_source);
    expect(enumOf('error_type')).toContain(err.error_type);
    expect(enumOf('error_code')).toContain(err.error_code);
  });
});
