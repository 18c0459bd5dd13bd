/** Name-list rules (api notes §3.1, §3.2, §3.5, §2.1). */
import { afterEach, describe, expect, it } from 'vitest';
import { faultOf, startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('customers, vendors, employees', () => {
  it('a duplicate DisplayName answers 6240', async () => {
    h = await startHarness();
    expect((await h.create('customer', { DisplayName: 'Acme Ltd' })).status).toBe(200);
    const r = await h.create('customer', { DisplayName: 'acme ltd' });
    expect(r.status).toBe(400);
    expect(r.body.Fault.type).toBe('ValidationFault');
    expect(faultOf(r)).toMatchObject({
      code: '6240',
      Message: 'Duplicate Name Exists Error',
      Detail: 'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
    });
  });

  it('DisplayName is unique across customers, vendors and employees', async () => {
    h = await startHarness();
    expect((await h.create('vendor', { DisplayName: 'Jane Doe' })).status).toBe(200);
    expect(faultOf(await h.create('customer', { DisplayName: 'Jane Doe' })).code).toBe('6240');
    expect((await h.create('employee', { GivenName: 'Sam', FamilyName: 'Lee' })).status).toBe(200);
    expect(faultOf(await h.create('customer', { DisplayName: 'Sam Lee' })).code).toBe('6240');
  });

  it('DisplayName is built from the name parts when omitted, and one name is required', async () => {
    h = await startHarness();
    const r = await h.create('customer', { Title: 'Dr', GivenName: 'Ada', FamilyName: 'Lovelace', PrimaryEmailAddr: { Address: 'ada@example.com' } });
    expect(r.body.Customer).toMatchObject({ DisplayName: 'Dr Ada Lovelace', FullyQualifiedName: 'Dr Ada Lovelace', PrintOnCheckName: 'Dr Ada Lovelace', Active: true, Balance: 0 });
    expect(r.body.Customer.CurrencyRef).toEqual({ value: 'USD', name: 'United States Dollar' });
    expect(faultOf(await h.create('customer', { CompanyName: 'Only Company' })).code).toBe('2020');
  });

  it('a customer cannot be deleted, only made inactive (which appends " (deleted)")', async () => {
    h = await startHarness();
    const c = (await h.create('customer', { DisplayName: 'Gone Soon' })).body.Customer;
    const del = await h.call('POST', '/customer', { query: { operation: 'delete' }, body: { Id: c.Id, SyncToken: c.SyncToken } });
    expect(faultOf(del)).toMatchObject({ code: '500', Message: 'Unsupported Operation' });
    const off = await h.create('customer', { Id: c.Id, SyncToken: c.SyncToken, sparse: true, Active: false });
    expect(off.body.Customer).toMatchObject({ Active: false, DisplayName: 'Gone Soon (deleted)' });
    expect((await h.create('customer', { DisplayName: 'Gone Soon' })).status).toBe(200);
  });

  it('an unknown property answers 2010', async () => {
    h = await startHarness();
    const r = await h.create('customer', { DisplayName: 'Typo', EmailAddress: 'x@y.z' });
    expect(faultOf(r)).toMatchObject({ code: '2010', Message: 'Request has invalid or unsupported property' });
    h.sim.configure({ unknownProperties: 'ignore' });
    expect((await h.create('customer', { DisplayName: 'Typo', EmailAddress: 'x@y.z' })).status).toBe(200);
  });

  it('unreadable JSON answers 2010', async () => {
    h = await startHarness();
    expect(faultOf(await h.call('POST', '/customer', { body: '{"DisplayName": ' })).code).toBe('2010');
  });

  it('a foreign-currency customer needs multicurrency', async () => {
    h = await startHarness();
    expect(faultOf(await h.create('customer', { DisplayName: 'Euro Buyer', CurrencyRef: { value: 'EUR' } })).code).toBe('6000');
    const prefs = (await h.call('GET', '/preferences')).body.Preferences;
    const on = await h.create('preferences', { Id: prefs.Id, SyncToken: prefs.SyncToken, sparse: true, CurrencyPrefs: { MultiCurrencyEnabled: true } });
    expect(on.body.Preferences.CurrencyPrefs).toEqual({ MultiCurrencyEnabled: true, HomeCurrency: { value: 'USD' } });
    expect((await h.create('customer', { DisplayName: 'Euro Buyer', CurrencyRef: { value: 'EUR' } })).body.Customer.CurrencyRef.value).toBe('EUR');
    const off = await h.create('preferences', { Id: prefs.Id, SyncToken: on.body.Preferences.SyncToken, sparse: true, CurrencyPrefs: { MultiCurrencyEnabled: false } });
    expect(faultOf(off).code).toBe('6000');
  });
});

describe('items and accounts', () => {
  it('item names are unique among items (6240)', async () => {
    h = await startHarness();
    const body = { Name: 'Blue Mug', Type: 'NonInventory', IncomeAccountRef: { value: '2' }, Sku: 'MUG-1', UnitPrice: 12.5 };
    const first = await h.create('item', body);
    expect(first.body.Item).toMatchObject({ Name: 'Blue Mug', Sku: 'MUG-1', UnitPrice: 12.5, IncomeAccountRef: { value: '2', name: 'Sales of Product Income' }, FullyQualifiedName: 'Blue Mug' });
    const dup = await h.create('item', body);
    expect(faultOf(dup)).toMatchObject({ code: '6240', Message: 'Duplicate Name Exists Error' });
    expect(faultOf(dup).Detail).toContain('product or service');
  });

  it('service and non-inventory items need an income account; inventory items need their accounts and quantities', async () => {
    h = await startHarness();
    expect(faultOf(await h.create('item', { Name: 'No Account', Type: 'Service' }))).toMatchObject({ code: '2020', Detail: 'Required parameter IncomeAccountRef is missing in the request' });
    expect(faultOf(await h.create('item', { Name: 'Stock', Type: 'Inventory', IncomeAccountRef: { value: '2' } })).code).toBe('2020');
    const ok = await h.create('item', {
      Name: 'Stock',
      Type: 'Inventory',
      IncomeAccountRef: { value: '2' },
      ExpenseAccountRef: { value: '6' },
      AssetAccountRef: { value: '7' },
      TrackQtyOnHand: true,
      QtyOnHand: 10,
      InvStartDate: '2025-01-01',
    });
    expect(ok.status).toBe(200);
    expect(faultOf(await h.create('item', { Name: 'Bad Ref', Type: 'Service', IncomeAccountRef: { value: '999' } })).code).toBe('610');
  });

  it('account names are unique and the classification follows the type', async () => {
    h = await startHarness();
    const a = await h.create('account', { Name: 'Shopify Clearing', AccountType: 'Other Current Asset', AcctNum: '1250' });
    expect(a.body.Account).toMatchObject({ Classification: 'Asset', AccountSubType: 'OtherCurrentAssets', FullyQualifiedName: 'Shopify Clearing' });
    expect(faultOf(await h.create('account', { Name: 'shopify clearing', AccountType: 'Bank' })).code).toBe('6240');
    expect(faultOf(await h.create('account', { Name: 'X', AccountType: 'Piggy Bank' })).code).toBe('2010');
  });

  it('reads the seeded tax codes but cannot create them', async () => {
    h = await startHarness();
    expect((await h.call('GET', '/taxcode/TAX')).body.TaxCode).toMatchObject({ Name: 'TAX', Taxable: true });
    expect((await h.call('GET', '/taxrate/1')).body.TaxRate).toMatchObject({ RateValue: 8 });
    expect(faultOf(await h.create('taxcode', { Name: 'New' })).code).toBe('500');
  });
});
