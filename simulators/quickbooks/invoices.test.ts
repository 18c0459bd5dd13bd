/** Invoice lines, totals, tax, currency and numbering (api notes §3.3, §11). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

// Answers are parsed JSON; `any` keeps the assertions short.
function salesLines(inv: { Line: any[] }, type = 'SalesItemLineDetail'): any[] {
  return inv.Line.filter((l) => l.DetailType === type);
}

describe('invoice totals', () => {
  it('invoice TotalAmt is exact', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const r = await h.create('invoice', {
      CustomerRef: { value: customerId },
      Line: [itemLine(itemId, 0.1), itemLine(itemId, 0.2), itemLine(itemId, 59.97, {}, { Qty: 3, UnitPrice: 19.99 }), itemLine(itemId, '1234567890123.45')],
    });
    expect(r.status).toBe(200);
    expect(r.text).toContain('"TotalAmt":1234567890183.72');
    expect(r.text).toContain('"Amount":1234567890183.72,"DetailType":"SubTotalLineDetail"');
    expect(r.text).toContain('"Amount":0.1,');
    expect(r.body.Invoice.Balance).toBe(r.body.Invoice.TotalAmt);
  });

  it('Amount must equal Qty × UnitPrice (6070)', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const r = await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 60, {}, { Qty: 3, UnitPrice: 19.99 })] });
    expect(faultOf(r)).toMatchObject({ code: '6070', Detail: 'Business Validation Error: Amount is not equal to UnitPrice * Qty. Supplied value:60' });
    const rounded = await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 10, {}, { Qty: 3, UnitPrice: 3.333 })] });
    expect(rounded.body.Invoice.TotalAmt).toBe(10);
  });

  it('a missing Line answers 2020 "Required parameter Line is missing in the request"', async () => {
    h = await startHarness();
    const { customerId } = await customerAndItem(h);
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customerId } }))).toMatchObject({ code: '2020', Detail: 'Required parameter Line is missing in the request' });
    expect(faultOf(await h.create('invoice', { Line: [] })).code).toBe('2020');
  });

  it('a percent discount, a subtotal line and a SHIPPING_ITEM_ID shipping line', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const r = await h.create('invoice', {
      CustomerRef: { value: customerId },
      Line: [
        itemLine(itemId, 40, {}, { Qty: 2, UnitPrice: 20 }),
        itemLine(itemId, 15.5),
        { DetailType: 'DiscountLineDetail', Amount: 0, DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } },
        itemLine('SHIPPING_ITEM_ID', 7.25),
      ],
    });
    const inv = r.body.Invoice;
    expect(inv.TotalAmt).toBe(57.2); // 55.50 − 5.55 + 7.25
    expect(salesLines(inv, 'SubTotalLineDetail')[0]).toMatchObject({ Amount: 55.5 });
    expect(salesLines(inv, 'DiscountLineDetail')[0]).toMatchObject({ Amount: 5.55, DiscountLineDetail: { PercentBased: true, DiscountPercent: 10, DiscountAccountRef: { value: '5' } } });
    expect(salesLines(inv)[2].SalesItemLineDetail.ItemRef.value).toBe('SHIPPING_ITEM_ID');
    expect(salesLines(inv).map((l: any) => l.Id)).toEqual(['1', '2', '4']);
  });

  it('shipping lines are refused when the company does not allow shipping', async () => {
    h = await startHarness({ company: { allowShipping: false } });
    const { customerId } = await customerAndItem(h);
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine('SHIPPING_ITEM_ID', 5)] })).code).toBe('610');
  });

  it('stores DocNumber, PrivateNote, ShipDate, TrackingNum and ShipMethodRef; DueDate follows the terms', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (
      await h.create('invoice', {
        CustomerRef: { value: customerId },
        DocNumber: 'SO-1001',
        PrivateNote: 'shopify:1001',
        TxnDate: '2025-03-01',
        ShipDate: '2025-03-02',
        TrackingNum: '1Z999',
        ShipMethodRef: { value: 'UPS', name: 'UPS' },
        CustomerMemo: { value: 'Thanks!' },
        Line: [itemLine(itemId, 10)],
      })
    ).body.Invoice;
    expect(inv).toMatchObject({ DocNumber: 'SO-1001', PrivateNote: 'shopify:1001', ShipDate: '2025-03-02', TrackingNum: '1Z999', ShipMethodRef: { value: 'UPS' }, DueDate: '2025-03-31', SalesTermRef: { value: '3', name: 'Net 30' }, EmailStatus: 'NotSet' });
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customerId }, ShipDate: '2025-02-30', Line: [itemLine(itemId, 10)] })).code).toBe('2010');
  });

  it('a duplicate DocNumber answers 6210 unless include=allowduplicatedocnum', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const body = { CustomerRef: { value: customerId }, DocNumber: '1001', Line: [itemLine(itemId, 10)] };
    await h.create('invoice', body);
    expect(faultOf(await h.create('invoice', body))).toMatchObject({ code: '6210', Message: 'Duplicate Document Number Error' });
    expect((await h.create('invoice', body, { query: { include: 'allowduplicatedocnum' } })).status).toBe(200);
    expect(faultOf(await h.create('invoice', { ...body, DocNumber: 'X'.repeat(22) })).code).toBe('6000');
  });

  it('with custom transaction numbers off QBO numbers the invoice itself', async () => {
    h = await startHarness({ company: { customTxnNumbers: false } });
    const { customerId, itemId } = await customerAndItem(h);
    const a = (await h.create('invoice', { CustomerRef: { value: customerId }, DocNumber: 'MINE', Line: [itemLine(itemId, 1)] })).body.Invoice;
    const b = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 1)] })).body.Invoice;
    expect([a.DocNumber, b.DocNumber]).toEqual(['1001', '1002']);
  });

  it('a reference to an inactive customer or a missing item answers 610', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine('777', 1)] })).code).toBe('610');
    const c = (await h.call('GET', `/customer/${customerId}`)).body.Customer;
    await h.create('customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Active: false });
    const r = await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 1)] });
    expect(faultOf(r)).toMatchObject({ code: '610', Detail: expect.stringContaining('has been made inactive') });
  });

  it('voiding keeps the invoice with zero amounts and a Voided note', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 10)] })).body.Invoice;
    const v = (await h.create('invoice', { Id: inv.Id, SyncToken: inv.SyncToken }, { query: { operation: 'void' } })).body.Invoice;
    expect(v).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided', SyncToken: '1' });
    expect((await h.call('GET', `/invoice/${inv.Id}`)).status).toBe(200);
  });

  it('sending needs application/octet-stream and sets EmailStatus', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customerId }, BillEmail: { Address: 'buyer@example.com' }, Line: [itemLine(itemId, 10)] })).body.Invoice;
    expect(faultOf(await h.call('POST', `/invoice/${inv.Id}/send`, { body: '{}' })).code).toBe('2020');
    const sent = await h.call('POST', `/invoice/${inv.Id}/send`, { body: '', contentType: 'application/octet-stream', headers: { 'content-type': 'application/octet-stream' } });
    expect(sent.body.Invoice.EmailStatus).toBe('EmailSent');
  });
});

describe('sales tax', () => {
  it('US: TAX lines are taxed at the rate of TxnTaxCodeRef', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (
      await h.create('invoice', {
        CustomerRef: { value: customerId },
        TxnTaxDetail: { TxnTaxCodeRef: { value: '2' } },
        Line: [itemLine(itemId, 100, {}, { TaxCodeRef: { value: 'TAX' } }), itemLine(itemId, 50, {}, { TaxCodeRef: { value: 'NON' } }), itemLine('SHIPPING_ITEM_ID', 10)],
      })
    ).body.Invoice;
    expect(inv.TxnTaxDetail).toMatchObject({ TxnTaxCodeRef: { value: '2' }, TotalTax: 8, TaxLine: [{ Amount: 8, DetailType: 'TaxLineDetail', TaxLineDetail: { TaxRateRef: { value: '1' }, PercentBased: true, TaxPercent: 8, NetAmountTaxable: 100 } }] });
    expect(inv.TotalAmt).toBe(168);
  });

  it('US: a supplied TotalTax is posted as given', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    const inv = (
      await h.create('invoice', {
        CustomerRef: { value: customerId },
        TxnTaxDetail: { TxnTaxCodeRef: { value: '2' }, TotalTax: 8.27 },
        Line: [itemLine(itemId, 100, {}, { TaxCodeRef: { value: 'TAX' } })],
      })
    ).body.Invoice;
    expect(inv.TxnTaxDetail.TotalTax).toBe(8.27);
    expect(inv.TotalAmt).toBe(108.27);
    h.sim.configure({ usSuppliedTotalTax: 'recompute' });
    const again = (await h.create('invoice', { CustomerRef: { value: customerId }, TxnTaxDetail: { TxnTaxCodeRef: { value: '2' }, TotalTax: 8.27 }, Line: [itemLine(itemId, 100, {}, { TaxCodeRef: { value: 'TAX' } })] })).body.Invoice;
    expect(again.TotalAmt).toBe(108);
  });

  it('non-US: every line needs a tax code (6000 with the GST/HST message)', async () => {
    h = await startHarness({ company: { country: 'CA' } });
    const { customerId, itemId } = await customerAndItem(h);
    const r = await h.create('invoice', { CustomerRef: { value: customerId }, Line: [itemLine(itemId, 100)] });
    expect(faultOf(r)).toMatchObject({ code: '6000', Message: 'A business validation error has occurred while processing your request', Detail: 'Business Validation Error: Make sure all your transactions have a GST/HST rate before you save.' });
  });

  it('non-US: tax by each line code, excluded or included', async () => {
    h = await startHarness({ company: { country: 'CA' } });
    const { customerId, itemId } = await customerAndItem(h);
    const lines = [itemLine(itemId, 100, {}, { TaxCodeRef: { value: '5' } }), itemLine(itemId, 20, {}, { TaxCodeRef: { value: '4' } })];
    const excl = (await h.create('invoice', { CustomerRef: { value: customerId }, GlobalTaxCalculation: 'TaxExcluded', Line: lines })).body.Invoice;
    expect(excl.TxnTaxDetail.TotalTax).toBe(14); // 13 + 1
    expect(excl.TotalAmt).toBe(134);
    expect(excl.CurrencyRef.value).toBe('CAD');
    const incl = (await h.create('invoice', { CustomerRef: { value: customerId }, GlobalTaxCalculation: 'TaxInclusive', Line: [itemLine(itemId, 113, {}, { TaxCodeRef: { value: '5' } })] })).body.Invoice;
    expect(incl.TxnTaxDetail.TotalTax).toBe(13);
    expect(incl.TxnTaxDetail.TaxLine[0].TaxLineDetail.NetAmountTaxable).toBe(100);
    expect(incl.TotalAmt).toBe(113);
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customerId }, GlobalTaxCalculation: 'Sometimes', Line: lines })).code).toBe('2010');
  });
});

describe('multicurrency', () => {
  it('a foreign currency is refused while multicurrency is off', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customerId }, CurrencyRef: { value: 'EUR' }, Line: [itemLine(itemId, 1)] })).code).toBe('6000');
  });

  it('with multicurrency on, CurrencyRef and ExchangeRate give HomeTotalAmt and HomeBalance', async () => {
    h = await startHarness({ company: { multiCurrency: true } });
    const customer = (await h.create('customer', { DisplayName: 'Euro Shop', CurrencyRef: { value: 'EUR' } })).body.Customer;
    const { itemId } = await customerAndItem(h);
    const inv = (await h.create('invoice', { CustomerRef: { value: customer.Id }, CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.0825, Line: [itemLine(itemId, 100)] })).body.Invoice;
    expect(inv).toMatchObject({ CurrencyRef: { value: 'EUR', name: 'Euro' }, ExchangeRate: 1.0825, TotalAmt: 100, HomeTotalAmt: 108.25, HomeBalance: 108.25 });
    expect(faultOf(await h.create('invoice', { CustomerRef: { value: customer.Id }, CurrencyRef: { value: 'GBP' }, Line: [itemLine(itemId, 1)] })).code).toBe('6000');
    const home = (await customerAndItem(h)).customerId;
    expect((await h.create('invoice', { CustomerRef: { value: home }, Line: [itemLine(itemId, 1)] })).body.Invoice.ExchangeRate).toBe(1);
  });
});
