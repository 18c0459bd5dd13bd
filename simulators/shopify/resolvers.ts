/**
 * GraphQL views of the state records. Each view is a plain object whose fields are values or functions of the
 * field arguments (graphql-js's default resolver calls them), so the schema stays the hand-written SDL and the
 * mapping from record to Admin field lives in one place. Every lookup goes through the calling token's shop:
 * a token never sees another shop's records.
 */
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import { cmp, mul, mulDiv, toMinor } from '../_kit/decimal-text.ts';
import { gid, type GidType } from './ids.ts';
import { subM, sumM } from './money2.ts';
import { aggregateTaxLines, lineNet } from './order-math.ts';
import { paginate, paginateById, type Page, type PageArgs, type SortValue } from './connection.ts';
import { customerSearch, orderSearch } from './search-fields.ts';
import type { SearchWarning } from './search-query.ts';
import { graphqlTopic, normaliseTopic, SubscriptionError, type ShopifyState } from './state.ts';
import { graphqlDateTime } from './time.ts';
import type {
  AddressRecord,
  CustomerRecord,
  DiscountApplicationRecord,
  LineItemRecord,
  Money2,
  OrderRecord,
  RefundRecord,
  ShippingLineRecord,
  ShopRecord,
  SubscriptionRecord,
  TaxLineRecord,
  TransactionRecord,
} from './types.ts';

export interface GraphQLContext {
  state: ShopifyState;
  shop: ShopRecord;
  /** The API version serving this request (after fall-forward). */
  apiVersion: string;
  /** Renders a Decimal ("29.0" by default). */
  decimal: (amount: string) => string;
  /** Search warnings collected for `extensions.search`. */
  searchWarnings: { path: (string | number)[]; query: string; warnings: SearchWarning[] }[];
}

type View = Record<string, unknown>;

function strictId(type: GidType, value: string): string | null {
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(value);
  if (!m) throw new GraphQLError(`Invalid global id '${value}'`, { extensions: { code: 'argumentLiteralsIncompatible' } });
  return m[1] === type ? (m[2] ?? null) : null;
}

function bag(ctx: GraphQLContext, order: Pick<OrderRecord, 'currency' | 'presentmentCurrency'>, m: Money2): View {
  return {
    shopMoney: { __typename: 'MoneyV2', amount: ctx.decimal(m.shop), currencyCode: order.currency },
    presentmentMoney: { __typename: 'MoneyV2', amount: ctx.decimal(m.presentment), currencyCode: order.presentmentCurrency },
  };
}

function connection<T>(page: Page<T>, view: (t: T) => View): View {
  const edges = page.edges.map((e) => ({ cursor: e.cursor, node: view(e.node) }));
  return { edges, nodes: edges.map((e) => e.node), pageInfo: page.pageInfo };
}

function firstN<T>(items: readonly T[], first: number | null | undefined): T[] {
  return first === undefined || first === null ? [...items] : items.slice(0, Math.max(0, first));
}

function addressView(a: AddressRecord | null | undefined): View | null {
  if (!a) return null;
  return {
    id: gid('MailingAddress', a.id),
    firstName: a.firstName,
    lastName: a.lastName,
    name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    zip: a.zip,
    country: a.country,
    countryCodeV2: a.countryCode,
    phone: a.phone,
  };
}

function taxLineView(ctx: GraphQLContext, order: OrderRecord, t: Pick<TaxLineRecord, 'title' | 'rate' | 'price' | 'channelLiable'>): View {
  return {
    title: t.title,
    // Float fields: a tax rate is a ratio, not money, so a JS number is what the real API sends too.
    rate: Number(t.rate),
    ratePercentage: Number(mul(t.rate, '100')),
    priceSet: bag(ctx, order, t.price),
    channelLiable: t.channelLiable,
  };
}

function discountApplicationView(ctx: GraphQLContext, order: OrderRecord, d: DiscountApplicationRecord): View {
  const value =
    d.valueType === 'percentage'
      ? { __typename: 'PricingPercentageValue', percentage: Number(d.value) }
      : { __typename: 'MoneyV2', amount: ctx.decimal(d.value), currencyCode: order.currency };
  const common = { allocationMethod: d.allocationMethod, index: d.index, targetSelection: d.targetSelection, targetType: d.targetType, value };
  return d.type === 'discount_code'
    ? { __typename: 'DiscountCodeApplication', ...common, code: d.code }
    : { __typename: 'ManualDiscountApplication', ...common, title: d.title, description: d.description };
}

