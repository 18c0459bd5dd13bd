/**
 * QuickBooks Online as a sync target: customers, items, tax codes, currencies, invoices, shipment notes on
 * invoices, journal entries, and batches for backfills (/work/shared/api/quickbooks-online.md §3–§9). Bodies come
 * from from-canonical.ts; transport, queries and faults from client.ts and errors.ts.
 *
 * Writes to existing objects read them first (the current SyncToken) and send a sparse update; a 5010 "Stale
 * Object Error" (someone wrote in between, §5) re-reads and retries once. Company facts (country, preferences,
 * tax codes, the income account) are read once per target instance.
 */
import { createHash } from 'node:crypto';
import type { ContactDraft, InvoiceDraft, ItemDraft, JournalDraft, ShipmentNoteDraft } from '../../core/documents.ts';
import { ERRORS, SyncError, isSyncError } from '../../core/errors.ts';
import { add, compare, currencyExponent, formatDec, isDecimalString, isZero, parseDec, ZERO, type Dec, type DecimalString } from '../../core/money.ts';
import type { ConnectorContext, MappingChoices, PingResult, ResolvedRefs, TargetClient, TargetInvoice, TargetRef } from '../../sync/ports.ts';
import {
  createQuickBooksClient,
  idOf,
  isRecord,
  LINE_ITEM_TYPES,
  listAccounts,
  listItems,
  readConfig,
  refValue,
  stringOf,
  type BatchOperation,
  type BatchResult,
  type EntityName,
  type QboClient,
  type QboRecord,
} from './client.ts';
import { apiBaseUrl, manifest, type QuickBooksConfig } from './connector.ts';
import { qboCodeOf } from './errors.ts';
import {
  createRequestId,
  customerBody,
  docNumberFor,
  invoiceBody,
  invoiceNeeds,
  itemBody,
  itemName,
  journalBody,
  keptNoteLines,
  ratePercent,
  referenceMarker,
  ROUNDING_ITEM,
  safeName,
  shipmentPatch,
  writeRequestId,
} from './from-canonical.ts';
import { writeJson, type BodyObject } from '../_kit/json-body.ts';

/** The TargetClient with its optional shipment methods present, plus `batch` for backfills. */
export interface QuickBooksTarget extends TargetClient {
  annotateInvoice(id: string, note: ShipmentNoteDraft): Promise<void>;
  findJournalsByReference(reference: string): Promise<TargetRef[]>;
  createJournal(draft: JournalDraft): Promise<TargetRef>;
  invoiceNeeds: typeof invoiceNeeds;
  /** `POST /batch`: at most 30 operations a request, one result per operation, in order (§8). */
  batch(operations: readonly BatchOperation[], options?: { requestId?: string }): Promise<BatchResult[]>;
  createInvoicesBatch: NonNullable<TargetClient['createInvoicesBatch']>;
  findInvoicesByReferences: NonNullable<TargetClient['findInvoicesByReferences']>;
  mappingChoices(): Promise<MappingChoices>;
}

/** Suffixes tried after a DisplayName or item Name clash (6240), in order; deterministic for the same party. */
const MAX_NAME_ATTEMPTS = 6;
/** A create answered with an invoice made longer ago than this was a `requestid` replay (§9). */
const REPLAY_AGE_MS = 2 * 60_000;
/**
 * DocNumbers per `IN (...)` lookup, and the longest statement we send. The notes give no statement limit (§4 caps
 * only MAXRESULTS, at 1000, which the lookup pages by); these are our own conservative bounds. DocNumbers have at
 * most 21 characters, so 100 of them stay near 2,600 characters.
 */
const MAX_IN_VALUES = 100;
const MAX_QUERY_CHARS = 4_000;

