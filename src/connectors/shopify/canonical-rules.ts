/**
 * The mapping rules both Shopify formats share (GraphQL node and REST / webhook JSON): money text, tax lines,
 * discounts from allocations, status, exchange rate, customers and addresses, and the final validation. Pure.
 * See to-canonical.ts for the currency and amount decisions these rules implement.
 */
import type { z, ZodError } from 'zod';
import { SyncError } from '../../core/errors.ts';
import { Customer, Order } from '../../core/model.ts';
import type { Address, OrderInput, OrderStatus } from '../../core/model.ts';
import { add, currencyExponent, formatDec, isZero, parseDec, round, ZERO } from '../../core/money.ts';
import type { Dec } from '../../core/money.ts';
import { legacyId } from './gid.ts';

export interface Money {
  amount: string;
  currency: string;
}

export interface TaxIn {
  title: string;
  rate: string | null | undefined;
  ratePercentage?: string | null | undefined;
  money: Money;
}

export interface AllocationIn {
  index: number | null | undefined;
  money: Money;
}

/** One MoneyBag's two amounts. */
export interface AmountPair {
  shop: string;
  presentment: string;
}

/**
 * The shop-per-presentment rate when the buyer paid in another currency: shop ÷ presentment amount of the
 * first MoneyBag given (total, then subtotal) that is not zero, to 6 places; no rate when all are zero.
 */
export function exchange(shopCurrency: string, currency: string, bags: readonly (AmountPair | null)[]): { shopCurrency?: string; exchangeRate?: string } {
  if (shopCurrency === currency) return {};
  for (const bag of bags) {
    if (!bag) continue;
    const rate = divide(parseDec(bag.shop), parseDec(bag.presentment), 6);
    if (rate) return { shopCurrency, exchangeRate: formatDec(rate) };
  }
  return { shopCurrency };
}

/** a ÷ b rounded half-up to `scale` places, exactly (bigint); null when b is zero. */
export function divide(a: Dec, b: Dec, scale: number): Dec | null {
  if (isZero(b)) return null;
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); compute with 2 guard digits, then round.
  const guard = scale + 2;
  const numerator = a.units * 10n ** BigInt(guard + b.scale);
  const denominator = b.units * 10n ** BigInt(a.scale);
  return round({ units: numerator / denominator, scale: guard }, scale);
}

export const FINANCIAL: Readonly<Record<string, OrderStatus>> = {
  pending: 'open',
  authorized: 'open',
  expired: 'open',
  paid: 'paid',
  partially_paid: 'partially_paid',
  partially_refunded: 'partially_refunded',
  refunded: 'refunded',
  voided: 'voided',
};

/**
 * Status from the financial status (GraphQL `PAID`, REST `paid`) and the cancellation. A cancelled order that
 * kept or returned money keeps its financial status (with `cancelled: true`) so the posting rule can tell a
 * paid invoice from an open one; one that never took money is simply `cancelled`.
 */
export function statusOf(financial: string | null | undefined, cancelledAt: string | null | undefined): { status: OrderStatus; cancelled: boolean } {
  const base = FINANCIAL[(financial ?? '').trim().toLowerCase()] ?? 'open';
  if (!t(cancelledAt)) return { status: base, cancelled: false };
  return { status: base === 'open' || base === 'voided' ? 'cancelled' : base, cancelled: true };
}

/**
 * One informational entry per discount application that was allocated, with the amount summed over lines and
 * shipping lines. Discount codes without any allocation (payloads from before allocations existed) become
 * order-level discounts instead.
 */
export function discountsOf(
  applications: readonly { index: number; code?: string | undefined; title?: string | undefined }[],
  allocations: readonly AllocationIn[],
  codes: readonly { code: string; amount?: string | null | undefined }[],
  currency: string,
): OrderInput['discounts'] {
  const byIndex = new Map<number | null, Dec>();
  for (const a of allocations) {
    const key = a.index ?? null;
    byIndex.set(key, add(byIndex.get(key) ?? ZERO, parseDec(a.money.amount)));
  }
  const out: NonNullable<OrderInput['discounts']> = [];
  const known = new Set<number>();
  for (const app of applications) {
    known.add(app.index);
    const amount = byIndex.get(app.index);
    if (!amount || isZero(amount)) continue;
    out.push({ code: app.code, title: app.title, amount: money(formatDec(amount), currency), allocatedToLines: true, currency });
  }
  let unnamed = ZERO;
  for (const [index, amount] of byIndex) if (index === null || !known.has(index)) unnamed = add(unnamed, amount);
  if (!isZero(unnamed)) out.push({ title: 'Discount', amount: money(formatDec(unnamed), currency), allocatedToLines: true, currency });
  if (allocations.length === 0) {
    for (const c of codes) {
      if (c.amount && !isZero(parseDec(c.amount))) out.push({ code: c.code, amount: money(c.amount, currency), allocatedToLines: false, currency });
    }
  }
  return out;
}

