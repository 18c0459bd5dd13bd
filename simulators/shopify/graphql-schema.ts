/**
 * The slice of the Admin GraphQL schema an accounting sync reads, written by hand with the real type, field and
 * argument names and types. schema-subset.test.ts checks every line of it against the real 2026-01 schema
 * (shared/specs/shopify/admin-2026-01/graphql.schema), so the simulator cannot accept a field, argument or enum
 * value that Shopify would reject. Fields deprecated in the real schema are marked deprecated here too.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { COUNTRY_CODES, CURRENCY_CODES } from './codes.ts';
import { graphqlTopic, TOPICS } from './state.ts';

export const SCHEMA_SDL = /* GraphQL */ `
schema {
  query: QueryRoot
  mutation: Mutation
}

scalar DateTime
scalar Decimal
scalar UnsignedInt64
scalar URL

enum CurrencyCode { ${CURRENCY_CODES.join(' ')} }
enum CountryCode { ${COUNTRY_CODES.join(' ')} }

type QueryRoot {
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: OrderSortKeys = PROCESSED_AT, query: String): OrderConnection!
  customer(id: ID!): Customer
  customers(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: CustomerSortKeys = ID, query: String): CustomerConnection!
  shop: Shop!
  webhookSubscriptions(uri: String, format: WebhookSubscriptionFormat, topics: [WebhookSubscriptionTopic!], first: Int, after: String, last: Int, before: String, reverse: Boolean = false): WebhookSubscriptionConnection!
}

type Mutation {
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  webhookSubscriptionDelete(id: ID!): WebhookSubscriptionDeletePayload
}

enum OrderSortKeys { CREATED_AT CURRENT_TOTAL_PRICE ID ORDER_NUMBER PROCESSED_AT TOTAL_PRICE UPDATED_AT }
enum CustomerSortKeys { CREATED_AT ID NAME UPDATED_AT }
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY STAFF OTHER }
enum OrderDisplayFinancialStatus { PENDING AUTHORIZED PARTIALLY_PAID PARTIALLY_REFUNDED VOIDED PAID REFUNDED EXPIRED }
enum OrderDisplayFulfillmentStatus { UNFULFILLED PARTIALLY_FULFILLED FULFILLED RESTOCKED }
enum CustomerState { DECLINED DISABLED ENABLED INVITED }
enum OrderTransactionKind { SALE CAPTURE AUTHORIZATION VOID REFUND }
enum OrderTransactionStatus { SUCCESS FAILURE PENDING ERROR }
enum RefundLineItemRestockType { RETURN CANCEL NO_RESTOCK }
enum DiscountApplicationAllocationMethod { ACROSS EACH }
enum DiscountApplicationTargetSelection { ALL ENTITLED EXPLICIT }
enum DiscountApplicationTargetType { LINE_ITEM SHIPPING_LINE }
enum WebhookSubscriptionFormat { JSON }
enum WebhookSubscriptionTopic { ${TOPICS.map(graphqlTopic).join(' ')} }

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type MoneyV2 {
  amount: Decimal!
  currencyCode: CurrencyCode!
}

type MoneyBag {
  presentmentMoney: MoneyV2!
  shopMoney: MoneyV2!
}

type PricingPercentageValue {
  percentage: Float!
}

union PricingValue = MoneyV2 | PricingPercentageValue

interface DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
}

type DiscountCodeApplication implements DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  code: String!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  value: PricingValue!
}

# Never produced by this simulator's orders, but part of the real union: clients select them in fragments.
type AutomaticDiscountApplication implements DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  title: String!
  value: PricingValue!
}

type ScriptDiscountApplication implements DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  title: String!
  value: PricingValue!
}

type ManualDiscountApplication implements DiscountApplication {
  allocationMethod: DiscountApplicationAllocationMethod!
  description: String
  index: Int!
  targetSelection: DiscountApplicationTargetSelection!
  targetType: DiscountApplicationTargetType!
  title: String!
  value: PricingValue!
}

type DiscountApplicationEdge {
  cursor: String!
  node: DiscountApplication!
}

type DiscountApplicationConnection {
  edges: [DiscountApplicationEdge!]!
  nodes: [DiscountApplication!]!
  pageInfo: PageInfo!
}

type DiscountAllocation {
  allocatedAmountSet: MoneyBag!
  discountApplication: DiscountApplication!
}

type TaxLine {
  channelLiable: Boolean
  priceSet: MoneyBag!
  rate: Float
  ratePercentage: Float
  title: String!
}

type MailingAddress {
  address1: String
  address2: String
  city: String
  company: String
  country: String
  countryCodeV2: CountryCode
  firstName: String
  id: ID!
  lastName: String
  name: String
  phone: String
  province: String
  provinceCode: String
  zip: String
}

type CustomerEmailAddress {
  emailAddress: String!
}

type CustomerPhoneNumber {
  phoneNumber: String!
}

type Customer {
  amountSpent: MoneyV2!
  createdAt: DateTime!
  defaultAddress: MailingAddress
  defaultEmailAddress: CustomerEmailAddress
  defaultPhoneNumber: CustomerPhoneNumber
  displayName: String!
  email: String @deprecated(reason: "Use \`defaultEmailAddress.emailAddress\` instead.")
  firstName: String
  id: ID!
  lastName: String
  legacyResourceId: UnsignedInt64!
  note: String
  numberOfOrders: UnsignedInt64!
  phone: String @deprecated(reason: "Use \`defaultPhoneNumber.phoneNumber\` instead.")
  state: CustomerState!
  tags: [String!]!
  taxExempt: Boolean!
  updatedAt: DateTime!
  verifiedEmail: Boolean!
}

type CustomerEdge {
  cursor: String!
  node: Customer!
}

type CustomerConnection {
  edges: [CustomerEdge!]!
  nodes: [Customer!]!
  pageInfo: PageInfo!
}

type Product {
  id: ID!
  title: String!
}

type ProductVariant {
  id: ID!
  sku: String
}

type LineItem {
  currentQuantity: Int!
  discountAllocations: [DiscountAllocation!]!
  discountedTotalSet(withCodeDiscounts: Boolean = false): MoneyBag!
  discountedUnitPriceAfterAllDiscountsSet: MoneyBag!
  discountedUnitPriceSet: MoneyBag!
  id: ID!
  isGiftCard: Boolean!
  name: String!
  originalTotalSet: MoneyBag!
  originalUnitPriceSet: MoneyBag!
  product: Product
  quantity: Int!
  refundableQuantity: Int!
  requiresShipping: Boolean!
  sku: String
  taxLines(first: Int): [TaxLine!]!
  taxable: Boolean!
  title: String!
  totalDiscountSet: MoneyBag!
  unfulfilledQuantity: Int!
  variant: ProductVariant
  variantTitle: String
  vendor: String
}

type LineItemEdge {
  cursor: String!
  node: LineItem!
}

type LineItemConnection {
  edges: [LineItemEdge!]!
  nodes: [LineItem!]!
  pageInfo: PageInfo!
}

type ShippingLine {
  carrierIdentifier: String
  code: String
  currentDiscountedPriceSet: MoneyBag!
  custom: Boolean!
  discountAllocations: [DiscountAllocation!]!
  discountedPriceSet: MoneyBag!
  id: ID
  isRemoved: Boolean!
  originalPriceSet: MoneyBag!
  source: String
  taxLines: [TaxLine!]!
  title: String!
}

type ShippingLineEdge {
  cursor: String!
  node: ShippingLine!
}

type ShippingLineConnection {
  edges: [ShippingLineEdge!]!
  nodes: [ShippingLine!]!
  pageInfo: PageInfo!
}

type OrderTransaction {
  amountSet: MoneyBag!
  createdAt: DateTime!
  gateway: String
  id: ID!
  kind: OrderTransactionKind!
  parentTransaction: OrderTransaction
  processedAt: DateTime
  status: OrderTransactionStatus!
  test: Boolean!
}

type OrderTransactionEdge {
  cursor: String!
  node: OrderTransaction!
}

type OrderTransactionConnection {
  edges: [OrderTransactionEdge!]!
  nodes: [OrderTransaction!]!
  pageInfo: PageInfo!
}

type RefundLineItem {
  id: ID
  lineItem: LineItem!
  priceSet: MoneyBag!
  quantity: Int!
  restockType: RefundLineItemRestockType!
  restocked: Boolean!
  subtotalSet: MoneyBag!
  totalTaxSet: MoneyBag!
}

type RefundLineItemEdge {
  cursor: String!
  node: RefundLineItem!
}

type RefundLineItemConnection {
  edges: [RefundLineItemEdge!]!
  nodes: [RefundLineItem!]!
  pageInfo: PageInfo!
}

type RefundShippingLine {
  id: ID!
  shippingLine: ShippingLine!
  subtotalAmountSet: MoneyBag!
  taxAmountSet: MoneyBag!
}

type RefundShippingLineEdge {
  cursor: String!
  node: RefundShippingLine!
}

type RefundShippingLineConnection {
  edges: [RefundShippingLineEdge!]!
  nodes: [RefundShippingLine!]!
  pageInfo: PageInfo!
}

type Refund {
  createdAt: DateTime
  id: ID!
  legacyResourceId: UnsignedInt64!
  note: String
  order: Order!
  processedAt: DateTime!
  refundLineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): RefundLineItemConnection!
  refundShippingLines(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): RefundShippingLineConnection!
  totalRefundedSet: MoneyBag!
  transactions(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): OrderTransactionConnection!
  updatedAt: DateTime!
}

type Order {
  billingAddress: MailingAddress
  cancelReason: OrderCancelReason
  cancelledAt: DateTime
  closed: Boolean!
  closedAt: DateTime
  confirmed: Boolean!
  createdAt: DateTime!
  currencyCode: CurrencyCode!
  currentShippingPriceSet: MoneyBag!
  currentSubtotalLineItemsQuantity: Int!
  currentSubtotalPriceSet: MoneyBag!
  currentTaxLines: [TaxLine!]!
  currentTotalDiscountsSet: MoneyBag!
  currentTotalPriceSet: MoneyBag!
  currentTotalTaxSet: MoneyBag!
  customer: Customer
  discountApplications(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): DiscountApplicationConnection!
  discountCode: String
  discountCodes: [String!]!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  email: String
  fullyPaid: Boolean!
  id: ID!
  legacyResourceId: UnsignedInt64!
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
  name: String!
  netPaymentSet: MoneyBag!
  note: String
  number: Int!
  originalTotalPriceSet: MoneyBag!
  paymentGatewayNames: [String!]!
  phone: String
  presentmentCurrencyCode: CurrencyCode!
  processedAt: DateTime!
  refunds(first: Int): [Refund!]!
  shippingAddress: MailingAddress
  shippingLines(includeRemovals: Boolean = false, first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ShippingLineConnection!
  sourceName: String
  subtotalLineItemsQuantity: Int!
  subtotalPriceSet: MoneyBag
  tags: [String!]!
  taxExempt: Boolean!
  taxLines: [TaxLine!]!
  taxesIncluded: Boolean!
  test: Boolean!
  totalDiscountsSet: MoneyBag
  totalOutstandingSet: MoneyBag!
  totalPriceSet: MoneyBag!
  totalReceivedSet: MoneyBag!
  totalRefundedSet: MoneyBag!
  totalRefundedShippingSet: MoneyBag!
  totalShippingPriceSet: MoneyBag!
  totalTaxSet: MoneyBag
  transactions(first: Int): [OrderTransaction!]!
  unpaid: Boolean!
  updatedAt: DateTime!
}

type OrderEdge {
  cursor: String!
  node: Order!
}

type OrderConnection {
  edges: [OrderEdge!]!
  nodes: [Order!]!
  pageInfo: PageInfo!
}

type Shop {
  currencyCode: CurrencyCode!
  email: String!
  enabledPresentmentCurrencies: [CurrencyCode!]!
  ianaTimezone: String!
  id: ID!
  myshopifyDomain: String!
  name: String!
  timezoneOffset: String!
}

type ApiVersion {
  displayName: String!
  handle: String!
  supported: Boolean!
}

type WebhookSubscription {
  apiVersion: ApiVersion!
  callbackUrl: URL! @deprecated(reason: "Use \`uri\` instead.")
  createdAt: DateTime!
  format: WebhookSubscriptionFormat!
  id: ID!
  includeFields: [String!]!
  legacyResourceId: UnsignedInt64!
  topic: WebhookSubscriptionTopic!
  updatedAt: DateTime!
  uri: String!
}

type WebhookSubscriptionEdge {
  cursor: String!
  node: WebhookSubscription!
}

type WebhookSubscriptionConnection {
  edges: [WebhookSubscriptionEdge!]!
  nodes: [WebhookSubscription!]!
  pageInfo: PageInfo!
}

input WebhookSubscriptionInput {
  format: WebhookSubscriptionFormat
  includeFields: [String!]
  filter: String
  callbackUrl: URL @deprecated(reason: "Use \`uri\` instead.")
  uri: String
}

type UserError {
  field: [String!]
  message: String!
}

type WebhookSubscriptionCreatePayload {
  userErrors: [UserError!]!
  webhookSubscription: WebhookSubscription
}

type WebhookSubscriptionDeletePayload {
  deletedWebhookSubscriptionId: ID
  userErrors: [UserError!]!
}
`;

let built: GraphQLSchema | undefined;

export function shopifySchema(): GraphQLSchema {
  built ??= buildSchema(SCHEMA_SDL);
  return built;
}
