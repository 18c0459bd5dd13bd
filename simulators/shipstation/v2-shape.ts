/**
 * Records rendered as V2 JSON (notes §6 [src S11]): snake_case, `se-` string ids, UTC ISO timestamps with `Z`,
 * money as `{currency, amount}` with `amount` a JSON number from decimal text. V2 has no orders: each V1 order
 * appears as a V2 shipment (pending / label_purchased / cancelled), and each V1 label shipment as a V2 label.
 */
import type { ShipStationSimConfig } from './config.ts';
import type { JsonValue } from '../_kit/json-text.ts';
import { num } from './json-text.ts';
import type { AccountRecord, Address, OrderRecord, ShipmentRecord, Weight } from './types.ts';

const WEIGHT_UNITS_V2 = { pounds: 'pound', ounces: 'ounce', grams: 'gram' } as const;
const CONFIRMATIONS = ['none', 'delivery', 'signature', 'adult_signature', 'direct_signature', 'delivery_mailed', 'verbal_confirmation'];
/** V2 `order_source_code` for the marketplaces the simulator's stores name (spec enum). */
const ORDER_SOURCES: Record<string, string> = { shopify: 'shopify', woocommerce: 'woo_commerce', ebay: 'ebay', etsy: 'etsy', magento: 'magento', walmart: 'walmart', squarespace: 'squarespace' };

/** The account's sample warehouse, used as ship_from and return_to [inf: the notes give no account data]. */
const WAREHOUSE_ADDRESS = {
  name: 'Shipping Dept',
  phone: '512-555-0100',
  company_name: 'Sim Warehouse',
  address_line1: '4009 Marathon Blvd',
  city_locality: 'Austin',
  state_province: 'TX',
  postal_code: '78756',
  country_code: 'US',
  address_residential_indicator: 'no',
} as const;

export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

export class V2Shapes {
  constructor(
    private readonly config: () => ShipStationSimConfig,
    private readonly baseUrl: () => string,
  ) {}

  money(decimal: string): JsonValue {
    return { currency: this.config().v2Currency, amount: num(decimal) };
  }

  weight(w: Weight): JsonValue {
    return { value: num(w.value), unit: WEIGHT_UNITS_V2[w.units] };
  }

  address(a: Address, email: string | null): JsonValue {
    return {
      name: a.name ?? '',
      phone: a.phone ?? '',
      email,
      company_name: a.company,
      address_line1: a.street1 ?? '',
      address_line2: a.street2,
      address_line3: a.street3,
      city_locality: a.city ?? '',
      state_province: a.state ?? '',
      postal_code: a.postalCode ?? '',
      country_code: a.country ?? '',
      address_residential_indicator: a.residential === null ? 'unknown' : a.residential ? 'yes' : 'no',
    };
  }

  /** pending until a live label exists; cancelled for cancelled orders (spec `shipment_status`). */
  shipmentStatus(account: AccountRecord, order: OrderRecord): 'pending' | 'label_purchased' | 'cancelled' {
    if (order.orderStatus === 'cancelled') return 'cancelled';
    return this.liveLabel(account, order) ? 'label_purchased' : 'pending';
  }

  liveLabel(account: AccountRecord, order: OrderRecord): ShipmentRecord | undefined {
    return [...account.shipments.values()].reverse().find((s) => s.orderId === order.orderId && !s.voided);
  }

