/**
 * The catalog half of the ShipStation connector: products (every page, inactive included, a restart when the
 * list shifts), carriers and their services (bare arrays), and their mapping to catalog entries. Records are the
 * V1 apiary spec's examples (APIs-guru shipstation.com 1.0.0: `GET /products`, `GET /carriers`, `listservices`).
 */
import { describe, expect, it } from 'vitest';
import { syncErrorOf } from '../_kit/testing.ts';
import { createShipStationClient, listCarriers, listProducts, listServices } from './client.ts';
import { createShipStationSource } from './source.ts';
import { answer, context, envelope, fakeHttp, type Seen } from './test-kit.ts';
import { catalogProductFromShipStation, shippingMethodsFromShipStation } from './to-canonical.ts';

const MUG = {
  aliases: null,
  productId: 7854008,
  sku: '1004',
  name: 'Coffee Mug',
  price: 26,
  defaultCost: 0,
  createDate: '2014-09-04T09:18:01.293',
  modifyDate: '2014-09-18T12:38:43.893',
  active: true,
  productCategory: { categoryId: 9999, name: 'Door Closers' },
};
const FIRST = { productId: 7984482, sku: 'FirstSKU', name: 'Product Name 123', price: 10, active: true };
const CARRIERS = [
  { name: 'Stamps.com', code: 'stamps_com', accountNumber: 'SS123', requiresFundedAccount: true, balance: 24.27, primary: true, shippingProviderId: 12345 },
  { name: 'Stamps.com', code: 'stamps_com', accountNumber: 'SS1234', requiresFundedAccount: true, balance: 2400.27, nickname: 'Stamps.com 2', primary: false, shippingProviderId: 12346 },
  { name: 'FedEx', code: 'fedex', accountNumber: '297929999', requiresFundedAccount: false, balance: 0, nickname: 'SS', primary: true, shippingProviderId: 12348 },
];
const FEDEX_SERVICES = [
  { carrierCode: 'fedex', code: 'fedex_ground', domestic: true, international: false, name: 'FedEx Ground®' },
  { carrierCode: 'fedex', code: 'fedex_international_priority', domestic: false, international: true, name: 'FedEx International Priority®' },
];

const client = (fake: ReturnType<typeof fakeHttp>) => createShipStationClient(context(fake.http));
const productPage = (records: unknown[], pageSize: number, total: number) => (r: Seen) => envelope('products', records, Number(r.query.page), pageSize, total);

describe('listProducts', () => {
  it('reads every page with showInactive=true and the largest page size', async () => {
    const pages: Record<string, unknown[]> = { '1': [MUG, FIRST], '2': [{ ...FIRST, productId: 1, sku: 'OLD', active: false }] };
    const fake = fakeHttp().on('GET', '/products', (r) => productPage(pages[r.query.page ?? ''] ?? [], 2, 3)(r));
    const records = await listProducts(client(fake), { pageSize: 2 });
    expect(fake.seen.map((s) => [s.query.page, s.query.pageSize, s.query.showInactive])).toEqual([
      ['1', '2', 'true'],
      ['2', '2', 'true'],
    ]);
    expect(records.map((r) => (r as { sku: string }).sku)).toEqual(['1004', 'FirstSKU', 'OLD']);
    const defaults = fakeHttp().on('GET', '/products', answer(200, { products: [MUG], total: 1, page: 1, pages: 1 }));
    await listProducts(client(defaults));
    expect(defaults.seen[0]?.query.pageSize).toBe('500');
    expect(defaults.seen[0]?.parsed.pathname).toBe('/products');
  });

  it('starts over when the total changes between pages, and deduplicates by productId', async () => {
    const totals = [3, 4, 3, 3];
    const fake = fakeHttp().on('GET', '/products', (r) => {
      const total = totals.shift() ?? 3;
      return envelope('products', Number(r.query.page) === 1 ? [MUG, FIRST] : [FIRST, { ...FIRST, productId: 5, sku: 'X' }], Number(r.query.page), 2, total);
    });
    const records = await listProducts(client(fake), { pageSize: 2 });
    expect(fake.seen.map((s) => s.query.page)).toEqual(['1', '2', '1', '2']);
    expect(records.map((r) => (r as { productId: number }).productId)).toEqual([7854008, 7984482, 5]);
  });

  it('gives up with TRANSIENT (nothing half-read is returned) when the list keeps changing', async () => {
    let total = 10;
    const fake = fakeHttp().on('GET', '/products', (r) => envelope('products', [MUG, FIRST], Number(r.query.page), 2, (total += 1)));
    const error = await syncErrorOf(listProducts(client(fake), { pageSize: 2, maxRestarts: 2 }));
    expect(error.code).toBe('TRANSIENT');
    expect(error.message).toMatch(/kept changing/);
  });
});

