import { describe, expect, it } from 'vitest';

import type { ContactDraft, InvoiceDraft, JournalDraft, ShipmentNoteDraft } from '../../core/documents.ts';
import { SyncError } from '../../core/errors.ts';
import { createZohoBooksTarget } from './target.ts';
import { context, fakeHttp, json, type FakeHttp } from './test-support/fake-http.ts';
import { syncErrorOf } from '../_kit/testing.ts';

const OK = { code: 0, message: 'success' };
const ORGS = {
  ...OK,
  organizations: [{ organization_id: '10234695', name: 'Zillum', is_default_org: true, is_org_active: true, plan_name: 'PROFESSIONAL', currency_code: 'USD' }],
};

const CONTACT: ContactDraft = { key: 'email:ada@example.com', email: 'Ada@Example.com', displayName: 'Ada Lovelace', firstName: 'Ada' };

const DRAFT: InvoiceDraft = {
  source: 'shopify',
  sourceOrderId: '1',
  reference: '#1042',
  date: '2026-03-01',
  currency: 'USD',
  taxInclusive: false,
  contact: CONTACT,
  lines: [{ kind: 'product', item: { key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '19.99' }, quantity: 1, rate: '19.99', discount: '0', taxes: [] }],
  shipping: [],
  discount: '0',
  adjustment: null,
  taxTotal: '0',
  total: '19.99',
  notes: '',
  cancelled: false,
  paid: false,
};
const REFS = { contactId: '982000000567001', itemIds: { 'sku:MUG-01': '982000000030049' }, taxIds: {} };

function invoice(id: string, reference: string, status: string, extra: Record<string, unknown> = {}) {
  return { invoice_id: id, invoice_number: `INV-${id.slice(-4)}`, reference_number: reference, status, total: 19.99, balance: 19.99, ...extra };
}

function setup(config: Parameters<typeof context>[1] = {}): { http: FakeHttp; target: ReturnType<typeof createZohoBooksTarget> } {
  const http = fakeHttp();
  return { http, target: createZohoBooksTarget(context(http, config)) };
}


describe('ping', () => {
  it('names the organization when it is reachable', async () => {
    const { http, target } = setup();
    http.on('GET', '/organizations', json(200, ORGS));
    http.on('GET', '/invoices', json(200, { ...OK, invoices: [] }));
    expect(await target.ping()).toEqual({ ok: true, message: 'Connected to Zoho Books organization Zillum (10234695) at https://www.zohoapis.eu.' });
  });

  it('says so when the configured organization is not the user’s', async () => {
    const { http, target } = setup({ organizationId: '999' });
    http.on('GET', '/organizations', json(200, ORGS));
    const result = await target.ping();
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      "Zoho Books organization 999 is not among this user's organizations at https://www.zohoapis.eu (10234695 (Zillum)); set organizationId to one of them, or reconnect in the data centre that holds it.",
    );
  });

  it('points at the data centre when the token is refused twice', async () => {
    const { http, target } = setup();
    http.on('GET', '/organizations', json(401, { code: 14, message: 'Invalid OAuth access token' }));
    const result = await target.ping();
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/refused the access token even after a refresh.*another data centre/);
  });

  it('says Zoho could not be reached', async () => {
    const http = fakeHttp();
    const ctx = context(http);
    const target = createZohoBooksTarget({ ...ctx, http: async () => Promise.reject(new SyncError('NETWORK', 'ECONNREFUSED')) });
    const result = await target.ping();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/could not be reached/);
  });
});

