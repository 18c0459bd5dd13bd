/**
 * Reads an order body (the V1 Order model, notes §2) into `OrderFields`. Used by `POST /orders/createorder(s)`
 * (strict: the documented required fields) and by the control method `importOrder` (lenient: an order arriving
 * from a store, with defaults). createorder replaces the whole order, so an omitted field becomes null or its
 * default here — the "partial updates blank fields" trap of notes pitfall 9.
 */
import { SimInputError } from './errors.ts';
import {
  array,
  bool,
  decimal,
  instant,
  int,
  obj,
  oneOf,
  optBool,
  optDateOnly,
  optDecimal,
  optInstant,
  optInt,
  optObj,
  optStr,
  str,
} from './input.ts';
import type { AmbiguousTimeRule } from './pacific-time.ts';
import {
  ORDER_STATUSES,
  WEIGHT_UNITS,
  type Address,
  type Dimensions,
  type InsuranceOptions,
  type InternationalOptions,
  type OrderFields,
  type OrderItem,
  type OrderStatus,
  type Weight,
} from './types.ts';

/** Amounts are decimal strings (`'19.99'`); the API side also takes JSON numbers, read exactly. */
export type DecimalInput = string;

export interface AddressInput {
  name?: string | null;
  company?: string | null;
  street1?: string | null;
  street2?: string | null;
  street3?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  phone?: string | null;
  residential?: boolean | null;
  addressVerified?: string | null;
}

export interface WeightInput {
  value: DecimalInput | number;
  units: 'pounds' | 'ounces' | 'grams';
}

export interface OrderItemInput {
  lineItemKey?: string | null;
  sku?: string | null;
  name: string;
  imageUrl?: string | null;
  weight?: WeightInput | null;
  quantity?: number;
  unitPrice?: DecimalInput;
  taxAmount?: DecimalInput | null;
  shippingAmount?: DecimalInput | null;
  warehouseLocation?: string | null;
  options?: { name: string; value: string }[];
  productId?: number | null;
  fulfillmentSku?: string | null;
  adjustment?: boolean;
  upc?: string | null;
}

export interface OrderInput {
  orderNumber?: string;
  /** Only used on create; generated (a GUID) when absent. */
  orderKey?: string;
  /** Pacific wall time without offset (`2026-03-08T01:30:00`), or an instant with `Z`/offset. */
  orderDate?: string;
  paymentDate?: string | null;
  shipByDate?: string | null;
  orderStatus?: OrderStatus;
  customerUsername?: string | null;
  customerEmail?: string | null;
  billTo?: AddressInput;
  shipTo?: AddressInput;
  items?: OrderItemInput[];
  amountPaid?: DecimalInput;
  taxAmount?: DecimalInput;
  shippingAmount?: DecimalInput;
  customerNotes?: string | null;
  internalNotes?: string | null;
  gift?: boolean;
  giftMessage?: string | null;
  paymentMethod?: string | null;
  requestedShippingService?: string | null;
  carrierCode?: string | null;
  serviceCode?: string | null;
  packageCode?: string | null;
  confirmation?: string | null;
  shipDate?: string | null;
  holdUntilDate?: string | null;
  weight?: WeightInput;
  dimensions?: { units: string; length: DecimalInput | number; width: DecimalInput | number; height: DecimalInput | number } | null;
  insuranceOptions?: { provider?: string | null; insureShipment?: boolean; insuredValue?: DecimalInput };
  internationalOptions?: { contents?: string | null; customsItems?: { description?: string; quantity?: number; value?: DecimalInput; harmonizedTariffCode?: string; countryOfOrigin?: string }[] | null; nonDelivery?: string | null };
  advancedOptions?: {
    warehouseId?: number | null;
    nonMachinable?: boolean;
    saturdayDelivery?: boolean;
    containsAlcohol?: boolean;
    /** Only settable at creation; the first manual store when absent (notes §7). */
    storeId?: number;
    customField1?: string | null;
    customField2?: string | null;
    customField3?: string | null;
    source?: string | null;
    billToParty?: string | null;
    billToAccount?: string | null;
    billToPostalCode?: string | null;
    billToCountryCode?: string | null;
    billToMyOtherAccount?: string | null;
  };
  tagIds?: number[] | null;
  userId?: string | null;
  externallyFulfilled?: boolean;
  externallyFulfilledBy?: string | null;
  /** importOrder only: a total as the store stated it (read-only on the API, notes §2). */
  orderTotal?: DecimalInput;
}

export interface ParsedOrder {
  fields: OrderFields;
  orderKey: string | null;
  storeId: number | null;
  statedOrderTotal: string | null;
  /** An `orderId` in the body (a third-party note says it targets an existing order [obs S19]). */
  orderId: number | null;
}

export type OrderInputMode = 'api' | 'import';