function perUnit(m: Money2, quantity: number): Money2 {
  return { shop: mulDiv(m.shop, 1n, BigInt(quantity)), presentment: mulDiv(m.presentment, 1n, BigInt(quantity)) };
}

function lineItemView(ctx: GraphQLContext, order: OrderRecord, li: LineItemRecord): View {
  const application = (index: number) => order.discountApplications.find((d) => d.index === index);
  const codeAllocations = sumM(li.discountAllocations.filter((a) => application(a.applicationIndex)?.type === 'discount_code').map((a) => a.amount));
  const afterLineDiscounts = subM(li.originalTotal, li.lineDiscount);
  return {
    id: gid('LineItem', li.id),
    sku: li.sku,
    title: li.title,
    name: li.name,
    variantTitle: li.variantTitle,
    vendor: li.vendor,
    quantity: li.quantity,
    currentQuantity: li.currentQuantity,
    refundableQuantity: ['PAID', 'PARTIALLY_REFUNDED', 'PARTIALLY_PAID'].includes(order.financialStatus) ? li.currentQuantity : 0,
    unfulfilledQuantity: li.currentQuantity,
    isGiftCard: false,
    taxable: li.taxable,
    requiresShipping: li.requiresShipping,
    originalUnitPriceSet: bag(ctx, order, li.unitPrice),
    originalTotalSet: bag(ctx, order, li.originalTotal),
    totalDiscountSet: bag(ctx, order, li.lineDiscount),
    discountedTotalSet: (args: { withCodeDiscounts?: boolean }) =>
      bag(ctx, order, args.withCodeDiscounts ? subM(afterLineDiscounts, codeAllocations) : afterLineDiscounts),
    discountedUnitPriceSet: bag(ctx, order, perUnit(afterLineDiscounts, li.quantity)),
    discountedUnitPriceAfterAllDiscountsSet: bag(ctx, order, perUnit(lineNet(li), li.quantity)),
    taxLines: (args: { first?: number | null }) => firstN(li.taxLines, args.first).map((t) => taxLineView(ctx, order, t)),
    discountAllocations: li.discountAllocations.map((a) => {
      const app = application(a.applicationIndex);
      return { allocatedAmountSet: bag(ctx, order, a.amount), discountApplication: app ? discountApplicationView(ctx, order, app) : null };
    }),
    variant: li.variantId ? { id: gid('ProductVariant', li.variantId), sku: li.sku } : null,
    product: li.productId ? { id: gid('Product', li.productId), title: li.title } : null,
  };
}

function shippingLineView(ctx: GraphQLContext, order: OrderRecord, s: ShippingLineRecord): View {
  return {
    id: gid('ShippingLine', s.id),
    title: s.title,
    code: s.code,
    source: s.source,
    carrierIdentifier: null,
    custom: false,
    isRemoved: false,
    originalPriceSet: bag(ctx, order, s.price),
    discountedPriceSet: bag(ctx, order, s.discountedPrice),
    currentDiscountedPriceSet: bag(ctx, order, subM(s.discountedPrice, s.refunded)),
    taxLines: s.taxLines.map((t) => taxLineView(ctx, order, t)),
    discountAllocations: [],
  };
}

function transactionView(ctx: GraphQLContext, order: OrderRecord, t: TransactionRecord): View {
  return {
    id: gid('OrderTransaction', t.id),
    kind: t.kind,
    status: t.status,
    gateway: t.gateway,
    amountSet: bag(ctx, order, t.amount),
    createdAt: graphqlDateTime(t.createdAt),
    processedAt: graphqlDateTime(t.createdAt),
    test: t.test,
    parentTransaction: () => {
      const parent = order.transactions.find((p) => p.id === t.parentId);
      return parent ? transactionView(ctx, order, parent) : null;
    },
  };
}