export function createQuickBooksTarget(ctx: ConnectorContext): QuickBooksTarget {
  let clientOnce: QboClient | undefined;
  let configOnce: QuickBooksConfig | undefined;
  const client = (): QboClient => (clientOnce ??= createQuickBooksClient(ctx));
  const config = (): QuickBooksConfig => (configOnce ??= readConfig(ctx));

  const cache = new Map<string, Promise<unknown>>();
  function once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load().catch((error: unknown) => {
        cache.delete(key);
        throw error;
      });
      cache.set(key, hit);
    }
    return hit;
  }

  // Company settings are the same for every job of the connection: remembered across jobs where the runtime offers it.
  const accountFact = ctx.memo ?? once;
  const companyInfo = (): Promise<QboRecord> =>
    accountFact('companyinfo', async () => {
      const body = await client().request({ method: 'GET', path: `companyinfo/${encodeURIComponent(client().realmId)}`, op: 'quickbooks.companyinfo.read' });
      return recordOf(body, 'CompanyInfo');
    });
  const preferences = (): Promise<QboRecord> =>
    accountFact('preferences', async () => recordOf(await client().request({ method: 'GET', path: 'preferences', op: 'quickbooks.preferences.read' }), 'Preferences'));
  const isUs = async (): Promise<boolean> => stringOf((await companyInfo())['Country'])?.toUpperCase() === 'US';
  const homeCurrency = async (): Promise<string> => refValue(section(await preferences(), 'CurrencyPrefs')['HomeCurrency']) ?? 'USD';
  const multiCurrency = async (): Promise<boolean> => section(await preferences(), 'CurrencyPrefs')['MultiCurrencyEnabled'] === true;
  const shippingItemId = (): string => config().shippingItemId ?? manifest.shippingItemId;

  /** Sales tax codes with the sum of their sales rates, as percentages (TaxCode → TaxRate.RateValue). */
  const taxCodes = (): Promise<Array<{ id: string; name: string; percent: Dec }>> =>
    once('taxcodes', async () => {
      const rates = new Map<string, Dec>();
      for (const rate of await client().queryAll('TaxRate', [], 'quickbooks.taxrate.list')) {
        const value = decimalOf(rate['RateValue']);
        if (value) rates.set(idOf(rate['Id'], 'TaxRate Id'), value);
      }
      const codes: Array<{ id: string; name: string; percent: Dec }> = [];
      for (const code of await client().queryAll('TaxCode', [], 'quickbooks.taxcode.list')) {
        if (code['Active'] === false) continue;
        const details = listOf(section(code, 'SalesTaxRateList')['TaxRateDetail']);
        const percents = details.map((d) => rates.get(refValue(isRecord(d) ? d['TaxRateRef'] : undefined) ?? ''));
        if (percents.length === 0 || percents.some((p) => p === undefined)) continue;
        codes.push({ id: idOf(code['Id'], 'TaxCode Id'), name: stringOf(code['Name']) ?? '', percent: percents.reduce<Dec>((a, p) => add(a, p ?? ZERO), ZERO) });
      }
      return codes;
    });

  const incomeAccountId = (): Promise<string> =>
    once('income-account', async () => {
      if (config().incomeAccountId) return config().incomeAccountId as string;
      const accounts = await client().queryAll('Account', [{ field: 'AccountType', op: '=', value: 'Income' }], 'quickbooks.account.find');
      const chosen = accounts.find((a) => a['AccountSubType'] === 'SalesOfProductIncome') ?? accounts[0];
      if (!chosen) {
        throw new SyncError('VALIDATION', 'the QuickBooks company has no active Income account for new items; create one, or set incomeAccountId on the connection');
      }
      return idOf(chosen['Id'], 'Account Id');
    });

  /** Runs `write` (which must read before it writes); on 5010 it runs once more, reading the new SyncToken. */
  async function withStaleRetry<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (qboCodeOf(error) !== '5010') throw error;
      return write();
    }
  }

  async function mustRead(entity: EntityName, id: string): Promise<QboRecord> {
    const row = await client().read(entity, id);
    if (!row) throw new SyncError('NOT_FOUND', `QuickBooks has no ${entity} ${id} (deleted, or made inactive)`);
    return row;
  }

  /** Creates under the first free name: `names` in order, each tried once; 6240 moves on to the next. */
  async function createNamed(entity: 'Customer' | 'Item', names: readonly string[], body: (name: string) => BodyObject): Promise<TargetRef> {
    for (const name of names) {
      try {
        const row = await client().write(entity, body(name));
        return { id: idOf(row['Id'], `${entity} Id`) };
      } catch (error) {
        if (qboCodeOf(error) !== '6240') throw error;
      }
    }
    throw new SyncError('VALIDATION', `QuickBooks already uses every name tried for this ${entity.toLowerCase()} (${names.join(', ')}); rename one of them in QuickBooks, then replay`);
  }

  /**
   * Fills what only this target needs and the engine's refs may lack: the rounding item (an adjustment added
   * after a total check) and tax codes of rates the engine did not resolve. Refs the engine gave always win.
   */
  async function completeRefs(draft: InvoiceDraft, refs: ResolvedRefs): Promise<ResolvedRefs> {
    const needs = invoiceNeeds(draft);
    const itemIds = { ...refs.itemIds };
    const taxIds = { ...refs.taxIds };
    if (needs.items.some((i) => i.key === ROUNDING_ITEM.key) && !itemIds[ROUNDING_ITEM.key]) {
      itemIds[ROUNDING_ITEM.key] = ((await target.findItem(ROUNDING_ITEM)) ?? (await target.createItem(ROUNDING_ITEM))).id;
    }
    for (const tax of needs.taxes) {
      const known = Object.keys(taxIds).some((rate) => isDecimalString(rate) && compare(parseDec(rate), parseDec(tax.rate)) === 0);
      if (!known) taxIds[tax.rate] = (await target.resolveTax(tax.rate, tax.title)).id;
    }
    return { ...refs, itemIds, taxIds };
  }

  /**
   * The customer the invoice may go to: QBO customers have one currency and an invoice must be in it (§3.3).
   * With multicurrency on, a customer in another currency gets a sibling "<name> (<code>)" in the invoice's.
   */
  async function customerFor(draft: InvoiceDraft, refs: ResolvedRefs): Promise<string> {
    if (!(await multiCurrency())) return refs.contactId;
    const home = await homeCurrency();
    const code = refs.currencyId ?? home;
    const customer = await mustRead('Customer', refs.contactId);
    if ((refValue(customer['CurrencyRef']) ?? home) === code) return refs.contactId;
    const name = `${stringOf(customer['DisplayName']) ?? safeName(draft.contact.displayName)} (${code})`;
    const rows = await client().queryAll('Customer', [{ field: 'DisplayName', op: '=', value: name }], 'quickbooks.customer.find', { maxPages: 1, pageSize: 10 });
    const sibling = rows.find((r) => (refValue(r['CurrencyRef']) ?? home) === code);
    if (sibling) return idOf(sibling['Id'], 'Customer Id');
    const created = await createNamed('Customer', suffixedNames(name, draft.contact.email), (n) => customerBody(draft.contact, { displayName: n, currency: code }));
    return created.id;
  }

  /** `customers`: one answer per (customer, currency) for a batch, so a sibling customer is read once. */
  async function prepareInvoice(draft: InvoiceDraft, refs: ResolvedRefs, customers?: Map<string, Promise<string>>): Promise<{ refs: ResolvedRefs; us: boolean }> {
    const us = await isUs();
    // Refuses an unsendable draft (a line without an item, a bad amount) before anything is created for it.
    invoiceBody(draft, looseRefs(draft, refs), { us, shippingItemId: shippingItemId() });
    const complete = await completeRefs(draft, refs);
    let contactId: string;
    if (customers) {
      const key = `${complete.contactId}|${complete.currencyId ?? ''}`;
      let pending = customers.get(key);
      if (!pending) {
        pending = customerFor(draft, complete);
        customers.set(key, pending);
        pending.catch(() => customers.delete(key));
      }
      contactId = await pending;
    } else {
      contactId = await customerFor(draft, complete);
    }
    return { refs: { ...complete, contactId }, us };
  }

  /** With "custom transaction numbers" off QBO numbers invoices itself (§3.3): a DocNumber is then not ours. */
  const ownsDocNumbers = async (): Promise<boolean> => section(await preferences(), 'SalesFormsPrefs')['CustomTxnNumbers'] !== false;

  /** Invoices whose PrivateNote header carries the reference's marker (QBO numbering, or a DocNumber changed by hand). */
  async function findByMarker(reference: string): Promise<QboRecord[]> {
    const marker = referenceMarker(reference);
    let rows: QboRecord[];
    try {
      rows = await client().queryAll('Invoice', [{ field: 'PrivateNote', op: 'LIKE', value: `%${marker}%` }], 'quickbooks.invoice.find', { pageSize: 20, maxPages: 1 });
    } catch (error) {
      if (qboCodeOf(error) !== '4001' && qboCodeOf(error) !== '4000') throw error;
      rows = [];
    }
    return rows.filter((r) => stringOf(r['PrivateNote'])?.split('\n')[0]?.includes(marker) === true);
  }

  const target: QuickBooksTarget = {
    ping: () => ping(),

    invoiceNeeds,

    async findContact(contact: ContactDraft): Promise<TargetRef | null> {
      const email = contact.email?.trim();
      if (email) {
        let rows: QboRecord[];
        try {
          // §4, §11.4: `PrimaryEmailAddr` is the email filter (the nested `.Address` is refused).
          rows = await client().queryAll('Customer', [{ field: 'PrimaryEmailAddr', op: '=', value: email }], 'quickbooks.customer.find', { pageSize: 100, maxPages: 1 });
        } catch (error) {
          if (qboCodeOf(error) !== '4001') throw error;
          rows = await client().queryAll('Customer', [{ field: 'DisplayName', op: '=', value: safeName(contact.displayName) }], 'quickbooks.customer.find', { pageSize: 100, maxPages: 1 });
        }
        const same = rows.filter((r) => emailOf(r)?.toLowerCase() === email.toLowerCase()).sort(byId);
        const wanted = safeName(contact.displayName).toLowerCase();
        const match = same.find((r) => stringOf(r['DisplayName'])?.toLowerCase() === wanted) ?? same[0];
        return match ? { id: idOf(match['Id'], 'Customer Id') } : null;
      }
      // No email: the same display name, once, on a customer without an email (a guest created earlier).
      const rows = await client().queryAll('Customer', [{ field: 'DisplayName', op: '=', value: safeName(contact.displayName) }], 'quickbooks.customer.find', { pageSize: 10, maxPages: 1 });
      const match = rows.length === 1 && rows[0] && emailOf(rows[0]) === undefined ? rows[0] : undefined;
      return match ? { id: idOf(match['Id'], 'Customer Id') } : null;
    },

    async createContact(contact: ContactDraft): Promise<TargetRef> {
      // DisplayName is unique across customers, vendors and employees (§3.1, §11.3): a clash gets the email, then a number.
      return createNamed('Customer', suffixedNames(safeName(contact.displayName), contact.email), (name) => customerBody(contact, { displayName: name }));
    },

    async updateContact(id: string, contact: ContactDraft): Promise<void> {
      await withStaleRetry(async () => {
        const current = await mustRead('Customer', id);
        // DisplayName stays as it is: it may carry a suffix from a clash the draft knows nothing of.
        const body: BodyObject = { Id: id, SyncToken: syncTokenOf(current), sparse: true, ...customerBody(contact, { omitDisplayName: true }) };
        await client().write('Customer', body, { operation: 'update' });
      });
    },

    async findItem(item: ItemDraft): Promise<TargetRef | null> {
      const usable = (rows: QboRecord[]) => rows.filter((r) => r['Type'] !== 'Category' && r['Active'] !== false).sort(byId);
      if (item.sku) {
        const sku = item.sku.trim();
        const rows = await client().queryAll('Item', [{ field: 'Sku', op: '=', value: sku }], 'quickbooks.item.find', { pageSize: 10, maxPages: 1 });
        const match = usable(rows).find((r) => stringOf(r['Sku'])?.trim() === sku);
        if (match) return { id: idOf(match['Id'], 'Item Id') };
      }
      const name = itemName(item);
      const rows = await client().queryAll('Item', [{ field: 'Name', op: '=', value: name }], 'quickbooks.item.find', { pageSize: 10, maxPages: 1 });
      // Item names are unique regardless of case in QBO: an equal name in another case is the same item.
      const match = usable(rows).find((r) => stringOf(r['Name'])?.toLowerCase() === name.toLowerCase());
      return match ? { id: idOf(match['Id'], 'Item Id') } : null;
    },

    async createItem(item: ItemDraft): Promise<TargetRef> {
      const income = await incomeAccountId();
      return createNamed('Item', suffixedNames(itemName(item), item.sku, manifest.limits.itemName), (name) => itemBody(item, income, { name }));
    },

    /**
     * What a user may map to: active items an invoice line can carry (Service, NonInventory, Inventory), led by QBO's
     * built-in shipping line (`SHIPPING_ITEM_ID`, §3.3) when the company has shipping on; and active accounts of the
     * types a mapping uses (MAPPING_ACCOUNT_TYPES). Both listed by name, every page.
     */
    async mappingChoices(): Promise<MappingChoices> {
      const items = (await listItems(client())).filter((r) => LINE_ITEM_TYPES.includes(stringOf(r['Type']) ?? ''));
      const accounts = await listAccounts(client());
      const shippingOn = section(await preferences(), 'SalesFormsPrefs')['AllowShipping'] !== false;
      return {
        items: [
          ...(shippingOn ? [{ id: manifest.shippingItemId, name: 'Shipping (QuickBooks built-in shipping line)', sku: null, type: 'Shipping' }] : []),
          ...items.map((r) => ({ id: idOf(r['Id'], 'Item Id'), name: stringOf(r['FullyQualifiedName']) ?? stringOf(r['Name']) ?? '', sku: stringOf(r['Sku']) ?? null, type: stringOf(r['Type']) ?? null })),
        ],
        accounts: accounts.map((r) => ({ id: idOf(r['Id'], 'Account Id'), name: stringOf(r['FullyQualifiedName']) ?? stringOf(r['Name']) ?? '', type: stringOf(r['AccountType']) ?? '' })),
      };
    },

    async resolveTax(rate: DecimalString, title: string): Promise<TargetRef> {
      if (!isDecimalString(rate)) throw new SyncError('VALIDATION', `tax rate "${rate}" is not a decimal fraction`);
      const percent = parseDec(ratePercent(rate));
      const us = await isUs();
      // US lines take the pseudo codes TAX / NON (§11.5); a real code at the rate only names the transaction's rate.
      if (us && isZero(percent)) return { id: 'NON' };
      const atRate = (await taxCodes()).filter((c) => c.id !== 'TAX' && c.id !== 'NON' && compare(c.percent, percent) === 0);
      const match = atRate.find((c) => c.name === title) ?? atRate[0];
      if (match) return { id: match.id };
      if (us) return { id: 'TAX' };
      throw new SyncError(
        'VALIDATION',
        `the QuickBooks company has no sales tax code at ${ratePercent(rate)}% (${title}); every line needs one outside the US. Add it under Taxes in QuickBooks, or map the rate to a tax code in the integration settings, then replay`,
      );
    },

    async resolveCurrency(code: string): Promise<{ id: string; isBase: boolean }> {
      const wanted = code.trim().toUpperCase();
      const home = await homeCurrency();
      if (wanted === home) return { id: home, isBase: true };
      if (!(await multiCurrency())) {
        throw new SyncError(
          'VALIDATION',
          `the order is in ${wanted} but the QuickBooks company works only in ${home}: turn on multicurrency in QuickBooks (Account and settings → Advanced → Currency; it cannot be turned off again), then replay`,
        );
      }
      return { id: wanted, isBase: false };
    },

    async findInvoicesByReference(reference: string): Promise<TargetInvoice[]> {
      const doc = docNumberFor(reference);
      let rows = (await client().queryAll('Invoice', [{ field: 'DocNumber', op: '=', value: doc }], 'quickbooks.invoice.find', { pageSize: 20, maxPages: 1 })).filter(
        (r) => stringOf(r['DocNumber']) === doc,
      );
      // With "custom transaction numbers" off QBO numbers invoices itself (§3.3): the PrivateNote marker finds them.
      if (rows.length === 0) rows = await findByMarker(reference);
      return rows.sort(byId).map(toTargetInvoice);
    },

    /**
     * One `DocNumber IN (...)` query per chunk of references (at most MAX_IN_VALUES DocNumbers and MAX_QUERY_CHARS
     * characters a statement, each paged by MAXRESULTS 1000), instead of one query per reference. Only when QBO
     * numbers invoices itself (custom transaction numbers off) are the references left unfound looked up one
     * by one by their PrivateNote marker, as `findInvoicesByReference` does.
     */
    async findInvoicesByReferences(references: string[]): Promise<Map<string, TargetInvoice[]>> {
      const wanted = [...new Set(references)];
      const found = new Map<string, TargetInvoice[]>(wanted.map((reference) => [reference, []]));
      const byDoc = new Map<string, string[]>();
      for (const reference of wanted) {
        const doc = docNumberFor(reference);
        byDoc.set(doc, [...(byDoc.get(doc) ?? []), reference]);
      }
      for (const docs of inChunks([...byDoc.keys()])) {
        const rows = await client().queryAll('Invoice', [{ field: 'DocNumber', op: 'IN', value: docs }], 'quickbooks.invoice.find', {
          pageSize: manifest.query.maxResults,
          maxPages: 100,
        });
        for (const row of rows.sort(byId)) {
          const doc = stringOf(row['DocNumber']);
          for (const reference of (doc === undefined ? undefined : byDoc.get(doc)) ?? []) found.get(reference)?.push(toTargetInvoice(row));
        }
      }
      const unfound = wanted.filter((reference) => found.get(reference)?.length === 0);
      if (unfound.length > 0 && !(await ownsDocNumbers())) {
        for (const reference of unfound) found.set(reference, (await findByMarker(reference)).sort(byId).map(toTargetInvoice));
      }
      return found;
    },

    async getInvoice(id: string): Promise<TargetInvoice | null> {
      const row = await client().read('Invoice', id);
      return row ? toTargetInvoice(row) : null;
    },

    async createInvoice(draft: InvoiceDraft, refs: ResolvedRefs): Promise<TargetInvoice> {
      const prepared = await prepareInvoice(draft, refs);
      const body = invoiceBody(draft, prepared.refs, { us: prepared.us, shippingItemId: shippingItemId() });
      const text = writeJson(body);
      const requestId = createRequestId(draft, text);
      const row = await client().write('Invoice', body, { requestId });
      return toTargetInvoice(await afterReplay(row, body, text));
    },

    /**
     * Creates invoices through `POST /batch`, 30 a request (§8), each with the very body `createInvoice` sends.
     * A draft that cannot be sent (validation) is answered for itself and never sent. Each request carries a
     * `requestid` made from its items' own create requestids (§9): a chunk sent again after a lost answer is
     * replayed by QuickBooks rather than run twice. Results come back per item, in the order given: the invoice,
     * or QuickBooks' refusal as a sentence. A request that fails whole (429, network) throws.
     */
    async createInvoicesBatch(items: Array<{ draft: InvoiceDraft; refs: ResolvedRefs }>): Promise<Array<{ ok: true; invoice: TargetInvoice } | { ok: false; error: string }>> {
      const results: Array<{ ok: true; invoice: TargetInvoice } | { ok: false; error: string }> = new Array(items.length);
      const customers = new Map<string, Promise<string>>();
      const ready: Array<{ index: number; body: BodyObject; requestId: string }> = [];
      for (const [index, { draft, refs }] of items.entries()) {
        try {
          const prepared = await prepareInvoice(draft, refs, customers);
          const body = invoiceBody(draft, prepared.refs, { us: prepared.us, shippingItemId: shippingItemId() });
          ready.push({ index, body, requestId: createRequestId(draft, writeJson(body)) });
        } catch (error) {
          if (!isItemError(error)) throw error;
          results[index] = { ok: false, error: error.message };
        }
      }
      for (let start = 0; start < ready.length; start += manifest.batch.maxItems) {
        const chunk = ready.slice(start, start + manifest.batch.maxItems);
        const answers = await client().batch(
          chunk.map((item) => ({ operation: 'create' as const, entity: 'Invoice' as const, body: item.body })),
          { requestId: batchRequestId(chunk.map((item) => item.requestId)), op: 'quickbooks.invoice.batch-create' },
        );
        for (const [i, item] of chunk.entries()) {
          const answer = answers[i];
          if (!answer || !answer.ok) {
            results[item.index] = { ok: false, error: answer ? answer.error.message : 'QuickBooks gave no answer for this invoice' };
            continue;
          }
          const row = await afterBatchReplay(answer.record);
          results[item.index] = row ? { ok: true, invoice: toTargetInvoice(row) } : { ok: false, error: `the invoice QuickBooks made for this order earlier (Id ${stringOf(answer.record['Id']) ?? '?'}) has since been deleted; replay the record to post it again` };
        }
      }
      return results;
    },

    async updateInvoice(id: string, draft: InvoiceDraft, refs: ResolvedRefs): Promise<TargetInvoice> {
      const prepared = await prepareInvoice(draft, refs);
      const row = await withStaleRetry(async () => {
        const current = await mustRead('Invoice', id);
        const syncToken = syncTokenOf(current);
        const fields = invoiceBody(draft, prepared.refs, {
          us: prepared.us,
          shippingItemId: shippingItemId(),
          keepNoteLines: keptNoteLines(stringOf(current['PrivateNote'])),
        });
        // A sparse update: `Line` replaces every line (§5); ShipDate, TrackingNum and the like stay.
        const body: BodyObject = { Id: id, SyncToken: syncToken, sparse: true, ...fields };
        return client().write('Invoice', body, { operation: 'update', requestId: writeRequestId('upd', id, syncToken, writeJson(fields)) });
      });
      return toTargetInvoice(row);
    },

    async voidInvoice(id: string): Promise<'voided' | 'already_void' | 'paid'> {
      return withStaleRetry(async () => {
        const current = await mustRead('Invoice', id);
        if (isVoided(current)) return 'already_void';
        // Voiding would unlink its payments (§3.4): a paid or part-paid invoice is left alone and reported.
        if (hasPayments(current)) return 'paid';
        const syncToken = syncTokenOf(current);
        await client().write('Invoice', { Id: id, SyncToken: syncToken }, { operation: 'void', requestId: writeRequestId('void', id, syncToken, '') });
        return 'voided';
      });
    },

    async annotateInvoice(id: string, note: ShipmentNoteDraft): Promise<void> {
      await withStaleRetry(async () => {
        const current = await mustRead('Invoice', id);
        const privateNote = stringOf(current['PrivateNote']);
        const shipDate = stringOf(current['ShipDate']);
        const trackingNum = stringOf(current['TrackingNum']);
        const patch = shipmentPatch(
          {
            ...(privateNote !== undefined ? { PrivateNote: privateNote } : {}),
            ...(shipDate !== undefined ? { ShipDate: shipDate } : {}),
            ...(trackingNum !== undefined ? { TrackingNum: trackingNum } : {}),
            hasShipMethod: refValue(current['ShipMethodRef']) !== undefined,
          },
          note,
        );
        if (!patch) return;
        await client().write('Invoice', { Id: id, SyncToken: syncTokenOf(current), sparse: true, ...patch }, { operation: 'update' });
      });
    },

    async findJournalsByReference(reference: string): Promise<TargetRef[]> {
      const doc = docNumberFor(reference);
      const marker = referenceMarker(reference);
      const rows = await client().queryAll('JournalEntry', [{ field: 'DocNumber', op: '=', value: doc }], 'quickbooks.journalentry.find', { pageSize: 20, maxPages: 1 });
      return rows
        .filter((r) => stringOf(r['DocNumber']) === doc && (doc === reference.trim() || stringOf(r['PrivateNote'])?.includes(marker) === true))
        .sort(byId)
        .map((r) => ({ id: idOf(r['Id'], 'JournalEntry Id') }));
    },

    async createJournal(draft: JournalDraft): Promise<TargetRef> {
      journalBody(draft); // refuses an unbalanced entry before any call
      const currency = await target.resolveCurrency(draft.currency);
      const body = journalBody(draft, currency.isBase ? {} : { currency: currency.id });
      const row = await client().write('JournalEntry', body, { requestId: writeRequestId('jrn', draft.reference, 'new', writeJson(body)) });
      return { id: idOf(row['Id'], 'JournalEntry Id') };
    },

    batch: (operations, options = {}) => client().batch(operations, { ...options, op: 'quickbooks.batch' }),
  };

  /**
   * A create answered with an invoice made minutes ago was a `requestid` replay (§9): read it again for its
   * current state. When the invoice that request made has been deleted since, create anew under a requestid
   * derived from the deleted one, so that create is itself repeatable.
   */
  async function afterReplay(row: QboRecord, body: BodyObject, text: string): Promise<QboRecord> {
    const created = Date.parse(stringOf(isRecord(row['MetaData']) ? row['MetaData']['CreateTime'] : undefined) ?? '');
    if (!Number.isFinite(created) || ctx.now().getTime() - created < REPLAY_AGE_MS) return row;
    const id = idOf(row['Id'], 'Invoice Id');
    const current = await client().read('Invoice', id);
    if (current) return current;
    return client().write('Invoice', body, { requestId: writeRequestId('inv', id, 'deleted', text) });
  }

  /**
   * A batch answered with an invoice made minutes ago was a `requestid` replay of the whole chunk (§9): read it
   * again for its current state; null when it has been deleted since (the record is then failed for a replay,
   * which creates it one by one under its own requestid).
   */
  async function afterBatchReplay(row: QboRecord): Promise<QboRecord | null> {
    const created = Date.parse(stringOf(isRecord(row['MetaData']) ? row['MetaData']['CreateTime'] : undefined) ?? '');
    if (!Number.isFinite(created) || ctx.now().getTime() - created < REPLAY_AGE_MS) return row;
    return client().read('Invoice', idOf(row['Id'], 'Invoice Id'));
  }

  async function ping(): Promise<PingResult> {
    let where = 'QuickBooks Online';
    let cfg: QuickBooksConfig;
    try {
      cfg = config();
    } catch (error) {
      return { ok: false, message: `The QuickBooks connection cannot be used: ${detailOf(error)}.` };
    }
    try {
      where = `${apiBaseUrl(cfg)} (realm ${cfg.realmId}, ${cfg.environment})`;
      const info = await companyInfo();
      const prefs = await preferences();
      const name = stringOf(info['CompanyName']) ?? cfg.realmId;
      const notes: string[] = [];
      if (section(prefs, 'TaxPrefs')['PartnerTaxEnabled'] === true) {
        notes.push('Automated Sales Tax is on, so QuickBooks works out sales tax itself; an invoice whose total then differs from the order is held for review');
      }
      if (section(prefs, 'SalesFormsPrefs')['AllowShipping'] === false && !cfg.shippingItemId) {
        notes.push('shipping is off in its sales-form settings, so orders with shipping will be refused until it is turned on or shippingItemId is set');
      }
      const extra = notes.length > 0 ? ` Note: ${notes.join('; ')}.` : '';
      return { ok: true, message: `Connected to QuickBooks Online company ${name} (realm ${cfg.realmId}, ${cfg.environment}).${extra}` };
    } catch (error) {
      return { ok: false, message: pingSentence(error, where) };
    }
  }

  return target;
}

