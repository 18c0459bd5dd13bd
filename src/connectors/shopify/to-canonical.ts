/**
 * Shopify → canonical model. Pure functions: a GraphQL node (our queries' shape) or REST / webhook JSON (as
 * Shopify sends it) in, a validated canonical Order or Customer out. Anything Shopify-shaped that does not fit
 * throws SyncError SOURCE_PAYLOAD_INVALID naming the order.
 *
 * Currency. Shopify states every amount twice (a MoneyBag): `shopMoney` in the shop's currency and
 * `presentmentMoney` in the currency the buyer was charged. We post in the PRESENTMENT currency: the invoice
 * shows exactly what the buyer paid, its lines and taxes tie out in that currency (Shopify rounds each side on
 * its own, so shop-side lines need not add up to the shop-side total), and a later refund in the same currency
 * credits it exactly. Mixing the two sides is the classic bug (BCApps #6138, peers.md §3.7); every amount below
 * therefore comes from `presentmentMoney` and carries its currency, so the posting rule can refuse a mix.
 * The base-currency value is kept as `exchangeRate` = shop total ÷ presentment total (exact decimal division,
 * rounded half-up to 6 places), i.e. units of `shopCurrency` per unit of `currency`, Shopify's own conversion
 * for this order. When both currencies are the same there is no rate.
 *
 * Amounts. Original (order-time) values: quantity, original unit price, totalPriceSet etc. Refunds and returns
 * become credit notes, so the invoice is not reduced by them ("current*" fields would count them twice).
 * Line discounts come from discountAllocations: Shopify has already spread every discount over lines and
 * shipping lines, so each Discount entry is informational (`allocatedToLines: true`).
 *
 * Dates are UTC instants (`Z`); REST sends the shop's offset. The order date is processedAt (the date Shopify
 * shows and reports on; the original date for imported orders), else createdAt.
 */
import type { z } from 'zod';
import { SyncError } from '../../core/errors.ts';
import type { Address, Customer, Order, OrderInput } from '../../core/model.ts';
import {
  address,
  amountOf,
  customerFields,
  discountsOf,
  exchange,
  guest,
  joinName,
  parseSource,
  statusOf,
  sumOf,
  t,
  taxLine,
  utc,
  validated,
  validatedCustomer,
  validEmail,
} from './canonical-rules.ts';
import type { AllocationIn, AmountPair, CustomerIn, Money, TaxIn } from './canonical-rules.ts';
import { legacyId } from './gid.ts';
import { GqlCustomer, GqlOrder, RestCustomer, RestOrder } from './schemas.ts';
import type { GqlAddress, GqlDiscountApplication, GqlMoneyBag, RestAddress, RestMoneySet } from './schemas.ts';

// ---------------------------------------------------------------- GraphQL

export function orderFromGraphql(node: unknown): Order {
  const o = parseSource(GqlOrder, node, 'order');
  const currency = o.presentmentCurrencyCode;
  const p = (bag: { presentmentMoney: { amount: string; currencyCode: string } }): Money => ({
    amount: bag.presentmentMoney.amount,
    currency: bag.presentmentMoney.currencyCode,
  });
  const tax = (x: { title: string; rate?: string | null; ratePercentage?: string | null; priceSet: Parameters<typeof p>[0] }): TaxIn => ({
    title: x.title,
    rate: x.rate,
    ratePercentage: x.ratePercentage,
    money: p(x.priceSet),
  });
  const allocation = (a: { allocatedAmountSet: Parameters<typeof p>[0]; discountApplication?: { index: number } | null }): AllocationIn => ({
    index: a.discountApplication?.index,
    money: p(a.allocatedAmountSet),
  });

  const lineAllocations = o.lineItems.nodes.map((li) => li.discountAllocations.map(allocation));
  const shippingAllocations = o.shippingLines.nodes.map((sl) => sl.discountAllocations.map(allocation));

  const billing = o.billingAddress ?? null;
  const input: OrderInput = {
    source: 'shopify',
    id: legacyId(o.legacyResourceId ?? o.id),
    number: o.name,
    ...statusOf(o.displayFinancialStatus, o.cancelledAt),
    currency,
    ...exchange(o.currencyCode, currency, [o.totalPriceSet, o.subtotalPriceSet].map(gqlPair)),
    taxesIncluded: o.taxesIncluded,
    createdAt: utc(o.processedAt ?? o.createdAt),
    updatedAt: utc(o.updatedAt),
    customer: o.customer
      ? { ...customerFields(gqlCustomer(o.customer)), email: validEmail(o.customer.defaultEmailAddress?.emailAddress) ?? validEmail(o.email) }
      : guest(o.email, billing?.firstName, billing?.lastName),
    billingAddress: gqlAddress(o.billingAddress),
    shippingAddress: gqlAddress(o.shippingAddress),
    lines: o.lineItems.nodes
      .map((li, i) => ({
        id: legacyId(li.id),
        sku: t(li.sku),
        title: t(li.name) ?? li.title,
        productId: li.product ? legacyId(li.product.id) : undefined,
        quantity: li.quantity,
        unitPrice: amountOf(p(li.originalUnitPriceSet)),
        discount: sumOf(lineAllocations[i] ?? [], currency),
        taxLines: li.taxLines.map((x) => taxLine(tax(x))),
        taxable: li.taxable ?? true,
        currency: p(li.originalUnitPriceSet).currency,
      }))
      .filter((line) => line.quantity > 0),
    shippingLines: o.shippingLines.nodes.map((sl, i) => ({
      title: sl.title,
      code: t(sl.code),
      price: amountOf(p(sl.originalPriceSet)),
      discount: sumOf(shippingAllocations[i] ?? [], currency),
      taxLines: sl.taxLines.map((x) => taxLine(tax(x))),
      currency: p(sl.originalPriceSet).currency,
    })),
    discounts: discountsOf(
      (o.discountApplications?.nodes ?? []).map(gqlApplication),
      [...lineAllocations.flat(), ...shippingAllocations.flat()],
      [],
      currency,
    ),
    taxLines: o.taxLines.map((x) => taxLine(tax(x))),
    totals: {
      subtotal: o.subtotalPriceSet ? amountOf(p(o.subtotalPriceSet)) : undefined,
      discount: o.totalDiscountsSet ? amountOf(p(o.totalDiscountsSet)) : undefined,
      tax: o.totalTaxSet ? amountOf(p(o.totalTaxSet)) : sumOf(o.taxLines.map((x) => ({ index: null, money: p(x.priceSet) })), currency),
      shipping: o.totalShippingPriceSet ? amountOf(p(o.totalShippingPriceSet)) : undefined,
      total: amountOf(p(o.totalPriceSet)),
      currency: o.totalPriceSet.presentmentMoney.currencyCode,
    },
    note: t(o.note),
  };
  return validated(input);
}

