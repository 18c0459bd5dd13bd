/**
 * What QuickBooks offers for mapping: active items an invoice line can carry and active accounts of the mapping
 * types, read with the query language page by page (STARTPOSITION / MAXRESULTS, §4).
 */
import { describe, expect, it } from 'vitest';
import { createQuickBooksClient, listAccounts, listItems } from './client.ts';
import { createQuickBooksTarget } from './target.ts';
import { companyRoutes, context, fakeHttp, queryRoutes, rows } from './test-support/fake-http.ts';

const item = (id: number, extra: Record<string, unknown> = {}) => ({ Id: String(id), Name: `Item ${id}`, FullyQualifiedName: `Item ${id}`, Type: 'Service', Active: true, ...extra });

describe('listItems and listAccounts', () => {
  it('pages active items by STARTPOSITION and MAXRESULTS until a short page', async () => {
    const http = fakeHttp();
    queryRoutes(http, (statement) => {
      const start = Number(/STARTPOSITION (\d+)/.exec(statement)?.[1]);
      return rows('Item', start === 1 ? [item(1), item(2)] : start === 3 ? [item(3), item(4)] : [item(5)]);
    });
    const items = await listItems(createQuickBooksClient(context(http)), { pageSize: 2 });
    expect(items.map((r) => r['Id'])).toEqual(['1', '2', '3', '4', '5']);
    expect(http.seen.map((r) => r.body)).toEqual([
      'SELECT * FROM Item WHERE Active = true ORDERBY Name STARTPOSITION 1 MAXRESULTS 2',
      'SELECT * FROM Item WHERE Active = true ORDERBY Name STARTPOSITION 3 MAXRESULTS 2',
      'SELECT * FROM Item WHERE Active = true ORDERBY Name STARTPOSITION 5 MAXRESULTS 2',
    ]);
    expect(http.seen.every((r) => r.op === 'quickbooks.item.list' && r.headers?.['content-type'] === 'application/text')).toBe(true);
  });

  it('asks for accounts of the mapping types only, active, 1000 a page', async () => {
    const http = fakeHttp();
    queryRoutes(http, () => rows('Account', [{ Id: '11', Name: 'Shipping, Freight & Delivery', AccountType: 'Expense' }]));
    expect(await listAccounts(createQuickBooksClient(context(http)))).toHaveLength(1);
    expect(http.seen[0]?.body).toBe(
      "SELECT * FROM Account WHERE AccountType IN ('Income', 'Other Income', 'Cost of Goods Sold', 'Expense', 'Other Expense', 'Bank', 'Credit Card', 'Accounts Payable', 'Other Current Liability', 'Other Current Asset') AND Active = true ORDERBY Name STARTPOSITION 1 MAXRESULTS 1000",
    );
  });
});

describe('mappingChoices', () => {
  it('offers line items (built-in shipping first) and accounts with their types; categories and bundles are left out', async () => {
    const http = fakeHttp();
    companyRoutes(http);
    queryRoutes(http, (statement) =>
      statement.includes('FROM Item')
        ? rows('Item', [item(19, { Name: 'Ground shipping', FullyQualifiedName: 'Shipping:Ground shipping', Sku: 'SHIP-GND' }), item(3, { Type: 'Category' }), item(4, { Type: 'Bundle' }), item(20, { Type: 'NonInventory', Sku: '1004' })])
        : rows('Account', [
            { Id: '4', Name: 'Shipping Income', AccountType: 'Income' },
            { Id: '11', Name: 'Shipping, Freight & Delivery', FullyQualifiedName: 'Shipping, Freight & Delivery', AccountType: 'Expense' },
          ]),
    );
    const choices = await createQuickBooksTarget(context(http)).mappingChoices();
    expect(choices.items).toEqual([
      { id: 'SHIPPING_ITEM_ID', name: 'Shipping (QuickBooks built-in shipping line)', sku: null, type: 'Shipping' },
      { id: '19', name: 'Shipping:Ground shipping', sku: 'SHIP-GND', type: 'Service' },
      { id: '20', name: 'Item 20', sku: '1004', type: 'NonInventory' },
    ]);
    expect(choices.accounts).toEqual([
      { id: '4', name: 'Shipping Income', type: 'Income' },
      { id: '11', name: 'Shipping, Freight & Delivery', type: 'Expense' },
    ]);
  });

  it('leaves the built-in shipping line out when the company has shipping off', async () => {
    const http = fakeHttp();
    companyRoutes(http, { allowShipping: false });
    queryRoutes(http, () => rows('Item', []));
    expect((await createQuickBooksTarget(context(http)).mappingChoices()).items).toEqual([]);
  });
});
