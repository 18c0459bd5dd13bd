/**
 * Canonical drafts → Zoho Books request bodies. Pure functions, no I/O; golden-tested in
 * from-canonical.test.ts and checked against Zoho's OpenAPI request schemas.
 *
 * Tax: Zoho takes one `tax_id` per line. A line with several tax lines (a US state + county tax, say) gets
 * one *simple* Zoho tax whose percentage is the sum of the rates and whose name joins the titles with " + "
 * (not a Zoho `compound_tax`, which would tax the tax). `invoiceNeeds` lists every rate and item the body
 * will look up; what the engine's refs lack, target.ts fills through `resolveTax` / `findItem` / `createItem`.
 *
 * Shipping: the invoice schema (specs/zoho-books/invoices.yml) has `shipping_charge` but no field for its
 * tax (no `shipping_charge_tax_id`). So untaxed shipping is summed into `shipping_charge`, and each
 * shipping draft that carries a non-zero tax rate becomes a line item of its own, on the item keyed
 * `shipping:<title>` (see `shippingItemDraft`), with the tax of its combined rate.
 *
 * Order-level tax (`draft.orderTaxes`, e.g. ShipStation's one tax amount): Zoho computes tax only from a
 * rate on each line, so the combined rate of the order's tax lines goes on every product and fee line (not on
 * `shipping_charge`, which has no tax field). Zoho then computes the amount itself; the engine's
 * after-write total check catches a cent of difference. Tax stated with no rate cannot be expressed: VALIDATION.
 *
 * Discount: an order-level discount alone goes out as Zoho's `entity_level` discount, before tax. When lines
 * carry their own discounts too, or shipping became a line (which an entity-level discount would also
 * reduce), the order-level amount is spread over the product and fee lines in proportion to their net
 * amounts (largest remainder, exact to the cent) and everything goes out as `item_level` line discounts.
 *
 * Journals: one `line_items` entry per draft line (`debit_or_credit` from its side, the amount as an exact
 * JSON number). Zoho refuses an entry whose debits and credits differ; `journalBody` refuses it first, so
 * the reason reads in our words and no call is wasted.
 */
import type { InvoiceDraft, InvoiceLineDraft, ItemDraft, ContactDraft, JournalDraft, ShipmentNoteDraft, ShippingDraft } from '../../core/documents.ts';
import { SyncError } from '../../core/errors.ts';
import type { Address, TaxLine } from '../../core/model.ts';
import {
  add,
  allocate,
  compare,
  currencyExponent,
  formatDec,
  isDecimalString,
  isZero,
  mul,
  parseDec,
  round,
  sub,
  sum,
  toMinor,
  ZERO,
  type Dec,
  type DecimalString,
} from '../../core/money.ts';
import type { ResolvedRefs } from '../../sync/ports.ts';
import { num, type BodyObject, type BodyValue } from '../_kit/json-body.ts';

const HUNDRED: Dec = { units: 100n, scale: 0 };

// ---------------------------------------------------------------- contacts

/** A contact person already on the Zoho contact, kept on update (Zoho drops persons a PUT leaves out). */
export interface ExistingPerson {
  contact_person_id: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
}

export interface ContactBodyOptions {
  /** On update: the Zoho person the draft's person is (matched by email, else the primary one). */
  contactPersonId?: string;
  /** On update: the contact's other persons, sent back unchanged so the PUT keeps them. */
  keepPersons?: readonly ExistingPerson[];
}