describe('contacts', () => {
  it('finds a contact by exact email (case-insensitive), ignoring near matches', async () => {
    const { http, target } = setup();
    http.on('GET', '/contacts', json(200, { ...OK, contacts: [
      { contact_id: '460000000026049', contact_name: 'Ada L', email: 'ada@example.com.au' },
      { contact_id: '460000000026050', contact_name: 'Ada Lovelace', email: 'ada@example.com' },
    ], page_context: { page: 1, per_page: 200, has_more_page: false } }));
    expect(await target.findContact(CONTACT)).toEqual({ id: '460000000026050' });
    expect(http.seen[0]?.parsedUrl.searchParams.get('email')).toBe('Ada@Example.com');
  });

  it('does not search without an email', async () => {
    const { http, target } = setup();
    expect(await target.findContact({ ...CONTACT, email: null })).toBeNull();
    expect(http.seen).toHaveLength(0);
  });

  it('creates a contact and returns its string id', async () => {
    const { http, target } = setup();
    http.on('POST', '/contacts', json(201, { code: 0, message: 'The contact has been created', contact: { contact_id: '460000000026049' } }));
    expect(await target.createContact(CONTACT)).toEqual({ id: '460000000026049' });
  });

  it('updates a contact keeping its persons, the matching one by id', async () => {
    const { http, target } = setup();
    http.on('GET', '/contacts/460000000026049', json(200, { ...OK, contact: { contact_id: '460000000026049', contact_persons: [
      { contact_person_id: '1', email: 'bob@example.com', first_name: 'Bob', is_primary_contact: true },
      { contact_person_id: '2', email: 'ada@example.com', first_name: 'A', is_primary_contact: false },
    ] } }));
    http.on('PUT', '/contacts/460000000026049', json(200, { ...OK, contact: { contact_id: '460000000026049' } }));
    await target.updateContact('460000000026049', CONTACT);
    expect(JSON.parse(http.seen[1]?.body ?? '{}').contact_persons).toEqual([
      { contact_person_id: '2', first_name: 'Ada', email: 'Ada@Example.com', is_primary_contact: true },
      { contact_person_id: '1', first_name: 'Bob', email: 'bob@example.com', is_primary_contact: false },
    ]);
  });
});

describe('items', () => {
  const MUG = { key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '19.99' };

  it('finds by SKU first, matching exactly', async () => {
    const { http, target } = setup();
    http.on('GET', '/items', json(200, { ...OK, items: [{ item_id: '1', sku: 'MUG-011', name: 'x' }, { item_id: '2', sku: 'MUG-01', name: 'Enamel mug' }] }));
    expect(await target.findItem(MUG)).toEqual({ id: '2' });
    expect(http.seen[0]?.parsedUrl.searchParams.get('sku')).toBe('MUG-01');
  });

  it('falls back to search_text when the sku filter is refused, then to the exact name', async () => {
    const { http, target } = setup();
    http.on('GET', '/items', (r) => {
      if (r.parsedUrl.searchParams.has('sku')) return json(400, { code: 2, message: 'Invalid value passed for sku' });
      if (r.parsedUrl.searchParams.has('search_text')) return json(200, { ...OK, items: [] });
      return json(200, { ...OK, items: [{ item_id: '7', name: 'enamel mug' }, { item_id: '8', name: 'Enamel mug' }] });
    });
    expect(await target.findItem(MUG)).toEqual({ id: '8' });
    expect(http.seen.map((r) => [...r.parsedUrl.searchParams.keys()].filter((k) => ['sku', 'search_text', 'name'].includes(k))[0])).toEqual(['sku', 'search_text', 'name']);
  });

  it('creates an item', async () => {
    const { http, target } = setup();
    http.on('POST', '/items', json(201, { code: 0, message: 'The item has been added.', item: { item_id: '982000000030049', name: 'Enamel mug' } }));
    expect(await target.createItem(MUG)).toEqual({ id: '982000000030049' });
    expect(http.seen[0]?.body).toBe('{"name":"Enamel mug","rate":19.99,"sku":"MUG-01","product_type":"goods"}');
  });
});

describe('taxes and currencies', () => {
  it('matches a tax by exact percentage, preferring the same name, never a compound tax', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/taxes', { status: 200, headers: {}, text: JSON.stringify({ ...OK, taxes: [
      { tax_id: '1', tax_name: 'Compound', tax_percentage: 7.25, tax_type: 'compound_tax' },
      { tax_id: '2', tax_name: 'Other', tax_percentage: 7.250, tax_type: 'tax' },
      { tax_id: '3', tax_name: 'CA State Tax', tax_percentage: 7.25, tax_type: 'tax' },
      { tax_id: '4', tax_name: 'Near', tax_percentage: 7.2, tax_type: 'tax' },
    ] }) });
    expect(await target.resolveTax('0.0725', 'CA State Tax')).toEqual({ id: '3' });
    expect(await target.resolveTax('0.072', 'Whatever')).toEqual({ id: '4' });
  });

  it('creates a missing tax, renaming it when the name is taken at another rate', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/taxes', json(200, { ...OK, taxes: [{ tax_id: '1', tax_name: 'VAT', tax_percentage: 20, tax_type: 'tax' }] }));
    http.on('POST', '/settings/taxes', json(201, { code: 0, message: 'The tax has been added.', tax: { tax_id: '982000000012399' } }));
    expect(await target.resolveTax('0.05', 'VAT')).toEqual({ id: '982000000012399' });
    expect(http.seen[1]?.body).toBe('{"tax_name":"VAT (5%)","tax_percentage":5,"tax_type":"tax"}');
  });

  it('resolves a currency and its base flag', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/currencies', json(200, { ...OK, currencies: [
      { currency_id: '982000000000190', currency_code: 'USD', is_base_currency: true },
      { currency_id: '982000000000191', currency_code: 'EUR', is_base_currency: false },
    ] }));
    expect(await target.resolveCurrency('eur')).toEqual({ id: '982000000000191', isBase: false });
    expect(await target.resolveCurrency('USD')).toEqual({ id: '982000000000190', isBase: true });
    expect((await syncErrorOf(target.resolveCurrency('GBP'))).code).toBe('VALIDATION');
  });
});

