/**
 * Golden tests for the Zoho Books request bodies: the exact JSON text we send, and a check of each body
 * against the request schema in Zoho's OpenAPI files (which must exist: a missing file fails the test).
 */
import { describe, expect, it } from 'vitest';

import type { ContactDraft, InvoiceDraft, ItemDraft, JournalDraft, ShipmentNoteDraft } from '../../core/documents.ts';
import { SyncError } from '../../core/errors.ts';
import type { ResolvedRefs } from '../../sync/ports.ts';
import { combinedTax, contactBody, invoiceBody, invoiceNeeds, itemBody, journalBody, ratePercent, shipmentCommentBody, shippingItemDraft, taxBody } from './from-canonical.ts';
import { writeJson } from '../_kit/json-body.ts';
import { checkBody, loadSpec, readYaml } from './test-support/spec-schema.ts';

const CONTACT: ContactDraft = {
  key: 'email:ada@example.com',
  email: 'ada@example.com',
  displayName: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical Engines Ltd',
  phone: '+44 20 7946 0000',
  billingAddress: { name: 'Ada Lovelace', line1: '12 St James Sq', line2: 'Flat 2', city: 'London', region: 'England', postalCode: 'SW1Y 4JH', country: 'GB', phone: '+44 20 7946 0000' },
  shippingAddress: { name: 'Ada Lovelace', line1: '1 Dock Rd', city: 'London', postalCode: 'E16 1AA', country: 'GB' },
};

const MUG: ItemDraft = { key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '19.99', description: 'Blue, 350 ml' };
const CARD: ItemDraft = { key: 'name:Gift card', name: 'Gift card', rate: '25.00' };

function draft(overrides: Partial<InvoiceDraft> = {}): InvoiceDraft {
  return {
    source: 'shopify',
    sourceOrderId: '820982911946154508',
    reference: '#1042',
    date: '2026-03-01',
    currency: 'USD',
    taxInclusive: false,
    contact: CONTACT,
    lines: [
      { kind: 'product', item: MUG, quantity: 2, rate: '19.99', discount: '0.00', taxes: [{ title: 'CA State Tax', rate: '0.0725', amount: '2.90' }] },
      { kind: 'product', item: CARD, quantity: 1, rate: '25.00', discount: '0', taxes: [] },
    ],
    shipping: [{ title: 'Standard', amount: '5.00', taxes: [] }],
    discount: '3.00',
    adjustment: { amount: '-0.01', description: 'Rounding to the order total' },
    taxTotal: '2.90',
    total: '69.87',
    notes: 'Shopify order #1042',
    cancelled: false,
    paid: false,
    ...overrides,
  };
}

const REFS: ResolvedRefs = {
  contactId: '982000000567001',
  itemIds: { 'sku:MUG-01': '982000000030049', 'name:Gift card': '982000000030050' },
  taxIds: { '0.0725': '982000000012345' },
};

describe('contactBody', () => {
  it('writes a customer with its person and both addresses (golden)', () => {
    expect(writeJson(contactBody(CONTACT))).toBe(
      '{"contact_name":"Ada Lovelace","company_name":"Analytical Engines Ltd","contact_type":"customer",' +
        '"contact_persons":[{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","phone":"+44 20 7946 0000","is_primary_contact":true}],' +
        '"billing_address":{"attention":"Ada Lovelace","address":"12 St James Sq","street2":"Flat 2","city":"London","state":"England","zip":"SW1Y 4JH","country":"GB","phone":"+44 20 7946 0000"},' +
        '"shipping_address":{"attention":"Ada Lovelace","address":"1 Dock Rd","city":"London","zip":"E16 1AA","country":"GB"}}',
    );
  });

  it('on update names the existing person and keeps the others', () => {
    const body = contactBody(CONTACT, {
      contactPersonId: '460000000026051',
      keepPersons: [{ contact_person_id: '460000000026051', email: 'old@example.com' }, { contact_person_id: '460000000026052', first_name: 'Bob' }],
    });
    expect(writeJson({ contact_persons: body['contact_persons'] })).toBe(
      '{"contact_persons":[{"contact_person_id":"460000000026051","first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","phone":"+44 20 7946 0000","is_primary_contact":true},' +
        '{"contact_person_id":"460000000026052","first_name":"Bob","is_primary_contact":false}]}',
    );
  });

  it('on update of a contact without a person keeps every existing person as is', () => {
    const body = contactBody({ key: 'guest:#9', email: null, displayName: 'Guest #9' }, {
      contactPersonId: '1',
      keepPersons: [{ contact_person_id: '1', first_name: 'Bob' }],
    });
    expect(writeJson({ contact_persons: body['contact_persons'] })).toBe('{"contact_persons":[{"contact_person_id":"1","first_name":"Bob"}]}');
  });

  it('leaves out persons for a guest without email or name', () => {
    expect(writeJson(contactBody({ key: 'guest:#9', email: null, displayName: 'Guest #9' }))).toBe(
      '{"contact_name":"Guest #9","contact_type":"customer"}',
    );
  });
});