  shipment(account: AccountRecord, order: OrderRecord): JsonValue {
    const label = this.liveLabel(account, order);
    const store = account.stores.get(order.advancedOptions.storeId);
    const source = ORDER_SOURCES[(store?.marketplaceName ?? '').toLowerCase().replace(/[^a-z]/g, '')];
    const a = order.advancedOptions;
    return {
      shipment_id: order.v2ShipmentId,
      carrier_id: label ? (account.v2CarrierIds.get(label.carrierCode) ?? null) : null,
      service_code: label?.serviceCode ?? order.serviceCode,
      requested_shipment_service: order.requestedShippingService,
      external_order_id: order.orderNumber,
      hold_until_date: order.holdUntilDate === null ? null : `${order.holdUntilDate}T00:00:00.000Z`,
      ship_by_date: order.shipByDate === null ? null : isoUtc(order.shipByDate),
      store_id: store?.v2StoreId ?? null,
      // Discount lines are left out: V2 item prices have minimum 0 (spec) [inf].
      items: order.items
        .filter((i) => !i.adjustment)
        .map((i) => ({
          name: i.name,
          sales_order_item_id: String(i.orderItemId),
          quantity: i.quantity,
          sku: i.sku,
          external_order_id: order.orderNumber,
          external_order_item_id: i.lineItemKey,
          image_url: i.imageUrl,
          ...(i.weight ? { weight: this.weight(i.weight) } : {}),
          unit_price: num(i.unitPrice),
          tax_amount: i.taxAmount === null ? null : num(i.taxAmount),
          shipping_amount: i.shippingAmount === null ? null : num(i.shippingAmount),
          inventory_location: i.warehouseLocation,
          options: i.options.map((o) => ({ name: o.name, value: o.value })),
          product_id: i.productId === null ? null : String(i.productId),
          upc: i.upc,
        })),
      notes_from_buyer: order.customerNotes,
      notes_for_gift: order.giftMessage,
      is_gift: order.gift,
      amount_paid: this.money(order.amountPaid),
      shipping_paid: this.money(order.shippingAmount),
      tax_paid: this.money(order.taxAmount),
      external_shipment_id: order.orderKey,
      shipment_number: order.orderNumber,
      ship_date: order.shipDate,
      created_at: isoUtc(order.v2CreatedAt),
      modified_at: isoUtc(order.modifyDate),
      shipment_status: this.shipmentStatus(account, order),
      ship_to: this.address(order.shipTo, order.customerEmail),
      ship_from: { ...WAREHOUSE_ADDRESS },
      warehouse_id: account.v2WarehouseId,
      return_to: { ...WAREHOUSE_ADDRESS },
      is_return: false,
      confirmation: CONFIRMATIONS.includes(order.confirmation ?? '') ? order.confirmation : 'none',
      customs: null,
      advanced_options: {
        bill_to_account: a.billToAccount,
        bill_to_country_code: a.billToCountryCode,
        bill_to_party: a.billToParty,
        bill_to_postal_code: a.billToPostalCode,
        contains_alcohol: a.containsAlcohol,
        non_machinable: a.nonMachinable,
        saturday_delivery: a.saturdayDelivery,
        custom_field1: a.customField1,
        custom_field2: a.customField2,
        custom_field3: a.customField3,
      },
      insurance_provider: 'none',
      tags: [],
      ...(source ? { order_source_code: source } : {}),
      packages: [{ package_code: order.packageCode ?? 'package', weight: this.weight(order.weight) }],
      total_weight: this.weight(order.weight),
    };
  }

  label(account: AccountRecord, s: ShipmentRecord): JsonValue {
    const order = account.orders.get(s.orderId);
    const base = this.baseUrl();
    return {
      label_id: s.labelId,
      status: s.voided ? 'voided' : 'completed',
      shipment_id: order?.v2ShipmentId ?? null,
      external_shipment_id: s.orderKey,
      external_order_id: s.orderNumber,
      ship_date: s.shipDate,
      created_at: isoUtc(s.createDate),
      shipment_cost: this.money(s.shipmentCost),
      insurance_cost: this.money(s.insuranceCost),
      tracking_number: s.trackingNumber,
      is_return_label: s.isReturnLabel,
      is_international: (s.shipTo.country ?? 'US') !== 'US',
      carrier_id: account.v2CarrierIds.get(s.carrierCode) ?? null,
      charge_event: 'carrier_default',
      service_code: s.serviceCode,
      test_label: false,
      package_code: s.packageCode,
      voided: s.voided,
      voided_at: s.voidDate === null ? null : isoUtc(s.voidDate),
      label_format: 'pdf',
      display_scheme: 'label',
      label_layout: '4x6',
      trackable: true,
      carrier_code: s.carrierCode,
      confirmation: CONFIRMATIONS.includes(s.confirmation ?? '') ? s.confirmation : 'none',
      tracking_status: 'in_transit',
      label_download: { href: `${base}/v2/downloads/10/sim/label-${s.labelId}.pdf`, pdf: `${base}/v2/downloads/10/sim/label-${s.labelId}.pdf` },
      packages: [{ package_code: s.packageCode, weight: this.weight(s.weight) }],
      ship_to: this.address(s.shipTo, s.customerEmail),
    };
  }
}
