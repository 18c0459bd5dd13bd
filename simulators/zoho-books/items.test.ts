import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function item(harness: Harness, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await harness.call('POST', '/items', { body });
  expect(res.status).toBe(201);
  return res.body.item as Record<string, unknown>;
}

describe('items', () => {
  it('creates an item with 201 and "The item has been added."', async () => {
    h = await startHarness();
    const res = await h.call('POST', '/items', { body: { name: 'Widget', rate: 12.5, sku: 'W-1', description: 'blue' } });
    expect(res.status).toBe(201);
    expect(res.body.message).toBe('The item has been added.');
    expect(res.body.item).toMatchObject({ name: 'Widget', rate: 12.5, sku: 'W-1', status: 'active', product_type: 'goods' });
  });

  it('requires name and rate', async () => {
    h = await startHarness();
    expect((await h.call('POST', '/items', { body: { rate: 1 } })).body).toEqual({ code: 2, message: 'Invalid value passed for name' });
    expect((await h.call('POST', '/items', { body: { name: 'NoRate' } })).body).toEqual({ code: 2, message: 'Invalid value passed for rate' });
  });

  it('keeps item names unique', async () => {
    h = await startHarness();
    await item(h, { name: 'Widget', rate: 1 });
    const dup = await h.call('POST', '/items', { body: { name: 'widget', rate: 2 } });
    expect(dup.status).toBe(400);
    expect(dup.body.code).toBe(1001);
  });

  it('filters items by name and search_text', async () => {
    h = await startHarness();
    await item(h, { name: 'Blue Mug', rate: 5, description: 'ceramic', sku: 'MUG-B' });
    await item(h, { name: 'Red Mug', rate: 5, sku: 'MUG-R' });
    await item(h, { name: 'Teapot', rate: 20, description: 'ceramic pot', sku: 'POT-1' });
    const names = async (query: Record<string, string>) =>
      ((await h!.call('GET', '/items', { query })).body.items as { name: string }[]).map((i) => i.name);
    expect(await names({ name: 'red mug' })).toEqual(['Red Mug']);
    expect(await names({ search_text: 'ceramic' })).toEqual(['Blue Mug', 'Teapot']);
    expect(await names({ search_text: 'POT-1' })).toEqual(['Teapot']);
  });

  it('ignores ?sku= unless itemSkuFilter is on (the Books OAS has no sku filter)', async () => {
    h = await startHarness();
    await item(h, { name: 'One', rate: 1, sku: 'S-1' });
    await item(h, { name: 'Two', rate: 1, sku: 'S-2' });
    expect((await h.call('GET', '/items', { query: { sku: 'S-2' } })).body.items).toHaveLength(2);
    h.sim.configure({ itemSkuFilter: true });
    const filtered = (await h.call('GET', '/items', { query: { sku: 'S-2' } })).body.items as { name: string }[];
    expect(filtered.map((i) => i.name)).toEqual(['Two']);
  });

  it('updates an item and refuses a reference to an unknown tax', async () => {
    h = await startHarness();
    const it1 = await item(h, { name: 'Cable', rate: 3 });
    const res = await h.call('PUT', `/items/${String(it1.item_id)}`, { body: { rate: '3.75' } });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Item details have been saved.');
    expect(res.body.item.rate).toBe(3.75);
    const bad = await h.call('PUT', `/items/${String(it1.item_id)}`, { body: { tax_id: '982000000000999999' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ code: 1002, message: 'Tax does not exist.' });
  });

  it('marks items inactive and filters by status', async () => {
    h = await startHarness();
    const it1 = await item(h, { name: 'Old', rate: 1 });
    await item(h, { name: 'New', rate: 1 });
    expect((await h.call('POST', `/items/${String(it1.item_id)}/inactive`)).body.message).toBe('The item has been marked as inactive.');
    const active = (await h.call('GET', '/items', { query: { filter_by: 'Status.Active' } })).body.items as { name: string }[];
    expect(active.map((i) => i.name)).toEqual(['New']);
    expect((await h.call('GET', '/items', { query: { filter_by: 'Status.Bogus' } })).body).toEqual({ code: 2, message: 'Invalid value passed for filter_by' });
  });
});