describe('itemBody', () => {
  it('writes 19.99 as the JSON number 19.99 (golden)', () => {
    expect(writeJson(itemBody(MUG))).toBe('{"name":"Enamel mug","rate":19.99,"description":"Blue, 350 ml","sku":"MUG-01","product_type":"goods"}');
  });

  it('makes shipping items services', () => {
    expect(itemBody(shippingItemDraft({ title: 'Express', amount: '9.90', taxes: [] }))['product_type']).toBe('service');
  });
});

describe('taxes', () => {
  it('turns a fraction into Zoho percentages exactly', () => {
    expect(ratePercent('0.0725')).toBe('7.25');
    expect(ratePercent('0.2')).toBe('20');
    expect(ratePercent('0.09975')).toBe('9.975');
    expect(writeJson(taxBody('0.0725', 'CA State Tax'))).toBe('{"tax_name":"CA State Tax","tax_percentage":7.25,"tax_type":"tax"}');
  });

  it('sums several tax lines into one rate named after their titles', () => {
    expect(
      combinedTax([
        { title: 'CA State Tax', rate: '0.0725', amount: '1.45' },
        { title: 'LA County Tax', rate: '0.0225', amount: '0.45' },
      ]),
    ).toEqual({ rate: '0.095', title: 'CA State Tax + LA County Tax' });
    expect(combinedTax([])).toBeNull();
  });
});