export function taxLine(x: TaxIn): { title: string; rate: string; amount: string } {
  return { title: x.title, rate: rateOf(x.rate, x.ratePercentage), amount: amountOf(x.money) };
}

/** A rate as a decimal fraction string: "0.0725". From `rate`, else `ratePercentage` ÷ 100, else "0". */
export function rateOf(rate: string | null | undefined, percentage?: string | null): string {
  if (rate !== null && rate !== undefined) return formatDec(parseDec(rate));
  if (percentage !== null && percentage !== undefined) {
    const p = parseDec(percentage);
    return formatDec({ units: p.units, scale: p.scale + 2 });
  }
  return '0';
}

/** An amount written with at least its currency's decimals ("29.0" USD → "29.00"); never rounded. */
export function money(amount: string, currency: string): string {
  return formatDec(parseDec(amount), currencyExponent(currency));
}

export function amountOf(m: Money): string {
  return money(m.amount, m.currency);
}

export function sumOf(list: readonly AllocationIn[], currency: string): string {
  return money(formatDec(list.reduce((acc, a) => add(acc, parseDec(a.money.amount)), ZERO)), currency);
}

export interface CustomerIn {
  id: string | number | bigint;
  email: string | null | undefined;
  firstName: string | null | undefined;
  lastName: string | null | undefined;
  phone: string | null | undefined;
  company: string | null | undefined;
  address: Address | undefined;
  updatedAt: string | null | undefined;
}

export function customerFields(c: CustomerIn): z.input<typeof Customer> {
  return {
    source: 'shopify',
    id: legacyId(c.id),
    email: validEmail(c.email),
    firstName: t(c.firstName),
    lastName: t(c.lastName),
    company: t(c.company),
    phone: t(c.phone),
    billingAddress: c.address,
    updatedAt: t(c.updatedAt) ? utc(c.updatedAt as string) : undefined,
  };
}

/** A buyer without a customer record: kept (id null) when there is an email to address the invoice to. */
export function guest(email: string | null | undefined, firstName: string | null | undefined, lastName: string | null | undefined): z.input<typeof Customer> | null {
  const valid = validEmail(email);
  if (!valid) return null;
  return { source: 'shopify', id: null, email: valid, firstName: t(firstName), lastName: t(lastName) };
}

export function address(fields: Record<keyof Address, string | null | undefined>): Address | undefined {
  const out: Address = {};
  for (const [key, value] of Object.entries(fields) as [keyof Address, string | null | undefined][]) {
    const v = t(value);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function joinName(first: string | null | undefined, last: string | null | undefined): string | undefined {
  return [t(first), t(last)].filter((part) => part !== undefined).join(' ') || undefined;
}

/** Trimmed text; empty and null become undefined. */
export function t(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function validEmail(value: string | null | undefined): string | null {
  const v = t(value);
  return v !== undefined && Customer.shape.email.safeParse(v).success ? v : null;
}

/** An ISO-8601 instant in UTC, without milliseconds when they are zero. */
export function utc(value: string): string {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new SyncError('SOURCE_PAYLOAD_INVALID', `"${value}" is not a timestamp`);
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function parseSource<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const name = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['name'] ?? (value as Record<string, unknown>)['id'] : undefined;
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `Shopify ${what}${name !== undefined ? ` ${String(name)}` : ''}: ${describeIssues(parsed.error)}`);
}

export function validated(input: OrderInput): Order {
  const parsed = Order.safeParse(dropUndefined(input));
  if (parsed.success) return parsed.data;
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `Shopify order ${String(input.number)}: ${describeIssues(parsed.error)}`);
}

export function validatedCustomer(input: z.input<typeof Customer>): Customer {
  const parsed = Customer.safeParse(dropUndefined(input));
  if (parsed.success) return parsed.data;
  throw new SyncError('SOURCE_PAYLOAD_INVALID', `Shopify customer ${String(input.id)}: ${describeIssues(parsed.error)}`);
}

export function describeIssues(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`)
    .join('; ');
}

/** Removes undefined-valued keys (deeply), so the output has no `key: undefined` noise. */
export function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
  return out as T;
}
