import type { CarrierRecord, ProductRecord } from './catalog.ts';

/**
 * Records the simulator keeps. Instants are UTC milliseconds (rendered as Pacific wall time only at the V1 edge,
 * as UTC ISO at the V2 edge); money and measures are exact decimal strings; V1 ids are integers, V2 ids `se-…`.
 */

export const ORDER_STATUSES = [
  'awaiting_payment',
  'awaiting_shipment',
  'pending_fulfillment',
  'shipped',
  'on_hold',
  'cancelled',
  'rejected_fulfillment',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Orders in these states refuse createorder updates (notes §7 [src S2, S12]). */
export const LOCKED_STATUSES: readonly OrderStatus[] = ['shipped', 'cancelled'];

export const WEBHOOK_EVENTS = ['ORDER_NOTIFY', 'ITEM_ORDER_NOTIFY', 'SHIP_NOTIFY', 'ITEM_SHIP_NOTIFY', 'FULFILLMENT_SHIPPED', 'FULFILLMENT_REJECTED'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEIGHT_UNITS = ['pounds', 'ounces', 'grams'] as const;
export type WeightUnit = (typeof WEIGHT_UNITS)[number];

export interface Address {
  name: string | null;
  company: string | null;
  street1: string | null;
  street2: string | null;
  street3: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  /** ISO 3166 alpha-2. */
  country: string | null;
  phone: string | null;
  residential: boolean | null;
  addressVerified: string | null;
}

export interface Weight {
  value: string;
  units: WeightUnit;
}

export interface Dimensions {
  units: string;
  length: string;
  width: string;
  height: string;
}

export interface InsuranceOptions {
  provider: string | null;
  insureShipment: boolean;
  insuredValue: string;
}

export interface CustomsItem {
  customsItemId: number;
  description: string | null;
  quantity: number;
  value: string;
  harmonizedTariffCode: string | null;
  countryOfOrigin: string | null;
}

export interface InternationalOptions {
  contents: string | null;
  customsItems: CustomsItem[] | null;
  nonDelivery: string | null;
}

export interface AdvancedOptions {
  warehouseId: number | null;
  nonMachinable: boolean;
  saturdayDelivery: boolean;
  containsAlcohol: boolean;
  mergedOrSplit: boolean;
  mergedIds: number[];
  parentId: number | null;
  storeId: number;
  customField1: string | null;
  customField2: string | null;
  customField3: string | null;
  source: string | null;
  billToParty: string | null;
  billToAccount: string | null;
  billToPostalCode: string | null;
  billToCountryCode: string | null;
  billToMyOtherAccount: string | null;
}

export interface OrderItem {
  orderItemId: number;
  lineItemKey: string | null;
  sku: string | null;
  name: string;
  imageUrl: string | null;
  weight: Weight | null;
  quantity: number;
  unitPrice: string;
  taxAmount: string | null;
  shippingAmount: string | null;
  warehouseLocation: string | null;
  options: { name: string; value: string }[];
  productId: number | null;
  fulfillmentSku: string | null;
  /** True for non-physical lines such as discounts (negative `unitPrice`). */
  adjustment: boolean;
  upc: string | null;
  createDate: number;
  modifyDate: number;
}

/** The writable part of an order: what createorder replaces wholesale on update. */
export interface OrderFields {
  orderNumber: string;
  orderDate: number;
  paymentDate: number | null;
  shipByDate: number | null;
  orderStatus: OrderStatus;
  customerUsername: string | null;
  customerEmail: string | null;
  billTo: Address;
  shipTo: Address;
  items: Omit<OrderItem, 'orderItemId' | 'createDate' | 'modifyDate'>[];
  amountPaid: string;
  taxAmount: string;
  shippingAmount: string;
  customerNotes: string | null;
  internalNotes: string | null;
  gift: boolean;
  giftMessage: string | null;
  paymentMethod: string | null;
  requestedShippingService: string | null;
  carrierCode: string | null;
  serviceCode: string | null;
  packageCode: string | null;
  confirmation: string | null;
  shipDate: string | null;
  holdUntilDate: string | null;
  weight: Weight;
  dimensions: Dimensions | null;
  insuranceOptions: InsuranceOptions;
  internationalOptions: InternationalOptions;
  advancedOptions: Omit<AdvancedOptions, 'storeId' | 'mergedOrSplit' | 'mergedIds' | 'parentId'>;
  tagIds: number[] | null;
  userId: string | null;
  externallyFulfilled: boolean;
  externallyFulfilledBy: string | null;
  externallyFulfilledById: number | null;
  externallyFulfilledByName: string | null;
}

export interface OrderRecord extends Omit<OrderFields, 'items' | 'advancedOptions'> {
  orderId: number;
  orderKey: string;
  createDate: number;
  modifyDate: number;
  customerId: number | null;
  items: OrderItem[];
  advancedOptions: AdvancedOptions;
  /**
   * A total the store stated (importOrder only); null → computed from items, tax and shipping. createorder cannot
   * set it: `orderTotal` is read-only (notes §2).
   */
  statedOrderTotal: string | null;
  /** False after `DELETE /orders/{id}` (a soft delete, notes §7). */
  active: boolean;
  /** The import action that created the order; ORDER_NOTIFY URLs filter on it. */
  importBatch: string | null;
  /** The V2 shipment that mirrors this order (V2 has no orders, notes §6). */
  v2ShipmentId: string;
  v2CreatedAt: number;
}

export interface ShipmentRecord {
  shipmentId: number;
  orderId: number;
  orderKey: string;
  orderNumber: string;
  userId: string | null;
  customerEmail: string | null;
  createDate: number;
  /** Date only, `YYYY-MM-DD` (notes §3). */
  shipDate: string;
  shipmentCost: string;
  insuranceCost: string;
  trackingNumber: string | null;
  isReturnLabel: boolean;
  /** The label batch; SHIP_NOTIFY URLs filter on it (`batchId=`, notes §4). */
  batchId: number;
  batchNumber: string | null;
  carrierCode: string;
  serviceCode: string;
  packageCode: string;
  confirmation: string | null;
  warehouseId: number | null;
  voided: boolean;
  voidDate: number | null;
  marketplaceNotified: boolean;
  notifyErrorMessage: string | null;
  shipTo: Address;
  weight: Weight;
  dimensions: Dimensions | null;
  insuranceOptions: InsuranceOptions;
  storeId: number;
  items: OrderItem[];
  /** The same label as V2 sees it. */
  labelId: string;
}

export interface FulfillmentRecord {
  fulfillmentId: number;
  orderId: number;
  orderNumber: string;
  userId: string | null;
  customerEmail: string | null;
  trackingNumber: string | null;
  createDate: number;
  /** Date only; rendered as midnight `…T00:00:00.0000000` (notes §2). */
  shipDate: string;
  voidDate: number | null;
  deliveryDate: number | null;
  /** Free text here, e.g. `USPS` (notes §3). */
  carrierCode: string;
  sellerFillProviderId: number | null;
  sellerFillProviderName: string | null;
  fulfillmentServiceCode: string | null;
  fulfillmentProviderCode: string | null;
  fulfillmentFee: string;
  voidRequested: boolean;
  voided: boolean;
  marketplaceNotified: boolean;
  notifyErrorMessage: string | null;
  shipTo: Address;
  storeId: number;
}

export interface MarketplaceUsername {
  customerUserId: number;
  customerId: number;
  createDate: number;
  modifyDate: number;
  marketplaceId: number;
  marketplace: string;
  username: string;
}

export interface CustomerRecord {
  customerId: number;
  createDate: number;
  modifyDate: number;
  name: string | null;
  company: string | null;
  street1: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  countryCode: string | null;
  phone: string | null;
  email: string | null;
  addressVerified: string | null;
  marketplaceUsernames: MarketplaceUsername[];
  tags: { tagId: number; name: string }[];
}

export interface StoreRecord {
  storeId: number;
  storeName: string;
  marketplaceId: number;
  marketplaceName: string;
  /** V2 `store_id`; V1 and V2 ids are not shared (notes §6). */
  v2StoreId: string;
}

export interface WebhookSubscription {
  webHookId: number;
  event: WebhookEvent;
  targetUrl: string;
  storeId: number | null;
  friendlyName: string | null;
  active: boolean;
}

export interface AccountRecord {
  /** Also the `SellerID` in webhook listings. */
  accountId: number;
  name: string;
  apiKey: string;
  apiSecret: string;
  v2ApiKey: string;
  /** The account user's GUID (shipment and fulfillment `userId`). */
  userId: string;
  manualStoreId: number;
  stores: Map<number, StoreRecord>;
  orders: Map<number, OrderRecord>;
  orderIdsByKey: Map<string, number>;
  customers: Map<number, CustomerRecord>;
  customerIdsByUsername: Map<string, number>;
  shipments: Map<number, ShipmentRecord>;
  fulfillments: Map<number, FulfillmentRecord>;
  webhooks: Map<number, WebhookSubscription>;
  /** V2 carrier ids (`se-…`) by V1 carrier code. */
  v2CarrierIds: Map<string, string>;
  /** Products by productId (catalog.ts). */
  products: Map<number, ProductRecord>;
  /** Connected carriers with their services, in connection order (catalog.ts). */
  carriers: CarrierRecord[];
  v2WarehouseId: string;
}
