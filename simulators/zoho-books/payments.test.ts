import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function sentInvoice(harness: Harness, customerId: string, rate: number): Promise<string> {
  const res = await harness.call('POST', '/invoices', { body: { customer_id: customerId, line_items: [{ name: 'Goods', rate }] }, query: { send: 'true' } });
  return res.body.invoice.invoice_id as string;
}

async function setup(): Promise<{ h: Harness; customerId: string }> {
  h = await startHarness();
  const customerId = (await h.call('POST', '/contacts', { body: { contact_name: 'Payer' } })).body.contact.contact_id as string;
  return { h, customerId };
}

function pay(harness: Harness, customerId: string, amount: number | string, invoices: { invoice_id: string; amount_applied: number | string }[]) {
  return harness.call('POST', '/customerpayments', { body: { customer_id: customerId, payment_mode: 'banktransfer', amount, date: '2026-03-01', invoices } });
}

describe('customer payments and credit notes', () => {
  it('a payment lowers the balance: partially_paid, then paid', async () => {
    const { h, customerId } = await setup();
    const inv = await sentInvoice(h, customerId, 100);
    const first = await pay(h, customerId, 40.1, [{ invoice_id: inv, amount_applied: 40.1 }]);
    expect(first.status).toBe(201);
    expect(first.body.message).toBe('The payment has been created.');
    expect(first.body.payment.invoices[0]).toMatchObject({ invoice_id: inv, amount_applied: 40.1, balance_amount: 59.9 });
    expect((await h.call('GET', `/invoices/${inv}`)).body.invoice).toMatchObject({ status: 'partially_paid', payment_made: 40.1, balance: 59.9 });
    await pay(h, customerId, '59.90', [{ invoice_id: inv, amount_applied: '59.90' }]);
    expect((await h.call('GET', `/invoices/${inv}`)).body.invoice).toMatchObject({ status: 'paid', payment_made: 100, balance: 0, last_payment_date: '2026-03-01' });
    expect((await h.call('GET', '/invoices', { query: { status: 'paid' } })).body.invoices).toHaveLength(1);
  });

  it('refuses applying more than the balance or more than the payment amount', async () => {
    const { h, customerId } = await setup();
    const inv = await sentInvoice(h, customerId, 10);
    const over = await pay(h, customerId, 20, [{ invoice_id: inv, amount_applied: 10.01 }]);
    expect(over.status).toBe(400);
    expect(over.body.code).not.toBe(0);
    const beyond = await pay(h, customerId, 5, [{ invoice_id: inv, amount_applied: 6 }]);
    expect(beyond.status).toBe(400);
    expect((await h.call('GET', `/invoices/${inv}`)).body.invoice.balance).toBe(10);
  });

  it('validates the payment fields', async () => {
    const { h, customerId } = await setup();
    const res = await h.call('POST', '/customerpayments', { body: { customer_id: customerId, payment_mode: 'barter', amount: 1, date: '2026-03-01' } });
    expect(res.body).toEqual({ code: 2, message: 'Invalid value passed for payment_mode' });
    const unknownInvoice = await pay(h, customerId, 1, [{ invoice_id: '982000000000999999', amount_applied: 1 }]);
    expect(unknownInvoice.body).toEqual({ code: 1002, message: 'Invoice does not exist.' });
  });

  it('keeps the unapplied part of a payment as unused customer credit', async () => {
    const { h, customerId } = await setup();
    const inv = await sentInvoice(h, customerId, 30);
    await pay(h, customerId, 50, [{ invoice_id: inv, amount_applied: 30 }]);
    const contact = (await h.call('GET', `/contacts/${customerId}`)).body.contact;
    expect(contact.unused_credits_receivable_amount).toBe(20);
    expect(contact.outstanding_receivable_amount).toBe(0);
  });

  it('voids a paid invoice by detaching its payments into customer credit (invoices.yml)', async () => {
    const { h, customerId } = await setup();
    const inv = await sentInvoice(h, customerId, 25);
    const payment = (await pay(h, customerId, 25, [{ invoice_id: inv, amount_applied: 25 }])).body.payment.payment_id as string;
    expect((await h.call('POST', `/invoices/${inv}/status/void`)).body.code).toBe(0);
    expect((await h.call('GET', `/invoices/${inv}`)).body.invoice).toMatchObject({ status: 'void', payment_made: 0, balance: 0 });
    expect((await h.call('GET', `/customerpayments/${payment}`)).body.payment.invoices).toEqual([]);
    expect((await h.call('GET', `/contacts/${customerId}`)).body.contact.unused_credits_receivable_amount).toBe(25);
  });

  it('refuses voiding a paid invoice when voidWithPayments is "refuse"', async () => {
    const { h, customerId } = await setup();
    h.sim.configure({ voidWithPayments: 'refuse' });
    const inv = await sentInvoice(h, customerId, 25);
    await pay(h, customerId, 25, [{ invoice_id: inv, amount_applied: 25 }]);
    const res = await h.call('POST', `/invoices/${inv}/status/void`);
    expect(res.status).toBe(400);
    expect(res.body.code).not.toBe(0);
    expect((await h.call('GET', `/invoices/${inv}`)).body.invoice.status).toBe('paid');
  });

  it('lists payments under "customerpayments" and filters by reference_number', async () => {
    const { h, customerId } = await setup();
    const inv = await sentInvoice(h, customerId, 10);
    await h.call('POST', '/customerpayments', {
      body: { customer_id: customerId, payment_mode: 'cash', amount: 10, date: '2026-03-02', reference_number: 'PAY-7', invoices: [{ invoice_id: inv, amount_applied: 10 }] },
    });
    const list = await h.call('GET', '/customerpayments', { query: { reference_number: 'PAY-7' } });
    expect(list.body.customerpayments).toHaveLength(1);
    expect(list.body).not.toHaveProperty('customer_payments');
  });

  it('applies a credit note to an invoice, lowering its balance', async () => {
    const { h, customerId } = await setup();
    const inv = await sentInvoice(h, customerId, 80);
    const note = await h.call('POST', '/creditnotes', { body: { customer_id: customerId, date: '2026-03-03', line_items: [{ name: 'Refund', rate: 30 }] } });
    expect(note.status).toBe(201);
    expect(note.body.creditnote).toMatchObject({ creditnote_number: 'CN-00001', status: 'open', total: 30, balance: 30 });
    const id = note.body.creditnote.creditnote_id as string;
    const applied = await h.call('POST', `/creditnotes/${id}/invoices`, { body: { invoices: [{ invoice_id: inv, amount_applied: 30 }] } });
    expect(applied.body).toEqual({ code: 0, message: 'Credits have been applied to the invoice(s).' });
    expect((await h.call('GET', `/invoices/${inv}`)).body.invoice).toMatchObject({ credits_applied: 30, balance: 50, status: 'partially_paid' });
    expect((await h.call('GET', `/creditnotes/${id}`)).body.creditnote).toMatchObject({ status: 'closed', balance: 0 });
    expect((await h.call('POST', `/creditnotes/${id}/invoices`, { body: { invoices: [{ invoice_id: inv, amount_applied: 1 }] } })).status).toBe(400);
  });
});