/** `POST /contacts` and `PUT /contacts/{id}` body for a customer. */
export function contactBody(draft: ContactDraft, options: ContactBodyOptions = {}): BodyObject {
  const hasPerson = Boolean(draft.email || draft.firstName || draft.lastName || draft.phone);
  const persons: BodyValue[] = [];
  if (hasPerson) {
    persons.push({
      contact_person_id: options.contactPersonId,
      first_name: draft.firstName,
      last_name: draft.lastName,
      email: draft.email ?? undefined,
      phone: draft.phone,
      is_primary_contact: true,
    });
  }
  for (const kept of options.keepPersons ?? []) {
    if (hasPerson && kept.contact_person_id === options.contactPersonId) continue;
    persons.push({ ...kept, is_primary_contact: hasPerson ? false : undefined });
  }
  return {
    contact_name: draft.displayName,
    company_name: draft.company,
    contact_type: 'customer',
    contact_persons: persons.length > 0 ? persons : undefined,
    billing_address: draft.billingAddress ? addressBody(draft.billingAddress) : undefined,
    shipping_address: draft.shippingAddress ? addressBody(draft.shippingAddress) : undefined,
  };
}

function addressBody(address: Address): BodyObject {
  return {
    attention: address.name,
    address: address.line1,
    street2: address.line2,
    city: address.city,
    state: address.region,
    zip: address.postalCode,
    country: address.country,
    phone: address.phone,
  };
}

// ---------------------------------------------------------------- items and taxes

/** `POST /items` body. Shipping and fee items (keys `shipping:…`, `fee:…`) are services; the rest goods. */
export function itemBody(draft: ItemDraft): BodyObject {
  return {
    name: draft.name,
    rate: amount(draft.rate, `item "${draft.name}" rate`),
    description: draft.description,
    sku: draft.sku,
    product_type: draft.key.startsWith(SHIPPING_KEY_PREFIX) || draft.key.startsWith('fee:') ? 'service' : 'goods',
  };
}

/** A tax rate as a decimal fraction ("0.0725") → Zoho's percentage ("7.25"). */
export function ratePercent(rate: DecimalString): DecimalString {
  return formatDec(mul(parseDec(rate), HUNDRED));
}

/** `POST /settings/taxes` body: a simple tax (`tax_type: tax`) at `rate` (a decimal fraction). */
export function taxBody(rate: DecimalString, name: string): BodyObject {
  return { tax_name: name, tax_percentage: num(ratePercent(rate)), tax_type: 'tax' };
}

/** The one Zoho tax a line (or shipping) needs: rates summed, titles joined. null: no tax lines. */
export function combinedTax(taxes: readonly TaxLine[]): { rate: DecimalString; title: string } | null {
  if (taxes.length === 0) return null;
  const rate = formatDec(sum(taxes.map((t) => parseDec(t.rate))));
  const titles = [...new Set(taxes.map((t) => t.title.trim()).filter((t) => t !== ''))];
  return { rate, title: titles.length > 0 ? titles.join(' + ') : `Tax ${ratePercent(rate)}%` };
}

// ---------------------------------------------------------------- shipping

const SHIPPING_KEY_PREFIX = 'shipping:';

/** The item a taxed shipping draft is posted on; resolve it like a line's item (refs.itemIds[key]). */
export function shippingItemDraft(shipping: ShippingDraft): ItemDraft {
  const name = shipping.title.trim() || 'Shipping';
  return { key: `${SHIPPING_KEY_PREFIX}${name}`, name, rate: shipping.amount };
}

function isTaxedShipping(shipping: ShippingDraft): boolean {
  const tax = combinedTax(shipping.taxes);
  return tax !== null && !isZero(parseDec(tax.rate));
}

/**
 * What `invoiceBody` will look up in `refs`, beyond the lines' own items: the items of taxed shipping, and
 * every tax rate as Zoho needs it (combined per line). The engine resolves these before posting.
 */
export function invoiceNeeds(draft: InvoiceDraft): { items: ItemDraft[]; taxes: Array<{ rate: DecimalString; title: string }> } {
  const items = new Map<string, ItemDraft>();
  const taxes = new Map<string, { rate: DecimalString; title: string }>();
  const addTax = (lines: readonly TaxLine[]): void => {
    const tax = combinedTax(lines);
    if (tax && !taxes.has(tax.rate)) taxes.set(tax.rate, tax);
  };
  const orderTaxes = orderLevelTaxes(draft);
  for (const line of draft.lines) {
    if (!items.has(line.item.key)) items.set(line.item.key, line.item);
    addTax(orderTaxes ?? line.taxes);
  }
  for (const shipping of draft.shipping.filter(isTaxedShipping)) {
    const item = shippingItemDraft(shipping);
    if (!items.has(item.key)) items.set(item.key, item);
    addTax(shipping.taxes);
  }
  return { items: [...items.values()], taxes: [...taxes.values()] };
}

