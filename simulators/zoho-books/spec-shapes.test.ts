/**
 * The simulator may only emit fields Zoho's OpenAPI files declare for the same response: otherwise our client
 * could come to depend on a field real Zoho never sends. The spec files are required; a missing file fails.
 * A record read back (GET) is checked against the union of its create/get/update schemas, because the OAS
 * declares slightly different field lists per operation for the same record.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, schemaShape, undeclaredKeys, unionShapes, type Shape } from '../_kit/spec-check/openapi-shape.ts';
import { parseYamlLite } from '../_kit/spec-check/yaml-lite.ts';
import { startHarness, type Harness } from './test-support.ts';

const SPEC_DIR = process.env.ZOHO_SPEC_DIR ?? fileURLToPath(new URL('../../../shared/specs/zoho-books/', import.meta.url));

function spec(file: string) {
  const path = `${SPEC_DIR.replace(/\/?$/, '/')}${file}`;
  if (!existsSync(path)) throw new Error(`Zoho OpenAPI file missing: ${path} (see shared/specs/SOURCES.md)`);
  return loadSpec(path);
}

let h: Harness;
let customerId: string;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.sim.close();
});

function expectDeclared(value: unknown, shape: Shape): void {
  expect(undeclaredKeys(value, shape)).toEqual([]);
}

/**
 * Some list schemas (credit notes, currencies, journals, chart of accounts) omit `page_context`, which every paged list
 * carries (api notes §2.5); those lists are checked without it.
 */
function withoutPageContext(body: Record<string, unknown>): Record<string, unknown> {
  const { page_context: _omitted, ...rest } = body;
  return rest;
}

