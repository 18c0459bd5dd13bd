/**
 * Canonical drafts → QuickBooks Online request bodies. Pure functions, no I/O; golden-tested with exact JSON text
 * in from-canonical.test.ts. Section numbers refer to /work/shared/api/quickbooks-online.md.
 *
 * Lines. Every product and fee line is a `SalesItemLineDetail` line whose `Amount` is exactly `Qty × UnitPrice`
 * rounded to the currency, because QBO refuses a line where they differ (§3.3, §11.9).
 *
 * Discounts.
 * - A line's own discount is posted as a NET line: `Amount` = quantity × price − discount, and `UnitPrice` the net
 *   unit price (exact when it terminates within 7 decimals, else rounded to 7 so that Qty × UnitPrice still rounds
 *   to the Amount; a line where even that fails goes out as Qty 1 at the net amount). The description says
 *   "(discount 2.50)". Why not a `DiscountLineDetail` per line: QBO spreads a discount line over the tax codes in
 *   proportion to the item totals, so in a non-US company (where QBO computes the tax from the codes and ignores
 *   a supplied total) a discount on one line of a two-rate order would move tax between rates; net lines keep
 *   each rate's taxable base exactly as the shop taxed it. Several discount lines per invoice are not documented.
 * - The order-level discount not spread over lines (`draft.discount`) is one `DiscountLineDetail` with a fixed
 *   Amount after the item lines: an order-wide discount is exactly what QBO's discount line means.
 *
 * Tax (§3.3 Tax, §11.5).
 * - US companies: line `TaxCodeRef` is `TAX` (the line carries tax) or `NON`, and `TxnTaxDetail.TotalTax` is the
 *   order's own tax total, never recomputed. `TxnTaxCodeRef` names the company's tax code when every taxed line
 *   has the same combined rate and `resolveTax` found a code at it. US sales tax is never tax-inclusive: an
 *   inclusive US draft goes out with each line net of its stated tax. With Automated Sales Tax (production
 *   companies after 2017) QBO ignores the supplied tax; the engine's total check then raises the difference.
 * - Elsewhere: every line carries the TaxCode of its combined rate (the sum of its tax lines' rates, resolved by
 *   `resolveTax`; untaxed lines the zero rate's code), `GlobalTaxCalculation` is `TaxInclusive` or `TaxExcluded`
 *   as the draft says, and QBO computes the tax; no `TxnTaxDetail` is sent (a supplied total is ignored there).
 * - Order-level tax lines (`draft.orderTaxes`, no line taxed) apply their combined rate to every product and fee
 *   line.
 *
 * Shipping (§3.3 Shipping): there is no ShipAmt field; each shipping draft with an amount is a line on
 * `refs.itemIds['shipping:<title>']` when the engine mapped one, else the connection's `shippingItemId`, else
 * QBO's `SHIPPING_ITEM_ID` (shipping must be on in the company's sales-form settings).
 *
 * DocNumber and PrivateNote. DocNumber is the order reference; one longer than 21 characters (§3.3) becomes its
 * first 14 characters, "~" and 6 hex of its SHA-256, so it is deterministic and practically unique. The first
 * line of PrivateNote names the source order and carries the marker `[ref:<full reference>]`; later lines
 * (shipment notes, anything a person added) are kept on update.
 *
 * Rounding: `draft.adjustment` is a line on the "Rounding adjustment" service item (`adjustment:rounding`), NON
 * or the zero-rate code, so the invoice ties out to the order's stated total.
 */
import { createHash } from 'node:crypto';

import type { ContactDraft, InvoiceDraft, InvoiceLineDraft, ItemDraft, JournalDraft, ShipmentNoteDraft, ShippingDraft } from '../../core/documents.ts';
import { SyncError } from '../../core/errors.ts';
import type { Address, TaxLine } from '../../core/model.ts';
import {
  add,
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
  ZERO,
  type Dec,
  type DecimalString,
} from '../../core/money.ts';
import type { ResolvedRefs } from '../../sync/ports.ts';
import { manifest } from './connector.ts';
import { num, type BodyObject, type BodyValue } from '../_kit/json-body.ts';