// ---------------------------------------------------------------- invoices

/** The order-level tax lines, when they are the order's tax: no line or shipping carries its own. */
function orderLevelTaxes(draft: InvoiceDraft): TaxLine[] | null {
  const taxes = draft.orderTaxes ?? [];
  if (taxes.length === 0) return null;
  const ownTaxes = draft.lines.some((l) => l.taxes.length > 0) || draft.shipping.some((s) => s.taxes.length > 0);
  return ownTaxes ? null : taxes;
}

/**
 * `POST /invoices` / `PUT /invoices/{id}` body. Throws SyncError VALIDATION, naming every problem, when the
 * draft cannot be sent (an item or tax without a resolved id, a foreign currency without a rate, ...).
 */
export function invoiceBody(draft: InvoiceDraft, refs: ResolvedRefs): BodyObject {
  const problems: string[] = [];
  const exponent = safeExponent(draft.currency, problems);

  if (!refs.contactId) problems.push('no Zoho contact was resolved for the customer');
  const date = /^\d{4}-\d{2}-\d{2}/.exec(draft.date)?.[0];
  if (!date) problems.push(`the date "${draft.date}" is not yyyy-mm-dd`);

  const taxedShipping = draft.shipping.filter(isTaxedShipping);
  const untaxedShipping = draft.shipping.filter((s) => !isTaxedShipping(s));
  const lineDiscounts = spreadDiscount(draft, exponent, taxedShipping.length > 0, problems);

  const orderTaxes = orderLevelTaxes(draft);
  if (orderTaxes) {
    const rate = combinedTax(orderTaxes)?.rate ?? '0';
    const stated = sum(orderTaxes.map((t) => decOf(t.amount, 'order tax', problems)));
    if (isZero(parseDec(rate)) && !isZero(stated)) {
      problems.push(
        `the order states ${formatDec(stated)} of tax with no rate, and Zoho Books computes tax only from a rate on each line`,
      );
    }
  }
  const lineItems: BodyValue[] = draft.lines.map((line, index) =>
    lineItemBody({ ...line, taxes: orderTaxes ?? line.taxes }, lineDiscounts.perLine[index] ?? ZERO, refs, problems),
  );
  for (const shipping of taxedShipping) lineItems.push(shippingLineBody(shipping, refs, problems));

  let currency: { currency_id: string; exchange_rate: BodyValue } | undefined;
  if (refs.currencyId) {
    if (draft.exchangeRate && isDecimalString(draft.exchangeRate)) {
      currency = { currency_id: refs.currencyId, exchange_rate: num(draft.exchangeRate) };
    } else {
      problems.push(`the order is in ${draft.currency}, not the organization's base currency, but states no exchange rate`);
    }
  }

  const shippingCharge = sum(untaxedShipping.map((s) => decOf(s.amount, `shipping "${s.title}"`, problems)));
  const adjustment = draft.adjustment ? decOf(draft.adjustment.amount, 'adjustment', problems) : ZERO;

  if (problems.length > 0) {
    throw new SyncError('VALIDATION', `invoice ${draft.reference} cannot be sent to Zoho Books: ${problems.join('; ')}`);
  }

  return {
    customer_id: refs.contactId,
    reference_number: draft.reference,
    date,
    ...currency,
    is_inclusive_tax: draft.taxInclusive,
    line_items: lineItems,
    ...(lineDiscounts.entityLevel
      ? { discount: num(formatDec(lineDiscounts.entityLevel)), discount_type: 'entity_level', is_discount_before_tax: true }
      : lineDiscounts.itemLevel
        ? { discount_type: 'item_level' }
        : {}),
    shipping_charge: isZero(shippingCharge) ? undefined : num(formatDec(shippingCharge)),
    adjustment: isZero(adjustment) ? undefined : num(formatDec(adjustment)),
    adjustment_description: isZero(adjustment) ? undefined : draft.adjustment?.description,
    notes: draft.notes.trim() !== '' ? draft.notes : undefined,
  };
}

