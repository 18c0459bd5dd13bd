/**
 * QBO's JSON keys are the XSD element and attribute names (shared/specs/SOURCES.md), so every key the simulator
 * answers with must be declared for its type in the Intuit XSDs: otherwise our client could come to depend on a
 * field real QuickBooks never sends. The XSD files are required; a missing file fails the suite.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_NAMES } from './entity-specs.ts';
import { renderFieldsFile, XSD_DIR } from './spec-check/print-fields.ts';
import { allowedKeys, childType, readXsd, XSD_FILES, type XsdIndex } from './spec-check/xsd.ts';
import { customerAndItem, itemLine, startHarness, type Harness } from './test-support.ts';

function loadIndex(): XsdIndex {
  for (const file of XSD_FILES) {
    const path = join(XSD_DIR, file);
    if (!existsSync(path)) throw new Error(`Intuit XSD missing: ${path} (see shared/specs/SOURCES.md; QBO_XSD_DIR overrides the folder)`);
  }
  return readXsd(XSD_DIR, XSD_FILES);
}

/** Keys of `value` (recursively, following declared child types) that the XSD does not declare for `type`. */
function undeclared(idx: XsdIndex, type: string, value: unknown, path = type): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(idx, type, v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const allowed = allowedKeys(idx, type);
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (!allowed.has(key)) {
      out.push(`${path}.${key}`);
      continue;
    }
    const child = childType(idx, type, key);
    if (child && idx.types.has(child)) out.push(...undeclared(idx, child, v, `${path}.${key}`));
  }
  return out;
}

/**
 * An IntuitResponse: the entity under its name (the XSD reaches entities through a substitution group, so they
 * are checked against their own type) plus the response's own elements and attributes (`time`, `Fault`, ...).
 */
function undeclaredAnswer(idx: XsdIndex, body: Record<string, unknown>): string[] {
  const out: string[] = [];
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if ((ENTITY_NAMES as readonly string[]).includes(k)) out.push(...undeclared(idx, k, v));
    else rest[k] = v;
  }
  return [...out, ...undeclared(idx, 'IntuitResponse', rest)];
}

let idx: XsdIndex;
let h: Harness;
beforeAll(async () => {
  idx = loadIndex();
  h = await startHarness({ company: { multiCurrency: true } });
});
afterAll(async () => h.sim.close());

