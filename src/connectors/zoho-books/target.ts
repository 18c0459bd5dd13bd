/**
 * Zoho Books as a sync target: contacts, items, taxes, currencies, invoices, shipment notes on invoices
 * (invoice comments) and journal entries (/work/shared/api/zoho-books.md §3). Bodies come from
 * from-canonical.ts; transport and errors from client.ts.
 */
import type { ContactDraft, InvoiceDraft, ItemDraft, JournalDraft, ShipmentNoteDraft } from '../../core/documents.ts';
import { SyncError, isSyncError } from '../../core/errors.ts';
import { compare, isDecimalString, isZero, parseDec, type DecimalString } from '../../core/money.ts';
import type { ConnectorContext, PingResult, ResolvedRefs, TargetClient, TargetInvoice, TargetRef } from '../../sync/ports.ts';
import { chooseOrganization, createZohoClient, describeOrgs, idOf, isRecord, optionalString, records, type ZohoClient, type ZohoRecord } from './client.ts';
import {
  contactBody,
  invoiceBody,
  invoiceNeeds,
  itemBody,
  journalBody,
  ratePercent,
  shipmentCommentBody,
  taxBody,
  type ExistingPerson,
} from './from-canonical.ts';

/**
 * The TargetClient plus what the engine should resolve before posting (see report: a port change). The
 * port's optional shipment methods are always present here.
 */
export interface ZohoBooksTarget extends TargetClient {
  annotateInvoice(id: string, note: ShipmentNoteDraft): Promise<void>;
  findJournalsByReference(reference: string): Promise<TargetRef[]>;
  createJournal(draft: JournalDraft): Promise<TargetRef>;
  /** Items and (combined) tax rates `createInvoice` will look up in `ResolvedRefs`. */
  invoiceNeeds: typeof invoiceNeeds;
}