function refundView(ctx: GraphQLContext, order: OrderRecord, r: RefundRecord): View {
  return {
    id: gid('Refund', r.id),
    legacyResourceId: r.id,
    createdAt: graphqlDateTime(r.createdAt),
    processedAt: graphqlDateTime(r.createdAt),
    updatedAt: graphqlDateTime(r.createdAt),
    note: r.note,
    order: () => orderView(ctx, order),
    totalRefundedSet: bag(ctx, order, r.totalRefunded),
    refundLineItems: (args: PageArgs) =>
      connection(paginateById(r.lineItems, args, (l) => l.id), (l) => {
        const li = order.lineItems.find((x) => x.id === l.lineItemId);
        return {
          id: gid('RefundLineItem', l.id),
          lineItem: li ? lineItemView(ctx, order, li) : null,
          quantity: l.quantity,
          restockType: l.restockType,
          restocked: l.restockType !== 'NO_RESTOCK',
          priceSet: bag(ctx, order, l.price),
          subtotalSet: bag(ctx, order, l.subtotal),
          totalTaxSet: bag(ctx, order, l.totalTax),
        };
      }),
    refundShippingLines: (args: PageArgs) =>
      connection(paginateById(r.shippingLines, args, (s) => s.id), (s) => {
        const line = order.shippingLines.find((x) => x.id === s.shippingLineId);
        return {
          id: gid('RefundShippingLine', s.id),
          shippingLine: line ? shippingLineView(ctx, order, line) : null,
          subtotalAmountSet: bag(ctx, order, s.subtotal),
          taxAmountSet: bag(ctx, order, s.tax),
        };
      }),
    transactions: (args: PageArgs) => connection(paginateById(r.transactions, args, (t) => t.id), (t) => transactionView(ctx, order, t)),
  };
}

export function customerView(ctx: GraphQLContext, c: CustomerRecord): View {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return {
    id: gid('Customer', c.id),
    legacyResourceId: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    displayName: name || c.email || c.phone || '',
    email: c.email,
    phone: c.phone,
    defaultEmailAddress: c.email ? { emailAddress: c.email } : null,
    defaultPhoneNumber: c.phone ? { phoneNumber: c.phone } : null,
    state: c.state,
    tags: c.tags,
    taxExempt: c.taxExempt,
    note: c.note,
    verifiedEmail: c.verifiedEmail,
    createdAt: graphqlDateTime(c.createdAt),
    updatedAt: graphqlDateTime(c.updatedAt),
    numberOfOrders: String(c.numberOfOrders),
    amountSpent: { amount: ctx.decimal(c.amountSpent), currencyCode: ctx.shop.currency },
    defaultAddress: addressView(c.addresses[0]),
  };
}