function lineItemBody(line: InvoiceLineDraft, discount: Dec, refs: ResolvedRefs, problems: string[]): BodyObject {
  const itemId = refs.itemIds[line.item.key];
  if (!itemId) problems.push(`no Zoho item was resolved for "${line.item.name}" (${line.item.key})`);
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
    problems.push(`line "${line.item.name}" has quantity ${line.quantity}, not a positive whole number`);
  }
  return {
    item_id: itemId,
    name: line.item.name,
    description: line.description,
    rate: amount(line.rate, `line "${line.item.name}" rate`, problems),
    quantity: line.quantity,
    discount: isZero(discount) ? undefined : num(formatDec(discount)),
    tax_id: taxIdFor(line.taxes, `line "${line.item.name}"`, refs, problems),
  };
}

function shippingLineBody(shipping: ShippingDraft, refs: ResolvedRefs, problems: string[]): BodyObject {
  const item = shippingItemDraft(shipping);
  const itemId = refs.itemIds[item.key];
  if (!itemId) {
    problems.push(
      `shipping "${item.name}" is taxed, and Zoho Books has no tax field for shipping_charge, so it goes on a line of its own, but no Zoho item was resolved for ${item.key}`,
    );
  }
  return {
    item_id: itemId,
    name: item.name,
    description: shipping.code,
    rate: amount(shipping.amount, `shipping "${item.name}"`, problems),
    quantity: 1,
    tax_id: taxIdFor(shipping.taxes, `shipping "${item.name}"`, refs, problems),
  };
}

function taxIdFor(taxes: readonly TaxLine[], what: string, refs: ResolvedRefs, problems: string[]): string | undefined {
  const tax = combinedTax(taxes);
  if (!tax) return undefined;
  const wanted = parseDec(tax.rate);
  for (const [rate, id] of Object.entries(refs.taxIds)) {
    if (isDecimalString(rate) && compare(parseDec(rate), wanted) === 0) return id;
  }
  problems.push(`no Zoho tax was resolved for ${what} at rate ${tax.rate} (${tax.title})`);
  return undefined;
}

interface SpreadDiscount {
  /** Each line's discount amount, in draft order. */
  perLine: Dec[];
  /** The order-level amount to send as an entity-level discount, when it is sent that way. */
  entityLevel: Dec | null;
  /** True when any line carries a discount. */
  itemLevel: boolean;
}

function spreadDiscount(draft: InvoiceDraft, exponent: number, shippingOnLines: boolean, problems: string[]): SpreadDiscount {
  const own = draft.lines.map((l) => decOf(l.discount, `line "${l.item.name}" discount`, problems));
  const orderLevel = decOf(draft.discount, 'order discount', problems);
  const anyLineDiscount = own.some((d) => !isZero(d));
  if (isZero(orderLevel)) return { perLine: own, entityLevel: null, itemLevel: anyLineDiscount };
  if (!anyLineDiscount && !shippingOnLines) return { perLine: own, entityLevel: orderLevel, itemLevel: false };

  let total: bigint;
  try {
    total = toMinor(orderLevel, draft.currency);
  } catch {
    problems.push(`the order discount ${draft.discount} has more decimals than ${draft.currency} allows`);
    return { perLine: own, entityLevel: null, itemLevel: anyLineDiscount };
  }
  const weights = draft.lines.map((line, i) => {
    const gross = mul(decOf(line.rate, 'rate', []), { units: BigInt(Math.max(0, Math.trunc(line.quantity))), scale: 0 });
    const net = round(sub(gross, own[i] ?? ZERO), exponent).units;
    return net > 0n ? net : 0n;
  });
  const parts = allocate(total, weights);
  return {
    perLine: own.map((d, i) => add(d, { units: parts[i] ?? 0n, scale: exponent })),
    entityLevel: null,
    itemLevel: true,
  };
}