// ---------------------------------------------------------------- ping sentences

/** A SyncError's own detail, without the generic text of its code. */
function detailOf(error: unknown): string {
  if (!isSyncError(error)) return error instanceof Error ? error.message : String(error);
  const generic = `${ERRORS[error.code].message}: `;
  return error.message.startsWith(generic) ? error.message.slice(generic.length) : error.message;
}

function pingSentence(error: unknown, where: string): string {
  if (!isSyncError(error)) return `QuickBooks Online could not be checked at ${where}: ${detailOf(error)}.`;
  switch (error.code) {
    case 'AUTH_REVOKED':
      return `The QuickBooks connection is no longer authorized: ${detailOf(error).replace(/; reconnect QuickBooks$/, '')}; reconnect QuickBooks.`;
    case 'AUTH_EXPIRED':
      return `QuickBooks at ${where} refused the access token even after a refresh; reconnect QuickBooks.`;
    case 'PERMISSION_DENIED':
      return `QuickBooks refused access to ${where}: the tokens belong to another company or environment (sandbox vs production), or lack the accounting scope; check realmId and environment, or reconnect QuickBooks.`;
    case 'RATE_LIMITED':
      return `QuickBooks is rate-limiting this company right now; try again in ${Math.ceil((error.retryAfterMs ?? 60_000) / 1000)} s.`;
    case 'NETWORK':
    case 'TIMEOUT':
    case 'TRANSIENT':
      return `QuickBooks could not be reached at ${where} (${detailOf(error)}); check the network and try again.`;
    case 'NOT_FOUND':
      return `QuickBooks has no company at ${where}; check realmId and environment, or reconnect QuickBooks.`;
    default:
      return `QuickBooks answered unexpectedly at ${where}: ${detailOf(error)}.`;
  }
}

