import { describe, expect, it } from 'vitest';

import type { ContactDraft, InvoiceDraft, ShipmentNoteDraft } from '../../core/documents.ts';
import { SyncError } from '../../core/errors.ts';
import type { ResolvedRefs } from '../../sync/ports.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { createQuickBooksTarget, suffixedNames } from './target.ts';
import {
  companyRoutes,
  context,
  DUPLICATE_NAME,
  entity,
  fakeHttp,
  fault,
  json,
  NOT_FOUND,
  REALM,
  rows,
  STALE,
  TIME,
  type FakeHttp,
  type Seen,
} from './test-support/fake-http.ts';

const CONTACT: ContactDraft = { key: 'email:ada@example.com', email: 'Ada@Example.com', displayName: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace' };

const DRAFT: InvoiceDraft = {
  source: 'shopify',
  sourceOrderId: '820982911946154508',
  reference: '#1001',
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
  notes: 'Shopify order #1001',
  cancelled: false,
  paid: false,
};
const REFS: ResolvedRefs = { contactId: '58', itemIds: { 'sku:MUG-01': '19' }, taxIds: { '0': 'NON' } };

function invoiceRow(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: '130',
    SyncToken: '0',
    DocNumber: '#1001',
    TotalAmt: '19.99',
    Balance: '19.99',
    PrivateNote: 'Shopify order #1001 (id 820982911946154508) [ref:#1001]',
    MetaData: { CreateTime: '2026-03-02T02:15:00-08:00', LastUpdatedTime: '2026-03-02T02:15:00-08:00' },
    ...extra,
  };
}

function setup(config: Parameters<typeof context>[1] = {}) {
  const http = fakeHttp();
  const ctx = context(http, config);
  return { http, ctx, target: createQuickBooksTarget(ctx) };
}

const bodyOf = (request: Seen | undefined): Record<string, unknown> => JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
const writes = (http: FakeHttp, resource: string): Seen[] => http.seen.filter((r) => r.method === 'POST' && r.resource === resource);

describe('ping', () => {
  it('names the company, the realm and the environment', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    expect(await target.ping()).toEqual({ ok: true, message: `Connected to QuickBooks Online company Sandbox Company_US_1 (realm ${REALM}, sandbox).` });
    expect(http.seen.map((r) => r.resource)).toEqual([`companyinfo/${REALM}`, 'preferences']);
  });

  it('warns when Automated Sales Tax is on and when shipping is off', async () => {
    const { http, target } = setup();
    companyRoutes(http, { ast: true, allowShipping: false });
    const result = await target.ping();
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/Automated Sales Tax is on.*shipping is off/);
  });

  it('a revoked grant asks to reconnect', async () => {
    const { http, ctx } = setup();
    const target = createQuickBooksTarget({
      ...ctx,
      tokens: { accessToken: () => Promise.reject(new SyncError('AUTH_REVOKED', 'Intuit refused the refresh token (invalid_grant: Token invalid)')), afterRejection: () => Promise.reject(new Error('no')) },
    });
    const result = await target.ping();
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toBe('The QuickBooks connection is no longer authorized: Intuit refused the refresh token (invalid_grant: Token invalid); reconnect QuickBooks.');
    expect(http.seen).toHaveLength(0);
  });

  it('a token for another company (3100) points at realmId and environment', async () => {
    const { http, target } = setup();
    http.on('GET', `companyinfo/${REALM}`, fault(403, '3100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', 'The token is not authorized for this company.', 'SERVICE'));
    const result = await target.ping();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/another company or environment \(sandbox vs production\).*check realmId and environment/);
  });

  it('an unreachable host, and a config without realmId, each get a sentence', async () => {
    const { ctx } = setup();
    const down = createQuickBooksTarget({ ...ctx, http: () => Promise.reject(new SyncError('NETWORK', 'quickbooks.companyinfo.read: fetch failed (ECONNREFUSED)')) });
    expect((await down.ping()).message).toMatch(/^QuickBooks could not be reached at https:\/\/sandbox-quickbooks\.api\.intuit\.com \(realm \d+, sandbox\).*ECONNREFUSED.*check the network/);
    const broken = setup({ realmId: null }).target;
    expect(await broken.ping()).toEqual({ ok: false, message: "The QuickBooks connection cannot be used: the QuickBooks connection's config is incomplete or invalid (realmId); reconnect QuickBooks." });
  });
});