export function readAddress(v: unknown, field: string): Address {
  const a = optObj(v, field) ?? {};
  const s = (k: string) => optStr(a[k], `${field}.${k}`);
  return {
    name: s('name'),
    company: s('company'),
    street1: s('street1'),
    street2: s('street2'),
    street3: s('street3'),
    city: s('city'),
    state: s('state'),
    postalCode: s('postalCode'),
    country: s('country'),
    phone: s('phone'),
    residential: optBool(a.residential, `${field}.residential`),
    addressVerified: s('addressVerified'),
  };
}

function readWeight(v: unknown, field: string): Weight | null {
  const w = optObj(v, field);
  if (!w) return null;
  return { value: decimal(w.value ?? '0', `${field}.value`), units: oneOf(w.units ?? 'ounces', WEIGHT_UNITS, `${field}.units`) };
}

function readDimensions(v: unknown, field: string): Dimensions | null {
  const d = optObj(v, field);
  if (!d) return null;
  return {
    units: optStr(d.units, `${field}.units`) ?? 'inches',
    length: decimal(d.length ?? '0', `${field}.length`),
    width: decimal(d.width ?? '0', `${field}.width`),
    height: decimal(d.height ?? '0', `${field}.height`),
  };
}

function readInsurance(v: unknown): InsuranceOptions {
  const i = optObj(v, 'insuranceOptions') ?? {};
  return {
    provider: optStr(i.provider, 'insuranceOptions.provider'),
    insureShipment: bool(i.insureShipment, 'insuranceOptions.insureShipment'),
    insuredValue: decimal(i.insuredValue ?? '0', 'insuranceOptions.insuredValue'),
  };
}

function readInternational(v: unknown, customsItemId: () => number): InternationalOptions {
  const i = optObj(v, 'internationalOptions') ?? {};
  const items = i.customsItems === undefined || i.customsItems === null ? null : array(i.customsItems, 'internationalOptions.customsItems');
  return {
    contents: optStr(i.contents, 'internationalOptions.contents'),
    customsItems:
      items?.map((raw, n) => {
        const c = obj(raw, `customsItems[${n}]`);
        return {
          customsItemId: customsItemId(),
          description: optStr(c.description, 'description'),
          quantity: optInt(c.quantity, 'quantity') ?? 1,
          value: decimal(c.value ?? '0', 'value'),
          harmonizedTariffCode: optStr(c.harmonizedTariffCode, 'harmonizedTariffCode'),
          countryOfOrigin: optStr(c.countryOfOrigin, 'countryOfOrigin'),
        };
      }) ?? null,
    nonDelivery: optStr(i.nonDelivery, 'internationalOptions.nonDelivery'),
  };
}

function readItem(raw: unknown, n: number): Omit<OrderItem, 'orderItemId' | 'createDate' | 'modifyDate'> {
  const i = obj(raw, `items[${n}]`);
  const f = (k: string) => `items[${n}].${k}`;
  const options = i.options === undefined || i.options === null ? [] : array(i.options, f('options'));
  return {
    lineItemKey: optStr(i.lineItemKey, f('lineItemKey')),
    sku: optStr(i.sku, f('sku')),
    name: str(i.name, f('name')),
    imageUrl: optStr(i.imageUrl, f('imageUrl')),
    weight: readWeight(i.weight, f('weight')),
    quantity: optInt(i.quantity, f('quantity')) ?? 1,
    unitPrice: decimal(i.unitPrice ?? '0', f('unitPrice')),
    taxAmount: optDecimal(i.taxAmount, f('taxAmount')),
    shippingAmount: optDecimal(i.shippingAmount, f('shippingAmount')),
    warehouseLocation: optStr(i.warehouseLocation, f('warehouseLocation')),
    options: options.map((o, k) => {
      const opt = obj(o, `${f('options')}[${k}]`);
      return { name: optStr(opt.name, 'name') ?? '', value: optStr(opt.value, 'value') ?? '' };
    }),
    productId: optInt(i.productId, f('productId')),
    fulfillmentSku: optStr(i.fulfillmentSku, f('fulfillmentSku')),
    adjustment: bool(i.adjustment, f('adjustment')),
    upc: optStr(i.upc, f('upc')),
  };
}

export interface ReadOrderContext {
  mode: OrderInputMode;
  /** How an offset-less datetime in the repeated autumn hour becomes an instant. */
  rule: AmbiguousTimeRule;
  now: number;
  customsItemId: () => number;
  nextOrderNumber: () => string;
}