// ---------------------------------------------------------------- amounts

function amount(value: DecimalString, what: string, problems?: string[]): BodyValue {
  if (isDecimalString(value)) return num(value);
  const message = `${what} "${value}" is not a decimal amount`;
  if (problems) {
    problems.push(message);
    return null;
  }
  throw new SyncError('VALIDATION', message);
}

function decOf(value: DecimalString, what: string, problems: string[]): Dec {
  if (isDecimalString(value)) return parseDec(value);
  problems.push(`${what} "${value}" is not a decimal amount`);
  return ZERO;
}

function safeExponent(currency: string, problems: string[]): number {
  try {
    return currencyExponent(currency);
  } catch {
    problems.push(`"${currency}" is not an ISO 4217 currency code`);
    return 2;
  }
}

// ---------------------------------------------------------------- journals

/**
 * `POST /journals` body (journals.yml `create-a-journal-request`). `currencyId` is the Zoho currency of the
 * draft when it is not the organization's base currency (leave it out for the base one). Throws SyncError
 * VALIDATION, naming every problem, when the entry cannot be sent: a bad date, a line without an account,
 * an amount that is not a positive decimal of the currency, or debits that do not equal credits.
 */
export function journalBody(draft: JournalDraft, currencyId?: string): BodyObject {
  const problems: string[] = [];
  const exponent = safeExponent(draft.currency, problems);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(draft.date) ? draft.date : undefined;
  if (!date) problems.push(`the date "${draft.date}" is not yyyy-mm-dd`);
  if (draft.lines.length < 2) problems.push(`it has ${draft.lines.length} line(s), and a journal entry needs a debit and a credit`);

  let debits = ZERO;
  let credits = ZERO;
  const lineItems: BodyValue[] = draft.lines.map((line, index) => {
    const what = `line ${index + 1}`;
    if (!line.accountId) problems.push(`${what} names no Zoho account`);
    let value: BodyValue = null;
    if (!isDecimalString(line.amount)) {
      problems.push(`${what} amount "${line.amount}" is not a decimal amount`);
    } else {
      const dec = parseDec(line.amount);
      if (compare(dec, ZERO) <= 0) problems.push(`${what} amount ${line.amount} is not positive`);
      else if (compare(round(dec, exponent), dec) !== 0) problems.push(`${what} amount ${line.amount} has more decimals than ${draft.currency} allows`);
      if (line.side === 'debit') debits = add(debits, dec);
      else credits = add(credits, dec);
      value = num(line.amount);
    }
    return { account_id: line.accountId, debit_or_credit: line.side, amount: value, description: line.description || undefined };
  });
  if (compare(debits, credits) !== 0) {
    problems.push(`debits (${formatDec(debits)}) do not equal credits (${formatDec(credits)})`);
  }
  if (problems.length > 0) {
    throw new SyncError('VALIDATION', `journal entry ${draft.reference} cannot be sent to Zoho Books: ${problems.join('; ')}`);
  }
  return {
    journal_date: date,
    reference_number: draft.reference,
    notes: draft.notes.trim() !== '' ? draft.notes : undefined,
    line_items: lineItems,
    currency_id: currencyId || undefined,
    // Zoho's default is a draft, which stays out of the ledger: a booked shipping cost must show in reports.
    status: 'published',
  };
}

// ---------------------------------------------------------------- shipment notes

/**
 * `POST /invoices/{invoice_id}/comments` body (invoices.yml `create-a-comment-request`): the note's text,
 * which carries its marker, kept internal (`show_comment_to_clients: false`) because the marker and our
 * wording are bookkeeping, not a message to the customer.
 */
export function shipmentCommentBody(note: ShipmentNoteDraft): BodyObject {
  const text = note.text.includes(note.marker) ? note.text : `${note.text} ${note.marker}`;
  return { description: text, show_comment_to_clients: false };
}
