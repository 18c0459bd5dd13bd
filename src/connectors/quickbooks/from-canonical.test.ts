import { describe, expect, it } from 'vitest';

import type { ContactDraft, InvoiceDraft, JournalDraft } from '../../core/documents.ts';
import { SyncError } from '../../core/errors.ts';
import { parseDec } from '../../core/money.ts';
import type { ResolvedRefs } from '../../sync/ports.ts';
import {
  createRequestId,
  customerBody,
  divide,
  docNumberFor,
  invoiceBody,
  invoiceNeeds,
  itemBody,
  journalBody,
  keptNoteLines,
  shipmentPatch,
  writeRequestId,
} from './from-canonical.ts';
import { writeJson } from '../_kit/json-body.ts';

const CONTACT: ContactDraft = {
  key: 'email:ada@example.com',
  email: 'ada@example.com',
  displayName: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  billingAddress: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
};

/** A US order: a discounted taxed mug (2 × 12.50 − 2.50), three stickers, untaxed shipping; tax as Shopify states it. */
const US_DRAFT: InvoiceDraft = {
  source: 'shopify',
  sourceOrderId: '820982911946154508',
  reference: '#1001',
  date: '2026-04-01',
  currency: 'USD',
  taxInclusive: false,
  contact: CONTACT,
  lines: [
    {
      kind: 'product',
      item: { key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '12.50' },
      description: 'Enamel mug',
      quantity: 2,
      rate: '12.50',
      discount: '2.50',
      taxes: [{ title: 'CA State Tax', rate: '0.08', amount: '1.80' }],
      sourceLineId: '1',
    },
    {
      kind: 'product',
      item: { key: 'name:Sticker', name: 'Sticker', rate: '1.99' },
      quantity: 3,
      rate: '1.99',
      discount: '0.00',
      taxes: [{ title: 'CA State Tax', rate: '0.08', amount: '0.48' }],
      sourceLineId: '2',
    },
  ],
  shipping: [{ title: 'Standard', code: 'STD', amount: '5.00', taxes: [] }],
  discount: '0.00',
  adjustment: null,
  taxTotal: '2.28',
  total: '35.75',
  notes: 'Shopify order #1001',
  cancelled: false,
  paid: true,
};

const US_REFS: ResolvedRefs = {
  contactId: '58',
  itemIds: { 'sku:MUG-01': '19', 'name:Sticker': '20' },
  taxIds: { '0.08': '2', '0': 'NON' },
};

const US = { us: true, shippingItemId: 'SHIPPING_ITEM_ID' } as const;
const NON_US = { us: false, shippingItemId: 'SHIPPING_ITEM_ID' } as const;