describe('invoices', () => {
  it('finds invoices by reference, keeping every exact match and dropping near ones', async () => {
    const { http, target } = setup();
    http.on('GET', '/invoices', json(200, { ...OK, invoices: [
      invoice('982000000567114', '#1042', 'sent'),
      invoice('982000000567115', '#10421', 'sent'),
      invoice('982000000567116', '#1042', 'void'),
    ], page_context: { page: 1, per_page: 200, has_more_page: false } }));
    const found = await target.findInvoicesByReference('#1042');
    expect(http.seen[0]?.parsedUrl.searchParams.get('reference_number')).toBe('#1042');
    expect(found).toEqual([
      { id: '982000000567114', number: 'INV-7114', reference: '#1042', total: '19.99', status: 'sent' },
      { id: '982000000567116', number: 'INV-7116', reference: '#1042', total: '19.99', status: 'void' },
    ]);
  });

  it('creates an invoice and reads back id, number, reference, exact total and status', async () => {
    const { http, target } = setup();
    http.on('POST', '/invoices', { status: 201, headers: {}, text: '{"code":0,"message":"The invoice has been created.","invoice":{"invoice_id":"982000000567114","invoice_number":"INV-00003","reference_number":"#1042","status":"draft","total":1234567.10}}' });
    expect(await target.createInvoice(DRAFT, REFS)).toEqual({ id: '982000000567114', number: 'INV-00003', reference: '#1042', total: '1234567.10', status: 'draft' });
    expect(http.seen[0]?.body).toContain('"rate":19.99');
  });

  it('fills what only Zoho needs (taxed shipping item, combined tax) and posts the invoice', async () => {
    const { http, target } = setup();
    http.on('GET', '/items', json(200, { ...OK, items: [] }));
    http.on('POST', '/items', json(201, { code: 0, message: 'The item has been added.', item: { item_id: '982000000030099' } }));
    http.on('GET', '/settings/taxes', json(200, { ...OK, taxes: [{ tax_id: '982000000012399', tax_name: 'VAT', tax_percentage: 20, tax_type: 'tax' }] }));
    http.on('POST', '/invoices', json(201, { code: 0, message: 'The invoice has been created.', invoice: invoice('982000000567114', '#1042', 'draft') }));
    const draft: InvoiceDraft = { ...DRAFT, shipping: [{ title: 'Express', amount: '9.90', taxes: [{ title: 'VAT', rate: '0.2', amount: '1.98' }] }] };
    await target.createInvoice(draft, REFS);
    expect(http.seen.map((r) => `${r.method} ${r.parsedUrl.pathname.replace('/books/v3', '')}`)).toEqual([
      'GET /items',
      'POST /items',
      'GET /settings/taxes',
      'POST /invoices',
    ]);
    expect(http.seen[1]?.body).toBe('{"name":"Express","rate":9.9,"product_type":"service"}');
    expect(http.seen[3]?.body).toContain('{"item_id":"982000000030099","name":"Express","rate":9.9,"quantity":1,"tax_id":"982000000012399"}');
  });

  it('makes no extra call when the engine already resolved everything', async () => {
    const { http, target } = setup();
    http.on('POST', '/invoices', json(201, { code: 0, message: 'The invoice has been created.', invoice: invoice('1', '#1042', 'draft') }));
    const draft: InvoiceDraft = { ...DRAFT, shipping: [{ title: 'Express', amount: '9.90', taxes: [{ title: 'VAT', rate: '0.2', amount: '1.98' }] }] };
    await target.createInvoice(draft, { ...REFS, itemIds: { ...REFS.itemIds, 'shipping:Express': 's' }, taxIds: { '0.20': 't' } });
    expect(http.seen).toHaveLength(1);
  });

  it('refuses an unsendable draft before any call', async () => {
    const { http, target } = setup();
    expect((await syncErrorOf(target.createInvoice(DRAFT, { ...REFS, itemIds: {} }))).code).toBe('VALIDATION');
    expect(http.seen).toHaveLength(0);
  });

  it('updates with PUT /invoices/{id}', async () => {
    const { http, target } = setup();
    http.on('PUT', '/invoices/982000000567114', json(200, { code: 0, message: 'Invoice information has been updated.', invoice: invoice('982000000567114', '#1042', 'sent') }));
    expect((await target.updateInvoice('982000000567114', DRAFT, REFS)).status).toBe('sent');
  });

  it('returns null for an invoice Zoho does not have (1002)', async () => {
    const { http, target } = setup();
    http.on('GET', '/invoices/1', json(404, { code: 1002, message: 'Invoice does not exist.' }));
    expect(await target.getInvoice('1')).toBeNull();
  });

  it.each([
    ['paid', {}],
    ['partially_paid', {}],
    ['sent', { payment_made: 5 }],
  ])('does not void a %s invoice (and never calls void)', async (status, extra) => {
    const { http, target } = setup();
    http.on('GET', '/invoices/9', json(200, { ...OK, invoice: invoice('9', '#1', status, extra) }));
    expect(await target.voidInvoice('9')).toBe('paid');
    expect(http.seen.some((r) => r.parsedUrl.pathname.endsWith('/status/void'))).toBe(false);
  });

  it('reports an already void invoice without calling void', async () => {
    const { http, target } = setup();
    http.on('GET', '/invoices/9', json(200, { ...OK, invoice: invoice('9', '#1', 'void') }));
    expect(await target.voidInvoice('9')).toBe('already_void');
    expect(http.seen).toHaveLength(1);
  });

  it('voids an unpaid invoice', async () => {
    const { http, target } = setup();
    http.on('GET', '/invoices/9', json(200, { ...OK, invoice: invoice('9', '#1', 'sent', { payment_made: 0 }) }));
    http.on('POST', '/invoices/9/status/void', json(200, { code: 0, message: 'Invoice status has been changed to Void.' }));
    expect(await target.voidInvoice('9')).toBe('voided');
    expect(http.seen[1]?.parsedUrl.searchParams.get('organization_id')).toBe('10234695');
  });
});