describe('XSD shapes', () => {
  it('xsd-fields.ts is what the XSDs generate', () => {
    const generated = readFileSync(fileURLToPath(new URL('./xsd-fields.ts', import.meta.url)), 'utf8');
    expect(generated).toBe(renderFieldsFile(XSD_DIR));
  });

  it('the check itself catches undeclared keys, also inside lines and their details', () => {
    const bad = { Invoice: { Shipdate: 'x', Line: [{ Amount: 1, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Quantity: 2 } }] }, time: 't' };
    expect(undeclaredAnswer(idx, bad)).toEqual(['Invoice.Shipdate', 'Invoice.Line[0].SalesItemLineDetail.Quantity']);
  });

  it('invoice, customer, item, payment, credit memo and journal entry answers use only declared element names', async () => {
    const customer = await h.create('customer', {
      DisplayName: 'Shape Shop',
      GivenName: 'Shay',
      FamilyName: 'Pe',
      CompanyName: 'Shape Shop LLC',
      PrimaryEmailAddr: { Address: 'shape@example.com' },
      PrimaryPhone: { FreeFormNumber: '555-0100' },
      BillAddr: { Line1: '1 Main St', City: 'Austin', CountrySubDivisionCode: 'TX', PostalCode: '78701', Country: 'US' },
      ShipAddr: { Line1: '2 Side St', City: 'Austin', PostalCode: '78702' },
      Notes: 'n',
    });
    expect(undeclaredAnswer(idx, customer.body)).toEqual([]);
    const { itemId } = await customerAndItem(h, { Sku: 'SH-1', Description: 'd', UnitPrice: 5, Taxable: true });
    const item = await h.call('GET', `/item/${itemId}`);
    expect(undeclaredAnswer(idx, item.body)).toEqual([]);
    const invoice = await h.create('invoice', {
      CustomerRef: { value: customer.body.Customer.Id },
      DocNumber: 'XSD-1',
      TxnDate: '2025-05-01',
      PrivateNote: 'p',
      CustomerMemo: { value: 'thanks' },
      BillEmail: { Address: 'shape@example.com' },
      ShipDate: '2025-05-02',
      TrackingNum: '1Z',
      ShipMethodRef: { value: 'UPS' },
      ShipAddr: { Line1: '2 Side St' },
      TxnTaxDetail: { TxnTaxCodeRef: { value: '2' } },
      Line: [
        itemLine(itemId, 10, { Description: 'ten' }, { Qty: 2, UnitPrice: 5, TaxCodeRef: { value: 'TAX' }, ServiceDate: '2025-05-01' }),
        { DetailType: 'DescriptionOnly', Description: 'note line' },
        { DetailType: 'DiscountLineDetail', Amount: 1, DiscountLineDetail: { PercentBased: false } },
        itemLine('SHIPPING_ITEM_ID', 3),
      ],
    });
    expect(invoice.status).toBe(200);
    expect(undeclaredAnswer(idx, invoice.body)).toEqual([]);
    const payment = await h.create('payment', { CustomerRef: { value: customer.body.Customer.Id }, TotalAmt: 5, PaymentRefNum: 'ch_1', Line: [{ Amount: 5, LinkedTxn: [{ TxnId: invoice.body.Invoice.Id, TxnType: 'Invoice' }] }] });
    expect(undeclaredAnswer(idx, payment.body)).toEqual([]);
    expect(undeclaredAnswer(idx, await h.call('GET', `/invoice/${invoice.body.Invoice.Id}`).then((r) => r.body))).toEqual([]);
    const memo = await h.create('creditmemo', { CustomerRef: { value: customer.body.Customer.Id }, Line: [itemLine(itemId, 2)] });
    expect(undeclaredAnswer(idx, memo.body)).toEqual([]);
    const je = await h.create('journalentry', {
      Line: [
        { DetailType: 'JournalEntryLineDetail', Amount: 4, Description: 'ship', JournalEntryLineDetail: { PostingType: 'Debit', AccountRef: { value: '11' } } },
        { DetailType: 'JournalEntryLineDetail', Amount: 4, JournalEntryLineDetail: { PostingType: 'Credit', AccountRef: { value: '1' }, Entity: { Type: 'Customer', EntityRef: { value: customer.body.Customer.Id } } } },
      ],
    });
    expect(undeclaredAnswer(idx, je.body)).toEqual([]);
    const deleted = await h.create('creditmemo', { Id: memo.body.CreditMemo.Id, SyncToken: '0' }, { query: { operation: 'delete' } });
    expect(undeclaredAnswer(idx, deleted.body)).toEqual([]);
  });

  it('seeded companies answer declared names (preferences, company info, accounts, tax codes and rates, terms)', async () => {
    for (const path of ['/preferences', `/companyinfo/${h.realmId}`, '/account/1', '/taxcode/2', '/taxcode/TAX', '/taxrate/1', '/term/3']) {
      expect(undeclaredAnswer(idx, (await h.call('GET', path)).body)).toEqual([]);
    }
  });

  it('Fault, QueryResponse, BatchItemResponse and CDCResponse bodies use IntuitRestServiceDef elements', async () => {
    const fault = await h.call('GET', '/invoice/9999');
    expect(undeclaredAnswer(idx, fault.body)).toEqual([]);
    const query = (await h.call('GET', '/query', { query: { query: 'select * from Customer' } })).body;
    const entityKeys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => (ENTITY_NAMES as readonly string[]).includes(k));
    const rest = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !entityKeys(o).includes(k)));
    expect(undeclared(idx, 'QueryResponse', rest(query.QueryResponse))).toEqual([]);
    expect(undeclared(idx, 'Customer', query.QueryResponse.Customer)).toEqual([]);
    const batch = (await h.call('POST', '/batch', { body: { BatchItemRequest: [{ bId: '1', Query: 'select count(*) from Item' }, { bId: '2', operation: 'create', Customer: { DisplayName: 'Shape Shop' } }, { bId: '3', operation: 'create', Vendor: { DisplayName: 'A Vendor' } }] } })).body;
    expect(undeclared(idx, 'IntuitResponse', { time: batch.time })).toEqual([]);
    for (const item of batch.BatchItemResponse) {
      expect(undeclared(idx, 'BatchItemResponse', rest(item))).toEqual([]);
      for (const k of entityKeys(item)) expect(undeclared(idx, k, item[k])).toEqual([]);
    }
    const cdc = (await h.call('GET', '/cdc', { query: { entities: 'Customer', changedSince: new Date(h.sim.clock.now() - 60_000).toISOString() } })).body;
    expect(undeclared(idx, 'IntuitResponse', { time: cdc.time })).toEqual([]);
    const [resp] = cdc.CDCResponse;
    expect(Object.keys(resp).every((k) => allowedKeys(idx, 'CDCResponse').has(k))).toBe(true);
    for (const qr of resp.QueryResponse) expect(undeclared(idx, 'QueryResponse', rest(qr))).toEqual([]);
  });

  it('enum values the simulator emits are the XSD ones', async () => {
    const accounts = (await h.call('GET', '/query', { query: { query: 'select * from Account' } })).body.QueryResponse.Account;
    for (const a of accounts) {
      expect(idx.enums.get('AccountTypeEnum')).toContain(a.AccountType);
      expect(idx.enums.get('AccountClassificationEnum')).toContain(a.Classification);
    }
    const invoices = (await h.call('GET', '/query', { query: { query: 'select * from Invoice' } })).body.QueryResponse.Invoice;
    for (const inv of invoices) for (const line of inv.Line) expect(idx.enums.get('LineDetailTypeEnum')).toContain(line.DetailType);
    const items = (await h.call('GET', '/query', { query: { query: 'select * from Item' } })).body.QueryResponse.Item;
    for (const item of items) expect(idx.enums.get('ItemTypeEnum')).toContain(item.Type);
  });
});
