/**
 * Records rendered as V1 JSON (notes §2–§4, §8): camelCase keys in the documented order, every Address key present
 * with null where empty, datetimes as Pacific wall time with seven fractional digits and no offset, dates as
 * `YYYY-MM-DD`, amounts as JSON numbers printed from their decimal text.
 */
import type { ShipStationSimConfig } from './config.ts';
import { fixed2Exact } from '../_kit/decimal-text.ts';
import { RawJson, type JsonValue } from '../_kit/json-text.ts';
import { num } from './json-text.ts';
import { orderTotal } from './order-math.ts';
import { formatPacific, formatPacificTrimmed } from './pacific-time.ts';
import type {
  AccountRecord,
  Address,
  CustomerRecord,
  Dimensions,
  FulfillmentRecord,
  InsuranceOptions,
  OrderItem,
  OrderRecord,
  ShipmentRecord,
  Weight,
  WebhookSubscription,
} from './types.ts';

/** The numeric twin of `units` (notes §2: read-only). Only ounces = 1 is seen in the docs; the others are [inf]. */
const WEIGHT_UNIT_CODES = { ounces: 1, pounds: 2, grams: 3 } as const;

export class V1Shapes {
  constructor(private readonly config: () => ShipStationSimConfig) {}

  money(decimal: string): RawJson {
    return this.config().moneyStyle === 'fixed2' ? new RawJson(fixed2Exact(decimal)) : num(decimal);
  }

  moneyOrNull(decimal: string | null): RawJson | null {
    return decimal === null ? null : this.money(decimal);
  }

  dateTime(ms: number | null): string | null {
    return ms === null ? null : formatPacific(ms);
  }

  private itemDateTime(ms: number): string {
    return this.config().itemTimestamps === 'trimmed' ? formatPacificTrimmed(ms) : formatPacific(ms);
  }

  address(a: Address): JsonValue {
    return {
      name: a.name,
      company: a.company,
      street1: a.street1,
      street2: a.street2,
      street3: a.street3,
      city: a.city,
      state: a.state,
      postalCode: a.postalCode,
      country: a.country,
      phone: a.phone,
      residential: a.residential,
      addressVerified: a.addressVerified,
    };
  }

  weight(w: Weight | null): JsonValue {
    return w === null ? null : { value: num(w.value), units: w.units, WeightUnits: WEIGHT_UNIT_CODES[w.units] };
  }

  dimensions(d: Dimensions | null): JsonValue {
    return d === null ? null : { units: d.units, length: num(d.length), width: num(d.width), height: num(d.height) };
  }

  insurance(i: InsuranceOptions): JsonValue {
    return { provider: i.provider, insureShipment: i.insureShipment, insuredValue: this.money(i.insuredValue) };
  }

  item(i: OrderItem): JsonValue {
    return {
      orderItemId: i.orderItemId,
      lineItemKey: i.lineItemKey,
      sku: i.sku,
      name: i.name,
      imageUrl: i.imageUrl,
      weight: this.weight(i.weight),
      quantity: i.quantity,
      unitPrice: this.money(i.unitPrice),
      taxAmount: this.moneyOrNull(i.taxAmount),
      shippingAmount: this.moneyOrNull(i.shippingAmount),
      warehouseLocation: i.warehouseLocation,
      options: i.options.map((o) => ({ name: o.name, value: o.value })),
      productId: i.productId,
      fulfillmentSku: i.fulfillmentSku,
      adjustment: i.adjustment,
      upc: i.upc,
      createDate: this.itemDateTime(i.createDate),
      modifyDate: this.itemDateTime(i.modifyDate),
    };
  }

  order(o: OrderRecord): JsonValue {
    const a = o.advancedOptions;
    return {
      orderId: o.orderId,
      orderNumber: o.orderNumber,
      orderKey: o.orderKey,
      orderDate: this.dateTime(o.orderDate),
      createDate: this.dateTime(o.createDate),
      modifyDate: this.dateTime(o.modifyDate),
      paymentDate: this.dateTime(o.paymentDate),
      shipByDate: this.dateTime(o.shipByDate),
      orderStatus: o.orderStatus,
      customerId: o.customerId,
      customerUsername: o.customerUsername,
      customerEmail: o.customerEmail,
      billTo: this.address(o.billTo),
      shipTo: this.address(o.shipTo),
      items: o.items.map((i) => this.item(i)),
      orderTotal: this.money(orderTotal(o)),
      amountPaid: this.money(o.amountPaid),
      taxAmount: this.money(o.taxAmount),
      shippingAmount: this.money(o.shippingAmount),
      customerNotes: o.customerNotes,
      internalNotes: o.internalNotes,
      gift: o.gift,
      giftMessage: o.giftMessage,
      paymentMethod: o.paymentMethod,
      requestedShippingService: o.requestedShippingService,
      carrierCode: o.carrierCode,
      serviceCode: o.serviceCode,
      packageCode: o.packageCode,
      confirmation: o.confirmation,
      shipDate: o.shipDate,
      holdUntilDate: o.holdUntilDate,
      weight: this.weight(o.weight),
      dimensions: this.dimensions(o.dimensions),
      insuranceOptions: this.insurance(o.insuranceOptions),
      internationalOptions: {
        contents: o.internationalOptions.contents,
        customsItems:
          o.internationalOptions.customsItems?.map((c) => ({
            customsItemId: c.customsItemId,
            description: c.description,
            quantity: c.quantity,
            value: this.money(c.value),
            harmonizedTariffCode: c.harmonizedTariffCode,
            countryOfOrigin: c.countryOfOrigin,
          })) ?? null,
        nonDelivery: o.internationalOptions.nonDelivery,
      },
      advancedOptions: {
        warehouseId: a.warehouseId,
        nonMachinable: a.nonMachinable,
        saturdayDelivery: a.saturdayDelivery,
        containsAlcohol: a.containsAlcohol,
        mergedOrSplit: a.mergedOrSplit,
        mergedIds: a.mergedIds,
        parentId: a.parentId,
        storeId: a.storeId,
        customField1: a.customField1,
        customField2: a.customField2,
        customField3: a.customField3,
        source: a.source,
        billToParty: a.billToParty,
        billToAccount: a.billToAccount,
        billToPostalCode: a.billToPostalCode,
        billToCountryCode: a.billToCountryCode,
        billToMyOtherAccount: a.billToMyOtherAccount,
      },
      tagIds: o.tagIds,
      userId: o.userId,
      externallyFulfilled: o.externallyFulfilled,
      externallyFulfilledBy: o.externallyFulfilledBy,
      externallyFulfilledById: o.externallyFulfilledById,
      externallyFulfilledByName: o.externallyFulfilledByName,
    };
  }