const HUNDRED: Dec = { units: 100n, scale: 0 };
/** UnitPrice decimals when the net unit price does not terminate [mem: QBO keeps up to 7]. */
const UNIT_PRICE_SCALE = 7;

// ---------------------------------------------------------------- names

/** QBO refuses colons in display and item names (§3.1 [3p]); a colon becomes " -". */
export function safeName(name: string): string {
  return name.replace(/\s*:\s*/g, ' - ').replace(/\s+/g, ' ').trim();
}

function clip(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? undefined : [...trimmed].slice(0, max).join('');
}

// ---------------------------------------------------------------- customers

export interface CustomerBodyOptions {
  /** The customer's currency, when it is not the company's home currency (§3.3 Multicurrency). */
  currency?: string;
  /** Replaces the draft's display name (a suffixed name after a 6240 clash). */
  displayName?: string;
  /** On update: leave DisplayName alone (it may carry a suffix the draft does not know). */
  omitDisplayName?: boolean;
}

/** `POST /customer` body (create), or the fields of a sparse update. */
export function customerBody(contact: ContactDraft, options: CustomerBodyOptions = {}): BodyObject {
  return {
    DisplayName: options.omitDisplayName ? undefined : safeName(options.displayName ?? contact.displayName),
    GivenName: clip(contact.firstName, 100),
    FamilyName: clip(contact.lastName, 100),
    CompanyName: clip(contact.company, 100),
    PrimaryEmailAddr: contact.email ? { Address: contact.email.trim() } : undefined,
    PrimaryPhone: contact.phone ? { FreeFormNumber: contact.phone } : undefined,
    BillAddr: contact.billingAddress ? addressBody(contact.billingAddress) : undefined,
    ShipAddr: contact.shippingAddress ? addressBody(contact.shippingAddress) : undefined,
    CurrencyRef: options.currency ? { value: options.currency } : undefined,
  };
}

/** Address lines in print order: recipient, company, street lines (§3.1 Address shape). */
export function addressBody(address: Address): BodyObject | undefined {
  const lines = [address.name, address.company, address.line1, address.line2].map((l) => l?.trim()).filter((l): l is string => !!l);
  const body: BodyObject = {
    Line1: lines[0],
    Line2: lines[1],
    Line3: lines[2],
    Line4: lines[3],
    City: address.city?.trim() || undefined,
    CountrySubDivisionCode: address.region?.trim() || undefined,
    PostalCode: address.postalCode?.trim() || undefined,
    Country: address.country?.trim() || undefined,
  };
  return Object.values(body).some((v) => v !== undefined) ? body : undefined;
}

// ---------------------------------------------------------------- items

/** The rounding line's item, resolved like any other item. */
export const ROUNDING_ITEM: ItemDraft = { key: 'adjustment:rounding', name: 'Rounding adjustment', rate: '0' };

/** Products (SKU or name keys) are NonInventory; fees, shipping and the rounding line are Service items. */
export function itemType(item: ItemDraft): 'NonInventory' | 'Service' {
  return item.key.startsWith('sku:') || item.key.startsWith('name:') ? 'NonInventory' : 'Service';
}

/** The item's QBO Name: colons replaced, at most 100 characters (XSD Item.Name). */
export function itemName(item: ItemDraft): string {
  return clip(safeName(item.name), manifest.limits.itemName) ?? 'Item';
}

/** `POST /item` body: NonInventory or Service, posting to `incomeAccountId` (§3.2). */
export function itemBody(item: ItemDraft, incomeAccountId: string, options: { name?: string } = {}): BodyObject {
  const name = options.name ?? itemName(item);
  const fullName = safeName(item.name);
  // A name cut to 100 characters keeps the whole one in the description.
  const description = item.description ?? (fullName !== itemName(item) ? fullName : undefined);
  return {
    Name: name,
    Sku: clip(item.sku, manifest.limits.itemSku),
    Type: itemType(item),
    Description: description,
    UnitPrice: isDecimalString(item.rate) ? num(item.rate) : undefined,
    IncomeAccountRef: { value: incomeAccountId },
  };
}