describe('carriers and services', () => {
  it('GET /carriers and GET /carriers/listservices?carrierCode= are bare arrays', async () => {
    const fake = fakeHttp().on('GET', '/carriers', answer(200, CARRIERS)).on('GET', '/carriers/listservices', answer(200, FEDEX_SERVICES));
    expect(await listCarriers(client(fake))).toHaveLength(3);
    expect(await listServices(client(fake), 'fedex')).toHaveLength(2);
    expect(fake.seen[1]?.url).toBe('https://ssapi.shipstation.com/carriers/listservices?carrierCode=fedex');
    expect(fake.seen.map((s) => s.op)).toEqual(['shipstation.carriers.list', 'shipstation.carriers.services']);
    const wrapped = fakeHttp().on('GET', '/carriers', answer(200, { carriers: CARRIERS }));
    expect((await syncErrorOf(listCarriers(client(wrapped)))).code).toBe('SOURCE_PAYLOAD_INVALID');
  });
});

describe('catalog entries', () => {
  it('a product keeps its id, SKU, name and exact price; inactive stays inactive; a nameless one is named by its SKU', () => {
    expect(catalogProductFromShipStation(MUG)).toEqual({ sourceId: '7854008', sku: '1004', name: 'Coffee Mug', price: '26', active: true });
    expect(catalogProductFromShipStation({ productId: 1, sku: 'OLD-1', name: '  ', price: '9.90', active: false })).toEqual({ sourceId: '1', sku: 'OLD-1', name: 'OLD-1', price: '9.9', active: false });
    expect(catalogProductFromShipStation({ productId: 2, sku: null, name: null, price: null })).toEqual({ sourceId: '2', sku: null, name: 'Product 2', price: null, active: true });
    expect(() => catalogProductFromShipStation({ sku: 'no id' })).toThrow(/product/);
  });

  it('services become shipping methods keyed by their code, named by the carrier (and its nickname)', () => {
    expect(shippingMethodsFromShipStation(CARRIERS[2], FEDEX_SERVICES)).toEqual([
      { carrierCode: 'fedex', carrierName: 'FedEx (SS)', serviceCode: 'fedex_ground', name: 'FedEx Ground®', domestic: true, international: false },
      { carrierCode: 'fedex', carrierName: 'FedEx (SS)', serviceCode: 'fedex_international_priority', name: 'FedEx International Priority®', domestic: false, international: true },
    ]);
    expect(shippingMethodsFromShipStation(CARRIERS[0], [{ carrierCode: 'stamps_com', code: 'usps_media_mail', name: null }])[0]).toMatchObject({ carrierName: 'Stamps.com', name: 'usps_media_mail', domestic: null });
  });

  it('the source reads products and every carrier’s services once per carrier code', async () => {
    const fake = fakeHttp()
      .on('GET', '/products', answer(200, `{"products":[{"productId":7854008,"sku":"1004","name":"Coffee Mug","price":19.99,"active":true}],"total":1,"page":1,"pages":1}`))
      .on('GET', '/carriers', answer(200, CARRIERS))
      .on('GET', '/carriers/listservices', (r) => answer(200, r.query.carrierCode === 'fedex' ? FEDEX_SERVICES : [{ carrierCode: 'stamps_com', code: 'usps_priority_mail', name: 'USPS Priority Mail', domestic: true, international: false }]));
    const catalog = await createShipStationSource(context(fake.http)).catalog();
    expect(catalog.products).toEqual([{ sourceId: '7854008', sku: '1004', name: 'Coffee Mug', price: '19.99', active: true }]);
    expect(catalog.shippingMethods.map((m) => `${m.carrierCode}/${m.serviceCode}`)).toEqual(['stamps_com/usps_priority_mail', 'fedex/fedex_ground', 'fedex/fedex_international_priority']);
    expect(fake.seen.filter((s) => s.parsed.pathname === '/carriers/listservices').map((s) => s.query.carrierCode)).toEqual(['stamps_com', 'fedex']);
  });
});
