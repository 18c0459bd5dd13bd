/**
 * Products and carriers (with their services) of an account: what V1 `/products`, `/carriers`,
 * `/carriers/getcarrier`, `/carriers/listservices` and V2 `/v2/products`, `/v2/carriers…` list. Written from the V1
 * apiary spec (APIs-guru `shipstation.com/1.0.0/swagger.yaml`, cited "V1 spec") and its Product/Carrier/Service
 * model pages, and the V2 OpenAPI file; the API notes (shared/api/shipstation.md) do not cover this part.
 *
 * Every new account gets a sample catalog (three carriers with services, a few products) unless it is created with
 * `catalog: 'none'`. Money is decimal text; instants are UTC ms, rendered by the V1 and V2 edges.
 */
import type { SimClock } from '../_kit/clock.ts';
import { SimInputError, notFound } from './errors.ts';
import type { Ids } from './ids.ts';
import { array, bool, int, obj, optBool, optDecimal, optObj, optStr, str, type Loose } from './input.ts';
import type { ShipStationState } from './state.ts';
import type { AccountRecord } from './types.ts';

export interface ProductCategory {
  categoryId: number;
  name: string;
}

/** The V1 Product model (V1 spec `GET /products/{id}` example, field for field). */
export interface ProductRecord {
  productId: number;
  sku: string | null;
  name: string;
  /** Unit price, decimal text. */
  price: string | null;
  defaultCost: string | null;
  length: string | null;
  width: string | null;
  height: string | null;
  weightOz: string | null;
  internalNotes: string | null;
  fulfillmentSku: string | null;
  createDate: number;
  modifyDate: number;
  active: boolean;
  productCategory: ProductCategory | null;
  productType: string | null;
  warehouseLocation: string | null;
  defaultCarrierCode: string | null;
  defaultServiceCode: string | null;
  defaultPackageCode: string | null;
  defaultIntlCarrierCode: string | null;
  defaultIntlServiceCode: string | null;
  defaultIntlPackageCode: string | null;
  defaultConfirmation: string | null;
  defaultIntlConfirmation: string | null;
  customsDescription: string | null;
  customsValue: string | null;
  customsTariffNo: string | null;
  customsCountryCode: string | null;
  noCustoms: boolean | null;
  tags: { tagId: number; name: string }[] | null;
}

/** A shipping service of a carrier (V1 spec `listservices` example: carrierCode, code, name, domestic, international). */
export interface ServiceRecord {
  code: string;
  name: string;
  domestic: boolean;
  international: boolean;
}

/** A carrier connected to the account (V1 Carrier model; V2 `carrier`). */
export interface CarrierRecord {
  shippingProviderId: number;
  code: string;
  name: string;
  nickname: string | null;
  accountNumber: string;
  requiresFundedAccount: boolean;
  /** Decimal text. */
  balance: string;
  primary: boolean;
  services: ServiceRecord[];
}

/** Writable product fields, amounts as decimal text (JSON numbers over HTTP are read exactly). */
export type ProductInput = Partial<Omit<ProductRecord, 'productId' | 'createDate' | 'modifyDate' | 'productCategory'>> & {
  name?: string;
  productCategory?: { categoryId: number; name: string } | null;
};

export interface CarrierInput {
  accountId: number;
  code: string;
  name: string;
  nickname?: string | null;
  accountNumber?: string;
  requiresFundedAccount?: boolean;
  balance?: string;
  primary?: boolean;
  services?: Array<{ code: string; name: string; domestic?: boolean; international?: boolean }>;
}

const CARRIER_CODE = /^[a-z0-9]+(_[a-z0-9]+)*$/;

/**
 * The sample carriers: the V1 spec's `/carriers` example (stamps_com, ups, fedex with their account numbers and
 * balances), FedEx services from its `listservices` example; USPS and UPS service names are ours [inf].
 */