// ---------------------------------------------------------------- tax rates

export interface RateNeed {
  rate: DecimalString;
  title: string;
}

/** The zero rate untaxed lines need a code for outside the US (exempt / zero-rated). */
export const ZERO_RATE: RateNeed = { rate: '0', title: 'Zero-rated' };

/** One rate per line: the sum of its tax lines' rates, their titles joined. null: no tax lines. */
export function combinedRate(taxes: readonly TaxLine[]): RateNeed | null {
  if (taxes.length === 0) return null;
  const rate = formatDec(sum(taxes.map((t) => parseDec(t.rate))));
  const titles = [...new Set(taxes.map((t) => t.title.trim()).filter((t) => t !== ''))];
  return { rate, title: titles.length > 0 ? titles.join(' + ') : `Tax ${formatDec(mul(parseDec(rate), HUNDRED))}%` };
}

/** A rate (decimal fraction) as QBO's percentage (`TaxRate.RateValue`): "0.0725" → "7.25". */
export function ratePercent(rate: DecimalString): DecimalString {
  return formatDec(mul(parseDec(rate), HUNDRED));
}

/** The order-level tax lines, when they are the order's tax: no line or shipping carries its own. */
function orderLevelTaxes(draft: InvoiceDraft): TaxLine[] | null {
  const taxes = draft.orderTaxes ?? [];
  if (taxes.length === 0) return null;
  const own = draft.lines.some((l) => l.taxes.length > 0) || draft.shipping.some((s) => s.taxes.length > 0);
  return own ? null : taxes;
}

function lineTaxes(draft: InvoiceDraft, line: InvoiceLineDraft): readonly TaxLine[] {
  return orderLevelTaxes(draft) ?? line.taxes;
}

function postedShipping(draft: InvoiceDraft): ShippingDraft[] {
  return draft.shipping.filter((s) => !(isDecimalString(s.amount) && isZero(parseDec(s.amount)) && s.taxes.every((t) => isZero(decOrZero(t.amount)))));
}

/**
 * Every item and tax rate `invoiceBody` looks up in `refs`: the lines' items, the rounding item when the draft
 * has an adjustment, and one rate per line, shipping line and rounding line (the zero rate for untaxed ones).
 * A US company resolves them to its pseudo codes (see target.ts `resolveTax`).
 */
export function invoiceNeeds(draft: InvoiceDraft): { items: ItemDraft[]; taxes: RateNeed[] } {
  const items = new Map<string, ItemDraft>();
  const taxes = new Map<string, RateNeed>();
  const addRate = (need: RateNeed | null): void => {
    const chosen = need ?? ZERO_RATE;
    const key = isDecimalString(chosen.rate) ? formatDec(parseDec(chosen.rate)) : chosen.rate;
    if (!taxes.has(key)) taxes.set(key, { ...chosen, rate: key });
  };
  for (const line of draft.lines) {
    if (!items.has(line.item.key)) items.set(line.item.key, line.item);
    addRate(combinedRate(lineTaxes(draft, line)));
  }
  for (const shipping of postedShipping(draft)) addRate(combinedRate(shipping.taxes));
  if (draft.adjustment) {
    items.set(ROUNDING_ITEM.key, ROUNDING_ITEM);
    addRate(null);
  }
  return { items: [...items.values()], taxes: [...taxes.values()] };
}

// ---------------------------------------------------------------- references

/** `[ref:#1001]`: what PrivateNote carries so an invoice is found by its full order reference. */
export function referenceMarker(reference: string): string {
  return `[ref:${reference}]`;
}

/** The DocNumber of an order reference: itself when it fits 21 characters, else a deterministic short form. */
export function docNumberFor(reference: string): string {
  const text = reference.trim();
  const max = manifest.limits.docNumber;
  if ([...text].length <= max) return text;
  return `${[...text].slice(0, max - 7).join('')}~${sha256(text).slice(0, 6)}`;
}

/** The first PrivateNote line: which source order this is, with its marker. */
export function noteHeader(draft: InvoiceDraft): string {
  const said = oneLine(draft.notes) || `${draft.source} order ${draft.reference}`;
  return `${said} (id ${draft.sourceOrderId}) ${referenceMarker(draft.reference)}`;
}

