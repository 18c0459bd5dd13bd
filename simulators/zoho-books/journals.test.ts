import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function accounts(harness: Harness): Promise<Record<string, string>> {
  const res = await harness.call('GET', '/chartofaccounts');
  return Object.fromEntries((res.body.chartofaccounts as { account_name: string; account_id: string }[]).map((a) => [a.account_name, a.account_id]));
}

describe('journals, chart of accounts, currencies and taxes', () => {
  it('creates a balanced journal with 201 and "The journal entry has been created."', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    const res = await h.call('POST', '/journals', {
      body: {
        journal_date: '2026-03-31',
        reference_number: 'PAYOUT-1',
        line_items: [
          { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: 97.1 },
          { account_id: acc['Payment Gateway Fees'], debit_or_credit: 'debit', amount: 2.9 },
          { account_id: acc['Undeposited Funds'], debit_or_credit: 'credit', amount: 100 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('The journal entry has been created.');
    expect(res.body.journal).toMatchObject({ entry_number: '1', total: 100, status: 'draft', journal_date: '2026-03-31', currency_code: 'USD' });
    expect(res.body.journal.line_items[0]).toMatchObject({ account_name: 'Business Checking', debit_or_credit: 'debit', amount: 97.1 });
    expect((await h.call('GET', '/journals', { query: { reference_number: 'PAYOUT-1' } })).body.journals).toHaveLength(1);
  });

  it('refuses a journal whose debits and credits differ (400 code 4001), storing nothing', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    const res = await h.call('POST', '/journals', {
      body: {
        journal_date: '2026-03-31',
        line_items: [
          { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: 10 },
          { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 9.99 },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 4001, message: 'Please ensure that the Debits and Credits are equal.' });
    expect(h.sim.state(h.orgId).journals).toEqual([]);
  });

  it('balances after rounding each amount to the currency precision', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    const res = await h.call('POST', '/journals', {
      body: {
        journal_date: '2026-03-31',
        line_items: [
          { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: '10.004' },
          { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 10 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.journal.line_items[0].amount).toBe(10);
  });

  it('refuses a journal without journal_date, with fewer than two lines, or with a non-positive amount (code 2)', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    const lines = [
      { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: 5 },
      { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 5 },
    ];
    expect((await h.call('POST', '/journals', { body: { line_items: lines } })).body).toEqual({ code: 2, message: 'Invalid value passed for journal_date' });
    expect((await h.call('POST', '/journals', { body: { journal_date: '2026-03-31', line_items: [lines[0]] } })).body).toEqual({ code: 2, message: 'Invalid value passed for line_items' });
    const zero = lines.map((l) => ({ ...l, amount: 0 }));
    expect((await h.call('POST', '/journals', { body: { journal_date: '2026-03-31', line_items: zero } })).body).toEqual({ code: 2, message: 'Invalid value passed for amount' });
  });

  it('filters journals by reference_number: the whole value (any case), with _startswith and _contains variants', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    for (const reference_number of ['SHIP-1', 'SHIP-1-VOID', 'SHIP-10', 'PAYOUT-1']) {
      await h.call('POST', '/journals', {
        body: {
          journal_date: '2026-03-31',
          reference_number,
          line_items: [
            { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: 1 },
            { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 1 },
          ],
        },
      });
    }
    const refs = async (query: Record<string, string>) =>
      ((await h!.call('GET', '/journals', { query })).body.journals as { reference_number: string }[]).map((j) => j.reference_number).sort();
    expect(await refs({ reference_number: 'SHIP-1' })).toEqual(['SHIP-1']);
    expect(await refs({ reference_number: 'ship-1' })).toEqual(['SHIP-1']);
    expect(await refs({ reference_number_startswith: 'SHIP-1' })).toEqual(['SHIP-1', 'SHIP-1-VOID', 'SHIP-10']);
    expect(await refs({ reference_number_contains: 'void' })).toEqual(['SHIP-1-VOID']);
    expect(await refs({ reference_number: 'SHIP-2' })).toEqual([]);
  });

  it('filters journals by date and date range', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    for (const journal_date of ['2026-03-01', '2026-03-15', '2026-03-31']) {
      await h.call('POST', '/journals', {
        body: {
          journal_date,
          line_items: [
            { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: 1 },
            { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 1 },
          ],
        },
      });
    }
    const dates = async (query: Record<string, string>) =>
      ((await h!.call('GET', '/journals', { query })).body.journals as { journal_date: string }[]).map((j) => j.journal_date).sort();
    expect(await dates({ date: '2026-03-15' })).toEqual(['2026-03-15']);
    expect(await dates({ date_start: '2026-03-15', date_end: '2026-03-31' })).toEqual(['2026-03-15', '2026-03-31']);
    expect(await dates({ date_before: '2026-03-15' })).toEqual(['2026-03-01']);
  });

  it('books a foreign-currency journal in its currency_id, with base amounts at the exchange_rate', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    const eur = ((await h.call('GET', '/settings/currencies')).body.currencies as { currency_code: string; currency_id: string }[]).find((c) => c.currency_code === 'EUR')!;
    const res = await h.call('POST', '/journals', {
      body: {
        journal_date: '2026-03-31',
        currency_id: eur.currency_id,
        exchange_rate: 1.1,
        line_items: [
          { account_id: acc['Business Checking'], debit_or_credit: 'debit', amount: 10 },
          { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 10 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.journal).toMatchObject({ currency_code: 'EUR', exchange_rate: 1.1, total: 10, bcy_total: 11 });
    expect(res.body.journal.line_items[0].bcy_amount).toBe(11);
  });

  it('refuses unknown accounts and a bad debit_or_credit', async () => {
    h = await startHarness();
    const acc = await accounts(h);
    const base = { journal_date: '2026-03-31' };
    const unknown = await h.call('POST', '/journals', {
      body: { ...base, line_items: [{ account_id: '982000000000999999', debit_or_credit: 'debit', amount: 1 }, { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 1 }] },
    });
    expect(unknown.body).toEqual({ code: 1002, message: 'Account does not exist.' });
    const side = await h.call('POST', '/journals', {
      body: { ...base, line_items: [{ account_id: acc['Sales'], debit_or_credit: 'dr', amount: 1 }, { account_id: acc['Sales'], debit_or_credit: 'credit', amount: 1 }] },
    });
    expect(side.body).toEqual({ code: 2, message: 'Invalid value passed for debit_or_credit' });
  });

  it('seeds the base currency and foreign currencies with exchange rates', async () => {
    h = await startHarness({ currencyCode: 'GBP' });
    const res = await h.call('GET', '/settings/currencies');
    const byCode = Object.fromEntries((res.body.currencies as { currency_code: string }[]).map((c) => [c.currency_code, c]));
    expect(Object.keys(byCode).sort()).toEqual(['CAD', 'EUR', 'GBP', 'JPY', 'USD']);
    expect(byCode.GBP).toMatchObject({ is_base_currency: true, exchange_rate: 1, currency_name: 'GBP- Pound Sterling', price_precision: 2 });
    expect(byCode.JPY).toMatchObject({ is_base_currency: false, price_precision: 0 });
    const foreign = await h.call('GET', '/settings/currencies', { query: { filter_by: 'Currencies.ExcludeBaseCurrency' } });
    expect(foreign.body.currencies).toHaveLength(4);
  });

  it('creates and lists taxes with tax_percentage', async () => {
    h = await startHarness();
    const created = await h.call('POST', '/settings/taxes', { body: { tax_name: 'VAT', tax_percentage: 19 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ message: 'The tax has been added.', tax: { tax_name: 'VAT', tax_percentage: 19, tax_type: 'tax' } });
    expect((await h.call('GET', '/settings/taxes')).body.taxes).toHaveLength(1);
    expect((await h.call('POST', '/settings/taxes', { body: { tax_name: 'Bad', tax_percentage: 150 } })).body.code).toBe(2);
  });

  it('lists the chart of accounts filtered by account type', async () => {
    h = await startHarness();
    const income = await h.call('GET', '/chartofaccounts', { query: { filter_by: 'AccountType.Income' } });
    expect(income.body.chartofaccounts.every((a: { account_type: string }) => a.account_type === 'income')).toBe(true);
    expect(income.body.chartofaccounts.map((a: { account_name: string }) => a.account_name)).toContain('Sales');
  });
});