const SAMPLE_CARRIERS: Omit<CarrierRecord, 'shippingProviderId'>[] = [
  {
    code: 'stamps_com',
    name: 'Stamps.com',
    nickname: null,
    accountNumber: 'SS123',
    requiresFundedAccount: true,
    balance: '24.27',
    primary: true,
    services: [
      { code: 'usps_first_class_mail', name: 'USPS First Class Mail', domestic: true, international: false },
      { code: 'usps_media_mail', name: 'USPS Media Mail', domestic: true, international: false },
      { code: 'usps_priority_mail', name: 'USPS Priority Mail', domestic: true, international: false },
      { code: 'usps_priority_mail_express', name: 'USPS Priority Mail Express', domestic: true, international: false },
      { code: 'usps_priority_mail_international', name: 'USPS Priority Mail Intl', domestic: false, international: true },
    ],
  },
  {
    code: 'ups',
    name: 'UPS',
    nickname: null,
    accountNumber: 'ABCR80',
    requiresFundedAccount: false,
    balance: '0',
    primary: true,
    services: [
      { code: 'ups_ground', name: 'UPS® Ground', domestic: true, international: false },
      { code: 'ups_3_day_select', name: 'UPS 3 Day Select®', domestic: true, international: false },
      { code: 'ups_2nd_day_air', name: 'UPS 2nd Day Air®', domestic: true, international: false },
      { code: 'ups_next_day_air', name: 'UPS Next Day Air®', domestic: true, international: false },
      { code: 'ups_worldwide_saver', name: 'UPS Worldwide Saver®', domestic: false, international: true },
    ],
  },
  {
    code: 'fedex',
    name: 'FedEx',
    nickname: 'SS',
    accountNumber: '297929999',
    requiresFundedAccount: false,
    balance: '0',
    primary: true,
    services: [
      { code: 'fedex_ground', name: 'FedEx Ground®', domestic: true, international: false },
      { code: 'fedex_home_delivery', name: 'FedEx Home Delivery®', domestic: true, international: false },
      { code: 'fedex_2day', name: 'FedEx 2Day®', domestic: true, international: false },
      { code: 'fedex_express_saver', name: 'FedEx Express Saver®', domestic: true, international: false },
      { code: 'fedex_standard_overnight', name: 'FedEx Standard Overnight®', domestic: true, international: false },
      { code: 'fedex_priority_overnight', name: 'FedEx Priority Overnight®', domestic: true, international: false },
      { code: 'fedex_international_economy', name: 'FedEx International Economy®', domestic: false, international: true },
      { code: 'fedex_international_priority', name: 'FedEx International Priority®', domestic: false, international: true },
    ],
  },
];

/** Sample products: the V1 spec's two examples (Coffee Mug, Product Name 123) and a few of ours, one inactive. */
const SAMPLE_PRODUCTS: ProductInput[] = [
  {
    sku: '1004',
    name: 'Coffee Mug',
    price: '26',
    defaultCost: '0',
    length: '3',
    width: '3',
    height: '3',
    weightOz: '26',
    fulfillmentSku: 'F1004',
    warehouseLocation: 'Bin 22',
    productCategory: { categoryId: 9999, name: 'Door Closers' },
    defaultCarrierCode: 'fedex',
    defaultServiceCode: 'fedex_home_delivery',
    defaultPackageCode: 'package',
    defaultIntlCarrierCode: 'ups',
    defaultIntlServiceCode: 'ups_worldwide_saver',
    defaultIntlPackageCode: 'package',
    defaultConfirmation: 'direct_signature',
    defaultIntlConfirmation: 'adult_signature',
    tags: [{ tagId: 9180, name: 'APItest' }],
  },
  { sku: 'FirstSKU', name: 'Product Name 123', price: '10', weightOz: '96', warehouseLocation: 'Bin 100', customsDescription: 'customs declaration', customsValue: '100', customsTariffNo: '1234567', customsCountryCode: 'US' },
  { sku: 'MUG-BLK', name: 'Black mug', price: '14.50', defaultCost: '4.15', weightOz: '14' },
  { sku: 'TEE-M', name: 'T-shirt (M)', price: '25.00', weightOz: '6' },
  { sku: 'CANDLE-LG', name: 'Large candle', price: '19.99', weightOz: '22.5' },
  { sku: 'OLD-1', name: 'Discontinued mug', price: '9.99', active: false },
];

const PRODUCT_TEXT_FIELDS = [
  'sku',
  'internalNotes',
  'fulfillmentSku',
  'productType',
  'warehouseLocation',
  'defaultCarrierCode',
  'defaultServiceCode',
  'defaultPackageCode',
  'defaultIntlCarrierCode',
  'defaultIntlServiceCode',
  'defaultIntlPackageCode',
  'defaultConfirmation',
  'defaultIntlConfirmation',
  'customsDescription',
  'customsTariffNo',
  'customsCountryCode',
] as const;
const PRODUCT_DECIMAL_FIELDS = ['price', 'defaultCost', 'length', 'width', 'height', 'weightOz', 'customsValue'] as const;
const PRODUCT_FIELDS = new Set<string>([...PRODUCT_TEXT_FIELDS, ...PRODUCT_DECIMAL_FIELDS, 'name', 'active', 'noCustoms', 'productCategory', 'tags', 'productId', 'createDate', 'modifyDate', 'aliases']);