export function orderView(ctx: GraphQLContext, o: OrderRecord): View {
  const outstanding = subM(o.current.total, subM(o.totalReceived, o.totalRefunded));
  const customer = o.customerId ? ctx.shop.customers.get(o.customerId) : undefined;
  return {
    id: gid('Order', o.id),
    legacyResourceId: o.id,
    name: o.name,
    number: o.orderNumber - 1000,
    email: o.email,
    phone: o.phone,
    createdAt: graphqlDateTime(o.createdAt),
    updatedAt: graphqlDateTime(o.updatedAt),
    processedAt: graphqlDateTime(o.processedAt),
    cancelledAt: o.cancelledAt === null ? null : graphqlDateTime(o.cancelledAt),
    cancelReason: o.cancelReason,
    closedAt: o.closedAt === null ? null : graphqlDateTime(o.closedAt),
    closed: o.closedAt !== null,
    confirmed: true,
    test: o.test,
    taxesIncluded: o.taxesIncluded,
    taxExempt: o.taxExempt,
    sourceName: o.sourceName,
    note: o.note,
    tags: o.tags,
    currencyCode: o.currency,
    presentmentCurrencyCode: o.presentmentCurrency,
    displayFinancialStatus: o.financialStatus,
    displayFulfillmentStatus: 'UNFULFILLED',
    fullyPaid: cmp(outstanding.shop, '0') <= 0,
    unpaid: cmp(o.totalReceived.shop, '0') === 0 && cmp(o.current.total.shop, '0') > 0,
    paymentGatewayNames: [o.gateway],
    discountCode: o.discountCodes[0]?.code ?? null,
    discountCodes: o.discountCodes.map((d) => d.code),
    subtotalLineItemsQuantity: o.lineItems.reduce((n, li) => n + li.quantity, 0),
    currentSubtotalLineItemsQuantity: o.lineItems.reduce((n, li) => n + li.currentQuantity, 0),
    subtotalPriceSet: bag(ctx, o, o.original.subtotal),
    totalPriceSet: bag(ctx, o, o.original.total),
    totalTaxSet: bag(ctx, o, o.original.tax),
    totalShippingPriceSet: bag(ctx, o, o.original.shipping),
    totalDiscountsSet: bag(ctx, o, o.original.discounts),
    originalTotalPriceSet: bag(ctx, o, o.original.total),
    currentSubtotalPriceSet: bag(ctx, o, o.current.subtotal),
    currentTotalPriceSet: bag(ctx, o, o.current.total),
    currentTotalTaxSet: bag(ctx, o, o.current.tax),
    currentTotalDiscountsSet: bag(ctx, o, o.current.discounts),
    currentShippingPriceSet: bag(ctx, o, o.current.shipping),
    totalRefundedSet: bag(ctx, o, o.totalRefunded),
    totalRefundedShippingSet: bag(ctx, o, o.totalRefundedShipping),
    totalReceivedSet: bag(ctx, o, o.totalReceived),
    netPaymentSet: bag(ctx, o, subM(o.totalReceived, o.totalRefunded)),
    totalOutstandingSet: bag(ctx, o, outstanding),
    taxLines: aggregateTaxLines(o, false).map((t) => taxLineView(ctx, o, t)),
    currentTaxLines: aggregateTaxLines(o, true).map((t) => taxLineView(ctx, o, t)),
    customer: customer ? customerView(ctx, customer) : null,
    billingAddress: addressView(o.billingAddress),
    shippingAddress: addressView(o.shippingAddress),
    lineItems: (args: PageArgs) => connection(paginateById(o.lineItems, args, (li) => li.id), (li) => lineItemView(ctx, o, li)),
    shippingLines: (args: PageArgs) => connection(paginateById(o.shippingLines, args, (s) => s.id), (s) => shippingLineView(ctx, o, s)),
    discountApplications: (args: PageArgs) =>
      connection(paginate(o.discountApplications, args, (d) => String(d.index), (d) => BigInt(d.index)), (d) => discountApplicationView(ctx, o, d)),
    refunds: (args: { first?: number | null }) => firstN(o.refunds, args.first).map((r) => refundView(ctx, o, r)),
    transactions: (args: { first?: number | null }) => firstN(o.transactions, args.first).map((t) => transactionView(ctx, o, t)),
  };
}

function subscriptionView(ctx: GraphQLContext, s: SubscriptionRecord): View {
  const topic = normaliseTopic(s.topic);
  return {
    id: gid('WebhookSubscription', s.id),
    legacyResourceId: s.id,
    topic: topic ? graphqlTopic(topic) : s.topic,
    uri: s.uri,
    callbackUrl: s.uri,
    format: s.format,
    includeFields: [],
    createdAt: graphqlDateTime(s.createdAt),
    updatedAt: graphqlDateTime(s.updatedAt),
    apiVersion: { handle: s.apiVersion, displayName: s.apiVersion, supported: true },
  };
}

// ---- sorting --------------------------------------------------------------------------------------------

function orderSortValue(sortKey: string | undefined): (o: OrderRecord) => SortValue {
  switch (sortKey) {
    case 'CREATED_AT':
      return (o) => BigInt(o.createdAt);
    case 'UPDATED_AT':
      return (o) => BigInt(o.updatedAt);
    case 'ID':
      return (o) => BigInt(o.id);
    case 'ORDER_NUMBER':
      return (o) => BigInt(o.orderNumber);
    case 'TOTAL_PRICE':
      return (o) => toMinor(o.original.total.shop);
    case 'CURRENT_TOTAL_PRICE':
      return (o) => toMinor(o.current.total.shop);
    default:
      return (o) => BigInt(o.processedAt);
  }
}