/** PrivateNote: the header, then the lines kept from the stored note, newest kept when over 4000 characters. */
export function privateNote(draft: InvoiceDraft, keep: readonly string[] = []): string {
  const lines = [...keep];
  const build = (): string => [noteHeader(draft), ...lines].join('\n');
  while (lines.length > 0 && build().length > manifest.limits.privateNote) lines.shift();
  return build().slice(0, manifest.limits.privateNote);
}

/** The lines of a stored PrivateNote after our header: shipment notes, and whatever a person added. */
export function keptNoteLines(stored: string | undefined): string[] {
  if (!stored) return [];
  const [first, ...rest] = stored.split('\n');
  // Our header carries a marker; a note without one (QBO's "Voided", a person's memo) is kept whole.
  const lines = first !== undefined && /\[ref:/.test(first) ? rest : [first ?? '', ...rest];
  return lines.filter((l) => l.trim() !== '');
}

/**
 * The `requestid` of an invoice create (§9): one id per source order and body, so a retried create (the same
 * draft, the same refs) is answered with the first invoice instead of making a second one, while a changed
 * order gets a new id. 49 characters (the limit is 50).
 */
export function createRequestId(draft: InvoiceDraft, bodyText: string): string {
  return `inv-${sha256(`${draft.source}:${draft.sourceOrderId}`).slice(0, 16)}-${sha256(bodyText).slice(0, 28)}`;
}

/** The `requestid` of a write to an existing object: its id, the SyncToken it is based on, and the body. */
export function writeRequestId(kind: string, id: string, syncToken: string, bodyText: string): string {
  return `${kind}-${sha256(`${id}:${syncToken}`).slice(0, 16)}-${sha256(bodyText).slice(0, 28)}`.slice(0, manifest.requestIdMaxLength);
}

// ---------------------------------------------------------------- invoices

export interface InvoiceBodyOptions {
  /** A US company: TAX/NON line codes and the order's tax total (§11.5). */
  us: boolean;
  /** The shipping item when refs name none for a shipping title: config.shippingItemId or SHIPPING_ITEM_ID. */
  shippingItemId: string;
  /** PrivateNote lines to keep after the header (on update). */
  keepNoteLines?: readonly string[];
}

/**
 * `POST /invoice` body, or the fields of a sparse update. Throws SyncError VALIDATION, naming every problem,
 * when the draft cannot be sent (an item or tax code without an id, a bad amount or date, ...).
 */
export function invoiceBody(draft: InvoiceDraft, refs: ResolvedRefs, options: InvoiceBodyOptions): BodyObject {
  const problems: string[] = [];
  let exponent = 2;
  try {
    exponent = currencyExponent(draft.currency);
  } catch {
    problems.push(`"${draft.currency}" is not an ISO 4217 currency code`);
  }
  if (!refs.contactId) problems.push('no QuickBooks customer was resolved');
  const date = /^\d{4}-\d{2}-\d{2}$/.test(draft.date) ? draft.date : undefined;
  if (!date) problems.push(`the date "${draft.date}" is not yyyy-mm-dd`);

  const inclusiveUs = options.us && draft.taxInclusive;
  if (inclusiveUs && orderLevelTaxes(draft)) {
    problems.push('the order states its tax for the whole order with tax-inclusive prices, and a US QuickBooks company takes prices before tax, so the tax cannot be taken out line by line');
  }
  const taxCode = (taxes: readonly TaxLine[], what: string): BodyObject | undefined => {
    if (options.us) return { value: taxes.some((t) => !isZero(decOrZero(t.amount))) ? 'TAX' : 'NON' };
    const need = combinedRate(taxes) ?? ZERO_RATE;
    const id = taxIdFor(refs, need.rate);
    if (!id) problems.push(`no QuickBooks tax code was resolved for ${what} at rate ${need.rate} (${need.title})`);
    return id ? { value: id } : undefined;
  };

  const lines: BodyValue[] = [];
  const taxedRates = new Set<string>();
  for (const line of draft.lines) {
    const taxes = lineTaxes(draft, line);
    const what = `line "${line.item.name}"`;
    const itemId = refs.itemIds[line.item.key];
    if (!itemId) problems.push(`no QuickBooks item was resolved for "${line.item.name}" (${line.item.key})`);
    const code = taxCode(taxes, what);
    if (code?.['value'] === 'TAX') taxedRates.add(combinedRate(taxes)?.rate ?? '0');
    const taxOut = inclusiveUs ? sum(line.taxes.map((t) => decOf(t.amount, `${what} tax`, problems))) : ZERO;
    lines.push(
      salesLine(
        {
          itemId,
          description: line.description ?? line.item.name,
          quantity: line.quantity,
          rate: decOf(line.rate, `${what} rate`, problems),
          rateText: line.rate,
          discount: decOf(line.discount, `${what} discount`, problems),
          taxOut,
          taxCode: code,
          exponent,
          what,
        },
        problems,
      ),
    );
  }

  const orderDiscount = decOf(draft.discount, 'order discount', problems);
  if (compare(orderDiscount, ZERO) < 0) problems.push(`the order discount ${draft.discount} is negative`);
  if (compare(orderDiscount, ZERO) > 0) {
    lines.push({
      Description: 'Order discount',
      Amount: num(round(orderDiscount, exponent), exponent),
      DetailType: 'DiscountLineDetail',
      DiscountLineDetail: { PercentBased: false },
    });
  }

  for (const shipping of postedShipping(draft)) {
    const what = `shipping "${shipping.title}"`;
    const amount = decOf(shipping.amount, what, problems);
    const taxOut = inclusiveUs ? sum(shipping.taxes.map((t) => decOf(t.amount, `${what} tax`, problems))) : ZERO;
    const code = taxCode(shipping.taxes, what);
    if (code?.['value'] === 'TAX') taxedRates.add(combinedRate(shipping.taxes)?.rate ?? '0');
    lines.push({
      Description: shipping.code ? `${shipping.title} (${shipping.code})` : shipping.title,
      Amount: num(round(sub(amount, taxOut), exponent), exponent),
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: {
        ItemRef: { value: refs.itemIds[`shipping:${shipping.title}`] ?? options.shippingItemId },
        TaxCodeRef: code,
      },
    });
  }

  if (draft.adjustment) {
    const amount = decOf(draft.adjustment.amount, 'rounding adjustment', problems);
    const itemId = refs.itemIds[ROUNDING_ITEM.key];
    if (!itemId) problems.push(`no QuickBooks item was resolved for the rounding adjustment (${ROUNDING_ITEM.key})`);
    lines.push({
      Description: draft.adjustment.description,
      Amount: num(round(amount, exponent), exponent),
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: { ItemRef: itemId ? { value: itemId } : undefined, TaxCodeRef: taxCode([], 'the rounding adjustment') },
    });
  }

  let txnTaxDetail: BodyObject | undefined;
  if (options.us) {
    const total = decOf(draft.taxTotal, 'tax total', problems);
    const [onlyRate] = [...taxedRates];
    const codeId = taxedRates.size === 1 && onlyRate !== undefined ? taxIdFor(refs, onlyRate) : undefined;
    txnTaxDetail = {
      TxnTaxCodeRef: codeId && codeId !== 'TAX' && codeId !== 'NON' ? { value: codeId } : undefined,
      TotalTax: num(round(total, exponent), exponent),
    };
  }

  let currency: BodyObject = {};
  if (refs.currencyId) {
    const rate = draft.exchangeRate;
    if (rate !== undefined && !(isDecimalString(rate) && compare(parseDec(rate), ZERO) > 0)) problems.push(`the exchange rate "${rate}" is not a positive decimal`);
    currency = { CurrencyRef: { value: refs.currencyId }, ExchangeRate: rate !== undefined && isDecimalString(rate) ? num(rate) : undefined };
  }

  if (problems.length > 0) {
    throw new SyncError('VALIDATION', `invoice ${draft.reference} cannot be sent to QuickBooks: ${problems.join('; ')}`);
  }
  return {
    DocNumber: docNumberFor(draft.reference),
    TxnDate: date,
    CustomerRef: { value: refs.contactId },
    ...currency,
    GlobalTaxCalculation: options.us ? undefined : draft.taxInclusive ? 'TaxInclusive' : 'TaxExcluded',
    Line: lines,
    TxnTaxDetail: txnTaxDetail,
    PrivateNote: privateNote(draft, options.keepNoteLines ?? []),
  };
}

interface SalesLineInput {
  itemId: string | undefined;
  description: string;
  quantity: number;
  rate: Dec;
  rateText: DecimalString;
  discount: Dec;
  /** Tax taken out of a tax-inclusive line (US companies only). */
  taxOut: Dec;
  taxCode: BodyObject | undefined;
  exponent: number;
  what: string;
}

function salesLine(input: SalesLineInput, problems: string[]): BodyObject {
  const { exponent } = input;
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
    problems.push(`${input.what} has quantity ${input.quantity}, not a positive whole number`);
  }
  const qty = BigInt(Number.isSafeInteger(input.quantity) && input.quantity > 0 ? input.quantity : 1);
  const gross = round(mul({ units: qty, scale: 0 }, input.rate), exponent);
  const net = round(sub(sub(gross, input.discount), input.taxOut), exponent);
  const detail = (quantity: bigint, unitPrice: ReturnType<typeof num>): BodyObject => ({
    ItemRef: input.itemId ? { value: input.itemId } : undefined,
    Qty: Number(quantity),
    UnitPrice: unitPrice,
    TaxCodeRef: input.taxCode,
  });
  const description = isZero(input.discount) ? input.description : `${input.description} (discount ${formatDec(input.discount, exponent)})`;
  if (isZero(input.discount) && isZero(input.taxOut)) {
    return { Description: description, Amount: num(gross, exponent), DetailType: 'SalesItemLineDetail', SalesItemLineDetail: detail(qty, num(input.rateText)) };
  }
  const unit = divide(net, qty, UNIT_PRICE_SCALE);
  const ties = compare(round(mul({ units: qty, scale: 0 }, unit), exponent), net) === 0;
  return {
    Description: ties ? description : `${qty} × ${description}`,
    Amount: num(net, exponent),
    DetailType: 'SalesItemLineDetail',
    SalesItemLineDetail: ties ? detail(qty, num(unit)) : detail(1n, num(net, exponent)),
  };
}