  shipment(account: AccountRecord, s: ShipmentRecord, includeItems: boolean): JsonValue {
    const a = account.orders.get(s.orderId)?.advancedOptions;
    return {
      shipmentId: s.shipmentId,
      orderId: s.orderId,
      orderKey: s.orderKey,
      userId: s.userId,
      customerEmail: s.customerEmail,
      orderNumber: s.orderNumber,
      createDate: this.dateTime(s.createDate),
      shipDate: s.shipDate,
      shipmentCost: this.money(s.shipmentCost),
      insuranceCost: this.money(s.insuranceCost),
      trackingNumber: s.trackingNumber,
      isReturnLabel: s.isReturnLabel,
      batchNumber: s.batchNumber,
      carrierCode: s.carrierCode,
      serviceCode: s.serviceCode,
      packageCode: s.packageCode,
      confirmation: s.confirmation,
      warehouseId: s.warehouseId,
      voided: s.voided,
      voidDate: this.dateTime(s.voidDate),
      marketplaceNotified: s.marketplaceNotified,
      notifyErrorMessage: s.notifyErrorMessage,
      shipTo: this.address(s.shipTo),
      weight: this.weight(s.weight),
      dimensions: this.dimensions(s.dimensions),
      insuranceOptions: this.insurance(s.insuranceOptions),
      advancedOptions: {
        billToParty: a?.billToParty ?? null,
        billToAccount: a?.billToAccount ?? null,
        billToPostalCode: a?.billToPostalCode ?? null,
        billToCountryCode: a?.billToCountryCode ?? null,
        storeId: s.storeId,
      },
      shipmentItems: includeItems ? s.items.map((i) => this.item(i)) : null,
      labelData: null,
      formData: null,
    };
  }

  fulfillment(f: FulfillmentRecord): JsonValue {
    return {
      fulfillmentId: f.fulfillmentId,
      orderId: f.orderId,
      orderNumber: f.orderNumber,
      userId: f.userId,
      customerEmail: f.customerEmail,
      trackingNumber: f.trackingNumber,
      createDate: this.dateTime(f.createDate),
      shipDate: `${f.shipDate}T00:00:00.0000000`,
      voidDate: this.dateTime(f.voidDate),
      deliveryDate: this.dateTime(f.deliveryDate),
      carrierCode: f.carrierCode,
      sellerFillProviderId: f.sellerFillProviderId,
      sellerFillProviderName: f.sellerFillProviderName,
      fulfillmentServiceCode: f.fulfillmentServiceCode,
      fulfillmentProviderCode: f.fulfillmentProviderCode,
      fulfillmentFee: this.money(f.fulfillmentFee),
      voidRequested: f.voidRequested,
      voided: f.voided,
      marketplaceNotified: f.marketplaceNotified,
      notifyErrorMessage: f.notifyErrorMessage,
      shipTo: this.address(f.shipTo),
    };
  }

  customer(c: CustomerRecord): JsonValue {
    return {
      customerId: c.customerId,
      createDate: this.dateTime(c.createDate),
      modifyDate: this.dateTime(c.modifyDate),
      name: c.name,
      company: c.company,
      street1: c.street1,
      street2: c.street2,
      city: c.city,
      state: c.state,
      postalCode: c.postalCode,
      countryCode: c.countryCode,
      phone: c.phone,
      email: c.email,
      addressVerified: c.addressVerified,
      marketplaceUsernames: c.marketplaceUsernames.map((m) => ({
        customerUserId: m.customerUserId,
        customerId: m.customerId,
        createDate: this.dateTime(m.createDate),
        modifyDate: this.dateTime(m.modifyDate),
        marketplaceId: m.marketplaceId,
        marketplace: m.marketplace,
        username: m.username,
      })),
      tags: c.tags.map((t) => ({ tagId: t.tagId, name: t.name })),
    };
  }

  /** `GET /webhooks` items use PascalCase keys (notes §4 [src S2]). */
  webhook(account: AccountRecord, w: WebhookSubscription): JsonValue {
    return {
      IsLabelAPIHook: false,
      WebHookID: w.webHookId,
      SellerID: account.accountId,
      StoreID: w.storeId,
      HookType: w.event,
      MessageFormat: 'Json',
      Url: w.targetUrl,
      Name: w.friendlyName,
      Active: w.active,
      WebhookLogs: [],
    };
  }
}