describe('invoice bodies (golden)', () => {
  it('US: TAX/NON line codes, the order tax total as TotalTax, the company code when one rate, net discounted line, shipping line', () => {
    expect(writeJson(invoiceBody(US_DRAFT, US_REFS, US))).toBe(
      '{"DocNumber":"#1001","TxnDate":"2026-04-01","CustomerRef":{"value":"58"},"Line":[' +
        '{"Description":"Enamel mug (discount 2.50)","Amount":22.50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"19"},"Qty":2,"UnitPrice":11.25,"TaxCodeRef":{"value":"TAX"}}},' +
        '{"Description":"Sticker","Amount":5.97,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"20"},"Qty":3,"UnitPrice":1.99,"TaxCodeRef":{"value":"TAX"}}},' +
        '{"Description":"Standard (STD)","Amount":5.00,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"SHIPPING_ITEM_ID"},"TaxCodeRef":{"value":"NON"}}}],' +
        '"TxnTaxDetail":{"TxnTaxCodeRef":{"value":"2"},"TotalTax":2.28},' +
        '"PrivateNote":"Shopify order #1001 (id 820982911946154508) [ref:#1001]"}',
    );
  });

  it('US: no TxnTaxCodeRef when the rate has no code of its own (pseudo TAX) or lines carry two rates', () => {
    const pseudo = invoiceBody(US_DRAFT, { ...US_REFS, taxIds: { '0.08': 'TAX', '0': 'NON' } }, US);
    expect(writeJson(pseudo['TxnTaxDetail'] ?? null)).toBe('{"TotalTax":2.28}');
    const twoRates: InvoiceDraft = { ...US_DRAFT, lines: [US_DRAFT.lines[0]!, { ...US_DRAFT.lines[1]!, taxes: [{ title: 'County', rate: '0.0925', amount: '0.55' }] }], taxTotal: '2.35' };
    expect(writeJson(invoiceBody(twoRates, { ...US_REFS, taxIds: { ...US_REFS.taxIds, '0.0925': 'TAX' } }, US)['TxnTaxDetail'] ?? null)).toBe('{"TotalTax":2.35}');
  });

  it('US with tax-inclusive prices: each line goes out net of its own stated tax, the tax as TotalTax', () => {
    const inclusive: InvoiceDraft = {
      ...US_DRAFT,
      taxInclusive: true,
      lines: [{ ...US_DRAFT.lines[1]!, quantity: 1, rate: '10.80', taxes: [{ title: 'CA State Tax', rate: '0.08', amount: '0.80' }] }],
      shipping: [],
      taxTotal: '0.80',
      total: '10.80',
    };
    const body = invoiceBody(inclusive, US_REFS, US);
    expect(writeJson(body['Line'] ?? null)).toBe(
      '[{"Description":"Sticker","Amount":10.00,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"20"},"Qty":1,"UnitPrice":10,"TaxCodeRef":{"value":"TAX"}}}]',
    );
    expect(body['GlobalTaxCalculation']).toBeUndefined();
  });

  it('non-US: every line carries the TaxCode of its combined rate, untaxed lines the zero-rate code, GlobalTaxCalculation as stated, no TxnTaxDetail', () => {
    const ca: InvoiceDraft = {
      ...US_DRAFT,
      currency: 'CAD',
      taxInclusive: false,
      lines: [
        { ...US_DRAFT.lines[0]!, taxes: [{ title: 'HST ON', rate: '0.13', amount: '2.93' }] },
        { ...US_DRAFT.lines[1]!, taxes: [] },
      ],
      shipping: [{ title: 'Standard', amount: '5.00', taxes: [{ title: 'GST', rate: '0.05', amount: '0.25' }] }],
      taxTotal: '3.18',
      total: '36.65',
    };
    const refs: ResolvedRefs = { ...US_REFS, taxIds: { '0.13': '5', '0': '6', '0.05': '4' } };
    expect(writeJson(invoiceBody(ca, refs, NON_US))).toBe(
      '{"DocNumber":"#1001","TxnDate":"2026-04-01","CustomerRef":{"value":"58"},"GlobalTaxCalculation":"TaxExcluded","Line":[' +
        '{"Description":"Enamel mug (discount 2.50)","Amount":22.50,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"19"},"Qty":2,"UnitPrice":11.25,"TaxCodeRef":{"value":"5"}}},' +
        '{"Description":"Sticker","Amount":5.97,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"20"},"Qty":3,"UnitPrice":1.99,"TaxCodeRef":{"value":"6"}}},' +
        '{"Description":"Standard","Amount":5.00,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"SHIPPING_ITEM_ID"},"TaxCodeRef":{"value":"4"}}}],' +
        '"PrivateNote":"Shopify order #1001 (id 820982911946154508) [ref:#1001]"}',
    );
    expect(invoiceBody({ ...ca, taxInclusive: true }, refs, NON_US)['GlobalTaxCalculation']).toBe('TaxInclusive');
  });

  it('non-US: several tax lines on a line are one code at their summed rate; order-level tax applies to every line', () => {
    const gst = { title: 'GST', rate: '0.05', amount: '0.10' };
    const pst = { title: 'PST', rate: '0.07', amount: '0.14' };
    const both: InvoiceDraft = { ...US_DRAFT, lines: [{ ...US_DRAFT.lines[1]!, taxes: [gst, pst] }], shipping: [] };
    expect(invoiceNeeds(both).taxes).toEqual([{ rate: '0.12', title: 'GST + PST' }]);
    const body = invoiceBody(both, { ...US_REFS, taxIds: { '0.12': '9' } }, NON_US);
    expect(writeJson(body['Line'] ?? null)).toContain('"TaxCodeRef":{"value":"9"}');

    const orderLevel: InvoiceDraft = { ...US_DRAFT, lines: US_DRAFT.lines.map((l) => ({ ...l, taxes: [] })), shipping: [], orderTaxes: [{ title: 'GST', rate: '0.05', amount: '1.42' }] };
    expect(invoiceNeeds(orderLevel).taxes).toEqual([{ rate: '0.05', title: 'GST' }]);
    // Tax-inclusive prices with one order-level tax: fine where QBO takes inclusive prices, refused for a US company.
    const inclusive = { ...orderLevel, taxInclusive: true };
    expect(invoiceBody(inclusive, { ...US_REFS, taxIds: { '0.05': '4' } }, NON_US)['GlobalTaxCalculation']).toBe('TaxInclusive');
    expect(() => invoiceBody(inclusive, US_REFS, US)).toThrow(/tax-inclusive prices.*US QuickBooks company takes prices before tax/);
  });

  it('foreign currency: CurrencyRef and the draft’s ExchangeRate (home units per foreign unit)', () => {
    const eur: InvoiceDraft = { ...US_DRAFT, currency: 'EUR', exchangeRate: '1.0825' };
    const body = invoiceBody(eur, { ...US_REFS, currencyId: 'EUR' }, US);
    expect(writeJson({ CurrencyRef: body['CurrencyRef'], ExchangeRate: body['ExchangeRate'] })).toBe('{"CurrencyRef":{"value":"EUR"},"ExchangeRate":1.0825}');
    expect(writeJson(body).indexOf('"CurrencyRef"')).toBeLessThan(writeJson(body).indexOf('"Line"'));
    // Without a stated rate QBO applies its own; the base currency sends no CurrencyRef at all.
    expect(invoiceBody({ ...eur, exchangeRate: undefined }, { ...US_REFS, currencyId: 'EUR' }, US)['ExchangeRate']).toBeUndefined();
    expect(invoiceBody(US_DRAFT, US_REFS, US)['CurrencyRef']).toBeUndefined();
  });

  it('shipping: a mapped item per title, else the connection’s shipping item; free shipping is no line', () => {
    const mapped = invoiceBody(US_DRAFT, { ...US_REFS, itemIds: { ...US_REFS.itemIds, 'shipping:Standard': '33' } }, US);
    expect(writeJson(mapped['Line'] ?? null)).toContain('"ItemRef":{"value":"33"}');
    const configured = invoiceBody(US_DRAFT, US_REFS, { us: true, shippingItemId: '44' });
    expect(writeJson(configured['Line'] ?? null)).toContain('"ItemRef":{"value":"44"}');
    const free = invoiceBody({ ...US_DRAFT, shipping: [{ title: 'Free', amount: '0.00', taxes: [] }] }, US_REFS, US);
    expect((free['Line'] as unknown[]).length).toBe(2);
  });

  it('a reference over 21 characters: a deterministic 21-character DocNumber, the full reference in PrivateNote', () => {
    const reference = 'SHOP-EU-2026-0000012345-RETRY';
    const doc = docNumberFor(reference);
    expect(doc).toBe('SHOP-EU-2026-0~100beb');
    expect(doc).toHaveLength(21);
    expect(docNumberFor(reference)).toBe(doc);
    expect(docNumberFor('SHOP-EU-2026-0000012345-RETRY2')).not.toBe(doc);
    const body = invoiceBody({ ...US_DRAFT, reference, notes: `Shopify order ${reference}` }, US_REFS, US);
    expect(body['DocNumber']).toBe(doc);
    expect(body['PrivateNote']).toBe(`Shopify order ${reference} (id 820982911946154508) [ref:${reference}]`);
    expect(docNumberFor('#1001')).toBe('#1001');
    expect(docNumberFor('x'.repeat(21))).toBe('x'.repeat(21));
  });

  it('an order-level discount is one DiscountLineDetail after the items; a rounding adjustment a line on the rounding item', () => {
    const draft: InvoiceDraft = { ...US_DRAFT, discount: '3.00', adjustment: { amount: '-0.01', description: 'Rounding difference to match shopify order #1001 total' } };
    const body = invoiceBody(draft, { ...US_REFS, itemIds: { ...US_REFS.itemIds, 'adjustment:rounding': '77' } }, US);
    const lines = writeJson(body['Line'] ?? null);
    expect(lines).toContain('{"Description":"Order discount","Amount":3.00,"DetailType":"DiscountLineDetail","DiscountLineDetail":{"PercentBased":false}}');
    expect(lines).toContain(
      '{"Description":"Rounding difference to match shopify order #1001 total","Amount":-0.01,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"77"},"TaxCodeRef":{"value":"NON"}}}',
    );
    expect(invoiceNeeds(draft).items.map((i) => i.key)).toEqual(['sku:MUG-01', 'name:Sticker', 'adjustment:rounding']);
  });

  it('a net unit price that does not terminate is rounded to 7 decimals so Qty × UnitPrice still rounds to the Amount', () => {
    const draft: InvoiceDraft = { ...US_DRAFT, lines: [{ ...US_DRAFT.lines[1]!, quantity: 3, rate: '10.00', discount: '1.00' }], shipping: [] };
    expect(writeJson((invoiceBody(draft, US_REFS, US)['Line'] as never[])[0] ?? null)).toBe(
      '{"Description":"Sticker (discount 1.00)","Amount":29.00,"DetailType":"SalesItemLineDetail","SalesItemLineDetail":{"ItemRef":{"value":"20"},"Qty":3,"UnitPrice":9.6666667,"TaxCodeRef":{"value":"TAX"}}}',
    );
    expect(divide(parseDec('29.00'), 4n, 7)).toEqual({ units: 725n, scale: 2 });
    expect(divide(parseDec('-1'), 3n, 7)).toEqual({ units: -3333333n, scale: 7 });
  });

  it('JPY has no decimals', () => {
    const draft: InvoiceDraft = { ...US_DRAFT, currency: 'JPY', lines: [{ ...US_DRAFT.lines[1]!, rate: '1200', quantity: 2, taxes: [] }], shipping: [], taxTotal: '0' };
    expect(writeJson(invoiceBody(draft, US_REFS, US)['Line'] ?? null)).toContain('"Amount":2400,');
  });

  it('refuses a draft it cannot send, naming every problem', () => {
    const error = (() => {
      try {
        invoiceBody({ ...US_DRAFT, date: '01/04/2026' }, { contactId: '', itemIds: {}, taxIds: {} }, NON_US);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('VALIDATION');
    expect((error as SyncError).message).toMatch(/no QuickBooks customer.*date "01\/04\/2026".*no QuickBooks item was resolved for "Enamel mug".*no QuickBooks tax code was resolved for line "Enamel mug" at rate 0.08/);
  });
});

describe('invoiceNeeds', () => {
  it('lists each item once and one rate per line and shipping line, the zero rate for untaxed ones', () => {
    expect(invoiceNeeds(US_DRAFT)).toEqual({
      items: [US_DRAFT.lines[0]!.item, US_DRAFT.lines[1]!.item],
      taxes: [
        { rate: '0.08', title: 'CA State Tax' },
        { rate: '0', title: 'Zero-rated' },
      ],
    });
  });
});

describe('requestid', () => {
  it('is the same for the same order and body, different for another body, and within 50 characters', () => {
    const text = writeJson(invoiceBody(US_DRAFT, US_REFS, US));
    const id = createRequestId(US_DRAFT, text);
    expect(id).toBe(createRequestId({ ...US_DRAFT }, text));
    expect(id).toMatch(/^inv-[0-9a-f]{16}-[0-9a-f]{28}$/);
    expect(id.length).toBeLessThanOrEqual(50);
    expect(createRequestId(US_DRAFT, `${text} `)).not.toBe(id);
    expect(createRequestId({ ...US_DRAFT, sourceOrderId: '1' }, text).slice(0, 21)).not.toBe(id.slice(0, 21));
    expect(writeRequestId('upd', '130', '3', text)).not.toBe(writeRequestId('upd', '130', '4', text));
  });
});

describe('customer and item bodies (golden)', () => {
  it('a customer: names, email, address lines in print order; CurrencyRef only when foreign; colons replaced', () => {
    expect(writeJson(customerBody(CONTACT))).toBe(
      '{"DisplayName":"Ada Lovelace","GivenName":"Ada","FamilyName":"Lovelace","PrimaryEmailAddr":{"Address":"ada@example.com"},' +
        '"BillAddr":{"Line1":"Ada Lovelace","Line2":"12 St James Sq","City":"London","PostalCode":"SW1Y 4JH","Country":"GB"}}',
    );
    expect(writeJson(customerBody({ ...CONTACT, displayName: 'Acme: EU' }, { currency: 'EUR' }))).toContain('"DisplayName":"Acme - EU"');
    expect(writeJson(customerBody(CONTACT, { currency: 'EUR' }))).toContain('"CurrencyRef":{"value":"EUR"}');
    expect(customerBody(CONTACT, { omitDisplayName: true })['DisplayName']).toBeUndefined();
  });

  it('an item: NonInventory product with SKU, income account and unit price; fees are Service items; names cut at 100', () => {
    expect(writeJson(itemBody(US_DRAFT.lines[0]!.item, '2'))).toBe(
      '{"Name":"Enamel mug","Sku":"MUG-01","Type":"NonInventory","UnitPrice":12.5,"IncomeAccountRef":{"value":"2"}}',
    );
    expect(itemBody({ key: 'fee:Gift wrap', name: 'Gift wrap', rate: '3.00' }, '2')['Type']).toBe('Service');
    const long = itemBody({ key: 'name:x', name: 'A'.repeat(120), rate: '1' }, '2');
    expect(long['Name']).toBe('A'.repeat(100));
    expect(long['Description']).toBe('A'.repeat(120));
  });
});

describe('PrivateNote and shipment notes', () => {
  it('keeps the lines after our header on update; a note without our marker is kept whole', () => {
    expect(keptNoteLines('Shopify order #1001 (id 1) [ref:#1001]\nShipped 2026-04-02 via UPS [shipment shopify:9]')).toEqual(['Shipped 2026-04-02 via UPS [shipment shopify:9]']);
    expect(keptNoteLines('Voided')).toEqual(['Voided']);
    expect(invoiceBody(US_DRAFT, US_REFS, { ...US, keepNoteLines: ['Shipped [shipment shopify:9]'] })['PrivateNote']).toBe(
      'Shopify order #1001 (id 820982911946154508) [ref:#1001]\nShipped [shipment shopify:9]',
    );
  });

  it('a shipment adds its line and fills ShipDate, TrackingNum, ShipMethodRef only where empty; the same marker again changes nothing', () => {
    const note = { marker: '[shipment shopify:9 1Z999]', text: 'Shipped 2026-04-02 via UPS Ground, tracking 1Z999 [shipment shopify:9 1Z999]', carrier: 'UPS', service: 'Ground', trackingNumber: '1Z999', shipDate: '2026-04-02' };
    expect(writeJson(shipmentPatch({ PrivateNote: 'Shopify order #1001 [ref:#1001]', hasShipMethod: false }, note))).toBe(
      '{"PrivateNote":"Shopify order #1001 [ref:#1001]\\nShipped 2026-04-02 via UPS Ground, tracking 1Z999 [shipment shopify:9 1Z999]","ShipDate":"2026-04-02","TrackingNum":"1Z999","ShipMethodRef":{"value":"UPS Ground","name":"UPS Ground"}}',
    );
    expect(writeJson(shipmentPatch({ PrivateNote: 'x', ShipDate: '2026-04-01', TrackingNum: 'OLD', hasShipMethod: true }, note))).toBe(
      '{"PrivateNote":"x\\nShipped 2026-04-02 via UPS Ground, tracking 1Z999 [shipment shopify:9 1Z999]"}',
    );
    expect(shipmentPatch({ PrivateNote: `x\n${note.text}`, hasShipMethod: true }, note)).toBeNull();
  });
});

describe('journal entries', () => {
  const entry: JournalDraft = {
    reference: 'SHIP-77',
    date: '2026-04-02',
    currency: 'USD',
    notes: 'Shipping for order #1001 via UPS [shipment shopify:77]',
    lines: [
      { accountId: '11', side: 'debit', amount: '7.40', description: 'Shipping for order #1001 via UPS' },
      { accountId: '12', side: 'credit', amount: '7.40', description: 'Shipping for order #1001 via UPS' },
    ],
  };

  it('one JournalEntryLineDetail line per side, reference as DocNumber and marker', () => {
    expect(writeJson(journalBody(entry))).toBe(
      '{"DocNumber":"SHIP-77","TxnDate":"2026-04-02","Line":[' +
        '{"Description":"Shipping for order #1001 via UPS","Amount":7.40,"DetailType":"JournalEntryLineDetail","JournalEntryLineDetail":{"PostingType":"Debit","AccountRef":{"value":"11"}}},' +
        '{"Description":"Shipping for order #1001 via UPS","Amount":7.40,"DetailType":"JournalEntryLineDetail","JournalEntryLineDetail":{"PostingType":"Credit","AccountRef":{"value":"12"}}}],' +
        '"PrivateNote":"Shipping for order #1001 via UPS [shipment shopify:77] [ref:SHIP-77]"}',
    );
  });

  it('refuses an unbalanced entry before QuickBooks would', () => {
    expect(() => journalBody({ ...entry, lines: [entry.lines[0]!, { ...entry.lines[1]!, amount: '7.39' }] })).toThrow(/debits \(7.4\) do not equal credits \(7.39\)/);
  });
});
