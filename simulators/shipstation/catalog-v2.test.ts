/**
 * V2 carriers and products use only keys the ShipStation V2 OpenAPI file declares for their responses, as the
 * shipments and labels do (spec-shapes.test.ts). The spec file is required (SHIPSTATION_SPEC overrides its path).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, schemaShape, undeclaredKeys, type Shape } from '../_kit/spec-check/openapi-shape.ts';
import type { YamlValue } from '../_kit/spec-check/yaml-lite.ts';
import type { AccountKeys, ShipStationSim } from './index.ts';
import { sampleOrder, startSim, v2 } from './test-helpers.ts';

const SPEC = process.env.SHIPSTATION_SPEC ?? fileURLToPath(new URL('../../../shared/specs/shipstation/v2-shipstation/openapi.yaml', import.meta.url));

type Obj = { [key: string]: YamlValue };
let doc: Obj;
let sim: ShipStationSim;
let keys: AccountKeys;

beforeAll(async () => {
  if (!existsSync(SPEC)) throw new Error(`ShipStation V2 OpenAPI file missing: ${SPEC} (see shared/specs/SOURCES.md)`);
  doc = loadSpec(SPEC);
  sim = await startSim();
  keys = sim.createAccount();
});
afterAll(async () => sim.close());

const at = (node: YamlValue | undefined, ...path: string[]): YamlValue | undefined =>
  path.reduce<YamlValue | undefined>((acc, key) => (typeof acc === 'object' && acc !== null && !Array.isArray(acc) ? acc[key] : undefined), node);

/** The shape of an operation's 200 JSON response, inline or composed (allOf), as the spec writes it. */
function responseShape(path: string): Shape {
  const schema = at(doc, 'paths', path, 'get', 'responses', '200', 'content', 'application/json', 'schema');
  if (schema === undefined) throw new Error(`no 200 schema for GET ${path}`);
  const components = doc.components as Obj;
  return schemaShape({ ...doc, components: { ...components, schemas: { ...(components.schemas as Obj), __response: schema } } }, '__response');
}

describe('V2 catalog responses use only declared keys', () => {
  it('GET /v2/carriers matches its 200 schema (list_carriers_response_body + error_response_body)', async () => {
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/carriers');
    expect(res.status).toBe(200);
    expect(res.body.carriers.map((c: { carrier_code: string }) => c.carrier_code)).toEqual(['stamps_com', 'ups', 'fedex']);
    expect(res.body.errors).toEqual([]);
    expect(undeclaredKeys(res.body, responseShape('/v2/carriers'))).toEqual([]);
    // The check can fail: a V1-style key in a V2 carrier is caught.
    expect(undeclaredKeys({ carriers: [{ carrier_id: 'se-1', shippingProviderId: 1 }] }, responseShape('/v2/carriers'))).toEqual(['carriers[].shippingProviderId']);
    const ups = res.body.carriers[1];
    expect(ups.carrier_id).toMatch(new RegExp(String(at(doc, 'components', 'schemas', 'se_id', 'pattern'))));
    expect(ups.services.map((s: { service_code: string }) => s.service_code)).toContain('ups_ground');
  });

  it('GET /v2/carriers/{id} matches carrier, and /services matches list_carrier_services_response_body', async () => {
    const [, ups] = (await v2(sim, keys.v2ApiKey, 'GET', '/v2/carriers')).body.carriers as Array<{ carrier_id: string }>;
    const one = await v2(sim, keys.v2ApiKey, 'GET', `/v2/carriers/${ups!.carrier_id}`);
    expect(one.body.friendly_name).toBe('UPS');
    expect(undeclaredKeys(one.body, schemaShape(doc, 'get_carrier_by_id_response_body'))).toEqual([]);
    const services = await v2(sim, keys.v2ApiKey, 'GET', `/v2/carriers/${ups!.carrier_id}/services`);
    expect(services.body.services[0]).toMatchObject({ carrier_id: ups!.carrier_id, service_code: 'ups_ground', domestic: true, international: false });
    expect(undeclaredKeys(services.body, schemaShape(doc, 'list_carrier_services_response_body'))).toEqual([]);
    const missing = await v2(sim, keys.v2ApiKey, 'GET', '/v2/carriers/se-1');
    expect(missing.status).toBe(404);
    expect(undeclaredKeys(missing.body, schemaShape(doc, 'error_response_body'))).toEqual([]);
  });

  it('a label names the same carrier_id as the carrier list', async () => {
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder() });
    sim.shipOrder({ accountId: keys.accountId, orderId: order.orderId, carrierCode: 'ups', serviceCode: 'ups_ground', shipmentCost: '5' });
    const [label] = (await v2(sim, keys.v2ApiKey, 'GET', '/v2/labels')).body.labels as Array<{ carrier_id: string }>;
    const carriers = (await v2(sim, keys.v2ApiKey, 'GET', '/v2/carriers')).body.carriers as Array<{ carrier_id: string; carrier_code: string }>;
    expect(label!.carrier_id).toBe(carriers.find((c) => c.carrier_code === 'ups')?.carrier_id);
  });

  it('GET /v2/products matches its inline 200 schema; filters by sku, name and active; pages up to 100', async () => {
    const res = await v2(sim, keys.v2ApiKey, 'GET', '/v2/products');
    expect(res.body.total).toBe(6);
    expect(undeclaredKeys(res.body, responseShape('/v2/products'))).toEqual([]);
    expect(res.text).toContain('"price":{"currency":"usd","amount":14.5}');
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/products', { active: 'false' })).body.products.map((p: { sku: string }) => p.sku)).toEqual(['OLD-1']);
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/products', { sku: 'TEE-M' })).body.products.map((p: { name: string }) => p.name)).toEqual(['T-shirt (M)']);
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/products', { name: 'mug' })).body.total).toBe(3);
    const page = await v2(sim, keys.v2ApiKey, 'GET', '/v2/products', { page_size: '4', page: '2' });
    expect(page.body).toMatchObject({ total: 6, page: 2, pages: 2 });
    expect(page.body.links.prev.href).toContain('page=1');
    expect((await v2(sim, keys.v2ApiKey, 'GET', '/v2/products', { page_size: '101' })).status).toBe(400);
  });
});