describe('customers', () => {
  it('finds a customer by PrimaryEmailAddr, matching the email exactly and preferring the same display name', async () => {
    const { http, target } = setup();
    http.on('POST', 'query', rows('Customer', [
      { Id: '61', DisplayName: 'Ada L (EUR)', PrimaryEmailAddr: { Address: 'ada@example.com' } },
      { Id: '58', DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ADA@example.com' } },
      { Id: '12', DisplayName: 'Other', PrimaryEmailAddr: { Address: 'ada@example.com.au' } },
    ]));
    expect(await target.findContact(CONTACT)).toEqual({ id: '58' });
    expect(http.seen[0]?.body).toBe("SELECT * FROM Customer WHERE PrimaryEmailAddr = 'Ada@Example.com' STARTPOSITION 1 MAXRESULTS 100");
  });

  it('falls back to DisplayName when the email filter is refused (4001), and filters by email', async () => {
    const { http, target } = setup();
    http.on('POST', 'query', (r) =>
      r.body?.includes('PrimaryEmailAddr')
        ? fault(400, '4001', 'Invalid query', "QueryValidationError: property 'PrimaryEmailAddr' is not queryable")
        : rows('Customer', [{ Id: '70', DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@example.com' } }]),
    );
    expect(await target.findContact(CONTACT)).toEqual({ id: '70' });
  });

  it('without an email, takes the one customer of that display name that has no email', async () => {
    const { http, target } = setup();
    http.on('POST', 'query', rows('Customer', [{ Id: '80', DisplayName: 'Guest #1001' }]));
    expect(await target.findContact({ key: 'guest:shopify:1', email: null, displayName: 'Guest #1001' })).toEqual({ id: '80' });
    http.on('POST', 'query', rows('Customer', [{ Id: '80', DisplayName: 'Guest #1001', PrimaryEmailAddr: { Address: 'x@y.z' } }]));
    expect(await target.findContact({ key: 'guest:shopify:1', email: null, displayName: 'Guest #1001' })).toBeNull();
  });

  it('a DisplayName clash (6240) retries as "Name (email)", then "Name (2)"', async () => {
    const { http, target } = setup();
    http.on('POST', 'customer', (r) => (bodyOf(r)['DisplayName'] === 'Ada Lovelace (2)' ? entity('Customer', { Id: '91' }) : DUPLICATE_NAME));
    expect(await target.createContact(CONTACT)).toEqual({ id: '91' });
    expect(writes(http, 'customer').map((r) => bodyOf(r)['DisplayName'])).toEqual(['Ada Lovelace', 'Ada Lovelace (Ada@Example.com)', 'Ada Lovelace (2)']);
    expect(suffixedNames('Mug', 'MUG-01', 100)).toEqual(['Mug', 'Mug (MUG-01)', 'Mug (2)', 'Mug (3)', 'Mug (4)', 'Mug (5)']);
  });

  it('a stale SyncToken (5010) on update re-reads the customer and retries once, never sending DisplayName', async () => {
    const { http, target } = setup();
    let reads = 0;
    http.on('GET', 'customer/58', () => entity('Customer', { Id: '58', SyncToken: String(reads++ === 0 ? 3 : 4), DisplayName: 'Ada Lovelace (ada@example.com)' }));
    http.on('POST', 'customer', entity('Customer', { Id: '58', SyncToken: '5' }));
    http.on('POST', 'customer', STALE, 1);
    await target.updateContact('58', CONTACT);
    const updates = writes(http, 'customer');
    expect(updates.map((r) => bodyOf(r)['SyncToken'])).toEqual(['3', '4']);
    expect(updates.every((r) => r.parsedUrl.searchParams.get('operation') === 'update')).toBe(true);
    expect(bodyOf(updates[1])).toEqual({ Id: '58', SyncToken: '4', sparse: true, GivenName: 'Ada', FamilyName: 'Lovelace', PrimaryEmailAddr: { Address: 'Ada@Example.com' } });
  });

  it('a second 5010 gives up as transient', async () => {
    const { http, target } = setup();
    http.on('GET', 'customer/58', entity('Customer', { Id: '58', SyncToken: '3' }));
    http.on('POST', 'customer', STALE);
    expect(await syncErrorOf(target.updateContact('58', CONTACT))).toMatchObject({ code: 'TRANSIENT', qboCode: '5010' });
    expect(writes(http, 'customer')).toHaveLength(2);
  });
});

describe('items', () => {
  it('finds by SKU first, then by Name (case-insensitively), skipping categories', async () => {
    const { http, target } = setup();
    http.on('POST', 'query', (r) =>
      r.body?.includes('Sku =') ? rows('Item', []) : rows('Item', [{ Id: '3', Name: 'enamel MUG', Type: 'Category' }, { Id: '19', Name: 'Enamel Mug', Type: 'NonInventory' }]),
    );
    expect(await target.findItem({ key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '19.99' })).toEqual({ id: '19' });
    expect(http.seen.map((r) => r.body)).toEqual([
      "SELECT * FROM Item WHERE Sku = 'MUG-01' STARTPOSITION 1 MAXRESULTS 10",
      "SELECT * FROM Item WHERE Name = 'Enamel mug' STARTPOSITION 1 MAXRESULTS 10",
    ]);
  });

  it('creates a NonInventory item on the Sales of Product Income account; a name clash adds the SKU', async () => {
    const { http, target } = setup();
    http.on('POST', 'query', rows('Account', [{ Id: '3', Name: 'Services', AccountSubType: 'ServiceFeeIncome' }, { Id: '2', Name: 'Sales of Product Income', AccountSubType: 'SalesOfProductIncome' }]));
    http.on('POST', 'item', (r) => (bodyOf(r)['Name'] === 'Enamel mug' ? fault(400, '6240', 'Duplicate Name Exists Error', 'Another product or service is already using this name.') : entity('Item', { Id: '19' })));
    expect(await target.createItem({ key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '19.99' })).toEqual({ id: '19' });
    expect(http.seen[0]?.body).toBe("SELECT * FROM Account WHERE AccountType = 'Income' STARTPOSITION 1 MAXRESULTS 1000");
    expect(writes(http, 'item').map((r) => r.body)).toEqual([
      '{"Name":"Enamel mug","Sku":"MUG-01","Type":"NonInventory","UnitPrice":19.99,"IncomeAccountRef":{"value":"2"}}',
      '{"Name":"Enamel mug (MUG-01)","Sku":"MUG-01","Type":"NonInventory","UnitPrice":19.99,"IncomeAccountRef":{"value":"2"}}',
    ]);
  });

  it('uses the configured income account without looking', async () => {
    const { http, target } = setup({ incomeAccountId: '79' });
    http.on('POST', 'item', entity('Item', { Id: '20' }));
    await target.createItem({ key: 'fee:Gift wrap', name: 'Gift wrap', rate: '3.00' });
    expect(http.seen).toHaveLength(1);
    expect(bodyOf(http.seen[0])).toMatchObject({ Type: 'Service', IncomeAccountRef: { value: '79' } });
  });
});

const TAX_ROUTES = (http: FakeHttp, codes: Array<Record<string, unknown>>, rates: Array<Record<string, unknown>>) =>
  http.on('POST', 'query', (r) => (r.body?.includes('FROM TaxRate') ? rows('TaxRate', rates) : rows('TaxCode', codes)));
const code = (id: string, name: string, rateIds: string[]) => ({ Id: id, Name: name, Active: true, SalesTaxRateList: { TaxRateDetail: rateIds.map((r) => ({ TaxRateRef: { value: r } })) } });

describe('tax codes', () => {
  it('US: the code at the rate when there is one, else the pseudo code TAX; the zero rate is NON', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    TAX_ROUTES(http, [{ Id: 'TAX', Name: 'TAX' }, { Id: 'NON', Name: 'NON' }, code('2', 'California', ['1'])], [{ Id: '1', Name: 'California', RateValue: 8 }]);
    expect(await target.resolveTax('0.08', 'CA State Tax')).toEqual({ id: '2' });
    expect(await target.resolveTax('0.0725', 'CA State Tax')).toEqual({ id: 'TAX' });
    expect(await target.resolveTax('0', 'None')).toEqual({ id: 'NON' });
    // Codes and rates are read once per target.
    expect(http.seen.filter((r) => r.resource === 'query')).toHaveLength(2);
  });

  it('elsewhere: the code whose sales rates add up to the rate, preferring the title; none is a sentence', async () => {
    const { http, target } = setup();
    companyRoutes(http, { country: 'CA', home: 'CAD' });
    TAX_ROUTES(
      http,
      [code('4', 'GST', ['1']), code('5', 'HST ON', ['2']), code('6', 'Exempt', ['3']), code('7', 'GST/PST BC', ['1', '4']), code('8', 'HST ON copy', ['2'])],
      [{ Id: '1', RateValue: 5 }, { Id: '2', RateValue: 13 }, { Id: '3', RateValue: 0 }, { Id: '4', RateValue: 7 }],
    );
    expect(await target.resolveTax('0.13', 'HST ON copy')).toEqual({ id: '8' });
    expect(await target.resolveTax('0.13', 'Ontario')).toEqual({ id: '5' });
    expect(await target.resolveTax('0.12', 'GST + PST')).toEqual({ id: '7' });
    expect(await target.resolveTax('0', 'Zero-rated')).toEqual({ id: '6' });
    const error = await syncErrorOf(target.resolveTax('0.15', 'HST NS'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/no sales tax code at 15% \(HST NS\).*Add it under Taxes in QuickBooks, or map the rate/);
  });
});

describe('currencies', () => {
  it('the home currency is the base; another needs multicurrency on', async () => {
    const { http, target } = setup();
    companyRoutes(http, { multiCurrency: true });
    expect(await target.resolveCurrency('USD')).toEqual({ id: 'USD', isBase: true });
    expect(await target.resolveCurrency('eur')).toEqual({ id: 'EUR', isBase: false });
    const off = setup();
    companyRoutes(off.http);
    expect((await syncErrorOf(off.target.resolveCurrency('EUR'))).message).toMatch(/works only in USD: turn on multicurrency.*cannot be turned off again/);
  });
});

describe('finding invoices', () => {
  it('by DocNumber, exact', async () => {
    const { http, target } = setup();
    http.on('POST', 'query', rows('Invoice', [invoiceRow(), invoiceRow({ Id: '131', DocNumber: '#1001A' })]));
    expect(await target.findInvoicesByReference('#1001')).toEqual([{ id: '130', number: '#1001', reference: '#1001', total: '19.99', status: 'open' }]);
    expect(http.seen[0]?.body).toBe("SELECT * FROM Invoice WHERE DocNumber = '#1001' STARTPOSITION 1 MAXRESULTS 20");
  });

  it('a long reference by its short DocNumber; with QBO numbering, by the PrivateNote marker (a refused filter is no match)', async () => {
    const long = 'SHOP-EU-2026-0000012345-RETRY';
    const { http, target } = setup();
    http.on('POST', 'query', (r) =>
      r.body?.includes('DocNumber') ? rows('Invoice', []) : rows('Invoice', [invoiceRow({ DocNumber: '1007', PrivateNote: `Shopify order ${long} (id 1) [ref:${long}]\nShipped` })]),
    );
    expect(await target.findInvoicesByReference(long)).toEqual([{ id: '130', number: '1007', reference: long, total: '19.99', status: 'open' }]);
    expect(http.seen.map((r) => r.body)).toEqual([
      "SELECT * FROM Invoice WHERE DocNumber = 'SHOP-EU-2026-0~100beb' STARTPOSITION 1 MAXRESULTS 20",
      `SELECT * FROM Invoice WHERE PrivateNote LIKE '%[ref:${long}]%' STARTPOSITION 1 MAXRESULTS 20`,
    ]);
    http.on('POST', 'query', (r) => (r.body?.includes('DocNumber') ? rows('Invoice', []) : fault(400, '4001', 'Invalid query', "QueryValidationError: property 'PrivateNote' is not queryable")));
    expect(await target.findInvoicesByReference(long)).toEqual([]);
  });

  it('reads status from the amounts: void, paid, partially paid, open', async () => {
    const { http, target } = setup();
    http.on('GET', 'invoice/1', entity('Invoice', invoiceRow({ Id: '1', TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' })));
    http.on('GET', 'invoice/2', entity('Invoice', invoiceRow({ Id: '2', Balance: 0 })));
    http.on('GET', 'invoice/3', entity('Invoice', invoiceRow({ Id: '3', Balance: '9.99' })));
    http.on('GET', 'invoice/4', NOT_FOUND);
    expect((await target.getInvoice('1'))?.status).toBe('void');
    expect((await target.getInvoice('2'))?.status).toBe('paid');
    expect((await target.getInvoice('3'))?.status).toBe('partially_paid');
    expect(await target.getInvoice('4')).toBeNull();
  });
});

describe('creating invoices', () => {
  it('sends a requestid made from the order and the body: the same create twice carries the same id', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    http.on('POST', 'invoice', json(200, { Invoice: { ...invoiceRow(), MetaData: { CreateTime: TIME } }, time: TIME }));
    const first = await target.createInvoice(DRAFT, REFS);
    const second = await target.createInvoice(DRAFT, REFS);
    expect(first).toEqual({ id: '130', number: '#1001', reference: '#1001', total: '19.99', status: 'open' });
    expect(second.id).toBe('130');
    const ids = writes(http, 'invoice').map((r) => r.parsedUrl.searchParams.get('requestid'));
    expect(ids[0]).toMatch(/^inv-[0-9a-f]{16}-[0-9a-f]{28}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(bodyOf(writes(http, 'invoice')[0])).toMatchObject({ DocNumber: '#1001', CustomerRef: { value: '58' }, TxnTaxDetail: { TotalTax: 0 } });
  });

  it('a replayed answer for an invoice made long ago is read again; if it was deleted, a new one is made under a derived requestid', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    const old = { Invoice: invoiceRow({ MetaData: { CreateTime: '2026-03-01T08:00:00-08:00' } }), time: TIME };
    http.on('POST', 'invoice', json(200, { Invoice: invoiceRow({ Id: '140' }), time: TIME }));
    http.on('POST', 'invoice', json(200, old), 1);
    http.on('GET', 'invoice/130', NOT_FOUND);
    const created = await target.createInvoice(DRAFT, REFS);
    expect(created.id).toBe('140');
    const [first, again] = writes(http, 'invoice');
    expect(again?.parsedUrl.searchParams.get('requestid')).toMatch(/^inv-[0-9a-f]{16}-[0-9a-f]{28}$/);
    expect(again?.parsedUrl.searchParams.get('requestid')).not.toBe(first?.parsedUrl.searchParams.get('requestid'));
    expect(again?.body).toBe(first?.body);

    http.on('GET', 'invoice/130', entity('Invoice', invoiceRow({ SyncToken: '2', TotalAmt: '21.00', Balance: '21.00' })));
    http.on('POST', 'invoice', json(200, old), 1);
    expect(await target.createInvoice(DRAFT, REFS)).toMatchObject({ id: '130', total: '21.00' });
  });

  it('makes the rounding item and the zero-rate code the engine did not resolve (an adjustment added after the total check)', async () => {
    const { http, target } = setup({ incomeAccountId: '2' });
    companyRoutes(http);
    http.on('POST', 'query', rows('Item', []));
    http.on('POST', 'item', entity('Item', { Id: '77' }));
    http.on('POST', 'invoice', entity('Invoice', invoiceRow({ MetaData: { CreateTime: TIME } })));
    await target.createInvoice({ ...DRAFT, adjustment: { amount: '0.01', description: 'Rounding difference' } }, { ...REFS, taxIds: {} });
    expect(bodyOf(writes(http, 'item')[0])).toMatchObject({ Name: 'Rounding adjustment', Type: 'Service' });
    expect(JSON.stringify(bodyOf(writes(http, 'invoice')[0])['Line'])).toContain('{"Description":"Rounding difference","Amount":0.01,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"77"},"TaxCodeRef":{"value":"NON"}}}');
  });

  it('a foreign-currency invoice for a home-currency customer goes to a sibling customer in that currency', async () => {
    const { http, target } = setup();
    companyRoutes(http, { multiCurrency: true });
    http.on('GET', 'customer/58', entity('Customer', { Id: '58', SyncToken: '0', DisplayName: 'Ada Lovelace', CurrencyRef: { value: 'USD' } }));
    http.on('POST', 'query', rows('Customer', []));
    http.on('POST', 'customer', entity('Customer', { Id: '59', CurrencyRef: { value: 'EUR' } }));
    http.on('POST', 'invoice', entity('Invoice', invoiceRow({ MetaData: { CreateTime: TIME } })));
    await target.createInvoice({ ...DRAFT, currency: 'EUR', exchangeRate: '1.08' }, { ...REFS, currencyId: 'EUR' });
    expect(bodyOf(writes(http, 'customer')[0])).toMatchObject({ DisplayName: 'Ada Lovelace (EUR)', CurrencyRef: { value: 'EUR' } });
    expect(bodyOf(writes(http, 'invoice')[0])).toMatchObject({ CustomerRef: { value: '59' }, CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.08 });
  });

  it('refuses a draft with an unresolved line item before it creates anything (only the company is read)', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    const error = await syncErrorOf(target.createInvoice({ ...DRAFT, adjustment: { amount: '0.01', description: 'Rounding' } }, { ...REFS, itemIds: {} }));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/no QuickBooks item was resolved for "Enamel mug"/);
    expect(http.seen.map((r) => r.resource)).toEqual([`companyinfo/${REALM}`]);
  });
});

describe('updating, voiding and annotating invoices', () => {
  it('update: a sparse update on the current SyncToken that keeps the note lines after our header; 5010 re-reads and retries', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    let reads = 0;
    http.on('GET', 'invoice/130', () => entity('Invoice', invoiceRow({ SyncToken: String(2 + reads++), PrivateNote: 'Shopify order #1001 (id 1) [ref:#1001]\nShipped via UPS [shipment shopify:9]' })));
    http.on('POST', 'invoice', entity('Invoice', invoiceRow({ SyncToken: '4', TotalAmt: '21.99' })));
    http.on('POST', 'invoice', STALE, 1);
    const updated = await target.updateInvoice('130', { ...DRAFT, total: '21.99' }, REFS);
    expect(updated.total).toBe('21.99');
    const [stale, retried] = writes(http, 'invoice');
    expect(bodyOf(stale)['SyncToken']).toBe('2');
    expect(bodyOf(retried)).toMatchObject({ Id: '130', SyncToken: '3', sparse: true, PrivateNote: 'Shopify order #1001 (id 820982911946154508) [ref:#1001]\nShipped via UPS [shipment shopify:9]' });
    expect(retried?.parsedUrl.searchParams.get('operation')).toBe('update');
    expect(retried?.parsedUrl.searchParams.get('requestid')).not.toBe(stale?.parsedUrl.searchParams.get('requestid'));
  });

  it('void: an open invoice is voided; a paid one is left alone; a voided one is already void', async () => {
    const { http, target } = setup();
    http.on('GET', 'invoice/1', entity('Invoice', invoiceRow({ Id: '1', SyncToken: '3' })));
    http.on('GET', 'invoice/2', entity('Invoice', invoiceRow({ Id: '2', Balance: '0', LinkedTxn: [{ TxnId: '9', TxnType: 'Payment' }] })));
    http.on('GET', 'invoice/3', entity('Invoice', invoiceRow({ Id: '3', TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' })));
    http.on('POST', 'invoice', entity('Invoice', invoiceRow({ Id: '1', TotalAmt: 0, PrivateNote: 'Voided' })));
    expect(await target.voidInvoice('1')).toBe('voided');
    expect(await target.voidInvoice('2')).toBe('paid');
    expect(await target.voidInvoice('3')).toBe('already_void');
    const [voided] = writes(http, 'invoice');
    expect(voided?.parsedUrl.searchParams.get('operation')).toBe('void');
    expect(bodyOf(voided)).toEqual({ Id: '1', SyncToken: '3' });
    expect(writes(http, 'invoice')).toHaveLength(1);
  });

  it('annotate: ShipDate, TrackingNum and ShipMethodRef where empty, the note’s line in PrivateNote; the same marker again writes nothing', async () => {
    const note: ShipmentNoteDraft = { marker: '[shipment shipstation:77 1Z999]', text: 'Shipped 2026-03-03 via UPS Ground, tracking 1Z999 [shipment shipstation:77 1Z999]', carrier: 'UPS', service: 'Ground', trackingNumber: '1Z999', shipDate: '2026-03-03' };
    const { http, target } = setup();
    http.on('GET', 'invoice/130', entity('Invoice', invoiceRow({ SyncToken: '1' })));
    http.on('POST', 'invoice', entity('Invoice', invoiceRow()));
    await target.annotateInvoice('130', note);
    expect(bodyOf(writes(http, 'invoice')[0])).toEqual({
      Id: '130',
      SyncToken: '1',
      sparse: true,
      PrivateNote: `Shopify order #1001 (id 820982911946154508) [ref:#1001]\n${note.text}`,
      ShipDate: '2026-03-03',
      TrackingNum: '1Z999',
      ShipMethodRef: { value: 'UPS Ground', name: 'UPS Ground' },
    });
    http.on('GET', 'invoice/130', entity('Invoice', invoiceRow({ SyncToken: '2', PrivateNote: `x\n${note.text}` })));
    await target.annotateInvoice('130', note);
    expect(writes(http, 'invoice')).toHaveLength(1);
  });
});

describe('journal entries', () => {
  it('finds by DocNumber and creates a balanced entry with a requestid', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    http.on('POST', 'query', rows('JournalEntry', [{ Id: '5', DocNumber: 'SHIP-77' }]));
    http.on('POST', 'journalentry', entity('JournalEntry', { Id: '6' }));
    expect(await target.findJournalsByReference('SHIP-77')).toEqual([{ id: '5' }]);
    const created = await target.createJournal({
      reference: 'SHIP-78',
      date: '2026-03-03',
      currency: 'USD',
      notes: 'Shipping for order #1001',
      lines: [
        { accountId: '11', side: 'debit', amount: '7.40', description: 'Shipping' },
        { accountId: '12', side: 'credit', amount: '7.40', description: 'Shipping' },
      ],
    });
    expect(created).toEqual({ id: '6' });
    expect(writes(http, 'journalentry')[0]?.parsedUrl.searchParams.get('requestid')).toMatch(/^jrn-/);
  });
});

describe('backfills: invoices by many references, and created in batches', () => {
  const preferencesWith = (http: FakeHttp, customTxnNumbers: boolean) =>
    http.on('GET', 'preferences', entity('Preferences', { CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: 'USD' } }, SalesFormsPrefs: { AllowShipping: true, CustomTxnNumbers: customTxnNumbers } }));

  it('finds many references with one DocNumber IN (...) query, every reference a key', async () => {
    const long = 'SHOP-EU-2026-0000012345-RETRY';
    const { http, target } = setup();
    preferencesWith(http, true);
    http.on('POST', 'query', rows('Invoice', [invoiceRow(), invoiceRow({ Id: '131', DocNumber: 'SHOP-EU-2026-0~100beb', PrivateNote: `x [ref:${long}]` })]));
    const found = await target.findInvoicesByReferences(['#1001', '#1002', long, '#1001']);
    expect([...found.keys()]).toEqual(['#1001', '#1002', long]);
    expect(found.get('#1001')?.map((i) => i.id)).toEqual(['130']);
    expect(found.get('#1002')).toEqual([]);
    expect(found.get(long)?.map((i) => i.id)).toEqual(['131']);
    // One query; the preferences are read (once per target) to know the company numbers its own invoices.
    expect(http.seen.map((r) => r.body ?? r.resource)).toEqual(["SELECT * FROM Invoice WHERE DocNumber IN ('#1001', '#1002', 'SHOP-EU-2026-0~100beb') STARTPOSITION 1 MAXRESULTS 1000", 'preferences']);
  });

  it('splits a long list into statements of at most 100 DocNumbers, and pages by MAXRESULTS 1000', async () => {
    const { http, target } = setup();
    preferencesWith(http, true);
    http.on('POST', 'query', rows('Invoice', []));
    const refs = Array.from({ length: 250 }, (_, i) => `SO-${i}`);
    const found = await target.findInvoicesByReferences(refs);
    expect(found.size).toBe(250);
    const statements = http.seen.filter((r) => r.resource === 'query').map((r) => r.body ?? '');
    expect(statements.map((q) => (q.match(/'SO-\d+'/g) ?? []).length)).toEqual([100, 100, 50]);
    expect(statements.every((q) => q.endsWith('STARTPOSITION 1 MAXRESULTS 1000'))).toBe(true);
  });

  it('with QBO numbering (custom transaction numbers off), looks up the unfound ones by their PrivateNote marker', async () => {
    const { http, target } = setup();
    preferencesWith(http, false);
    http.on('POST', 'query', (r) => (r.body?.includes('LIKE') && r.body.includes('#1002') ? rows('Invoice', [invoiceRow({ Id: '7', DocNumber: '1007', PrivateNote: 'x [ref:#1002]' })]) : rows('Invoice', [])));
    const found = await target.findInvoicesByReferences(['#1001', '#1002']);
    expect(found.get('#1002')?.map((i) => i.id)).toEqual(['7']);
    expect(found.get('#1001')).toEqual([]);
    expect(http.seen.filter((r) => r.resource === 'query')).toHaveLength(3);
  });

  const draftN = (n: number): InvoiceDraft => ({ ...DRAFT, sourceOrderId: String(n), reference: `#${n}`, notes: `Shopify order #${n}` });
  const batchAnswer = (request: Seen, fail: (bId: string) => boolean = () => false) => {
    const items = (bodyOf(request)['BatchItemRequest'] as Array<{ bId: string; Invoice: Record<string, unknown> }>) ?? [];
    return json(200, {
      BatchItemResponse: items.map((item) =>
        fail(item.bId)
          ? { bId: item.bId, Fault: { type: 'ValidationFault', Error: [{ Message: 'Duplicate Document Number Error', code: '6210', Detail: 'This number has already been used.' }] } }
          : { bId: item.bId, Invoice: invoiceRow({ Id: `9${String(item.Invoice['DocNumber']).slice(1)}`, DocNumber: item.Invoice['DocNumber'], PrivateNote: item.Invoice['PrivateNote'], MetaData: { CreateTime: TIME } }) },
      ),
      time: TIME,
    });
  };

  it('sends the very body createInvoice sends, 30 a request, with a requestid made from the items; answers per item in order', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    http.on('POST', 'invoice', entity('Invoice', invoiceRow({ MetaData: { CreateTime: TIME } })));
    http.on('POST', 'batch', (r) => batchAnswer(r, (bId) => bId === '2'));
    await target.createInvoice(draftN(1), REFS);
    const single = bodyOf(writes(http, 'invoice')[0]);

    const items = Array.from({ length: 31 }, (_, i) => ({ draft: draftN(i + 1), refs: REFS }));
    const results = await target.createInvoicesBatch(items);
    const requests = writes(http, 'batch');
    expect(requests.map((r) => (bodyOf(r)['BatchItemRequest'] as unknown[]).length)).toEqual([30, 1]);
    const first = (bodyOf(requests[0])['BatchItemRequest'] as Array<Record<string, unknown>>)[0];
    expect(first).toEqual({ bId: '0', operation: 'create', Invoice: single });
    const ids = requests.map((r) => r.parsedUrl.searchParams.get('requestid') ?? '');
    expect(ids.every((id) => /^bat-[0-9a-f]{30}\.0$/.test(id) && id.length <= 36)).toBe(true);
    expect(ids[0]).not.toBe(ids[1]);
    expect(results).toHaveLength(31);
    expect(results[0]).toEqual({ ok: true, invoice: { id: '91', number: '#1', reference: '#1', total: '19.99', status: 'open' } });
    expect(results[2]).toEqual({ ok: false, error: expect.stringMatching(/code 6210 "Duplicate Document Number Error"/) });
    expect(results[30]).toMatchObject({ ok: true, invoice: { number: '#31' } });

    // The same chunk again carries the same requestid: QuickBooks replays instead of creating twice.
    await target.createInvoicesBatch(items.slice(0, 30));
    expect(writes(http, 'batch').at(-1)?.parsedUrl.searchParams.get('requestid')).toBe(ids[0]);
  });

  it('answers an unsendable draft for itself without sending it; a 429 fails the whole request', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    http.on('POST', 'batch', (r) => batchAnswer(r));
    const results = await target.createInvoicesBatch([
      { draft: draftN(1), refs: { ...REFS, itemIds: {} } },
      { draft: draftN(2), refs: REFS },
    ]);
    expect(results[0]).toEqual({ ok: false, error: expect.stringMatching(/no QuickBooks item was resolved for "Enamel mug"/) });
    expect(results[1]).toMatchObject({ ok: true, invoice: { number: '#2' } });
    expect((bodyOf(writes(http, 'batch')[0])['BatchItemRequest'] as unknown[]).length).toBe(1);

    http.on('POST', 'batch', fault(429, '3001', 'message=ThrottleExceeded; errorCode=003001; statusCode=429', 'The request limit was reached.  Try again later', 'SERVICE'));
    expect((await syncErrorOf(target.createInvoicesBatch([{ draft: draftN(3), refs: REFS }]))).code).toBe('RATE_LIMITED');
  });

  it('a replayed chunk whose invoice was deleted since says so for that item; one still there is read again', async () => {
    const { http, target } = setup();
    companyRoutes(http);
    const old = { CreateTime: '2026-03-01T08:00:00-08:00' };
    http.on('POST', 'batch', json(200, { BatchItemResponse: [{ bId: '0', Invoice: invoiceRow({ Id: '130', MetaData: old }) }, { bId: '1', Invoice: invoiceRow({ Id: '131', DocNumber: '#2', MetaData: old }) }], time: TIME }));
    http.on('GET', 'invoice/130', NOT_FOUND);
    http.on('GET', 'invoice/131', entity('Invoice', invoiceRow({ Id: '131', DocNumber: '#2', Balance: 0 })));
    const results = await target.createInvoicesBatch([
      { draft: draftN(1), refs: REFS },
      { draft: draftN(2), refs: REFS },
    ]);
    expect(results[0]).toEqual({ ok: false, error: expect.stringMatching(/Id 130\) has since been deleted; replay the record/) });
    expect(results[1]).toMatchObject({ ok: true, invoice: { id: '131', status: 'paid' } });
  });
});

describe('batch', () => {
  it('is exposed for backfills with per-item results', async () => {
    const { http, target } = setup();
    http.on('POST', 'batch', json(200, { BatchItemResponse: [{ bId: '0', Item: { Id: '1' } }, { bId: '1', Fault: { type: 'ValidationFault', Error: [{ Message: 'Duplicate Name Exists Error', code: '6240', Detail: 'x' }] } }], time: TIME }));
    const results = await target.batch([
      { operation: 'create', entity: 'Item', body: { Name: 'A' } },
      { operation: 'create', entity: 'Item', body: { Name: 'B' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false]);
  });
});