/** value ÷ divisor: exact when it terminates within `maxScale` decimals, else rounded half-up there. */
export function divide(value: Dec, divisor: bigint, maxScale: number): Dec {
  for (let scale = value.scale; scale <= Math.max(maxScale, value.scale); scale += 1) {
    const units = value.units * 10n ** BigInt(scale - value.scale);
    if (units % divisor === 0n) return { units: units / divisor, scale };
  }
  const scale = Math.max(maxScale, value.scale);
  const units = value.units * 10n ** BigInt(scale - value.scale);
  const negative = units < 0n !== divisor < 0n;
  const a = units < 0n ? -units : units;
  const b = divisor < 0n ? -divisor : divisor;
  let q = a / b;
  if ((a % b) * 2n >= b) q += 1n;
  return { units: negative ? -q : q, scale };
}

function taxIdFor(refs: ResolvedRefs, rate: DecimalString): string | undefined {
  if (!isDecimalString(rate)) return undefined;
  const wanted = parseDec(rate);
  for (const [key, id] of Object.entries(refs.taxIds)) {
    if (isDecimalString(key) && compare(parseDec(key), wanted) === 0) return id;
  }
  return undefined;
}

// ---------------------------------------------------------------- journal entries

/**
 * `POST /journalentry` body (§3.6): one `JournalEntryLineDetail` line per draft line, Debit or Credit, on the
 * user's accounts. DocNumber and the PrivateNote marker carry the draft's reference, so a crash between create
 * and record is found again. Throws SyncError VALIDATION when debits and credits differ (QBO would refuse it
 * with a 6000) or an amount is not a positive amount of the currency.
 */