/** Fills an account with the sample carriers (also V2 carrier ids) and products. */
export function seedCatalog(account: AccountRecord, ids: Ids, now: number): void {
  for (const carrier of SAMPLE_CARRIERS) {
    account.carriers.push({ ...carrier, shippingProviderId: ids.take('shippingProvider'), services: carrier.services.map((s) => ({ ...s })) });
    if (!account.v2CarrierIds.has(carrier.code)) account.v2CarrierIds.set(carrier.code, ids.se());
  }
  for (const input of SAMPLE_PRODUCTS) {
    const product = emptyProduct(ids.take('product'), now);
    applyProduct(product, input as Loose, 'patch');
    account.products.set(product.productId, product);
  }
}

function emptyProduct(productId: number, now: number): ProductRecord {
  return {
    productId,
    sku: null,
    name: '',
    price: null,
    defaultCost: null,
    length: null,
    width: null,
    height: null,
    weightOz: null,
    internalNotes: null,
    fulfillmentSku: null,
    createDate: now,
    modifyDate: now,
    active: true,
    productCategory: null,
    productType: null,
    warehouseLocation: null,
    defaultCarrierCode: null,
    defaultServiceCode: null,
    defaultPackageCode: null,
    defaultIntlCarrierCode: null,
    defaultIntlServiceCode: null,
    defaultIntlPackageCode: null,
    defaultConfirmation: null,
    defaultIntlConfirmation: null,
    customsDescription: null,
    customsValue: null,
    customsTariffNo: null,
    customsCountryCode: null,
    noCustoms: null,
    tags: null,
  };
}

/**
 * Writes `input` onto `product`. `patch` touches only the fields given; `replace` is `PUT /products/{id}`, which
 * "does not currently support partial updates" (V1 spec): every writable field not given becomes null (active: true).
 * Read-only fields (productId, createDate, modifyDate) and `aliases` are ignored.
 */
function applyProduct(product: ProductRecord, input: Loose, mode: 'patch' | 'replace'): void {
  for (const key of Object.keys(input)) if (!PRODUCT_FIELDS.has(key)) throw new SimInputError(`unknown product field ${key}`);
  const given = (key: string) => mode === 'replace' || key in input;
  if (given('name')) product.name = str(input.name, 'name');
  for (const key of PRODUCT_TEXT_FIELDS) if (given(key)) product[key] = optStr(input[key], key);
  for (const key of PRODUCT_DECIMAL_FIELDS) if (given(key)) product[key] = optDecimal(input[key], key);
  if (given('active')) product.active = bool(input.active, 'active', true);
  if (given('noCustoms')) product.noCustoms = optBool(input.noCustoms, 'noCustoms');
  if (given('productCategory')) {
    const category = optObj(input.productCategory, 'productCategory');
    product.productCategory = category ? { categoryId: int(category.categoryId, 'productCategory.categoryId'), name: str(category.name, 'productCategory.name') } : null;
  }
  if (given('tags')) {
    product.tags =
      input.tags === undefined || input.tags === null
        ? null
        : array(input.tags, 'tags').map((t, n) => {
            const tag = obj(t, `tags[${n}]`);
            return { tagId: int(tag.tagId, `tags[${n}].tagId`), name: str(tag.name, `tags[${n}].name`) };
          });
  }
}

/** Catalog changes, in-process (control routes) and through the API (`PUT /products/{id}`). */
export class Catalog {
  constructor(
    private readonly state: ShipStationState,
    private readonly clock: SimClock,
  ) {}

  addProduct(input: { accountId: number; product: ProductInput }): ProductRecord {
    const account = this.state.account(input.accountId);
    const body = obj(input.product, 'product');
    if (body.name === undefined) throw new SimInputError('product.name is required');
    const product = emptyProduct(this.state.ids.take('product'), this.clock.now());
    applyProduct(product, body, 'patch');
    account.products.set(product.productId, product);
    return product;
  }