export function createZohoBooksTarget(ctx: ConnectorContext): ZohoBooksTarget {
  const client = createZohoClient(ctx);

  /**
   * Fills what the engine's refs lack and only this target needs: the items of taxed shipping and the
   * combined or order-level tax rates (see from-canonical.ts). Find-or-create, like the engine would, but
   * without its links; refs the engine gave always win. Line items are never filled here.
   */
  async function completeRefs(draft: InvoiceDraft, refs: ResolvedRefs): Promise<ResolvedRefs> {
    const needs = invoiceNeeds(draft);
    const itemIds = { ...refs.itemIds };
    const taxIds = { ...refs.taxIds };
    for (const item of needs.items) {
      if (itemIds[item.key] || !item.key.startsWith(SHIPPING_PREFIX)) continue;
      itemIds[item.key] = ((await target.findItem(item)) ?? (await target.createItem(item))).id;
    }
    for (const tax of needs.taxes) {
      const known = Object.keys(taxIds).some((rate) => isDecimalString(rate) && compare(parseDec(rate), parseDec(tax.rate)) === 0);
      if (!known) taxIds[tax.rate] = (await target.resolveTax(tax.rate, tax.title)).id;
    }
    return { ...refs, itemIds, taxIds };
  }

  const target: ZohoBooksTarget = {
    ping: () => ping(ctx, client),

    async findContact(contact: ContactDraft): Promise<TargetRef | null> {
      if (!contact.email) return null;
      const email = contact.email.trim().toLowerCase();
      const rows = await client.list('/contacts', 'contacts', { email: contact.email.trim() }, 'zoho.contacts.find', { maxPages: 5 });
      const match = rows.find((row) => optionalString(row['email'])?.trim().toLowerCase() === email);
      return match ? { id: idOf(match['contact_id'], 'contact_id') } : null;
    },

    async createContact(contact: ContactDraft): Promise<TargetRef> {
      const create = async (draft: ContactDraft) => {
        const { body } = await client.request({ method: 'POST', path: '/contacts', body: contactBody(draft), op: 'zoho.contacts.create' });
        return { id: idOf(record(body, 'contact')['contact_id'], 'contact_id') };
      };
      try {
        return await create(contact);
      } catch (error) {
        // Zoho contact names are unique per organization; two buyers can share a name. A deterministic
        // suffix keeps them apart, and the same buyer always gets the same name.
        if (!(isSyncError(error) && error.code === 'VALIDATION' && /already exists/i.test(error.message))) throw error;
        return create({ ...contact, displayName: `${contact.displayName} (${contact.email ?? contact.key})` });
      }
    },

    async updateContact(id: string, contact: ContactDraft): Promise<void> {
      const { body } = await client.request({ method: 'GET', path: `/contacts/${encodeURIComponent(id)}`, op: 'zoho.contacts.get' });
      const persons = records(record(body, 'contact')['contact_persons']).map(existingPerson).filter((p) => p !== null);
      const email = contact.email?.trim().toLowerCase();
      const same =
        persons.find((p) => email !== undefined && p.email?.trim().toLowerCase() === email) ??
        persons.find((p) => p.primary);
      await client.request({
        method: 'PUT',
        path: `/contacts/${encodeURIComponent(id)}`,
        body: contactBody(contact, {
          ...(same ? { contactPersonId: same.person.contact_person_id } : {}),
          keepPersons: persons.map((p) => p.person),
        }),
        op: 'zoho.contacts.update',
      });
    },

    async findItem(item: ItemDraft): Promise<TargetRef | null> {
      if (item.sku) {
        const bySku = await findItemBySku(client, item.sku);
        if (bySku) return bySku;
      }
      const rows = await client.list('/items', 'items', { name: item.name }, 'zoho.items.find', { maxPages: 5 });
      const match = rows.find((row) => row['name'] === item.name);
      return match ? { id: idOf(match['item_id'], 'item_id') } : null;
    },

    async createItem(item: ItemDraft): Promise<TargetRef> {
      const { body } = await client.request({ method: 'POST', path: '/items', body: itemBody(item), op: 'zoho.items.create' });
      return { id: idOf(record(body, 'item')['item_id'], 'item_id') };
    },

    async resolveTax(rate: DecimalString, title: string): Promise<TargetRef> {
      if (!isDecimalString(rate)) throw new SyncError('VALIDATION', `tax rate "${rate}" is not a decimal fraction`);
      const percent = parseDec(ratePercent(rate));
      const taxes = await client.list('/settings/taxes', 'taxes', {}, 'zoho.taxes.list');
      const atRate = taxes.filter((t) => t['tax_type'] !== 'compound_tax' && samePercent(t['tax_percentage'], percent));
      const match = atRate.find((t) => t['tax_name'] === title) ?? atRate[0];
      if (match) return { id: idOf(match['tax_id'], 'tax_id') };
      // Tax names are unique in an org: a same-named tax at another rate gets the percentage appended.
      const name = taxes.some((t) => t['tax_name'] === title) || title.trim() === '' ? `${title.trim() || 'Tax'} (${ratePercent(rate)}%)` : title;
      const { body } = await client.request({ method: 'POST', path: '/settings/taxes', body: taxBody(rate, name), op: 'zoho.taxes.create' });
      return { id: idOf(record(body, 'tax')['tax_id'], 'tax_id') };
    },

    async resolveCurrency(code: string): Promise<{ id: string; isBase: boolean }> {
      const wanted = code.trim().toUpperCase();
      const currencies = await client.list('/settings/currencies', 'currencies', {}, 'zoho.currencies.list');
      const match = currencies.find((c) => optionalString(c['currency_code'])?.toUpperCase() === wanted);
      if (!match) {
        throw new SyncError(
          'VALIDATION',
          `currency ${wanted} is not enabled in the Zoho Books organization; add it under Settings → Currencies, then replay`,
        );
      }
      return { id: idOf(match['currency_id'], 'currency_id'), isBase: match['is_base_currency'] === true };
    },

    async findInvoicesByReference(reference: string): Promise<TargetInvoice[]> {
      const rows = await client.list('/invoices', 'invoices', { reference_number: reference }, 'zoho.invoices.find');
      // The filter may match loosely; only an exact reference is the same order.
      return rows.filter((row) => row['reference_number'] === reference).map(toTargetInvoice);
    },

    async getInvoice(id: string): Promise<TargetInvoice | null> {
      const invoice = await getInvoiceRecord(client, id);
      return invoice ? toTargetInvoice(invoice) : null;
    },

    async createInvoice(draft: InvoiceDraft, refs: ResolvedRefs): Promise<TargetInvoice> {
      invoiceBody(draft, looseRefs(draft, refs)); // refuses an unsendable draft before any call
      const body = invoiceBody(draft, await completeRefs(draft, refs));
      const response = await client.request({ method: 'POST', path: '/invoices', body, op: 'zoho.invoices.create' });
      return toTargetInvoice(record(response.body, 'invoice'));
    },

    async updateInvoice(id: string, draft: InvoiceDraft, refs: ResolvedRefs): Promise<TargetInvoice> {
      invoiceBody(draft, looseRefs(draft, refs));
      const body = invoiceBody(draft, await completeRefs(draft, refs));
      const response = await client.request({ method: 'PUT', path: `/invoices/${encodeURIComponent(id)}`, body, op: 'zoho.invoices.update' });
      return toTargetInvoice(record(response.body, 'invoice'));
    },

    async voidInvoice(id: string): Promise<'voided' | 'already_void' | 'paid'> {
      const invoice = await getInvoiceRecord(client, id);
      if (!invoice) throw new SyncError('NOT_FOUND', `Zoho Books has no invoice ${id} to void`);
      const status = optionalString(invoice['status']);
      if (status === 'void') return 'already_void';
      // Voiding detaches payments and credits (§3.3): a paid or part-paid invoice is left alone.
      if (status === 'paid' || status === 'partially_paid' || hasAmount(invoice['payment_made']) || hasAmount(invoice['credits_applied'])) {
        return 'paid';
      }
      await client.request({ method: 'POST', path: `/invoices/${encodeURIComponent(id)}/status/void`, op: 'zoho.invoices.void' });
      return 'voided';
    },

    async annotateInvoice(id: string, note: ShipmentNoteDraft): Promise<void> {
      // A comment, not the invoice's `notes`: updateInvoice sends `notes` from the order on every PUT, so a
      // line appended there would be wiped by the next order update. Comments are a separate list that
      // invoice updates leave alone (invoices.yml `/invoices/{invoice_id}/comments`).
      const path = `/invoices/${encodeURIComponent(id)}/comments`;
      const { body } = await client.request({ method: 'GET', path, op: 'zoho.invoices.comments.list' });
      // The list mixes our comments with Zoho's own history entries; the marker is what says "already written".
      const written = records(body['comments']).some((comment) => optionalString(comment['description'])?.includes(note.marker) === true);
      if (written) return;
      await client.request({ method: 'POST', path, body: shipmentCommentBody(note), op: 'zoho.invoices.comments.create' });
    },

    async findJournalsByReference(reference: string): Promise<TargetRef[]> {
      const rows = await client.list('/journals', 'journals', { reference_number: reference }, 'zoho.journals.find');
      // The filter may match loosely (case, prefixes); only the exact reference is the same entry.
      return rows.filter((row) => row['reference_number'] === reference).map((row) => ({ id: idOf(row['journal_id'], 'journal_id') }));
    },

    async createJournal(draft: JournalDraft): Promise<TargetRef> {
      journalBody(draft); // refuses an unsendable entry before any call
      const currency = await target.resolveCurrency(draft.currency);
      const body = journalBody(draft, currency.isBase ? undefined : currency.id);
      const response = await client.request({ method: 'POST', path: '/journals', body, op: 'zoho.journals.create' });
      return { id: idOf(record(response.body, 'journal')['journal_id'], 'journal_id') };
    },

    invoiceNeeds,
  };
  return target;
}

