/** The query language (api notes §4). */
import { afterEach, describe, expect, it } from 'vitest';
import { customerAndItem, faultOf, itemLine, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const q = (hh: Harness, query: string) => hh.call('GET', '/query', { query: { query } });

async function customers(hh: Harness, n: number) {
  for (let i = 1; i <= n; i++) await hh.create('customer', { DisplayName: `Cust ${String(i).padStart(3, '0')}`, PrimaryEmailAddr: { Address: `c${i}@shop.test` } });
}

describe('query', () => {
  it('query with STARTPOSITION and MAXRESULTS pages', async () => {
    h = await startHarness();
    await customers(h, 7);
    const page1 = await q(h, "select * from Customer where DisplayName like 'Cust%' orderby DisplayName STARTPOSITION 1 MAXRESULTS 3");
    expect(page1.body.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 3 });
    expect(page1.body.QueryResponse.Customer.map((c: any) => c.DisplayName)).toEqual(['Cust 001', 'Cust 002', 'Cust 003']);
    const page3 = await q(h, "SELECT * FROM Customer ORDERBY DisplayName STARTPOSITION 7 MAXRESULTS 3");
    expect(page3.body.QueryResponse).toMatchObject({ startPosition: 7, maxResults: 1 });
    expect(page3.body.QueryResponse.Customer[0].DisplayName).toBe('Cust 007');
  });

  it('a query with no rows answers an empty QueryResponse', async () => {
    h = await startHarness();
    const r = await q(h, "select * from Invoice where DocNumber = '1001'");
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['QueryResponse', 'time']);
    expect(r.body.QueryResponse).toEqual({});
  });

  it('count(*) answers totalCount', async () => {
    h = await startHarness();
    await customers(h, 4);
    expect((await q(h, 'select count(*) from Customer')).body.QueryResponse).toEqual({ totalCount: 4 });
  });

  it('filters with = < > <= >= IN and LIKE, and by reference and e-mail value', async () => {
    h = await startHarness();
    const { customerId, itemId } = await customerAndItem(h);
    for (const [doc, amount, date] of [['A-1', 10, '2025-01-10'], ['A-2', 20, '2025-02-10'], ['B-3', 30, '2025-03-10']] as const) {
      await h.create('invoice', { CustomerRef: { value: customerId }, DocNumber: doc, TxnDate: date, Line: [itemLine(itemId, amount)] });
    }
    const docs = async (where: string) => ((await q(h!, `select * from Invoice where ${where}`)).body.QueryResponse.Invoice ?? []).map((i: any) => i.DocNumber);
    expect(await docs("DocNumber = 'A-2'")).toEqual(['A-2']);
    expect(await docs('TotalAmt > 10')).toEqual(['A-2', 'B-3']);
    expect(await docs('TotalAmt >= 10 AND TotalAmt < 30')).toEqual(['A-1', 'A-2']);
    expect(await docs("TxnDate <= '2025-02-10'")).toEqual(['A-1', 'A-2']);
    expect(await docs("DocNumber IN ('A-1', 'B-3', 'Z-9')")).toEqual(['A-1', 'B-3']);
    expect(await docs("DocNumber LIKE 'A%'")).toEqual(['A-1', 'A-2']);
    expect(await docs(`CustomerRef = '${customerId}'`)).toHaveLength(3);
    await h.create('customer', { DisplayName: "O'Brien", PrimaryEmailAddr: { Address: 'ob@shop.test' } });
    const byEmail = await q(h, "select * from Customer where PrimaryEmailAddr = 'ob@shop.test'");
    expect(byEmail.body.QueryResponse.Customer[0].DisplayName).toBe("O'Brien");
    const quoted = await q(h, "select * from Customer where DisplayName = 'O\\'Brien'");
    expect(quoted.body.QueryResponse.Customer).toHaveLength(1);
  });

  it('OR, GROUP BY, JOIN and projections are parse errors (4000)', async () => {
    h = await startHarness();
    for (const bad of [
      "select * from Customer where DisplayName = 'a' OR DisplayName = 'b'",
      'select * from Customer group by DisplayName',
      'select DisplayName from Customer',
      'select * from Customer ORDER BY DisplayName',
    ]) {
      const r = await q(h, bad);
      expect(r.status).toBe(400);
      expect(faultOf(r)).toMatchObject({ code: '4000', Message: 'Error parsing query' });
    }
  });

  it('a non-filterable property answers 4001 "is not queryable"', async () => {
    h = await startHarness();
    expect(faultOf(await q(h, "select * from Account where AcctNum = '1000'"))).toMatchObject({ code: '4001', Message: 'Invalid query', Detail: "QueryValidationError: property 'AcctNum' is not queryable" });
    expect(faultOf(await q(h, "select * from Customer where PrimaryEmailAddr.Address = 'x'")).code).toBe('4001');
  });

  it('entity names are case-sensitive', async () => {
    h = await startHarness();
    expect(faultOf(await q(h, 'select * from customer')).code).toBe('4001');
  });

  it('MAXRESULTS is capped at 1000 (or refused when configured)', async () => {
    h = await startHarness();
    await customers(h, 2);
    expect((await q(h, 'select * from Customer MAXRESULTS 5000')).body.QueryResponse.maxResults).toBe(2);
    h.sim.configure({ queryOverMax: 'error', queryMaxResults: 1 });
    expect(faultOf(await q(h, 'select * from Customer MAXRESULTS 2')).code).toBe('4001');
  });

  it('MAXRESULTS defaults to 100', async () => {
    h = await startHarness();
    for (let i = 0; i < 101; i++) await h.create('term', { Name: `Net ${i + 100}`, DueDays: i + 100 });
    expect((await q(h, 'select * from Term')).body.QueryResponse.maxResults).toBe(100);
  });

  it('name lists answer active records unless the query names Active', async () => {
    h = await startHarness();
    await customers(h, 2);
    const c = (await q(h, "select * from Customer where DisplayName = 'Cust 001'")).body.QueryResponse.Customer[0];
    await h.create('customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Active: false });
    expect((await q(h, 'select count(*) from Customer')).body.QueryResponse.totalCount).toBe(1);
    expect((await q(h, 'select count(*) from Customer where Active IN (true, false)')).body.QueryResponse.totalCount).toBe(2);
  });

  it('POST /query takes the statement as an application/text body', async () => {
    h = await startHarness();
    const r = await h.call('POST', '/query', { body: 'select * from Account where AccountType = \'Bank\'', contentType: 'application/text' });
    expect(r.body.QueryResponse.Account[0].Name).toBe('Checking');
  });

  it('filters on MetaData.LastUpdatedTime', async () => {
    h = await startHarness();
    await customers(h, 1);
    h.sim.clock.advance(3600_000);
    h.reconnect();
    const since = new Date(h.sim.clock.now() - 60_000).toISOString();
    await h.create('customer', { DisplayName: 'Later' });
    const r = await q(h, `select * from Customer where MetaData.LastUpdatedTime >= '${since}'`);
    expect(r.body.QueryResponse.Customer.map((c: any) => c.DisplayName)).toEqual(['Later']);
  });
});