export function customerFromGraphql(node: unknown): Customer {
  return validatedCustomer(customerFields(gqlCustomer(parseSource(GqlCustomer, node, 'customer'))));
}

function gqlCustomer(c: z.infer<typeof GqlCustomer>): CustomerIn {
  return {
    id: c.legacyResourceId ?? c.id,
    email: c.defaultEmailAddress?.emailAddress,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.defaultPhoneNumber?.phoneNumber,
    company: c.defaultAddress?.company,
    address: gqlAddress(c.defaultAddress),
    updatedAt: c.updatedAt,
  };
}

function gqlAddress(a: GqlAddress | null | undefined): Address | undefined {
  if (!a) return undefined;
  return address({
    name: t(a.name) ?? joinName(a.firstName, a.lastName),
    company: a.company,
    line1: a.address1,
    line2: a.address2,
    city: a.city,
    region: t(a.province) ?? a.provinceCode,
    postalCode: a.zip,
    country: t(a.country) ?? a.countryCodeV2,
    phone: a.phone,
  });
}

function gqlApplication(a: GqlDiscountApplication): { index: number; code?: string | undefined; title?: string | undefined } {
  const code = t(a.code);
  return { index: a.index, code, title: code ? undefined : (t(a.title) ?? t(a.description)) };
}

// ---------------------------------------------------------------- REST / webhook