export function journalBody(draft: JournalDraft, options: { currency?: string } = {}): BodyObject {
  const problems: string[] = [];
  let exponent = 2;
  try {
    exponent = currencyExponent(draft.currency);
  } catch {
    problems.push(`"${draft.currency}" is not an ISO 4217 currency code`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(draft.date)) problems.push(`the date "${draft.date}" is not yyyy-mm-dd`);
  if (draft.lines.length < 2) problems.push(`it has ${draft.lines.length} line(s), and a journal entry needs a debit and a credit`);
  let debits = ZERO;
  let credits = ZERO;
  const lines: BodyValue[] = draft.lines.map((line, i) => {
    const what = `line ${i + 1}`;
    if (!line.accountId) problems.push(`${what} names no QuickBooks account`);
    const amount = decOf(line.amount, `${what} amount`, problems);
    if (compare(amount, ZERO) <= 0) problems.push(`${what} amount ${line.amount} is not positive`);
    else if (compare(round(amount, exponent), amount) !== 0) problems.push(`${what} amount ${line.amount} has more decimals than ${draft.currency} allows`);
    if (line.side === 'debit') debits = add(debits, amount);
    else credits = add(credits, amount);
    return {
      Description: line.description || undefined,
      Amount: num(amount, exponent),
      DetailType: 'JournalEntryLineDetail',
      JournalEntryLineDetail: { PostingType: line.side === 'debit' ? 'Debit' : 'Credit', AccountRef: { value: line.accountId } },
    };
  });
  if (compare(debits, credits) !== 0) problems.push(`debits (${formatDec(debits)}) do not equal credits (${formatDec(credits)})`);
  if (problems.length > 0) throw new SyncError('VALIDATION', `journal entry ${draft.reference} cannot be sent to QuickBooks: ${problems.join('; ')}`);
  return {
    DocNumber: docNumberFor(draft.reference),
    TxnDate: draft.date,
    CurrencyRef: options.currency ? { value: options.currency } : undefined,
    Line: lines,
    PrivateNote: `${oneLine(draft.notes)} ${referenceMarker(draft.reference)}`.trim().slice(0, manifest.limits.privateNote),
  };
}

// ---------------------------------------------------------------- shipment notes

/**
 * The sparse-update fields that record a shipment on an invoice (§3.3: ShipDate, TrackingNum, ShipMethodRef),
 * each only when the invoice lacks it, plus the note's line appended to PrivateNote. null when the note's
 * marker is already there: writing it twice changes nothing.
 */
export function shipmentPatch(invoice: { PrivateNote?: string; ShipDate?: string; TrackingNum?: string; hasShipMethod: boolean }, note: ShipmentNoteDraft): BodyObject | null {
  const stored = invoice.PrivateNote ?? '';
  if (stored.includes(note.marker)) return null;
  const line = note.text.includes(note.marker) ? note.text : `${note.text} ${note.marker}`;
  const via = [note.carrier, note.service].filter((p): p is string => !!p && p.trim() !== '').join(' ');
  // Over the limit, the oldest lines after the first (our header, with its marker) give way.
  const lines = [...stored.split('\n'), oneLine(line)].filter((l) => l.trim() !== '');
  while (lines.length > 2 && lines.join('\n').length > manifest.limits.privateNote) lines.splice(1, 1);
  return {
    PrivateNote: lines.join('\n').slice(0, manifest.limits.privateNote),
    ShipDate: !invoice.ShipDate && /^\d{4}-\d{2}-\d{2}$/.test(note.shipDate) ? note.shipDate : undefined,
    TrackingNum: !invoice.TrackingNum && note.trackingNumber ? note.trackingNumber : undefined,
    ShipMethodRef: !invoice.hasShipMethod && via !== '' ? { value: via, name: via } : undefined,
  };
}

// ---------------------------------------------------------------- small helpers

function decOf(value: DecimalString, what: string, problems: string[]): Dec {
  if (isDecimalString(value)) return parseDec(value);
  problems.push(`${what} "${value}" is not a decimal amount`);
  return ZERO;
}

function decOrZero(value: DecimalString): Dec {
  return isDecimalString(value) ? parseDec(value) : ZERO;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