// ---------------------------------------------------------------- helpers

/** The names a create tries in turn: the name, "name (email or sku)", then "name (2)" … (each within `max`). */
export function suffixedNames(name: string, distinguisher: string | null | undefined, max = 500): string[] {
  const withSuffix = (suffix: string): string => `${[...name].slice(0, Math.max(1, max - [...suffix].length)).join('')}${suffix}`.trim();
  const names = [[...name].slice(0, max).join('')];
  const extra = distinguisher?.trim();
  if (extra) names.push(withSuffix(` (${safeName(extra)})`));
  for (let n = 2; names.length < MAX_NAME_ATTEMPTS; n += 1) names.push(withSuffix(` (${n})`));
  return [...new Set(names)];
}

/** Failures that belong to one invoice of a batch (it is answered for itself); anything else fails the request. */
function isItemError(error: unknown): error is SyncError {
  return isSyncError(error) && (error.class === 'validation' || error.class === 'not_found' || error.class === 'conflict');
}

/**
 * The `requestid` of one batch request, from its items' own create requestids (each from the order and its body):
 * the same chunk sent again gets the same id, a changed one a new id. 34 characters, so the client's `.0` suffix
 * stays within the 36 a batch requestid may have (§9).
 */
export function batchRequestId(itemRequestIds: readonly string[]): string {
  return `bat-${createHash('sha256').update(itemRequestIds.join('\n')).digest('hex').slice(0, manifest.batch.maxRequestIdLength - 6)}`;
}

