/** Payments, credit memos and balances (api notes §3.4). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function invoice(hh: Harness, customerId: string, itemId: string, amount: number) {
  return (await hh.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, amount)] })).body.Invoice;
}

function pay(customerId: string, total: number, links: [string, number, string?][]) {
  return {
    CustomerRef: { value: customerId },
    TotalAmt: total,
    Line: links.map(([id, amount, type]) => ({ Amount: amount, LinkedTxn: [{ TxnId: id, TxnType: type ?? 'Invoice' }] })),
  };
}

describe('payments', () => {
  it('a payment applied to an invoice lowers its Balance', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = await invoice(h, customerId, itemId, 100);
    const p = (await h.create('payment', pay(customerId, 60, [[inv.Id, 40]]))).body.Payment;
    expect(p).toMatchObject({ TotalAmt: 60, UnappliedAmt: 20, DepositToAccountRef: { value: '8', name: 'Undeposited Funds' } });
    const after = (await h.call('GET', `/invoice/${inv.Id}`)).body.Invoice;
    expect(after).toMatchObject({ Balance: 60, LinkedTxn: [{ TxnId: p.Id, TxnType: 'Payment' }] });
    expect((await h.call('GET', `/customer/${customerId}`)).body.Customer.Balance).toBe(40); // 60 open − 20 unapplied
  });

  it('applying more than an invoice balance is refused (6000) and changes nothing', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = await invoice(h, customerId, itemId, 100);
    expect(faultOf(await h.create('payment', pay(customerId, 150, [[inv.Id, 150]]))).code).toBe('6000');
    expect(faultOf(await h.create('payment', pay(customerId, 10, [[inv.Id, 20]]))).code).toBe('6000');
    expect((await h.call('GET', `/invoice/${inv.Id}`)).body.Invoice.Balance).toBe(100);
  });

  it('CustomerRef and TotalAmt are required', async () => {
    h = await startHarness();
    const { customerId } = await customerAndItem(h);
    expect(faultOf(await h.create('payment', { TotalAmt: 5 }))).toMatchObject({ code: '2020', Detail: 'Required parameter CustomerRef is missing in the request' });
    expect(faultOf(await h.create('payment', { CustomerRef: { value: customerId } })).code).toBe('2020');
  });

  it('deleting or voiding a payment restores the invoice balance', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = await invoice(h, customerId, itemId, 100);
    const p1 = (await h.create('payment', pay(customerId, 30, [[inv.Id, 30]]))).body.Payment;
    const p2 = (await h.create('payment', pay(customerId, 70, [[inv.Id, 70]]))).body.Payment;
    expect((await h.call('GET', `/invoice/${inv.Id}`)).body.Invoice.Balance).toBe(0);
    await h.create('payment', { Id: p1.Id, SyncToken: p1.SyncToken }, { query: { operation: 'delete' } });
    const voided = await h.create('payment', { Id: p2.Id, SyncToken: p2.SyncToken, sparse: true }, { query: { operation: 'update', include: 'void' } });
    expect(voided.body.Payment).toMatchObject({ TotalAmt: 0, PrivateNote: 'Voided' });
    expect((await h.call('GET', `/invoice/${inv.Id}`)).body.Invoice.Balance).toBe(100);
  });

  it('a credit memo credit applies through a payment', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = await invoice(h, customerId, itemId, 100);
    const cm = (await h.create('creditmemo', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 25)] })).body.CreditMemo;
    expect(cm).toMatchObject({ TotalAmt: 25, RemainingCredit: 25 });
    const p = await h.create('payment', pay(customerId, 0, [[inv.Id, 25], [cm.Id, 25, 'CreditMemo']]));
    expect(p.body.Payment.UnappliedAmt).toBe(0);
    expect((await h.call('GET', `/invoice/${inv.Id}`)).body.Invoice.Balance).toBe(75);
    expect((await h.call('GET', `/creditmemo/${cm.Id}`)).body.CreditMemo.RemainingCredit).toBe(0);
  });

  it('an invoice cannot be lowered below what is paid on it', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = await invoice(h, customerId, itemId, 100);
    await h.create('payment', pay(customerId, 80, [[inv.Id, 80]]));
    const r = await h.create('invoice', { Id: inv.Id, SyncToken: inv.SyncToken, sparse: true, Line: [itemLine(itemId, 50)] });
    expect(faultOf(r).code).toBe('6000');
  });

  it('deleting a paid invoice unlinks its payments, which become unapplied', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = await invoice(h, customerId, itemId, 100);
    const p = (await h.create('payment', pay(customerId, 100, [[inv.Id, 100]]))).body.Payment;
    await h.create('invoice', { Id: inv.Id, SyncToken: inv.SyncToken }, { query: { operation: 'delete' } });
    expect((await h.call('GET', `/payment/${p.Id}`)).body.Payment).toMatchObject({ UnappliedAmt: 100, Line: [] });
  });
});

describe('journal entries', () => {
  const line = (posting: 'Debit' | 'Credit', account: string, amount: number, entity?: unknown) => ({
    DetailType: 'JournalEntryLineDetail',
    Amount: amount,
    JournalEntryLineDetail: { PostingType: posting, AccountRef: { value: account }, ...(entity ? { Entity: entity } : {}) },
  });

  it('debits must equal credits', async () => {
    h = await startHarness();
    const ok = await h.create('journalentry', { DocNumber: 'SHIP-1', Line: [line('Debit', '11', 12.34), line('Credit', '9', 12.34)] });
    expect(ok.body.JournalEntry).toMatchObject({ TotalAmt: 12.34, Adjustment: false });
    expect(ok.body.JournalEntry.Line[0].JournalEntryLineDetail.AccountRef).toEqual({ value: '11', name: 'Shipping, Freight & Delivery' });
    expect(faultOf(await h.create('journalentry', { Line: [line('Debit', '11', 12.34), line('Credit', '9', 12.33)] })).code).toBe('6000');
  });

  it('a line on Accounts Receivable needs a customer', async () => {
    h = await startHarness();
    const { customerId } = await customerAndItem(h);
    const r = await h.create('journalentry', { Line: [line('Debit', '1', 5), line('Credit', '2', 5)] });
    expect(faultOf(r).Detail).toBe('Business Validation Error: When you use Accounts Receivable, you must choose a customer in the Name field.');
    const ok = await h.create('journalentry', { Line: [line('Debit', '1', 5, { Type: 'Customer', EntityRef: { value: customerId } }), line('Credit', '2', 5)] });
    expect(ok.status).toBe(200);
  });
});