export function readOrder(input: unknown, ctx: ReadOrderContext): ParsedOrder {
  const o = obj(input, 'order');
  const strict = ctx.mode === 'api';
  if (strict) {
    // Required on create and on update, since the body is the whole order (notes §7 [src S2]).
    for (const key of ['orderNumber', 'orderDate', 'orderStatus', 'billTo', 'shipTo']) {
      if (o[key] === undefined || o[key] === null || o[key] === '') throw new SimInputError(`${key} is required`);
    }
  }
  const adv = optObj(o.advancedOptions, 'advancedOptions') ?? {};
  const a = (k: string) => optStr(adv[k], `advancedOptions.${k}`);
  const items = o.items === undefined || o.items === null ? [] : array(o.items, 'items');
  const tagIds = o.tagIds === undefined || o.tagIds === null ? null : array(o.tagIds, 'tagIds').map((t, n) => int(t, `tagIds[${n}]`));
  const fields: OrderFields = {
    orderNumber: o.orderNumber === undefined ? ctx.nextOrderNumber() : str(o.orderNumber, 'orderNumber'),
    orderDate: o.orderDate === undefined ? ctx.now : instant(o.orderDate, 'orderDate', ctx.rule),
    paymentDate: optInstant(o.paymentDate, 'paymentDate', ctx.rule),
    shipByDate: optInstant(o.shipByDate, 'shipByDate', ctx.rule),
    orderStatus: o.orderStatus === undefined ? 'awaiting_shipment' : oneOf(o.orderStatus, ORDER_STATUSES, 'orderStatus'),
    customerUsername: optStr(o.customerUsername, 'customerUsername'),
    customerEmail: optStr(o.customerEmail, 'customerEmail'),
    billTo: readAddress(o.billTo, 'billTo'),
    shipTo: readAddress(o.shipTo, 'shipTo'),
    items: items.map(readItem),
    amountPaid: decimal(o.amountPaid ?? '0', 'amountPaid'),
    taxAmount: decimal(o.taxAmount ?? '0', 'taxAmount'),
    shippingAmount: decimal(o.shippingAmount ?? '0', 'shippingAmount'),
    customerNotes: optStr(o.customerNotes, 'customerNotes'),
    internalNotes: optStr(o.internalNotes, 'internalNotes'),
    gift: bool(o.gift, 'gift'),
    giftMessage: optStr(o.giftMessage, 'giftMessage'),
    paymentMethod: optStr(o.paymentMethod, 'paymentMethod'),
    requestedShippingService: optStr(o.requestedShippingService, 'requestedShippingService'),
    carrierCode: optStr(o.carrierCode, 'carrierCode'),
    serviceCode: optStr(o.serviceCode, 'serviceCode'),
    packageCode: optStr(o.packageCode, 'packageCode'),
    confirmation: optStr(o.confirmation, 'confirmation'),
    shipDate: optDateOnly(o.shipDate, 'shipDate'),
    holdUntilDate: optDateOnly(o.holdUntilDate, 'holdUntilDate'),
    weight: readWeight(o.weight, 'weight') ?? { value: '0', units: 'ounces' },
    dimensions: readDimensions(o.dimensions, 'dimensions'),
    insuranceOptions: readInsurance(o.insuranceOptions),
    internationalOptions: readInternational(o.internationalOptions, ctx.customsItemId),
    advancedOptions: {
      warehouseId: optInt(adv.warehouseId, 'advancedOptions.warehouseId'),
      nonMachinable: bool(adv.nonMachinable, 'advancedOptions.nonMachinable'),
      saturdayDelivery: bool(adv.saturdayDelivery, 'advancedOptions.saturdayDelivery'),
      containsAlcohol: bool(adv.containsAlcohol, 'advancedOptions.containsAlcohol'),
      customField1: a('customField1'),
      customField2: a('customField2'),
      customField3: a('customField3'),
      source: a('source'),
      billToParty: a('billToParty'),
      billToAccount: a('billToAccount'),
      billToPostalCode: a('billToPostalCode'),
      billToCountryCode: a('billToCountryCode'),
      billToMyOtherAccount: a('billToMyOtherAccount'),
    },
    tagIds,
    userId: optStr(o.userId, 'userId'),
    externallyFulfilled: bool(o.externallyFulfilled, 'externallyFulfilled'),
    externallyFulfilledBy: optStr(o.externallyFulfilledBy, 'externallyFulfilledBy'),
    externallyFulfilledById: null,
    externallyFulfilledByName: null,
  };
  if (fields.externallyFulfilledBy !== null) fields.externallyFulfilledByName = fields.externallyFulfilledBy;
  return {
    fields,
    orderKey: o.orderKey === undefined || o.orderKey === null || o.orderKey === '' ? null : str(o.orderKey, 'orderKey'),
    storeId: optInt(adv.storeId, 'advancedOptions.storeId'),
    statedOrderTotal: strict ? null : optDecimal(o.orderTotal, 'orderTotal'),
    orderId: strict ? optInt(o.orderId, 'orderId') : null,
  };
}
