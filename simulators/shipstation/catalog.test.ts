/**
 * The V1 catalog endpoints (V1 apiary spec, see catalog.ts): products with their filters, paging and exact prices,
 * `PUT /products/{id}` as a whole-object replace, carriers and their services as bare arrays, and the control
 * routes that add and change catalog entries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountKeys, ShipStationSim } from './index.ts';
import { startSim, v1 } from './test-helpers.ts';

let sim: ShipStationSim;
let keys: AccountKeys;
beforeEach(async () => {
  sim = await startSim();
  keys = sim.createAccount();
});
afterEach(async () => sim.close());

async function control(method: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/_sim/shipstation/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const skus = (body: any): string[] => body.products.map((p: { sku: string }) => p.sku);

describe('GET /products', () => {
  it('lists active products in the {products, total, page, pages} envelope, inactive ones only with showInactive=true', async () => {
    const res = await v1(sim, keys, 'GET', '/products');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-rate-limit-limit')).toBe('40');
    expect(skus(res.body)).toEqual(['1004', 'FirstSKU', 'MUG-BLK', 'TEE-M', 'CANDLE-LG']);
    expect(res.body).toMatchObject({ total: 5, page: 1, pages: 1 });
    const all = await v1(sim, keys, 'GET', '/products', { query: { showInactive: 'true' } });
    expect(skus(all.body)).toContain('OLD-1');
    expect(all.body.products.find((p: any) => p.sku === 'OLD-1').active).toBe(false);
  });

  it('renders a product field for field as the spec example, prices as exact JSON numbers, Pacific timestamps', async () => {
    const res = await v1(sim, keys, 'GET', '/products', { query: { sku: '1004' } });
    const [mug] = res.body.products;
    expect(Object.keys(mug)).toEqual([
      'aliases', 'productId', 'sku', 'name', 'price', 'defaultCost', 'length', 'width', 'height', 'weightOz', 'internalNotes', 'fulfillmentSku',
      'createDate', 'modifyDate', 'active', 'productCategory', 'productType', 'warehouseLocation', 'defaultCarrierCode', 'defaultServiceCode',
      'defaultPackageCode', 'defaultIntlCarrierCode', 'defaultIntlServiceCode', 'defaultIntlPackageCode', 'defaultConfirmation',
      'defaultIntlConfirmation', 'customsDescription', 'customsValue', 'customsTariffNo', 'customsCountryCode', 'noCustoms', 'tags',
    ]);
    expect(mug).toMatchObject({ name: 'Coffee Mug', price: 26, productCategory: { categoryId: 9999, name: 'Door Closers' }, tags: [{ tagId: 9180, name: 'APItest' }] });
    // 2026-06-15T17:00:00Z is 10:00 PDT; product timestamps drop the fraction's trailing zeros, as the spec's examples do.
    expect(mug.createDate).toBe('2026-06-15T10:00:00');
    const candle = await v1(sim, keys, 'GET', '/products', { query: { sku: 'candle-lg' } });
    expect(candle.text).toContain('"price":19.99,');
    const black = await v1(sim, keys, 'GET', '/products', { query: { sku: 'MUG-BLK' } });
    expect(black.text).toContain('"price":14.5,');
  });

  it('filters by name (part, any case), category, tag and creation date; sorts by SKU; pages', async () => {
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { name: 'MUG' } })).body)).toEqual(['1004', 'MUG-BLK']);
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { productCategoryId: 9999 } })).body)).toEqual(['1004']);
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { tagId: 9180 } })).body)).toEqual(['1004']);
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { productTypeId: 1 } })).body)).toEqual([]);
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { sortBy: 'SKU', sortDir: 'DESC' } })).body)).toEqual(['TEE-M', 'MUG-BLK', 'FirstSKU', 'CANDLE-LG', '1004']);
    const page2 = await v1(sim, keys, 'GET', '/products', { query: { pageSize: 2, page: 2 } });
    expect(page2.body).toMatchObject({ total: 5, page: 2, pages: 3 });
    expect(skus(page2.body)).toEqual(['MUG-BLK', 'TEE-M']);
    sim.clock.advance(3_600_000);
    sim.addProduct({ accountId: keys.accountId, product: { sku: 'LATE', name: 'Late product', price: '1' } });
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { startDate: '2026-06-15 10:30:00' } })).body)).toEqual(['LATE']);
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { endDate: '2026-06-15 10:00:00' } })).body)).not.toContain('LATE');
    expect((await v1(sim, keys, 'GET', '/products', { query: { sortBy: 'Price' } })).status).toBe(400);
  });

  it("GET /products/{id} answers one product; another account's product is a 404 with {message}", async () => {
    const [first] = sim.listProducts({ accountId: keys.accountId });
    const res = await v1(sim, keys, 'GET', `/products/${first!.productId}`);
    expect(res.body.sku).toBe('1004');
    const other = sim.createAccount();
    const refused = await v1(sim, other, 'GET', `/products/${first!.productId}`);
    expect(refused.status).toBe(404);
    expect(typeof refused.body.message).toBe('string');
  });
});

describe('PUT /products/{id}', () => {
  it('replaces the whole product: fields left out become null; answers {success, message}; bumps modifyDate only', async () => {
    const mug = sim.listProducts({ accountId: keys.accountId }).find((p) => p.sku === '1004')!;
    sim.clock.advance(60_000);
    const res = await v1(sim, keys, 'PUT', `/products/${mug.productId}`, { rawBody: `{"productId":${mug.productId},"sku":"1004","name":"Coffee Mug XL","price":27.10,"active":true}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: 'The requested product has been updated' });
    const read = (await v1(sim, keys, 'GET', `/products/${mug.productId}`)).body;
    expect(read).toMatchObject({ name: 'Coffee Mug XL', fulfillmentSku: null, warehouseLocation: null, productCategory: null, tags: null, createDate: '2026-06-15T10:00:00', modifyDate: '2026-06-15T10:01:00' });
    expect(sim.listProducts({ accountId: keys.accountId }).find((p) => p.productId === mug.productId)?.price).toBe('27.10');
  });

  it('refuses a body without a name or naming another productId (400 {message})', async () => {
    const mug = sim.listProducts({ accountId: keys.accountId })[0]!;
    expect((await v1(sim, keys, 'PUT', `/products/${mug.productId}`, { body: { sku: 'x' } })).status).toBe(400);
    const wrong = await v1(sim, keys, 'PUT', `/products/${mug.productId}`, { body: { productId: 1, name: 'x' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/does not match/);
    expect((await v1(sim, keys, 'PUT', '/products/1', { body: { name: 'x' } })).status).toBe(404);
  });
});

describe('carriers and services', () => {
  it('GET /carriers is a bare array of Carrier models', async () => {
    const res = await v1(sim, keys, 'GET', '/carriers');
    expect(res.status).toBe(200);
    expect(res.body.map((c: { code: string }) => c.code)).toEqual(['stamps_com', 'ups', 'fedex']);
    expect(Object.keys(res.body[0])).toEqual(['name', 'code', 'accountNumber', 'requiresFundedAccount', 'balance', 'nickname', 'shippingProviderId', 'primary']);
    expect(res.text).toContain('"balance":24.27,');
    expect(res.body[2]).toMatchObject({ name: 'FedEx', nickname: 'SS', accountNumber: '297929999' });
  });

  it('getcarrier and listservices need carrierCode; services carry carrierCode, code, name, domestic, international', async () => {
    expect((await v1(sim, keys, 'GET', '/carriers/getcarrier', { query: { carrierCode: 'ups' } })).body.name).toBe('UPS');
    const services = await v1(sim, keys, 'GET', '/carriers/listservices', { query: { carrierCode: 'fedex' } });
    expect(services.body[0]).toEqual({ carrierCode: 'fedex', code: 'fedex_ground', name: 'FedEx Ground®', domestic: true, international: false });
    expect(services.body).toHaveLength(8);
    // Parameter names match case-insensitively, as everywhere in V1.
    expect((await v1(sim, keys, 'GET', '/Carriers/ListServices?carriercode=ups')).body.map((s: { code: string }) => s.code)).toContain('ups_ground');
    const missing = await v1(sim, keys, 'GET', '/carriers/listservices');
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/carrierCode/);
    expect((await v1(sim, keys, 'GET', '/carriers/listservices', { query: { carrierCode: 'dhl_express' } })).status).toBe(404);
    expect((await v1(sim, keys, 'POST', '/carriers', { body: {} })).status).toBe(405);
  });

  it('an account created with catalog "none" has no carriers and no products', async () => {
    const bare = sim.createAccount({ catalog: 'none' });
    expect((await v1(sim, bare, 'GET', '/carriers')).body).toEqual([]);
    expect((await v1(sim, bare, 'GET', '/products', { query: { showInactive: 'true' } })).body).toEqual({ products: [], total: 0, page: 1, pages: 0 });
  });
});

describe('catalog control routes', () => {
  it('add, change, deactivate and delete products over HTTP, keeping amounts exact', async () => {
    const added = await control('addProduct', `{"accountId":${keys.accountId},"product":{"sku":"GIZMO","name":"Gizmo","price":0.10}}`);
    expect(added.status).toBe(200);
    expect(added.body.price).toBe('0.10');
    const id = added.body.productId as number;
    sim.clock.advance(5_000);
    const changed = await control('updateProduct', { accountId: keys.accountId, productId: id, patch: { name: 'Gizmo 2', price: '0.15' } });
    expect(changed.body).toMatchObject({ name: 'Gizmo 2', price: '0.15', sku: 'GIZMO' });
    expect(changed.body.modifyDate).toBeGreaterThan(changed.body.createDate);
    await control('updateProduct', { accountId: keys.accountId, productId: id, patch: { active: false } });
    expect(skus((await v1(sim, keys, 'GET', '/products')).body)).not.toContain('GIZMO');
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { showInactive: 'true' } })).body)).toContain('GIZMO');
    expect((await control('deleteProduct', { accountId: keys.accountId, productId: id })).body).toEqual({ deleted: true });
    expect(skus((await v1(sim, keys, 'GET', '/products', { query: { showInactive: 'true' } })).body)).not.toContain('GIZMO');
    expect((await control('addProduct', { accountId: keys.accountId, product: { sku: 'NONAME' } })).status).toBe(400);
    expect((await control('updateProduct', { accountId: keys.accountId, productId: id, patch: { name: 'gone' } })).status).toBe(404);
    const mug = sim.listProducts({ accountId: keys.accountId })[0]!;
    expect((await control('updateProduct', { accountId: keys.accountId, productId: mug.productId, patch: { colour: 'red' } })).body.error).toMatch(/unknown product field colour/);
    const listed = await (await fetch(`${sim.url}/_sim/shipstation/listProducts?accountId=${keys.accountId}`)).json();
    expect((listed as unknown[]).length).toBe(6);
  });

  it('connects a carrier with services and adds a service; both show in the V1 lists', async () => {
    const carrier = await control('addCarrier', { accountId: keys.accountId, code: 'dhl_express', name: 'DHL Express', services: [{ code: 'dhl_express_worldwide', name: 'DHL Express Worldwide', domestic: false, international: true }] });
    expect(carrier.status).toBe(200);
    expect((await control('addService', { accountId: keys.accountId, carrierCode: 'dhl_express', code: 'dhl_express_domestic', name: 'DHL Domestic Express' })).status).toBe(200);
    expect((await control('addCarrier', { accountId: keys.accountId, code: 'ups', name: 'UPS again' })).status).toBe(409);
    expect((await control('addCarrier', { accountId: keys.accountId, code: 'Bad Code', name: 'x' })).status).toBe(400);
    const services = await v1(sim, keys, 'GET', '/carriers/listservices', { query: { carrierCode: 'dhl_express' } });
    expect(services.body.map((s: { code: string; international: boolean }) => [s.code, s.international])).toEqual([
      ['dhl_express_worldwide', true],
      ['dhl_express_domestic', false],
    ]);
    expect(sim.listCarriers({ accountId: keys.accountId }).map((c) => c.code)).toEqual(['stamps_com', 'ups', 'fedex', 'dhl_express']);
  });
});
