/**
 * V1 catalog endpoints (V1 spec, see catalog.ts): `GET /products` (filters, sorting, paging, inactive products only
 * with `showInactive=true`), `GET /products/{id}`, `PUT /products/{id}`, `GET /carriers` (a bare array),
 * `GET /carriers/getcarrier?carrierCode=`, `GET /carriers/listservices?carrierCode=` (a bare array). Products render
 * field for field as the spec's `GET /products/{id}` example, timestamps Pacific with the fraction's trailing zeros
 * dropped (`2014-09-18T12:38:43.893`, as the spec's product examples print them).
 */
import type { JsonValue } from '../_kit/json-text.ts';
import type { Catalog, CarrierRecord, ProductRecord, ServiceRecord } from './catalog.ts';
import { SimInputError } from './errors.ts';
import { num } from './json-text.ts';
import { formatPacificTrimmed } from './pacific-time.ts';
import type { AccountRecord } from './types.ts';
import type { V1Query } from './v1-query.ts';
import type { V1Shapes } from './v1-shape.ts';

export class CatalogV1 {
  constructor(
    private readonly catalog: Catalog,
    private readonly shapes: V1Shapes,
  ) {}

  /**
   * `GET /products`. `sku` matches the whole SKU and `name` any part of the name, both case-insensitively [inf: the
   * spec says only "match"]; `startDate`/`endDate` bound createDate (inclusive, Pacific, as every V1 filter);
   * `productCategoryId`, `tagId` match the category and tags; `productTypeId` matches nothing, as product types are
   * not modelled; default order ascending productId [inf].
   */
  listProducts(account: AccountRecord, q: V1Query): JsonValue {
    q.paging();
    const sku = q.get('sku')?.toLowerCase();
    const name = q.get('name')?.toLowerCase();
    const categoryId = q.int('productCategoryId');
    const typeId = q.int('productTypeId');
    const tagId = q.int('tagId');
    const created = q.timeRange('startDate', 'endDate');
    const showInactive = q.bool('showInactive', false);
    const sortBy = q.choice('sortBy', ['SKU', 'ModifyDate', 'CreateDate'] as const);
    const rows = [...account.products.values()].filter(
      (p) =>
        (showInactive || p.active) &&
        (sku === undefined || (p.sku ?? '').toLowerCase() === sku) &&
        (name === undefined || p.name.toLowerCase().includes(name)) &&
        (categoryId === undefined || p.productCategory?.categoryId === categoryId) &&
        typeId === undefined &&
        (tagId === undefined || (p.tags ?? []).some((t) => t.tagId === tagId)) &&
        created(p.createDate),
    );
    const descending = q.descending();
    if (sortBy === 'SKU') {
      rows.sort((a, b) => ((a.sku ?? '').localeCompare(b.sku ?? '') || a.productId - b.productId) * (descending ? -1 : 1));
    } else {
      const time = sortBy === 'ModifyDate' ? (p: ProductRecord) => p.modifyDate : sortBy === 'CreateDate' ? (p: ProductRecord) => p.createDate : undefined;
      q.sort(rows, (p) => p.productId, time, descending);
    }
    return q.envelope('products', rows, (p) => this.product(p));
  }

  getProduct(account: AccountRecord, productId: number): JsonValue {
    return this.product(this.catalog.product(account, productId));
  }

  /** `PUT /products/{id}` → `{success, message}` (V1 spec example). */
  putProduct(account: AccountRecord, productId: number, body: unknown): JsonValue {
    this.catalog.replaceProduct(account, productId, body);
    return { success: true, message: 'The requested product has been updated' };
  }

  listCarriers(account: AccountRecord): JsonValue {
    return account.carriers.map((c) => this.carrier(c));
  }

  getCarrier(account: AccountRecord, q: V1Query): JsonValue {
    return this.carrier(this.catalog.carrier(account, carrierCode(q)));
  }

  listServices(account: AccountRecord, q: V1Query): JsonValue {
    const carrier = this.catalog.carrier(account, carrierCode(q));
    return carrier.services.map((s) => service(carrier, s));
  }

  /** The V1 Product, keys in the order of the spec's `GET /products/{id}` example. */
  product(p: ProductRecord): JsonValue {
    const money = (v: string | null) => this.shapes.moneyOrNull(v);
    const measure = (v: string | null) => (v === null ? null : num(v));
    return {
      aliases: null,
      productId: p.productId,
      sku: p.sku,
      name: p.name,
      price: money(p.price),
      defaultCost: money(p.defaultCost),
      length: measure(p.length),
      width: measure(p.width),
      height: measure(p.height),
      weightOz: measure(p.weightOz),
      internalNotes: p.internalNotes,
      fulfillmentSku: p.fulfillmentSku,
      createDate: formatPacificTrimmed(p.createDate),
      modifyDate: formatPacificTrimmed(p.modifyDate),
      active: p.active,
      productCategory: p.productCategory ? { categoryId: p.productCategory.categoryId, name: p.productCategory.name } : null,
      productType: p.productType,
      warehouseLocation: p.warehouseLocation,
      defaultCarrierCode: p.defaultCarrierCode,
      defaultServiceCode: p.defaultServiceCode,
      defaultPackageCode: p.defaultPackageCode,
      defaultIntlCarrierCode: p.defaultIntlCarrierCode,
      defaultIntlServiceCode: p.defaultIntlServiceCode,
      defaultIntlPackageCode: p.defaultIntlPackageCode,
      defaultConfirmation: p.defaultConfirmation,
      defaultIntlConfirmation: p.defaultIntlConfirmation,
      customsDescription: p.customsDescription,
      customsValue: money(p.customsValue),
      customsTariffNo: p.customsTariffNo,
      customsCountryCode: p.customsCountryCode,
      noCustoms: p.noCustoms,
      tags: p.tags === null ? null : p.tags.map((t) => ({ tagId: t.tagId, name: t.name })),
    };
  }

  /** The V1 Carrier model: name, code, accountNumber, requiresFundedAccount, balance, nickname, shippingProviderId, primary. */
  carrier(c: CarrierRecord): JsonValue {
    return {
      name: c.name,
      code: c.code,
      accountNumber: c.accountNumber,
      requiresFundedAccount: c.requiresFundedAccount,
      balance: this.shapes.money(c.balance),
      nickname: c.nickname,
      shippingProviderId: c.shippingProviderId,
      primary: c.primary,
    };
  }
}

/** V1 Service: carrierCode, code, name, domestic, international (V1 spec `listservices` example). */
function service(carrier: CarrierRecord, s: ServiceRecord): JsonValue {
  return { carrierCode: carrier.code, code: s.code, name: s.name, domestic: s.domestic, international: s.international };
}

/** `carrierCode` is required by getcarrier and listservices (V1 spec: "required: true"). */
function carrierCode(q: V1Query): string {
  const code = q.get('carrierCode');
  if (code === undefined) throw new SimInputError('carrierCode is required');
  return code;
}