const SHIPPING_PREFIX = 'shipping:';

/**
 * Placeholder ids for what `completeRefs` would fill, so `invoiceBody` can judge the rest of the draft (a
 * missing line item, a foreign currency without a rate) before any call is made.
 */
function looseRefs(draft: InvoiceDraft, refs: ResolvedRefs): ResolvedRefs {
  const needs = invoiceNeeds(draft);
  const itemIds = { ...refs.itemIds };
  const taxIds = { ...refs.taxIds };
  for (const item of needs.items) if (item.key.startsWith(SHIPPING_PREFIX)) itemIds[item.key] ??= 'pending';
  for (const tax of needs.taxes) taxIds[tax.rate] ??= 'pending';
  return { ...refs, itemIds, taxIds };
}

// ---------------------------------------------------------------- ping

async function ping(ctx: ConnectorContext, client: ZohoClient): Promise<PingResult> {
  const configured = ctx.connection.config['organizationId'];
  try {
    const orgs = await client.organizations();
    const listed = describeOrgs(orgs);
    let orgId: string;
    if (typeof configured === 'string' && configured !== '') {
      orgId = configured;
    } else if (orgs.length === 0) {
      return { ok: false, message: `This Zoho user has no Zoho Books organization at ${client.apiDomain}; create one, or reconnect in the data centre that holds it.` };
    } else {
      try {
        orgId = chooseOrganization(orgs, client.apiDomain);
      } catch {
        return { ok: false, message: `This Zoho user belongs to ${orgs.length} Zoho Books organizations and none is the default; set organizationId to one of ${listed}.` };
      }
    }
    const org = orgs.find((o) => optionalString(o['organization_id']) === orgId);
    if (!org) {
      return {
        ok: false,
        message: `Zoho Books organization ${orgId} is not among this user's organizations at ${client.apiDomain} (${listed || 'none'}); set organizationId to one of them, or reconnect in the data centre that holds it.`,
      };
    }
    const name = optionalString(org['name']) ?? orgId;
    if (org['is_org_active'] === false) {
      return { ok: false, message: `Zoho Books organization ${name} (${orgId}) is inactive; reactivate it in Zoho Books.` };
    }
    await client.request({ method: 'GET', path: '/invoices', query: { per_page: 1 }, op: 'zoho.ping' });
    return { ok: true, message: `Connected to Zoho Books organization ${name} (${orgId}) at ${client.apiDomain}.` };
  } catch (error) {
    return { ok: false, message: pingSentence(error, client.apiDomain) };
  }
}

