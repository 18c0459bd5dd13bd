/**
 * Shapes we read from Shopify, checked at the edge: the Admin GraphQL responses to our own queries (queries.ts)
 * and the REST / webhook order and customer JSON (snake_case, as Shopify sends it).
 *
 * Bodies are parsed with parseJsonExact, so: ids arrive as number (≤ 2^53), bigint (above) or string (gids,
 * UnsignedInt64); amounts arrive as strings ("29.00" in REST, "29.0" as GraphQL Decimal); a Float such as a tax
 * rate arrives as its source text ("0.0725") or, when integral, as a number. Unknown fields are dropped.
 */
import { z } from 'zod';
import { Id } from '../../core/model.ts';
import { parseDec } from '../../core/money.ts';

/** A decimal amount or rate in any of the forms above, as text. Exponents ("1e-05") are accepted here. */
export const Amount = z
  .union([z.string(), z.number(), z.bigint()])
  .transform((v) => String(v).trim())
  .refine(
    (v) => {
      try {
        parseDec(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a decimal amount' },
  );

/**
 * A currency code. Checked here because every amount is written with its currency's decimals: a code that is
 * not three letters would otherwise fail deep in the mapping with a MoneyError instead of SOURCE_PAYLOAD_INVALID.
 */
const Currency = z.string().regex(/^\s*[A-Za-z]{3}\s*$/, 'must be an ISO 4217 currency code such as "USD"');

/** A number that may arrive as text (throttle figures such as `1988.0`). */
const Num = z.union([z.number(), z.string(), z.bigint()]).transform((v) => Number(v)).pipe(z.number().finite());

const text = z.string().nullish();

// ---------------------------------------------------------------- GraphQL

export const GqlMoney = z.object({ amount: Amount, currencyCode: Currency });
export const GqlMoneyBag = z.object({ shopMoney: GqlMoney, presentmentMoney: GqlMoney });
/** Lines read only the buyer's side of their MoneyBags (see to-canonical.ts on currency), to keep query cost low. */
export const GqlPresentmentBag = z.object({ presentmentMoney: GqlMoney });

export const GqlPageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() });

function connection<T extends z.ZodType>(node: T) {
  return z.object({ pageInfo: GqlPageInfo.optional(), nodes: z.array(node) });
}

export const GqlTaxLine = z.object({
  title: z.string(),
  rate: Amount.nullish(),
  ratePercentage: Amount.nullish(),
  priceSet: GqlPresentmentBag,
});

export const GqlDiscountAllocation = z.object({
  allocatedAmountSet: GqlPresentmentBag,
  discountApplication: z.object({ index: z.number().int() }).nullish(),
});

export const GqlAddress = z.object({
  firstName: text,
  lastName: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  provinceCode: text,
  zip: text,
  country: text,
  countryCodeV2: text,
  phone: text,
});

export const GqlLineItem = z.object({
  id: z.string(),
  name: text,
  title: z.string(),
  sku: text,
  quantity: z.number().int(),
  taxable: z.boolean().nullish(),
  product: z.object({ id: z.string() }).nullish(),
  originalUnitPriceSet: GqlPresentmentBag,
  discountAllocations: z.array(GqlDiscountAllocation).default([]),
  taxLines: z.array(GqlTaxLine).default([]),
});
export type GqlLineItem = z.infer<typeof GqlLineItem>;

export const GqlShippingLine = z.object({
  id: z.string().nullish(),
  title: z.string(),
  code: text,
  originalPriceSet: GqlPresentmentBag,
  discountAllocations: z.array(GqlDiscountAllocation).default([]),
  taxLines: z.array(GqlTaxLine).default([]),
});
export type GqlShippingLine = z.infer<typeof GqlShippingLine>;

export const GqlDiscountApplication = z.object({
  __typename: z.string().optional(),
  index: z.number().int(),
  code: text,
  title: text,
  description: text,
});
export type GqlDiscountApplication = z.infer<typeof GqlDiscountApplication>;

export const GqlCustomer = z.object({
  id: z.string(),
  legacyResourceId: Id.nullish(),
  firstName: text,
  lastName: text,
  defaultEmailAddress: z.object({ emailAddress: text }).nullish(),
  defaultPhoneNumber: z.object({ phoneNumber: text }).nullish(),
  defaultAddress: GqlAddress.nullish(),
  updatedAt: text,
});
export type GqlCustomer = z.infer<typeof GqlCustomer>;

export const GqlOrder = z.object({
  id: z.string(),
  legacyResourceId: Id.nullish(),
  name: z.string(),
  email: text,
  createdAt: z.string(),
  updatedAt: z.string(),
  processedAt: text,
  cancelledAt: text,
  displayFinancialStatus: text,
  currencyCode: Currency,
  presentmentCurrencyCode: Currency,
  taxesIncluded: z.boolean(),
  note: text,
  subtotalPriceSet: GqlMoneyBag.nullish(),
  totalPriceSet: GqlMoneyBag,
  totalTaxSet: GqlMoneyBag.nullish(),
  totalShippingPriceSet: GqlMoneyBag.nullish(),
  totalDiscountsSet: GqlMoneyBag.nullish(),
  taxLines: z.array(GqlTaxLine).default([]),
  customer: GqlCustomer.nullish(),
  billingAddress: GqlAddress.nullish(),
  shippingAddress: GqlAddress.nullish(),
  lineItems: connection(GqlLineItem),
  shippingLines: connection(GqlShippingLine),
  discountApplications: connection(GqlDiscountApplication).optional(),
});
export type GqlOrder = z.infer<typeof GqlOrder>;
export type GqlOrderInput = z.input<typeof GqlOrder>;

export const OrderResponse = z.object({ order: GqlOrder.nullable() });
export const OrderLineItemsResponse = z.object({ order: z.object({ lineItems: connection(GqlLineItem) }).nullable() });
export const OrderShippingLinesResponse = z.object({ order: z.object({ shippingLines: connection(GqlShippingLine) }).nullable() });
export const OrderDiscountApplicationsResponse = z.object({
  order: z.object({ discountApplications: connection(GqlDiscountApplication) }).nullable(),
});

const ChangedNode = z.object({ id: z.string(), legacyResourceId: Id.nullish(), updatedAt: z.string() });
export type ChangedNode = z.infer<typeof ChangedNode>;
export const OrdersPageResponse = z.object({ orders: z.object({ pageInfo: GqlPageInfo, nodes: z.array(ChangedNode) }) });
export const CustomersPageResponse = z.object({ customers: z.object({ pageInfo: GqlPageInfo, nodes: z.array(ChangedNode) }) });
export const CustomerResponse = z.object({ customer: GqlCustomer.nullable() });
export const ShopResponse = z.object({
  shop: z.object({ name: z.string(), myshopifyDomain: z.string(), currencyCode: z.string() }),
});

const WebhookSubscriptionNode = z.object({ id: z.string(), legacyResourceId: Id, topic: z.string(), uri: z.string() });

export const WebhookSubscriptionsResponse = z.object({
  webhookSubscriptions: z.object({
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    nodes: z.array(WebhookSubscriptionNode),
  }),
});

export const WebhookSubscribeResponse = z.object({
  webhookSubscriptionCreate: z
    .object({
      webhookSubscription: WebhookSubscriptionNode.nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string() })),
    })
    .nullable(),
});