/** DocNumbers in groups small enough for one `IN (...)` statement (see MAX_IN_VALUES). */
function inChunks(docs: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const doc of docs) {
    const size = doc.length * 2 + 4; // quoted, every character possibly escaped, and ", "
    if (current.length > 0 && (current.length >= MAX_IN_VALUES || chars + size > MAX_QUERY_CHARS - 200)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(doc);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Placeholder ids for what `completeRefs` would fill, so `invoiceBody` can judge the rest of the draft before any
 * call is made.
 */
function looseRefs(draft: InvoiceDraft, refs: ResolvedRefs): ResolvedRefs {
  const needs = invoiceNeeds(draft);
  const itemIds = { ...refs.itemIds };
  if (needs.items.some((i) => i.key === ROUNDING_ITEM.key)) itemIds[ROUNDING_ITEM.key] ??= 'pending';
  const taxIds = { ...refs.taxIds };
  for (const tax of needs.taxes) {
    const known = Object.keys(taxIds).some((rate) => isDecimalString(rate) && compare(parseDec(rate), parseDec(tax.rate)) === 0);
    if (!known) taxIds[tax.rate] = 'pending';
  }
  return { ...refs, contactId: refs.contactId || 'pending', itemIds, taxIds };
}

function toTargetInvoice(row: QboRecord): TargetInvoice {
  const note = stringOf(row['PrivateNote']);
  const marked = note ? /\[ref:([^\]\n]*)\]/.exec(note.split('\n')[0] ?? '')?.[1] : undefined;
  const number = stringOf(row['DocNumber']) ?? null;
  return {
    id: idOf(row['Id'], 'Invoice Id'),
    number,
    reference: marked ?? number,
    total: moneyText(decimalText(row['TotalAmt'], 'TotalAmt'), refValue(row['CurrencyRef'])),
    status: statusOf(row),
  };
}

/** QBO has no status field on invoices: void, paid, partially paid, sent or open, from the amounts. */
function statusOf(row: QboRecord): string {
  if (isVoided(row)) return 'void';
  const total = decimalOf(row['TotalAmt']) ?? ZERO;
  const balance = decimalOf(row['Balance']) ?? total;
  if (compare(total, ZERO) > 0 && isZero(balance)) return 'paid';
  if (compare(balance, total) < 0) return 'partially_paid';
  return row['EmailStatus'] === 'EmailSent' ? 'sent' : 'open';
}

/** A voided invoice keeps its number with every amount zeroed and "Voided" as its memo (§5 [mem]). */
function isVoided(row: QboRecord): boolean {
  const total = decimalOf(row['TotalAmt']);
  return total !== undefined && isZero(total) && /^Voided\b/.test(stringOf(row['PrivateNote']) ?? '');
}

function hasPayments(row: QboRecord): boolean {
  const total = decimalOf(row['TotalAmt']) ?? ZERO;
  const balance = decimalOf(row['Balance']) ?? total;
  if (compare(balance, total) < 0) return true;
  return listOf(row['LinkedTxn']).some((t) => isRecord(t) && (t['TxnType'] === 'Payment' || t['TxnType'] === 'CreditMemo'));
}

function syncTokenOf(row: QboRecord): string {
  const token = stringOf(row['SyncToken']);
  if (token === undefined) throw new SyncError('TRANSIENT', 'QuickBooks answered without a SyncToken');
  return token;
}

function emailOf(row: QboRecord): string | undefined {
  const address = isRecord(row['PrimaryEmailAddr']) ? stringOf(row['PrimaryEmailAddr']['Address'])?.trim() : undefined;
  return address === '' ? undefined : address;
}

function byId(a: QboRecord, b: QboRecord): number {
  const x = stringOf(a['Id']) ?? '';
  const y = stringOf(b['Id']) ?? '';
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
  return x < y ? -1 : x > y ? 1 : 0;
}

function decimalOf(value: unknown): Dec | undefined {
  const text = stringOf(value)?.trim();
  return text !== undefined && isDecimalString(text) ? parseDec(text) : undefined;
}

function decimalText(value: unknown, what: string): DecimalString {
  const text = stringOf(value)?.trim();
  if (text !== undefined && isDecimalString(text)) return text;
  throw new SyncError('TRANSIENT', `QuickBooks answered with an unreadable ${what}`);
}

/** "31.8" CAD → "31.80": the currency's decimals, never dropping a digit QuickBooks sent. */
function moneyText(text: DecimalString, currency: string | undefined): DecimalString {
  if (!currency) return text;
  try {
    return formatDec(parseDec(text), currencyExponent(currency));
  } catch {
    return text;
  }
}

function section(row: QboRecord, key: string): QboRecord {
  const value = row[key];
  return isRecord(value) ? value : {};
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function recordOf(body: QboRecord, key: string): QboRecord {
  const value = body[key];
  if (isRecord(value)) return value;
  throw new SyncError('TRANSIENT', `QuickBooks answered without "${key}"`);
}