  /** A UI edit: only the fields given change; modifyDate is bumped. `{ active: false }` deactivates. */
  updateProduct(input: { accountId: number; productId: number; patch: ProductInput }): ProductRecord {
    const product = this.product(this.state.account(input.accountId), int(input.productId, 'productId'));
    applyProduct(product, obj(input.patch, 'patch'), 'patch');
    product.modifyDate = this.clock.now();
    return product;
  }

  /** Removes a product outright: it leaves every list, inactive ones included. */
  deleteProduct(input: { accountId: number; productId: number }): { deleted: boolean } {
    return { deleted: this.state.account(input.accountId).products.delete(int(input.productId, 'productId')) };
  }

  listProducts(input: { accountId: number }): ProductRecord[] {
    return [...this.state.account(input.accountId).products.values()];
  }

  product(account: AccountRecord, productId: number): ProductRecord {
    const product = account.products.get(productId);
    if (!product) throw notFound(`Product ${productId} not found`);
    return product;
  }

  /** `PUT /products/{id}`: the whole product (V1 spec); a body naming another productId is refused [inf]. */
  replaceProduct(account: AccountRecord, productId: number, body: unknown): ProductRecord {
    const product = this.product(account, productId);
    const input = obj(body, 'body');
    if (input.productId !== undefined && input.productId !== null && int(input.productId, 'productId') !== productId) {
      throw new SimInputError(`productId in the body (${String(input.productId)}) does not match the URL (${productId})`);
    }
    if (typeof input.name !== 'string' || input.name === '') throw new SimInputError('name is required');
    const next = { ...product };
    applyProduct(next, input, 'replace');
    Object.assign(product, next, { modifyDate: this.clock.now() });
    return product;
  }

  /** Connects a carrier (with services). A code already connected is refused: the V1 API names carriers by code. */
  addCarrier(input: CarrierInput): CarrierRecord {
    const account = this.state.account(input.accountId);
    const code = str(input.code, 'code');
    if (!CARRIER_CODE.test(code)) throw new SimInputError('code must be lower-case words joined by _ (e.g. dhl_express)');
    if (account.carriers.some((c) => c.code === code)) throw new SimInputError(`carrier ${code} is already connected`, 409);
    const carrier: CarrierRecord = {
      shippingProviderId: this.state.ids.take('shippingProvider'),
      code,
      name: str(input.name, 'name'),
      nickname: optStr(input.nickname, 'nickname'),
      accountNumber: optStr(input.accountNumber, 'accountNumber') ?? `ACCT-${code.toUpperCase()}`,
      requiresFundedAccount: bool(input.requiresFundedAccount, 'requiresFundedAccount'),
      balance: optDecimal(input.balance, 'balance') ?? '0',
      primary: bool(input.primary, 'primary', true),
      services: [],
    };
    account.carriers.push(carrier);
    if (!account.v2CarrierIds.has(code)) account.v2CarrierIds.set(code, this.state.ids.se());
    for (const [n, s] of (input.services === undefined ? [] : array(input.services, 'services')).entries()) {
      const service = obj(s, `services[${n}]`);
      this.addService({ accountId: input.accountId, carrierCode: code, ...(service as { code: string; name: string }) });
    }
    return carrier;
  }

  addService(input: { accountId: number; carrierCode: string; code: string; name: string; domestic?: boolean; international?: boolean }): ServiceRecord {
    const carrier = this.carrier(this.state.account(input.accountId), str(input.carrierCode, 'carrierCode'));
    const code = str(input.code, 'code');
    if (carrier.services.some((s) => s.code === code)) throw new SimInputError(`${carrier.code} already offers ${code}`, 409);
    const service: ServiceRecord = { code, name: str(input.name, 'name'), domestic: bool(input.domestic, 'domestic', true), international: bool(input.international, 'international') };
    carrier.services.push(service);
    return service;
  }

  listCarriers(input: { accountId: number }): CarrierRecord[] {
    return [...this.state.account(input.accountId).carriers];
  }

  /** The connected carrier with this code; 404 when the account has none [inf: the real answer is not documented]. */
  carrier(account: AccountRecord, code: string): CarrierRecord {
    const carrier = account.carriers.find((c) => c.code === code);
    if (!carrier) throw notFound(`Carrier ${code} is not connected to this account`);
    return carrier;
  }
}