describe('shipment notes on invoices (comments)', () => {
  const NOTE: ShipmentNoteDraft = {
    marker: '[shipment shipstation:5550001]',
    text: 'Shipped 2026-03-02 via UPS Ground, tracking 1Z999 [shipment shipstation:5550001]',
    carrier: 'UPS',
    service: 'Ground',
    trackingNumber: '1Z999',
    shipDate: '2026-03-02',
  };
  const HISTORY = { comment_id: '982000000567019', invoice_id: '9', description: 'Invoice created for $19.99.', commented_by: 'John David', comment_type: 'system', operation_type: 'Added' };

  it('adds the note as an internal comment when none carries its marker (history entries and other shipments do not count)', async () => {
    const { http, target } = setup();
    http.on('GET', '/invoices/9/comments', json(200, { ...OK, comments: [HISTORY, { ...HISTORY, comment_id: '2', comment_type: 'internal', description: 'Shipped via USPS [shipment shipstation:5550002]' }] }));
    http.on('POST', '/invoices/9/comments', json(200, { code: 0, message: 'Comments added.' }));
    await target.annotateInvoice('9', NOTE);
    expect(http.seen.map((r) => `${r.method} ${r.parsedUrl.pathname.replace('/books/v3', '')}`)).toEqual(['GET /invoices/9/comments', 'POST /invoices/9/comments']);
    expect(http.seen[1]?.body).toBe('{"description":"Shipped 2026-03-02 via UPS Ground, tracking 1Z999 [shipment shipstation:5550001]","show_comment_to_clients":false}');
    expect(http.seen[1]?.parsedUrl.searchParams.get('organization_id')).toBe('10234695');
  });

  it('is idempotent: a comment already carrying the marker means no write, whatever its wording', async () => {
    const { http, target } = setup();
    const comments = [HISTORY];
    http.on('GET', '/invoices/9/comments', () => json(200, { ...OK, comments }));
    http.on('POST', '/invoices/9/comments', (r) => {
      comments.push({ ...HISTORY, comment_id: '3', comment_type: 'internal', description: JSON.parse(r.body ?? '{}').description });
      return json(200, { code: 0, message: 'Comments added.' });
    });
    await target.annotateInvoice('9', NOTE);
    await target.annotateInvoice('9', NOTE);
    await target.annotateInvoice('9', { ...NOTE, text: `Edited by hand ${NOTE.marker}` });
    expect(http.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(comments).toHaveLength(2);
  });

  it('passes on a missing invoice as NOT_FOUND without writing', async () => {
    const { http, target } = setup();
    http.on('GET', '/invoices/9/comments', json(404, { code: 1002, message: 'Invoice does not exist.' }));
    expect((await syncErrorOf(target.annotateInvoice('9', NOTE))).code).toBe('NOT_FOUND');
    expect(http.seen.some((r) => r.method === 'POST')).toBe(false);
  });
});

describe('journals', () => {
  const ENTRY: JournalDraft = {
    reference: 'SHIP-5550001',
    date: '2026-03-02',
    currency: 'USD',
    notes: 'Shipping for order #1042 via UPS Ground [shipment shipstation:5550001]',
    lines: [
      { accountId: '982000000000361', side: 'debit', amount: '12.40', description: 'Shipping for order #1042' },
      { accountId: '982000000000362', side: 'credit', amount: '12.40', description: 'Shipping for order #1042' },
    ],
  };
  const CURRENCIES = json(200, { ...OK, currencies: [
    { currency_id: '982000000000190', currency_code: 'USD', is_base_currency: true },
    { currency_id: '982000000000191', currency_code: 'EUR', is_base_currency: false },
  ] });
  const journal = (id: string, reference: string) => ({ journal_id: id, entry_number: '1', reference_number: reference, journal_date: '2026-03-02', total: 12.4 });

  it('finds journals by reference exactly: near, prefixed and differently cased references are not the entry', async () => {
    const { http, target } = setup();
    http.on('GET', '/journals', json(200, { ...OK, journals: [
      journal('982000000000701', 'SHIP-5550001-VOID'),
      journal('982000000000702', 'ship-5550001'),
      journal('982000000000703', 'SHIP-5550001'),
    ], page_context: { page: 1, per_page: 200, has_more_page: false } }));
    expect(await target.findJournalsByReference('SHIP-5550001')).toEqual([{ id: '982000000000703' }]);
    expect(http.seen[0]?.parsedUrl.searchParams.get('reference_number')).toBe('SHIP-5550001');
    expect(await target.findJournalsByReference('SHIP-404')).toEqual([]);
  });

  it('creates a base-currency journal once, without currency_id, and returns its string id', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/currencies', CURRENCIES);
    http.on('POST', '/journals', { status: 201, headers: {}, text: '{"code":0,"message":"The journal entry has been created.","journal":{"journal_id":982000000000777123,"status":"draft"}}' }, 1);
    expect(await target.createJournal(ENTRY)).toEqual({ id: '982000000000777123' });
    const posts = http.seen.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body).toBe(
      '{"journal_date":"2026-03-02","reference_number":"SHIP-5550001","notes":"Shipping for order #1042 via UPS Ground [shipment shipstation:5550001]",' +
        '"line_items":[{"account_id":"982000000000361","debit_or_credit":"debit","amount":12.4,"description":"Shipping for order #1042"},' +
        '{"account_id":"982000000000362","debit_or_credit":"credit","amount":12.4,"description":"Shipping for order #1042"}],"status":"published"}',
    );
  });

  it('sends the Zoho currency_id of a foreign-currency entry', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/currencies', CURRENCIES);
    http.on('POST', '/journals', json(201, { code: 0, message: 'The journal entry has been created.', journal: { journal_id: '982000000000778' } }));
    await target.createJournal({ ...ENTRY, currency: 'EUR' });
    expect(JSON.parse(http.seen.find((r) => r.method === 'POST')?.body ?? '{}').currency_id).toBe('982000000000191');
  });

  it('refuses an unbalanced entry, or a currency the org lacks, before posting', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/currencies', CURRENCIES);
    const unbalanced: JournalDraft = { ...ENTRY, lines: [ENTRY.lines[0]!, { ...ENTRY.lines[1]!, amount: '12.39' }] };
    expect((await syncErrorOf(target.createJournal(unbalanced))).code).toBe('VALIDATION');
    expect(http.seen).toHaveLength(0);
    expect((await syncErrorOf(target.createJournal({ ...ENTRY, currency: 'GBP' }))).message).toMatch(/currency GBP is not enabled/);
    expect(http.seen.some((r) => r.method === 'POST')).toBe(false);
  });

  it('does not retry a create whose answer was lost: the failure is uncertain and the engine looks the reference up', async () => {
    const { http, target } = setup();
    http.on('GET', '/settings/currencies', CURRENCIES);
    http.on('POST', '/journals', json(500, { code: 1000, message: 'Internal error' }));
    const error = await syncErrorOf(target.createJournal(ENTRY));
    expect(error).toMatchObject({ code: 'TRANSIENT', uncertain: true });
    expect(http.seen.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