describe('responses carry only fields the Zoho OpenAPI files declare', () => {
  it('reads the YAML subset the spec files use', () => {
    expect(parseYamlLite("a:\n  - b: 'x''y'\n    c: [1, \"two\"]\n  -\n    d: {}\n")).toEqual({ a: [{ b: "x'y", c: [1, 'two'] }, { d: {} }] });
    const invoices = spec('invoices.yml') as { paths: Record<string, unknown> };
    expect(Object.keys(invoices.paths)).toHaveLength(35);
  });

  it('contact responses', async () => {
    const doc = spec('contacts.yml');
    const create = await h.call('POST', '/contacts', {
      body: {
        contact_name: 'Spec Co',
        company_name: 'Spec Co Ltd',
        billing_address: { attention: 'AP', address: '1 Main St', city: 'Springfield', zip: '12345', country: 'US', phone: '555' },
        shipping_address: { address: '2 Side St' },
        contact_persons: [{ salutation: 'Ms', first_name: 'Sam', last_name: 'Spec', email: 'sam@spec.test', phone: '1', mobile: '2' }],
        custom_fields: [{ index: 1, value: 'x', label: 'Shop' }],
        notes: 'n',
        website: 'https://spec.test',
      },
    });
    customerId = create.body.contact.contact_id as string;
    expectDeclared(create.body, schemaShape(doc, 'create-a-contact-response'));
    const record = unionShapes(schemaShape(doc, 'get-contact-response'), schemaShape(doc, 'create-a-contact-response'), schemaShape(doc, 'update-a-contact-response'));
    expectDeclared((await h.call('GET', `/contacts/${customerId}`)).body, record);
    expectDeclared((await h.call('PUT', `/contacts/${customerId}`, { body: { notes: 'm' } })).body, record);
    expectDeclared((await h.call('GET', '/contacts')).body, schemaShape(doc, 'list-contacts-response'));
  });

  it('item responses', async () => {
    const doc = spec('items.yml');
    const tax = (await h.call('POST', '/settings/taxes', { body: { tax_name: 'Spec Tax', tax_percentage: 5 } })).body.tax.tax_id as string;
    const create = await h.call('POST', '/items', { body: { name: 'Spec Item', rate: 9.5, sku: 'SPEC-1', unit: 'pcs', description: 'd', tax_id: tax, custom_fields: [{ customfield_id: '1', value: 'v' }] } });
    expectDeclared(create.body, schemaShape(doc, 'create-an-item-response'));
    const record = unionShapes(schemaShape(doc, 'get-an-item-response'), schemaShape(doc, 'create-an-item-response'), schemaShape(doc, 'update-an-item-response'));
    const id = create.body.item.item_id as string;
    expectDeclared((await h.call('GET', `/items/${id}`)).body, record);
    expectDeclared((await h.call('GET', '/items')).body, schemaShape(doc, 'list-items-response'));
  });

  it('invoice responses', async () => {
    const doc = spec('invoices.yml');
    const tax = (await h.call('POST', '/settings/taxes', { body: { tax_name: 'Inv Tax', tax_percentage: 7 } })).body.tax.tax_id as string;
    const create = await h.call('POST', '/invoices', {
      body: {
        customer_id: customerId,
        reference_number: 'R-1',
        line_items: [
          { name: 'A', rate: 10, quantity: 2, discount: '5%', tax_id: tax, unit: 'pcs', description: 'x' },
          { name: 'B', rate: 3, header_name: 'Extras' },
        ],
        shipping_charge: 2,
        adjustment: 0.5,
        notes: 'n',
        terms: 't',
        custom_fields: [{ customfield_id: '1', value: 'v' }],
        billing_address: { address: '1 Main St', city: 'X' },
      },
    });
    expect(create.status).toBe(201);
    expectDeclared(create.body, schemaShape(doc, 'create-an-invoice-response'));
    const record = unionShapes(schemaShape(doc, 'get-an-invoice-response'), schemaShape(doc, 'create-an-invoice-response'), schemaShape(doc, 'update-an-invoice-response'));
    const id = create.body.invoice.invoice_id as string;
    expectDeclared((await h.call('GET', `/invoices/${id}`)).body, record);
    expectDeclared((await h.call('PUT', `/invoices/${id}`, { body: { notes: 'm' } })).body, record);
    expectDeclared((await h.call('GET', '/invoices')).body, schemaShape(doc, 'list-invoices-response'));
  });

  it('invoice comment responses (list, add, update, delete)', async () => {
    const doc = spec('invoices.yml');
    const invoice = await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'C', rate: 1 }] } });
    const path = `/invoices/${invoice.body.invoice.invoice_id as string}/comments`;
    const added = await h.call('POST', path, { body: { description: 'Shipped [shipment ss:1]', show_comment_to_clients: false } });
    expectDeclared(added.body, schemaShape(doc, 'add-comment-response'));
    const listed = await h.call('GET', path);
    expect(listed.body.comments.length).toBeGreaterThan(1); // the comment and the creation history entry
    expectDeclared(listed.body, schemaShape(doc, 'list-invoice-comments-and-history-response'));
    const commentId = (listed.body.comments as { comment_type: string; comment_id: string }[]).find((c) => c.comment_type !== 'system')!.comment_id;
    expectDeclared((await h.call('PUT', `${path}/${commentId}`, { body: { description: 'Edited' } })).body, schemaShape(doc, 'update-comment-response'));
    expectDeclared((await h.call('DELETE', `${path}/${commentId}`)).body, schemaShape(doc, 'delete-a-comment-response'));
  });

  it('payment, credit note, journal, tax, currency, chart-of-accounts and organization responses', async () => {
    const invoice = await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'P', rate: 50 }] }, query: { send: 'true' } });
    const invoiceId = invoice.body.invoice.invoice_id as string;
    const payments = spec('customer-payments.yml');
    const payment = await h.call('POST', '/customerpayments', {
      body: { customer_id: customerId, payment_mode: 'cash', amount: 20, date: '2026-01-05', invoices: [{ invoice_id: invoiceId, amount_applied: 20 }] },
    });
    expectDeclared(payment.body, schemaShape(payments, 'create-a-payment-response'));
    expectDeclared((await h.call('GET', `/customerpayments/${payment.body.payment.payment_id as string}`)).body, schemaShape(payments, 'retrieve-a-payment-response'));

    const notes = spec('credit-notes.yml');
    const note = await h.call('POST', '/creditnotes', { body: { customer_id: customerId, date: '2026-01-06', line_items: [{ name: 'R', rate: 5 }] } });
    expectDeclared(note.body, schemaShape(notes, 'create-a-credit-note-response'));
    expectDeclared(withoutPageContext((await h.call('GET', '/creditnotes')).body), schemaShape(notes, 'list-all-credit-notes-response'));

    const journals = spec('journals.yml');
    const coa = spec('chart-of-accounts.yml');
    const accounts = await h.call('GET', '/chartofaccounts');
    expectDeclared(withoutPageContext(accounts.body), schemaShape(coa, 'list-chart-of-accounts-response'));
    const [first, second] = accounts.body.chartofaccounts as { account_id: string }[];
    const journal = await h.call('POST', '/journals', {
      body: {
        journal_date: '2026-01-07',
        line_items: [
          { account_id: first!.account_id, debit_or_credit: 'debit', amount: 1, customer_id: customerId },
          { account_id: second!.account_id, debit_or_credit: 'credit', amount: 1 },
        ],
      },
    });
    expectDeclared(journal.body, schemaShape(journals, 'create-a-journal-response'));
    expectDeclared(withoutPageContext((await h.call('GET', '/journals')).body), schemaShape(journals, 'get-journal-list-response'));
    expectDeclared((await h.call('GET', `/journals/${journal.body.journal.journal_id as string}`)).body, schemaShape(journals, 'get-journal-response'));

    const taxes = spec('taxes.yml');
    expectDeclared((await h.call('GET', '/settings/taxes')).body, schemaShape(taxes, 'list-taxes-response'));
    const currency = spec('currency.yml');
    const currencies = await h.call('GET', '/settings/currencies');
    expectDeclared(withoutPageContext(currencies.body), schemaShape(currency, 'list-currencies-response'));
    const currencyId = (currencies.body.currencies as { currency_id: string }[])[0]!.currency_id;
    expectDeclared((await h.call('GET', `/settings/currencies/${currencyId}`)).body, schemaShape(currency, 'get-a-currency-response'));

    const orgs = spec('organizations.yml');
    expectDeclared((await h.call('GET', '/organizations', { org: null })).body, schemaShape(orgs, 'list-organizations-response'));
    expectDeclared((await h.call('GET', `/organizations/${h.orgId}`, { org: null })).body, schemaShape(orgs, 'get-an-organization-response'));
  });
});
