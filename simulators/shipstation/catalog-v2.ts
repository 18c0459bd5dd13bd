/**
 * V2 catalog endpoints (OpenAPI S11): `GET /v2/carriers` (`list_carriers_response_body` with the
 * `error_response_body` parts the spec composes into it: `request_id` and an empty `errors`), `GET
 * /v2/carriers/{carrier_id}` (`carrier`), `GET /v2/carriers/{carrier_id}/services`
 * (`list_carrier_services_response_body`), and `GET /v2/products` (`sku`, `name`, `active`, `page`, `page_size` 1–100,
 * default 100; `{products, total, page, pages, links}`). Carrier ids are the account's `se-` ids that labels carry too.
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../_kit/json-text.ts';
import type { SimRequest } from '../_kit/server.ts';
import type { CarrierRecord, ProductRecord, ServiceRecord } from './catalog.ts';
import { num } from './json-text.ts';
import type { AccountRecord } from './types.ts';
import { V2Error } from './v2-errors.ts';
import { isoUtc, type V2Shapes } from './v2-shape.ts';

type Answer = { status: number; body?: JsonValue | string };

const PRODUCT_PAGE_MAX = 100;

export class CatalogV2 {
  constructor(
    private readonly shapes: V2Shapes,
    private readonly baseUrl: () => string,
  ) {}

  /** The answer for a catalog path, or undefined when the path is not one of ours. */
  handle(account: AccountRecord, req: SimRequest, parts: readonly (string | undefined)[]): Answer | undefined {
    const [resource, a, b, c] = parts;
    if (req.method !== 'GET') return undefined;
    if (resource === 'carriers') {
      if (a === undefined) return { status: 200, body: { carriers: account.carriers.map((x) => this.carrier(account, x)), request_id: randomUUID(), errors: [] } };
      const carrier = account.carriers.find((x) => account.v2CarrierIds.get(x.code) === a);
      if (!carrier) throw new V2Error(404, 'validation', 'invalid_identifier', `carrier_id ${a} was not found`);
      if (b === undefined) return { status: 200, body: this.carrier(account, carrier) };
      if (b === 'services' && c === undefined) return { status: 200, body: { services: carrier.services.map((s) => this.service(account, carrier, s)) } };
      return undefined;
    }
    if (resource === 'products' && a === undefined) return { status: 200, body: this.listProducts(account, req) };
    return undefined;
  }

  private listProducts(account: AccountRecord, req: SimRequest): JsonValue {
    const q = req.query;
    const sku = q.get('sku');
    const name = q.get('name')?.toLowerCase();
    const active = q.get('active');
    if (active !== null && active !== 'true' && active !== 'false') throw new V2Error(400, 'validation', 'invalid_field_value', 'active must be true or false');
    const page = positive(q.get('page'), 'page') ?? 1;
    const pageSize = positive(q.get('page_size'), 'page_size') ?? PRODUCT_PAGE_MAX;
    if (pageSize > PRODUCT_PAGE_MAX) throw new V2Error(400, 'validation', 'invalid_field_value', `page_size must be at most ${PRODUCT_PAGE_MAX}`);
    const rows = [...account.products.values()]
      .filter((p) => (sku === null || sku === '' || p.sku === sku) && (name === undefined || name === '' || p.name.toLowerCase().includes(name)) && (active === null || p.active === (active === 'true')))
      .sort((x, y) => x.productId - y.productId);
    const total = rows.length;
    const pages = Math.ceil(total / pageSize);
    const href = (p: number) => {
      const u = new URL(`${this.baseUrl()}${req.path}`);
      for (const [k, v] of q) if (k !== 'page' && k !== 'page_size') u.searchParams.append(k, v);
      u.searchParams.set('page', String(p));
      u.searchParams.set('page_size', String(pageSize));
      return { href: u.toString() };
    };
    return {
      products: rows.slice((page - 1) * pageSize, page * pageSize).map((p) => this.product(p)),
      total,
      page,
      pages,
      links: { first: href(1), last: href(Math.max(1, pages)), prev: page > 1 ? href(page - 1) : {}, next: page < pages ? href(page + 1) : {} },
    };
  }

  carrier(account: AccountRecord, c: CarrierRecord): JsonValue {
    return {
      carrier_id: account.v2CarrierIds.get(c.code) ?? null,
      carrier_code: c.code,
      account_number: c.accountNumber,
      requires_funded_amount: c.requiresFundedAccount,
      balance: num(c.balance),
      nickname: c.nickname ?? c.name,
      friendly_name: c.name,
      primary: c.primary,
      has_multi_package_supporting_services: false,
      supports_label_messages: false,
      disabled_by_billing_plan: false,
      services: c.services.map((s) => this.service(account, c, s)),
      packages: [],
      options: [],
    };
  }

  /** The spec types `service.carrier_code` as an se_id (a slip, it seems); the carrier's code is sent, as V1 does. */
  service(account: AccountRecord, c: CarrierRecord, s: ServiceRecord): JsonValue {
    return {
      carrier_id: account.v2CarrierIds.get(c.code) ?? null,
      carrier_code: c.code,
      service_code: s.code,
      name: s.name,
      domestic: s.domestic,
      international: s.international,
      is_multi_package_supported: false,
    };
  }

  product(p: ProductRecord): JsonValue {
    const measure = (v: string | null) => (v === null ? null : num(v));
    return {
      product_id: p.productId,
      sku: p.sku ?? '',
      name: p.name,
      upc: null,
      thumbnail_url: null,
      price: p.price === null ? null : this.shapes.money(p.price),
      dimensions: p.length === null && p.width === null && p.height === null ? null : { unit: 'inch', length: measure(p.length), width: measure(p.width), height: measure(p.height) },
      weight: p.weightOz === null ? null : { value: num(p.weightOz), unit: 'ounce' },
      internal_notes: p.internalNotes,
      fulfillment_sku: p.fulfillmentSku,
      create_date: isoUtc(p.createDate),
      modify_date: isoUtc(p.modifyDate),
      active: p.active,
      product_category: p.productCategory ? { product_category_id: p.productCategory.categoryId, name: p.productCategory.name } : null,
      preset_group: null,
      warehouse_location: p.warehouseLocation,
      default_carrier_code: p.defaultCarrierCode,
      default_service_code: p.defaultServiceCode,
      default_package_code: p.defaultPackageCode,
      default_intl_carrier_code: p.defaultIntlCarrierCode,
      default_intl_service_code: p.defaultIntlServiceCode,
      default_intl_package_code: p.defaultIntlPackageCode,
      default_confirmation: p.defaultConfirmation,
      default_intl_confirmation: p.defaultIntlConfirmation,
      customs_description: p.customsDescription,
      customs_value: measure(p.customsValue),
      customs_tariff_no: p.customsTariffNo,
      customs_country_code: p.customsCountryCode,
      no_customs: p.noCustoms ?? false,
      tags: p.tags === null ? null : p.tags.map((t) => ({ tag_id: t.tagId, name: t.name })),
      aliases: null,
      product_type: p.productType,
      is_returnable: false,
      should_override_name: null,
      is_bundle: false,
      bundle_components: null,
      auto_split_option: 'do_not_split',
      auto_split_custom_quantity: null,
    };
  }
}

function positive(v: string | null, name: string): number | undefined {
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new V2Error(400, 'validation', 'invalid_field_value', `${name} must be a positive integer`);
  return Number(v);
}