describe('invoiceBody', () => {
  it('writes the invoice exactly: ids as strings, amounts as digit-exact numbers (golden)', () => {
    expect(writeJson(invoiceBody(draft(), REFS))).toBe(
      '{"customer_id":"982000000567001","reference_number":"#1042","date":"2026-03-01","is_inclusive_tax":false,' +
        '"line_items":[' +
        '{"item_id":"982000000030049","name":"Enamel mug","rate":19.99,"quantity":2,"tax_id":"982000000012345"},' +
        '{"item_id":"982000000030050","name":"Gift card","rate":25,"quantity":1}],' +
        '"discount":3,"discount_type":"entity_level","is_discount_before_tax":true,' +
        '"shipping_charge":5,"adjustment":-0.01,"adjustment_description":"Rounding to the order total",' +
        '"notes":"Shopify order #1042"}',
    );
  });

  it('sends currency_id and exchange_rate for a foreign currency', () => {
    const body = invoiceBody(draft({ currency: 'EUR', exchangeRate: '1.0825' }), { ...REFS, currencyId: '982000000000191' });
    expect(writeJson({ currency_id: body['currency_id'], exchange_rate: body['exchange_rate'] })).toBe('{"currency_id":"982000000000191","exchange_rate":1.0825}');
  });

  it('posts taxed shipping as a line of its own on the shipping item (no shipping tax field in the schema)', () => {
    const d = draft({
      discount: '0',
      shipping: [
        { title: 'Standard', amount: '5.00', taxes: [] },
        { title: 'Express', code: 'EXP', amount: '9.90', taxes: [{ title: 'VAT', rate: '0.2', amount: '1.98' }] },
      ],
    });
    const refs = { ...REFS, itemIds: { ...REFS.itemIds, 'shipping:Express': '982000000030099' }, taxIds: { ...REFS.taxIds, '0.20': '982000000012399' } };
    const body = invoiceBody(d, refs);
    expect(writeJson({ line_items: body['line_items'], shipping_charge: body['shipping_charge'] })).toBe(
      '{"line_items":[' +
        '{"item_id":"982000000030049","name":"Enamel mug","rate":19.99,"quantity":2,"tax_id":"982000000012345"},' +
        '{"item_id":"982000000030050","name":"Gift card","rate":25,"quantity":1},' +
        '{"item_id":"982000000030099","name":"Express","description":"EXP","rate":9.9,"quantity":1,"tax_id":"982000000012399"}],' +
        '"shipping_charge":5}',
    );
    expect(invoiceNeeds(d)).toEqual({
      items: [MUG, CARD, { key: 'shipping:Express', name: 'Express', rate: '9.90' }],
      taxes: [
        { rate: '0.0725', title: 'CA State Tax' },
        { rate: '0.2', title: 'VAT' },
      ],
    });
  });

  it('uses one combined tax for a line with several tax lines', () => {
    const d = draft({
      discount: '0',
      lines: [
        {
          kind: 'product',
          item: MUG,
          quantity: 1,
          rate: '19.99',
          discount: '0',
          taxes: [
            { title: 'CA State Tax', rate: '0.0725', amount: '1.45' },
            { title: 'LA County Tax', rate: '0.0225', amount: '0.45' },
          ],
        },
      ],
    });
    expect(invoiceNeeds(d).taxes).toEqual([{ rate: '0.095', title: 'CA State Tax + LA County Tax' }]);
    const body = invoiceBody(d, { ...REFS, taxIds: { '0.0950': '982000000012777' } });
    expect(writeJson(body['line_items'] ?? null)).toBe('[{"item_id":"982000000030049","name":"Enamel mug","rate":19.99,"quantity":1,"tax_id":"982000000012777"}]');
  });

  it('spreads an order discount over the lines (item_level) when lines carry discounts too, exact to the cent', () => {
    const d = draft({
      discount: '1.00',
      lines: [
        { kind: 'product', item: MUG, quantity: 2, rate: '19.99', discount: '2.00', taxes: [] },
        { kind: 'product', item: CARD, quantity: 1, rate: '25.00', discount: '0', taxes: [] },
      ],
    });
    const body = invoiceBody(d, REFS);
    // Net 37.98 and 25.00 share 1.00 → 0.60 and 0.40 (largest remainder).
    expect(writeJson({ line_items: body['line_items'], discount: body['discount'], discount_type: body['discount_type'] })).toBe(
      '{"line_items":[{"item_id":"982000000030049","name":"Enamel mug","rate":19.99,"quantity":2,"discount":2.6},' +
        '{"item_id":"982000000030050","name":"Gift card","rate":25,"quantity":1,"discount":0.4}],"discount_type":"item_level"}',
    );
  });

  it('puts order-level tax (no line carries any) on every product and fee line as one rate', () => {
    const d = draft({
      discount: '0',
      lines: [
        { kind: 'product', item: MUG, quantity: 1, rate: '19.99', discount: '0', taxes: [] },
        { kind: 'fee', item: { key: 'fee:Handling', name: 'Handling', rate: '2.00' }, quantity: 1, rate: '2.00', discount: '0', taxes: [] },
      ],
      orderTaxes: [{ title: 'Sales tax', rate: '0.0725', amount: '1.59' }],
    });
    expect(invoiceNeeds(d).taxes).toEqual([{ rate: '0.0725', title: 'Sales tax' }]);
    const body = invoiceBody(d, { ...REFS, itemIds: { ...REFS.itemIds, 'fee:Handling': '982000000030051' } });
    expect(writeJson(body['line_items'] ?? null)).toBe(
      '[{"item_id":"982000000030049","name":"Enamel mug","rate":19.99,"quantity":1,"tax_id":"982000000012345"},' +
        '{"item_id":"982000000030051","name":"Handling","rate":2,"quantity":1,"tax_id":"982000000012345"}]',
    );
    expect(itemBody({ key: 'fee:Handling', name: 'Handling', rate: '2.00' })['product_type']).toBe('service');
  });

  it('refuses order-level tax stated without a rate, since Zoho computes tax from rates', () => {
    const d = draft({ lines: [{ kind: 'product', item: MUG, quantity: 1, rate: '19.99', discount: '0', taxes: [] }], orderTaxes: [{ title: 'Tax', rate: '0', amount: '1.45' }] });
    expect(() => invoiceBody(d, { ...REFS, taxIds: { '0': 'z' } })).toThrow(/states 1\.45 of tax with no rate/);
  });

  it('refuses a draft it cannot send, naming every missing ref in one sentence', () => {
    let error: unknown;
    try {
      invoiceBody(draft({ currency: 'EUR' }), { contactId: '', itemIds: {}, taxIds: {}, currencyId: '982000000000191' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SyncError);
    const message = (error as SyncError).message;
    expect((error as SyncError).code).toBe('VALIDATION');
    expect(message).toContain('invoice #1042 cannot be sent to Zoho Books');
    expect(message).toContain('no Zoho contact');
    expect(message).toContain('no Zoho item was resolved for "Enamel mug" (sku:MUG-01)');
    expect(message).toContain('no Zoho tax was resolved for line "Enamel mug" at rate 0.0725');
    expect(message).toContain('states no exchange rate');
  });

  it('refuses taxed shipping without a resolved shipping item', () => {
    const d = draft({ shipping: [{ title: 'Express', amount: '9.90', taxes: [{ title: 'VAT', rate: '0.2', amount: '1.98' }] }] });
    expect(() => invoiceBody(d, { ...REFS, taxIds: { ...REFS.taxIds, '0.2': 't' } })).toThrow(/shipping "Express" is taxed.*shipping:Express/);
  });
});

describe('bodies against Zoho request schemas', () => {
  const contacts = loadSpec('contacts.yml');
  const items = loadSpec('items.yml');
  const invoices = loadSpec('invoices.yml');
  const taxes = loadSpec('taxes.yml');

  it('contact create and update bodies fit', () => {
    expect(checkBody(contacts, 'create-a-contact-request', contactBody(CONTACT))).toEqual([]);
    const update = contactBody(CONTACT, { contactPersonId: '1', keepPersons: [{ contact_person_id: '2', first_name: 'Bob' }] });
    expect(checkBody(contacts, 'update-a-contact-request', update)).toEqual([]);
  });

  it('item and tax bodies fit', () => {
    expect(checkBody(items, 'create-an-item-request', itemBody(MUG))).toEqual([]);
    expect(checkBody(taxes, 'create-a-tax-request', taxBody('0.0725', 'CA State Tax'))).toEqual([]);
  });

  it('invoice create and update bodies fit (shipping_charge: the OAS says string, Zoho takes a number)', () => {
    const full = invoiceBody(draft({ currency: 'EUR', exchangeRate: '1.0825' }), { ...REFS, currencyId: '9' });
    const options = { numericStrings: ['shipping_charge'] };
    expect(checkBody(invoices, 'create-an-invoice-request', full, options)).toEqual([]);
    expect(checkBody(invoices, 'update-an-invoice-request', full, options)).toEqual([]);
    const itemLevel = invoiceBody(draft({ lines: [{ kind: 'product', item: MUG, quantity: 1, rate: '19.99', discount: '1.00', taxes: [] }] }), REFS);
    expect(checkBody(invoices, 'create-an-invoice-request', itemLevel, options)).toEqual([]);
  });

  it('the checker catches unknown properties, missing required ones and wrong types', () => {
    expect(checkBody(invoices, 'create-an-invoice-request', { customer_id: 5, line_items: [{ item_id: 'x', bogus: true }], shipping_charge_tax_id: 'x' })).toEqual([
      'customer_id: expected a string',
      'line_items[0].bogus: not in the schema',
      'shipping_charge_tax_id: not in the schema',
    ]);
    expect(checkBody(items, 'create-an-item-request', { name: 'x' })).toEqual(['(body): missing required rate']);
  });

  it('the YAML reader handles the subset the specs use', () => {
    expect(readYaml("a:\n  b: 'x: y'\n  c:\n    - d\n    - e: 1\n      f: ''\n  g: {}\n")).toEqual({ a: { b: 'x: y', c: ['d', { e: '1', f: '' }], g: {} } });
  });

  it('fails, not skips, when a spec file is missing', () => {
    expect(() => loadSpec('no-such-module.yml')).toThrow(/ENOENT/);
  });
});

describe('journalBody', () => {
  const ENTRY: JournalDraft = {
    reference: 'SHIP-5550001',
    date: '2026-03-02',
    currency: 'USD',
    notes: 'Shipping for order #1042 via UPS Ground (1Z999) [shipment shipstation:5550001]',
    lines: [
      { accountId: '982000000000361', side: 'debit', amount: '12.40', description: 'Shipping for order #1042 via UPS Ground (1Z999)' },
      { accountId: '982000000000362', side: 'credit', amount: '12.40', description: 'Shipping for order #1042 via UPS Ground (1Z999)' },
    ],
  };

  it('writes the exact create-journal JSON: date, reference, notes, one line per side with an exact amount', () => {
    expect(writeJson(journalBody(ENTRY))).toBe(
      '{"journal_date":"2026-03-02","reference_number":"SHIP-5550001","notes":"Shipping for order #1042 via UPS Ground (1Z999) [shipment shipstation:5550001]",' +
        '"line_items":[{"account_id":"982000000000361","debit_or_credit":"debit","amount":12.4,"description":"Shipping for order #1042 via UPS Ground (1Z999)"},' +
        '{"account_id":"982000000000362","debit_or_credit":"credit","amount":12.4,"description":"Shipping for order #1042 via UPS Ground (1Z999)"}],"status":"published"}',
    );
  });

  it('adds currency_id for a foreign currency, and keeps large amounts digit for digit', () => {
    const big: JournalDraft = { ...ENTRY, currency: 'EUR', lines: ENTRY.lines.map((l) => ({ ...l, amount: '9007199254740993.01' })) };
    const text = writeJson(journalBody(big, '982000000000191'));
    expect(text).toContain('"amount":9007199254740993.01,');
    expect(text.endsWith(',"currency_id":"982000000000191","status":"published"}')).toBe(true);
  });

  it('leaves empty notes and descriptions out', () => {
    const bare: JournalDraft = { ...ENTRY, notes: '  ', lines: ENTRY.lines.map((l) => ({ ...l, description: '' })) };
    expect(writeJson(journalBody(bare))).toBe(
      '{"journal_date":"2026-03-02","reference_number":"SHIP-5550001","line_items":[{"account_id":"982000000000361","debit_or_credit":"debit","amount":12.4},{"account_id":"982000000000362","debit_or_credit":"credit","amount":12.4}],"status":"published"}',
    );
  });

  it('refuses, naming every problem, an entry Zoho would refuse: unbalanced, bad date, no account, sub-cent, non-positive', () => {
    const bad: JournalDraft = {
      ...ENTRY,
      date: '02/03/2026',
      lines: [
        { accountId: '', side: 'debit', amount: '12.405', description: 'x' },
        { accountId: '2', side: 'credit', amount: '12.40', description: 'x' },
        { accountId: '3', side: 'credit', amount: '0', description: 'x' },
      ],
    };
    let message = '';
    try {
      journalBody(bad);
    } catch (error) {
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).code).toBe('VALIDATION');
      message = (error as SyncError).message;
    }
    expect(message).toContain('journal entry SHIP-5550001 cannot be sent to Zoho Books');
    expect(message).toContain('the date "02/03/2026" is not yyyy-mm-dd');
    expect(message).toContain('line 1 names no Zoho account');
    expect(message).toContain('line 1 amount 12.405 has more decimals than USD allows');
    expect(message).toContain('line 3 amount 0 is not positive');
    expect(message).toContain('debits (12.405) do not equal credits (12.4)');
  });

  it('refuses a one-sided entry', () => {
    expect(() => journalBody({ ...ENTRY, lines: [ENTRY.lines[0]!] })).toThrow(/needs a debit and a credit/);
  });

  it('fits journals.yml create-a-journal-request, in the base and a foreign currency', () => {
    const journals = loadSpec('journals.yml');
    expect(checkBody(journals, 'create-a-journal-request', journalBody(ENTRY))).toEqual([]);
    expect(checkBody(journals, 'create-a-journal-request', journalBody({ ...ENTRY, currency: 'EUR' }, '982000000000191'))).toEqual([]);
  });
});

describe('shipmentCommentBody', () => {
  const NOTE: ShipmentNoteDraft = {
    marker: '[shipment shipstation:5550001]',
    text: 'Shipped 2026-03-02 via UPS Ground, tracking 1Z999 [shipment shipstation:5550001]',
    carrier: 'UPS',
    service: 'Ground',
    trackingNumber: '1Z999',
    shipDate: '2026-03-02',
  };

  it('writes the note text as an internal comment', () => {
    expect(writeJson(shipmentCommentBody(NOTE))).toBe(
      '{"description":"Shipped 2026-03-02 via UPS Ground, tracking 1Z999 [shipment shipstation:5550001]","show_comment_to_clients":false}',
    );
  });

  it('appends the marker when the text lacks it, so the comment can be found again', () => {
    expect(shipmentCommentBody({ ...NOTE, text: 'Shipped via UPS' }).description).toBe('Shipped via UPS [shipment shipstation:5550001]');
  });

  it('fits invoices.yml create-a-comment-request', () => {
    expect(checkBody(loadSpec('invoices.yml'), 'create-a-comment-request', shipmentCommentBody(NOTE))).toEqual([]);
  });
});