function customerSortValue(sortKey: string | undefined): (c: CustomerRecord) => SortValue {
  switch (sortKey) {
    case 'CREATED_AT':
      return (c) => BigInt(c.createdAt);
    case 'UPDATED_AT':
      return (c) => BigInt(c.updatedAt);
    case 'NAME':
      return (c) => [c.firstName, c.lastName].filter(Boolean).join(' ').toLowerCase();
    default:
      return (c) => BigInt(c.id);
  }
}

type ListArgs = PageArgs & { query?: string | null; sortKey?: string };

// ---- roots ----------------------------------------------------------------------------------------------

export const rootValue = {
  order(args: { id: string }, ctx: GraphQLContext): View | null {
    const id = strictId('Order', args.id);
    const order = id ? ctx.shop.orders.get(id) : undefined;
    return order ? orderView(ctx, order) : null;
  },

  orders(args: ListArgs, ctx: GraphQLContext, info: GraphQLResolveInfo): View {
    const search = orderSearch(ctx.shop, args.query);
    if (search.warnings.length > 0) ctx.searchWarnings.push({ path: responsePathAsArray(info.path), query: args.query ?? '', warnings: search.warnings });
    const items = [...ctx.shop.orders.values()].filter(search.test);
    return connection(paginate(items, args, (o) => o.id, orderSortValue(args.sortKey)), (o) => orderView(ctx, o));
  },

  customer(args: { id: string }, ctx: GraphQLContext): View | null {
    const id = strictId('Customer', args.id);
    const customer = id ? ctx.shop.customers.get(id) : undefined;
    return customer ? customerView(ctx, customer) : null;
  },

  customers(args: ListArgs, ctx: GraphQLContext, info: GraphQLResolveInfo): View {
    const search = customerSearch(ctx.shop, args.query);
    if (search.warnings.length > 0) ctx.searchWarnings.push({ path: responsePathAsArray(info.path), query: args.query ?? '', warnings: search.warnings });
    const items = [...ctx.shop.customers.values()].filter(search.test);
    return connection(paginate(items, args, (c) => c.id, customerSortValue(args.sortKey)), (c) => customerView(ctx, c));
  },

  shop(_args: unknown, ctx: GraphQLContext): View {
    const s = ctx.shop;
    return {
      id: gid('Shop', s.id),
      name: s.name,
      email: s.email,
      currencyCode: s.currency,
      myshopifyDomain: s.domain,
      ianaTimezone: s.ianaTimezone,
      timezoneOffset: s.utcOffset.replace(':', ''),
      enabledPresentmentCurrencies: [...new Set([s.currency, ...[...s.orders.values()].map((o) => o.presentmentCurrency)])],
    };
  },

  webhookSubscriptions(args: PageArgs & { topics?: string[] | null; uri?: string | null; format?: string | null }, ctx: GraphQLContext): View {
    const subs = [...ctx.shop.subscriptions.values()].filter((s) => {
      const topic = normaliseTopic(s.topic);
      if (args.topics && !(topic && args.topics.includes(graphqlTopic(topic)))) return false;
      if (args.uri && s.uri !== args.uri) return false;
      return true;
    });
    return connection(paginateById(subs, args, (s) => s.id), (s) => subscriptionView(ctx, s));
  },

  webhookSubscriptionCreate(
    args: { topic: string; webhookSubscription: { uri?: string | null; callbackUrl?: string | null; format?: string | null } },
    ctx: GraphQLContext,
  ): View {
    const uri = args.webhookSubscription.uri ?? args.webhookSubscription.callbackUrl;
    if (!uri) return { webhookSubscription: null, userErrors: [{ field: ['webhookSubscription', 'callbackUrl'], message: "Address can't be blank" }] };
    try {
      const sub = ctx.state.subscribe(ctx.shop.domain, args.topic, uri, ctx.apiVersion);
      return { webhookSubscription: subscriptionView(ctx, sub), userErrors: [] };
    } catch (e) {
      if (e instanceof SubscriptionError) return { webhookSubscription: null, userErrors: [{ field: e.field, message: e.message }] };
      throw e;
    }
  },

  webhookSubscriptionDelete(args: { id: string }, ctx: GraphQLContext): View {
    const id = strictId('WebhookSubscription', args.id);
    if (id && ctx.state.unsubscribe(ctx.shop.domain, id)) return { deletedWebhookSubscriptionId: args.id, userErrors: [] };
    return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
  },
};
