/**
 * The Admin GraphQL documents we send. Each is validated against Shopify's schema and its requested cost is
 * computed with the documented cost model in queries.test.ts: every query stays under the single-query limit
 * of 1000 points (notes §3), which is why line items come in pages of 60 (+80 per follow-up), why lines read
 * only `presentmentMoney` (to-canonical.ts posts in the buyer's currency), and why polling reads ids only.
 * No deprecated field is used (customer email and phone come from defaultEmailAddress / defaultPhoneNumber).
 * @see https://shopify.dev/docs/api/admin-graphql/latest/objects/Order
 */
import { manifest } from './connector.ts';

const { lineItemsFirstPage, lineItemsFollowUpPage, shippingLinesPage, discountApplicationsPage } = manifest.graphql;

const FRAGMENTS = /* GraphQL */ `
fragment Money on MoneyBag {
  shopMoney { amount currencyCode }
  presentmentMoney { amount currencyCode }
}
fragment BuyerMoney on MoneyBag {
  presentmentMoney { amount currencyCode }
}
fragment Tax on TaxLine {
  title
  rate
  ratePercentage
  priceSet { ...BuyerMoney }
}
fragment Allocation on DiscountAllocation {
  allocatedAmountSet { ...BuyerMoney }
  discountApplication { index }
}
fragment Address on MailingAddress {
  firstName lastName name company address1 address2 city province provinceCode zip country countryCodeV2 phone
}
fragment CustomerFields on Customer {
  id
  legacyResourceId
  firstName
  lastName
  defaultEmailAddress { emailAddress }
  defaultPhoneNumber { phoneNumber }
  defaultAddress { ...Address }
  updatedAt
}
fragment LineItemFields on LineItem {
  id name title sku quantity taxable
  product { id }
  originalUnitPriceSet { ...BuyerMoney }
  discountAllocations { ...Allocation }
  taxLines { ...Tax }
}
fragment ShippingLineFields on ShippingLine {
  id title code
  originalPriceSet { ...BuyerMoney }
  discountAllocations { ...Allocation }
  taxLines { ...Tax }
}
fragment DiscountApplicationFields on DiscountApplication {
  __typename
  index
  ... on DiscountCodeApplication { code }
  ... on ManualDiscountApplication { title description }
  ... on AutomaticDiscountApplication { title }
  ... on ScriptDiscountApplication { title }
}
`;

/** Only the fragments a document uses, so `validate()` finds no unused fragment. */
function withFragments(body: string): string {
  const all = new Map<string, string>();
  for (const match of FRAGMENTS.matchAll(/fragment (\w+) on \w+ \{[\s\S]*?\n\}/g)) all.set(match[1] ?? '', match[0]);
  const used = new Set<string>();
  const visit = (text: string): void => {
    for (const m of text.matchAll(/\.\.\.(\w+)/g)) {
      const name = m[1] ?? '';
      if (all.has(name) && !used.has(name)) {
        used.add(name);
        visit(all.get(name) ?? '');
      }
    }
  };
  visit(body);
  return [body.trim(), ...[...used].map((name) => all.get(name))].join('\n');
}

/** The order with everything the mapping reads (to-canonical.ts), first pages of its connections included. */
export const ORDER_QUERY = withFragments(/* GraphQL */ `
query OrderById($id: ID!) {
  order(id: $id) {
    id legacyResourceId name email
    createdAt updatedAt processedAt cancelledAt
    displayFinancialStatus currencyCode presentmentCurrencyCode taxesIncluded note
    subtotalPriceSet { ...Money }
    totalPriceSet { ...Money }
    totalTaxSet { ...Money }
    totalShippingPriceSet { ...Money }
    totalDiscountsSet { ...Money }
    taxLines { ...Tax }
    customer { ...CustomerFields }
    billingAddress { ...Address }
    shippingAddress { ...Address }
    lineItems(first: ${lineItemsFirstPage}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...LineItemFields }
    }
    shippingLines(first: ${shippingLinesPage}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...ShippingLineFields }
    }
    discountApplications(first: ${discountApplicationsPage}) {
      pageInfo { hasNextPage endCursor }
      nodes { ...DiscountApplicationFields }
    }
  }
}
`);

/** Follow-up pages of an order's line items (orders with more lines than the first page holds). */
export const ORDER_LINE_ITEMS_QUERY = withFragments(/* GraphQL */ `
query OrderLineItems($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: ${lineItemsFollowUpPage}, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ...LineItemFields }
    }
  }
}
`);

export const ORDER_SHIPPING_LINES_QUERY = withFragments(/* GraphQL */ `
query OrderShippingLines($id: ID!, $after: String) {
  order(id: $id) {
    shippingLines(first: 50, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ...ShippingLineFields }
    }
  }
}
`);

export const ORDER_DISCOUNT_APPLICATIONS_QUERY = withFragments(/* GraphQL */ `
query OrderDiscountApplications($id: ID!, $after: String) {
  order(id: $id) {
    discountApplications(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { ...DiscountApplicationFields }
    }
  }
}
`);

/** Polling: what changed, oldest first. `$q` is search syntax: `updated_at:>='2026-04-01T00:00:00Z'`. */
export const ORDERS_PAGE_QUERY = /* GraphQL */ `
query OrdersPage($first: Int!, $after: String, $q: String) {
  orders(first: $first, after: $after, query: $q, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId updatedAt }
  }
}
`.trim();

export const CUSTOMER_QUERY = withFragments(/* GraphQL */ `
query CustomerById($id: ID!) {
  customer(id: $id) { ...CustomerFields }
}
`);

export const CUSTOMERS_PAGE_QUERY = /* GraphQL */ `
query CustomersPage($first: Int!, $after: String, $q: String) {
  customers(first: $first, after: $after, query: $q, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId updatedAt }
  }
}
`.trim();

/** Ping: proves the token, the domain and the version in one cheap call. */
export const SHOP_QUERY = /* GraphQL */ `
query Shop {
  shop { name myshopifyDomain currencyCode }
}
`.trim();

/** Our subscriptions: those to one address, which is per connection (so another app's never show up here). */
export const WEBHOOK_SUBSCRIPTIONS_QUERY = /* GraphQL */ `
query WebhookSubscriptions($uri: String!, $first: Int!, $after: String) {
  webhookSubscriptions(uri: $uri, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId topic uri }
  }
}
`.trim();

/** `uri`, not the deprecated `callbackUrl` (notes §4.1). */
export const WEBHOOK_SUBSCRIBE_MUTATION = /* GraphQL */ `
mutation WebhookSubscribe($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id legacyResourceId topic uri }
    userErrors { field message }
  }
}
`.trim();

/** Every document, by operation name (the tests validate and cost each one). */
export const QUERIES = {
  OrderById: ORDER_QUERY,
  OrderLineItems: ORDER_LINE_ITEMS_QUERY,
  OrderShippingLines: ORDER_SHIPPING_LINES_QUERY,
  OrderDiscountApplications: ORDER_DISCOUNT_APPLICATIONS_QUERY,
  OrdersPage: ORDERS_PAGE_QUERY,
  CustomerById: CUSTOMER_QUERY,
  CustomersPage: CUSTOMERS_PAGE_QUERY,
  Shop: SHOP_QUERY,
  WebhookSubscriptions: WEBHOOK_SUBSCRIPTIONS_QUERY,
  WebhookSubscribe: WEBHOOK_SUBSCRIBE_MUTATION,
} as const;
export type OperationName = keyof typeof QUERIES;
