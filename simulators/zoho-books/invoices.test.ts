import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

interface Books {
  h: Harness;
  customerId: string;
  tax: (name: string, percentage: number | string) => Promise<string>;
  currencyId: (code: string) => Promise<string>;
}

async function books(): Promise<Books> {
  h = await startHarness();
  const harness = h;
  const customer = await harness.call('POST', '/contacts', { body: { contact_name: 'Acme Ltd' } });
  return {
    h: harness,
    customerId: customer.body.contact.contact_id as string,
    tax: async (tax_name, tax_percentage) => (await harness.call('POST', '/settings/taxes', { body: { tax_name, tax_percentage } })).body.tax.tax_id as string,
    currencyId: async (code) =>
      ((await harness.call('GET', '/settings/currencies')).body.currencies as { currency_code: string; currency_id: string }[]).find((c) => c.currency_code === code)!
        .currency_id,
  };
}

describe('invoices', () => {
  it('creates a draft invoice with 201, "The invoice has been created." and an auto number', async () => {
    const { h, customerId } = await books();
    const res = await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'Widget', rate: 10, quantity: 2 }] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 0, message: 'The invoice has been created.' });
    expect(res.body.invoice).toMatchObject({ invoice_number: 'INV-000001', status: 'draft', customer_name: 'Acme Ltd', total: 20, balance: 20 });
    expect(res.body.invoice.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(res.body.invoice.line_items[0].line_item_id).toMatch(/^\d{18,19}$/);
  });

  it('accepts JSONString form bodies', async () => {
    const { h, customerId } = await books();
    const res = await h.call('POST', '/invoices', { jsonString: { customer_id: customerId, reference_number: 'SO-1', line_items: [{ name: 'A', rate: '2.50' }] } });
    expect(res.status).toBe(201);
    expect(res.body.invoice).toMatchObject({ reference_number: 'SO-1', total: 2.5 });
    const upd = await h.call('PUT', `/invoices/${res.body.invoice.invoice_id as string}`, { jsonString: { notes: 'thanks' } });
    expect(upd.body.invoice.notes).toBe('thanks');
  });

  it('refuses a body that is neither JSON nor a JSONString', async () => {
    const { h } = await books();
    const url = `${h.apiDomain}/books/v3/invoices?organization_id=${h.orgId}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${h.accessToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'JSONString=%7Bnot-json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 4, message: 'Invalid value passed for JSONString' });
  });

  it('computes invoice totals with inclusive tax exactly', async () => {
    const { h, customerId, tax } = await books();
    const vat = await tax('Sales Tax', '8.25');
    const high = await tax('High VAT', 20);
    const res = await h.call('POST', '/invoices', {
      body: {
        customer_id: customerId,
        is_inclusive_tax: true,
        line_items: [
          { name: 'Mug', rate: 10, quantity: 3, tax_id: vat },
          { name: 'Pot', rate: 19.99, quantity: 1, tax_id: vat },
          { name: 'Tea', rate: 5, quantity: 1, tax_id: high },
        ],
      },
    });
    const inv = res.body.invoice;
    // 8.25% of 49.99 inclusive = 49.99 × 8.25/108.25 = 3.8099 → 3.81; 20% of 5 inclusive = 0.8333 → 0.83.
    expect(inv.line_items.map((l: { item_total: number }) => l.item_total)).toEqual([30, 19.99, 5]);
    expect(inv.taxes).toEqual([
      { tax_name: 'Sales Tax', tax_amount: 3.81 },
      { tax_name: 'High VAT', tax_amount: 0.83 },
    ]);
    expect(inv).toMatchObject({ is_inclusive_tax: true, tax_total: 4.64, sub_total: 50.35, total: 54.99, balance: 54.99 });
  });

  it('computes exclusive tax with line discounts, shipping and adjustment exactly', async () => {
    const { h, customerId, tax } = await books();
    const gst = await tax('GST', 10);
    const res = await h.call('POST', '/invoices', {
      body: {
        customer_id: customerId,
        line_items: [
          { name: 'Dime', rate: 0.1, quantity: 3, tax_id: gst },
          { name: 'Book', rate: 19.99, quantity: 2, discount: '10%', tax_id: gst },
          { name: 'Pen', rate: 5, quantity: 1, discount: 1.5 },
        ],
        shipping_charge: '4.99',
        adjustment: -0.78,
        adjustment_description: 'Rounding',
      },
    });
    const inv = res.body.invoice;
    expect(inv.discount_type).toBe('item_level');
    expect(inv.line_items.map((l: { discount_amount: number }) => l.discount_amount)).toEqual([0, 4, 1.5]);
    expect(inv.line_items.map((l: { item_total: number }) => l.item_total)).toEqual([0.3, 35.98, 3.5]);
    // Tax 10% of (0.30 + 35.98) = 3.628 → 3.63; total = 39.78 + 3.63 + 4.99 − 0.78 (floats would give 47.620000000000005).
    expect(inv).toMatchObject({ sub_total: 39.78, tax_total: 3.63, shipping_charge: 4.99, adjustment: -0.78, adjustment_description: 'Rounding', total: 47.62 });
  });

  it('applies an entity-level discount before or after tax', async () => {
    const { h, customerId, tax } = await books();
    const gst = await tax('GST', 10);
    const lines = [
      { name: 'Taxed', rate: 100, tax_id: gst },
      { name: 'Untaxed', rate: 50 },
    ];
    const make = async (extra: Record<string, unknown>) =>
      (await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: lines, discount_type: 'entity_level', ...extra } })).body.invoice;
    expect(await make({ discount: '10%', is_discount_before_tax: true })).toMatchObject({ sub_total: 150, tax_total: 9, total: 144 });
    expect(await make({ discount: 7.5, is_discount_before_tax: true })).toMatchObject({ tax_total: 9.5, total: 152 });
    expect(await make({ discount: 7.5, is_discount_before_tax: false })).toMatchObject({ tax_total: 10, total: 152.5 });
  });

  it('invoices in a foreign currency with exchange_rate and bcy_rate, and rounds JPY to whole yen', async () => {
    const { h, customerId, tax, currencyId } = await books();
    const eur = await currencyId('EUR');
    const euro = (await h.call('POST', '/invoices', { body: { customer_id: customerId, currency_id: eur, exchange_rate: 1.1, line_items: [{ name: 'X', rate: 9.99 }] } })).body
      .invoice;
    expect(euro).toMatchObject({ currency_code: 'EUR', exchange_rate: 1.1, total: 9.99 });
    expect(euro.line_items[0].bcy_rate).toBe(10.99);
    const jpy = await currencyId('JPY');
    const vat = await tax('JP Tax', '8.25');
    const yen = (await h.call('POST', '/invoices', { body: { customer_id: customerId, currency_id: jpy, line_items: [{ name: 'Y', rate: 1234.5, tax_id: vat }] } })).body
      .invoice;
    // 1234.5 → 1235; tax 101.8875 → 102; the seeded JPY rate is 0.0067 USD.
    expect(yen).toMatchObject({ price_precision: 0, sub_total: 1235, tax_total: 102, total: 1337, exchange_rate: 0.0067 });
    expect(yen.line_items[0].bcy_rate).toBe(8.27);
  });

  it('refuses missing customer_id, unknown customer, item and currency, bad exchange_rate and empty lines', async () => {
    const { h, customerId, currencyId } = await books();
    const eur = await currencyId('EUR');
    const unknown = '982000000000999999';
    const post = async (body: Record<string, unknown>) => {
      const res = await h.call('POST', '/invoices', { body });
      expect(res.status).toBe(400);
      return res.body;
    };
    const line = [{ name: 'A', rate: 1 }];
    expect(await post({ line_items: line })).toEqual({ code: 2, message: 'Invalid value passed for customer_id' });
    expect(await post({ customer_id: unknown, line_items: line })).toEqual({ code: 1002, message: 'Contact does not exist.' });
    expect(await post({ customer_id: customerId, line_items: [{ item_id: unknown, quantity: 1 }] })).toEqual({ code: 1002, message: 'Item does not exist.' });
    expect(await post({ customer_id: customerId, currency_id: unknown, line_items: line })).toEqual({ code: 1002, message: 'Currency does not exist.' });
    expect(await post({ customer_id: customerId, currency_id: eur, exchange_rate: 0, line_items: line })).toEqual({
      code: 2,
      message: 'Invalid value passed for exchange_rate',
    });
    expect((await post({ customer_id: customerId, currency_id: eur, exchange_rate: 'abc', line_items: line })).code).toBe(2);
    expect(await post({ customer_id: customerId, line_items: [] })).toEqual({ code: 2, message: 'Invalid value passed for line_items' });
  });

  it('takes name, rate and tax from the item when a line names an item_id', async () => {
    const { h, customerId, tax } = await books();
    const gst = await tax('GST', 10);
    const item = (await h.call('POST', '/items', { body: { name: 'Lamp', rate: 40, tax_id: gst, description: 'desk lamp' } })).body.item;
    const inv = (await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ item_id: item.item_id, quantity: 2 }] } })).body.invoice;
    expect(inv.line_items[0]).toMatchObject({ item_id: item.item_id, name: 'Lamp', description: 'desk lamp', rate: 40, tax_name: 'GST', tax_percentage: 10 });
    expect(inv.total).toBe(88);
  });

  it('ignores invoice_number without ignore_auto_number_generation and honours it with the flag', async () => {
    const { h, customerId } = await books();
    const body = { customer_id: customerId, invoice_number: 'SHOP-1001', line_items: [{ name: 'A', rate: 1 }] };
    expect((await h.call('POST', '/invoices', { body })).body.invoice.invoice_number).toBe('INV-000001');
    const manual = await h.call('POST', '/invoices', { body, query: { ignore_auto_number_generation: 'true' } });
    expect(manual.body.invoice.invoice_number).toBe('SHOP-1001');
    const dup = await h.call('POST', '/invoices', { body, query: { ignore_auto_number_generation: 'true' } });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe(1001);
    const missing = await h.call('POST', '/invoices', { body: { ...body, invoice_number: undefined }, query: { ignore_auto_number_generation: 'true' } });
    expect(missing.body).toEqual({ code: 2, message: 'Invalid value passed for invoice_number' });
  });

  it('filters invoices by reference_number, customer_id and status', async () => {
    const { h, customerId } = await books();
    const other = (await h.call('POST', '/contacts', { body: { contact_name: 'Other' } })).body.contact.contact_id as string;
    const mk = (customer: string, reference_number: string, send = false) =>
      h.call('POST', '/invoices', { body: { customer_id: customer, reference_number, line_items: [{ name: 'A', rate: 1 }] }, query: { send: String(send) } });
    await mk(customerId, '#1001');
    await mk(customerId, '#1002', true);
    await mk(other, '#1003');
    const refs = async (query: Record<string, string>) =>
      ((await h.call('GET', '/invoices', { query })).body.invoices as { reference_number: string }[]).map((i) => i.reference_number).sort();
    expect(await refs({ reference_number: '#1002' })).toEqual(['#1002']);
    expect(await refs({ reference_number: '#100' })).toEqual([]);
    expect(await refs({ customer_id: customerId })).toEqual(['#1001', '#1002']);
    expect(await refs({ status: 'sent' })).toEqual(['#1002']);
    expect(await refs({ status: 'draft' })).toEqual(['#1001', '#1003']);
    expect((await h.call('GET', '/invoices', { query: { status: 'nonsense' } })).body).toEqual({ code: 2, message: 'Invalid value passed for status' });
  });

  it('lists invoices newest first with page_context, and counts with response_option=2', async () => {
    const { h, customerId } = await books();
    for (let i = 0; i < 3; i++) {
      await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'A', rate: 1 }] } });
      h.sim.clock.advance(1000);
    }
    const list = await h.call('GET', '/invoices');
    expect(list.body.invoices.map((i: { invoice_number: string }) => i.invoice_number)).toEqual(['INV-000003', 'INV-000002', 'INV-000001']);
    expect(list.body.page_context).toMatchObject({ page: 1, per_page: 200, has_more_page: false, sort_column: 'created_time', sort_order: 'D' });
    const count = await h.call('GET', '/invoices', { query: { response_option: '2' } });
    expect(count.body.page_context.total).toBe(3);
  });

  it('moves an invoice draft → sent → void → draft with the documented messages', async () => {
    const { h, customerId } = await books();
    const id = (await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'A', rate: 1 }] } })).body.invoice.invoice_id as string;
    const status = async () => (await h.call('GET', `/invoices/${id}`)).body.invoice.status as string;
    expect((await h.call('POST', `/invoices/${id}/status/draft`)).status).toBe(400);
    expect((await h.call('POST', `/invoices/${id}/status/sent`)).body).toEqual({ code: 0, message: 'Invoice status has been changed to Sent.' });
    expect(await status()).toBe('sent');
    expect((await h.call('POST', `/invoices/${id}/status/void`)).body).toEqual({ code: 0, message: 'Invoice status has been changed to Void.' });
    expect(await status()).toBe('void');
    expect((await h.call('GET', `/invoices/${id}`)).body.invoice.balance).toBe(0);
    expect((await h.call('POST', `/invoices/${id}/status/draft`)).body.code).toBe(0);
    expect(await status()).toBe('draft');
  });

  it('marks a sent invoice overdue once its due date has passed', async () => {
    const { h, customerId } = await books();
    const inv = (await h.call('POST', '/invoices', { body: { customer_id: customerId, payment_terms: 15, line_items: [{ name: 'A', rate: 1 }] }, query: { send: 'true' } })).body
      .invoice;
    expect(inv.status).toBe('sent');
    h.sim.clock.advance(16 * 86_400_000);
    h.accessToken = h.sim.issueTokens({ email: h.email, clientId: '1000.TESTCLIENTID0000000000000000', scopes: 'ZohoBooks.fullaccess.all', offline: false }).access_token;
    expect((await h.call('GET', `/invoices/${inv.invoice_id as string}`)).body.invoice.status).toBe('overdue');
    expect((await h.call('GET', '/invoices', { query: { status: 'overdue' } })).body.invoices).toHaveLength(1);
  });

  it('updates an invoice, keeping lines named by line_item_id and recomputing totals', async () => {
    const { h, customerId } = await books();
    const inv = (await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'A', rate: 1 }, { name: 'B', rate: 2 }] } })).body.invoice;
    const keep = inv.line_items[1].line_item_id as string;
    const res = await h.call('PUT', `/invoices/${inv.invoice_id as string}`, { body: { line_items: [{ line_item_id: keep, name: 'B', rate: 2, quantity: 5 }] } });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Invoice information has been updated.');
    expect(res.body.invoice.line_items).toEqual([expect.objectContaining({ line_item_id: keep, quantity: 5, item_total: 10 })]);
    expect(res.body.invoice).toMatchObject({ total: 10, invoice_number: inv.invoice_number });
  });

  it('deletes a draft invoice and refuses to delete one with a payment', async () => {
    const { h, customerId } = await books();
    const a = (await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'A', rate: 1 }] } })).body.invoice.invoice_id as string;
    expect((await h.call('DELETE', `/invoices/${a}`)).body).toEqual({ code: 0, message: 'The invoice has been deleted.' });
    expect((await h.call('GET', `/invoices/${a}`)).status).toBe(404);
    const b = (await h.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'A', rate: 5 }] }, query: { send: 'true' } })).body.invoice
      .invoice_id as string;
    await h.call('POST', '/customerpayments', {
      body: { customer_id: customerId, payment_mode: 'cash', amount: 5, date: '2026-01-10', invoices: [{ invoice_id: b, amount_applied: 5 }] },
    });
    const refused = await h.call('DELETE', `/invoices/${b}`);
    expect(refused.status).toBe(400);
    expect(refused.body.code).not.toBe(0);
  });

  it('upserts an invoice by a unique custom field with X-Unique-Identifier-Key/Value and X-Upsert', async () => {
    const { h, customerId } = await books();
    const headers = { 'X-Unique-Identifier-Key': 'cf_order_id', 'X-Unique-Identifier-Value': 'ORDER-77' };
    const body = { customer_id: customerId, custom_fields: [{ api_name: 'cf_order_id', value: 'ORDER-77' }], line_items: [{ name: 'A', rate: 3 }] };
    const missing = await h.call('PUT', '/invoices', { body, headers });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(1002);
    const created = await h.call('PUT', '/invoices', { body, headers: { ...headers, 'X-Upsert': 'true' } });
    expect(created.status).toBe(201);
    const updated = await h.call('PUT', '/invoices', { body: { line_items: [{ name: 'A', rate: 4 }] }, headers: { ...headers, 'X-Upsert': 'true' } });
    expect(updated.status).toBe(200);
    expect(updated.body.invoice).toMatchObject({ invoice_id: created.body.invoice.invoice_id, total: 4 });
    expect((await h.call('GET', '/invoices')).body.invoices).toHaveLength(1);
  });
});