export function orderFromRest(json: unknown): Order {
  const o = parseSource(RestOrder, json, 'order');
  const shopCurrency = o.currency;
  const currency = t(o.presentment_currency) ?? shopCurrency;
  /** The presentment side of a MoneyBag; the plain (shop-currency) field only when the two currencies agree. */
  const pick = (set: RestMoneySet | null | undefined, plain: string | null | undefined, what: string): Money => {
    if (set) return { amount: set.presentment_money.amount, currency: set.presentment_money.currency_code };
    if (plain !== null && plain !== undefined && currency === shopCurrency) return { amount: plain, currency };
    throw new SyncError('SOURCE_PAYLOAD_INVALID', `order ${o.name}: ${what} has no amount in ${currency}`);
  };
  const tax = (x: { title: string; rate?: string | null; price?: string | null; price_set?: RestMoneySet | null }, where: string): TaxIn => ({
    title: x.title,
    rate: x.rate,
    money: pick(x.price_set, x.price, `a tax line of ${where}`),
  });
  const allocations = (list: { amount?: string | null; amount_set?: RestMoneySet | null; discount_application_index?: number | null }[] | null | undefined, where: string): AllocationIn[] =>
    (list ?? []).map((a) => ({ index: a.discount_application_index, money: pick(a.amount_set, a.amount, `a discount of ${where}`) }));

  const liveShipping = (o.shipping_lines ?? []).filter((sl) => sl.is_removed !== true);
  const lineAllocations = o.line_items.map((li) => allocations(li.discount_allocations, `line ${String(li.id)}`));
  const shippingAllocations = liveShipping.map((sl) => allocations(sl.discount_allocations, `shipping ${sl.title}`));
  const codes = new Set((o.discount_codes ?? []).map((c) => c.code));
  const applications = (o.discount_applications ?? []).map((a, index) => {
    const title = t(a.title) ?? t(a.description);
    // A code-type application names its code; a draft order lists its code as a manual application's title.
    const code = a.type === 'discount_code' ? t(a.code) : title !== undefined && codes.has(title) ? title : undefined;
    return { index, code, title: code ? undefined : (title ?? t(a.code)) };
  });

  const billing = o.billing_address ?? null;
  const has = (set: unknown, plain: unknown): boolean => (set !== null && set !== undefined) || (plain !== null && plain !== undefined);
  const total = pick(o.total_price_set, o.total_price, 'the total');
  const input: OrderInput = {
    source: 'shopify',
    id: legacyId(o.id),
    number: o.name,
    ...statusOf(o.financial_status, o.cancelled_at),
    currency,
    ...exchange(shopCurrency, currency, [o.total_price_set, o.subtotal_price_set].map(restPair)),
    taxesIncluded: o.taxes_included,
    createdAt: utc(t(o.processed_at) ?? o.created_at),
    updatedAt: utc(o.updated_at),
    customer: o.customer
      ? { ...customerFields(restCustomer(o.customer)), email: validEmail(o.customer.email) ?? validEmail(o.email) ?? validEmail(o.contact_email) }
      : guest(t(o.email) ?? o.contact_email, billing?.first_name, billing?.last_name),
    billingAddress: restAddress(o.billing_address),
    shippingAddress: restAddress(o.shipping_address),
    lines: o.line_items
      .map((li, i) => {
        const price = pick(li.price_set, li.price, `line ${String(li.id)}`);
        return {
          id: legacyId(li.id),
          sku: t(li.sku),
          title: t(li.name) ?? li.title,
          productId: li.product_id === null || li.product_id === undefined ? undefined : legacyId(li.product_id),
          quantity: li.quantity,
          unitPrice: amountOf(price),
          discount: sumOf(lineAllocations[i] ?? [], currency),
          taxLines: (li.tax_lines ?? []).map((x) => taxLine(tax(x, `line ${String(li.id)}`))),
          taxable: li.taxable ?? true,
          currency: price.currency,
        };
      })
      .filter((line) => line.quantity > 0),
    shippingLines: liveShipping.map((sl, i) => {
      const price = pick(sl.price_set, sl.price, `shipping ${sl.title}`);
      return {
        title: sl.title,
        code: t(sl.code),
        price: amountOf(price),
        discount: sumOf(shippingAllocations[i] ?? [], currency),
        taxLines: (sl.tax_lines ?? []).map((x) => taxLine(tax(x, `shipping ${sl.title}`))),
        currency: price.currency,
      };
    }),
    discounts: discountsOf(
      applications,
      [...lineAllocations.flat(), ...shippingAllocations.flat()],
      (o.discount_codes ?? []).map((c) => ({ code: c.code, amount: c.amount })),
      currency,
    ),
    taxLines: (o.tax_lines ?? []).map((x) => taxLine(tax(x, 'the order'))),
    totals: {
      subtotal: has(o.subtotal_price_set, o.subtotal_price) ? amountOf(pick(o.subtotal_price_set, o.subtotal_price, 'the subtotal')) : undefined,
      discount: has(o.total_discounts_set, o.total_discounts) ? amountOf(pick(o.total_discounts_set, o.total_discounts, 'the discount total')) : undefined,
      tax: has(o.total_tax_set, o.total_tax)
        ? amountOf(pick(o.total_tax_set, o.total_tax, 'the tax total'))
        : sumOf((o.tax_lines ?? []).map((x) => ({ index: null, money: tax(x, 'the order').money })), currency),
      shipping: o.total_shipping_price_set ? amountOf(pick(o.total_shipping_price_set, null, 'the shipping total')) : undefined,
      total: amountOf(total),
      currency: total.currency,
    },
    note: t(o.note),
  };
  return validated(input);
}

export function customerFromRest(json: unknown): Customer {
  return validatedCustomer(customerFields(restCustomer(parseSource(RestCustomer, json, 'customer'))));
}

function restCustomer(c: z.infer<typeof RestCustomer>): CustomerIn {
  return {
    id: c.id,
    email: c.email,
    firstName: c.first_name,
    lastName: c.last_name,
    phone: c.phone,
    company: c.default_address?.company,
    address: restAddress(c.default_address),
    updatedAt: c.updated_at,
  };
}

function restAddress(a: RestAddress | null | undefined): Address | undefined {
  if (!a) return undefined;
  return address({
    name: t(a.name) ?? joinName(a.first_name, a.last_name),
    company: a.company,
    line1: a.address1,
    line2: a.address2,
    city: a.city,
    region: t(a.province) ?? a.province_code,
    postalCode: a.zip,
    country: t(a.country) ?? a.country_code,
    phone: a.phone,
  });
}

function restPair(set: RestMoneySet | null | undefined): AmountPair | null {
  return set ? { shop: set.shop_money.amount, presentment: set.presentment_money.amount } : null;
}

function gqlPair(bag: GqlMoneyBag | null | undefined): AmountPair | null {
  return bag ? { shop: bag.shopMoney.amount, presentment: bag.presentmentMoney.amount } : null;
}