/** The envelope of every GraphQL answer (notes §3): data, errors, and the cost extension. */
export const GraphqlEnvelope = z.object({
  data: z.unknown().optional(),
  errors: z
    .union([
      z.string(),
      z.array(
        z.object({
          message: z.string().default(''),
          extensions: z.looseObject({ code: z.string().optional() }).optional(),
        }),
      ),
    ])
    .optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: Num.nullish(),
          actualQueryCost: Num.nullish(),
          throttleStatus: z
            .object({ maximumAvailable: Num, currentlyAvailable: Num, restoreRate: Num })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type GraphqlEnvelope = z.infer<typeof GraphqlEnvelope>;

// ---------------------------------------------------------------- REST / webhook JSON

export const RestMoney = z.object({ amount: Amount, currency_code: Currency });
export const RestMoneySet = z.object({ shop_money: RestMoney, presentment_money: RestMoney });
export type RestMoneySet = z.infer<typeof RestMoneySet>;

export const RestTaxLine = z.object({
  title: z.string(),
  rate: Amount.nullish(),
  price: Amount.nullish(),
  price_set: RestMoneySet.nullish(),
});

export const RestDiscountAllocation = z.object({
  amount: Amount.nullish(),
  amount_set: RestMoneySet.nullish(),
  discount_application_index: z.number().int().nullish(),
});

export const RestAddress = z.object({
  first_name: text,
  last_name: text,
  name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  province_code: text,
  zip: text,
  country: text,
  country_code: text,
  phone: text,
});

export const RestLineItem = z.object({
  id: Id,
  title: z.string(),
  name: text,
  sku: text,
  quantity: z.number().int(),
  price: Amount,
  price_set: RestMoneySet.nullish(),
  taxable: z.boolean().nullish(),
  product_id: Id.nullish(),
  tax_lines: z.array(RestTaxLine).nullish(),
  discount_allocations: z.array(RestDiscountAllocation).nullish(),
});
export type RestLineItem = z.infer<typeof RestLineItem>;

export const RestShippingLine = z.object({
  id: Id.nullish(),
  title: z.string(),
  code: text,
  price: Amount,
  price_set: RestMoneySet.nullish(),
  is_removed: z.boolean().nullish(),
  tax_lines: z.array(RestTaxLine).nullish(),
  discount_allocations: z.array(RestDiscountAllocation).nullish(),
});
export type RestShippingLine = z.infer<typeof RestShippingLine>;

export const RestCustomer = z.object({
  id: Id,
  email: text,
  first_name: text,
  last_name: text,
  phone: text,
  updated_at: text,
  default_address: RestAddress.nullish(),
});
export type RestCustomer = z.infer<typeof RestCustomer>;

export const RestOrder = z.object({
  id: Id,
  name: z.string(),
  email: text,
  contact_email: text,
  created_at: z.string(),
  updated_at: z.string(),
  processed_at: text,
  cancelled_at: text,
  financial_status: text,
  currency: Currency,
  /** Blank reads as absent (the shop currency), as before. */
  presentment_currency: z.union([Currency, z.string().regex(/^\s*$/)]).nullish(),
  taxes_included: z.boolean(),
  note: text,
  subtotal_price: Amount.nullish(),
  subtotal_price_set: RestMoneySet.nullish(),
  total_price: Amount,
  total_price_set: RestMoneySet.nullish(),
  total_tax: Amount.nullish(),
  total_tax_set: RestMoneySet.nullish(),
  total_discounts: Amount.nullish(),
  total_discounts_set: RestMoneySet.nullish(),
  total_shipping_price_set: RestMoneySet.nullish(),
  line_items: z.array(RestLineItem),
  shipping_lines: z.array(RestShippingLine).nullish(),
  tax_lines: z.array(RestTaxLine).nullish(),
  discount_applications: z
    .array(z.object({ type: text, code: text, title: text, description: text }))
    .nullish(),
  discount_codes: z.array(z.object({ code: z.string(), amount: Amount.nullish() })).nullish(),
  customer: RestCustomer.nullish(),
  billing_address: RestAddress.nullish(),
  shipping_address: RestAddress.nullish(),
});
export type RestOrder = z.infer<typeof RestOrder>;

export type GqlAddress = z.infer<typeof GqlAddress>;
export type GqlMoneyBag = z.infer<typeof GqlMoneyBag>;
export type RestAddress = z.infer<typeof RestAddress>;