function pingSentence(error: unknown, apiDomain: string): string {
  if (!isSyncError(error)) return `Zoho Books could not be checked at ${apiDomain}: ${error instanceof Error ? error.message : String(error)}.`;
  switch (error.code) {
    case 'AUTH_EXPIRED':
      return `Zoho Books at ${apiDomain} refused the access token even after a refresh: the connection probably belongs to another data centre; reconnect it in the right one.`;
    case 'AUTH_REVOKED':
      return `The Zoho grant is no longer valid (${error.message}); reconnect Zoho Books.`;
    case 'PERMISSION_DENIED':
      return `Zoho Books refused access: ${error.message}.`;
    case 'RATE_LIMITED':
      return `Zoho Books is rate-limiting this organization right now; try again in ${Math.ceil((error.retryAfterMs ?? 60_000) / 1000)} s.`;
    case 'NETWORK':
    case 'TIMEOUT':
    case 'TRANSIENT':
      return `Zoho Books at ${apiDomain} could not be reached or failed (${error.message}); check the network and try again.`;
    default:
      return `Zoho Books answered unexpectedly: ${error.message}.`;
  }
}

// ---------------------------------------------------------------- helpers

async function findItemBySku(client: ZohoClient, sku: string): Promise<TargetRef | null> {
  // The OAS has no `sku` filter (§3.2); if Books refuses or ignores it, `search_text` plus an exact client-side
  // match finds it. Only first pages are read: an ignored filter must not turn into a catalogue scan.
  for (const query of [{ sku }, { search_text: sku }]) {
    let rows: ZohoRecord[];
    try {
      rows = await client.list('/items', 'items', query, 'zoho.items.find', { maxPages: 1 });
    } catch (error) {
      if (isSyncError(error) && error.code === 'VALIDATION') continue;
      throw error;
    }
    const match = rows.find((row) => row['sku'] === sku);
    if (match) return { id: idOf(match['item_id'], 'item_id') };
  }
  return null;
}

async function getInvoiceRecord(client: ZohoClient, id: string): Promise<ZohoRecord | null> {
  try {
    const { body } = await client.request({ method: 'GET', path: `/invoices/${encodeURIComponent(id)}`, op: 'zoho.invoices.get' });
    return record(body, 'invoice');
  } catch (error) {
    if (isSyncError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

function toTargetInvoice(row: ZohoRecord): TargetInvoice {
  return {
    id: idOf(row['invoice_id'], 'invoice_id'),
    number: optionalString(row['invoice_number']),
    reference: optionalString(row['reference_number']),
    total: decimalOf(row['total'], 'total'),
    status: optionalString(row['status']) ?? 'unknown',
  };
}

function decimalOf(value: unknown, what: string): DecimalString {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : optionalString(value);
  if (text !== null && isDecimalString(text)) return text.trim();
  throw new SyncError('TRANSIENT', `Zoho Books answered with an unreadable ${what}`);
}

function samePercent(value: unknown, percent: ReturnType<typeof parseDec>): boolean {
  const text = optionalString(value);
  return text !== null && isDecimalString(text) && compare(parseDec(text), percent) === 0;
}

function hasAmount(value: unknown): boolean {
  const text = optionalString(value);
  return text !== null && isDecimalString(text) && !isZero(parseDec(text));
}

function record(body: ZohoRecord, key: string): ZohoRecord {
  const value = body[key];
  if (isRecord(value)) return value;
  throw new SyncError('TRANSIENT', `Zoho Books answered without "${key}"`, { uncertain: true });
}

function existingPerson(row: ZohoRecord): { person: ExistingPerson; email: string | undefined; primary: boolean } | null {
  const id = optionalString(row['contact_person_id']);
  if (!id) return null;
  const text = (key: string): string | undefined => optionalString(row[key]) || undefined;
  const person: ExistingPerson = { contact_person_id: id };
  for (const key of ['first_name', 'last_name', 'email', 'phone'] as const) {
    const value = text(key);
    if (value !== undefined) person[key] = value;
  }
  return { person, email: person.email, primary: row['is_primary_contact'] === true };
}
