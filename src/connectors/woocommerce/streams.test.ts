import { describe, expect, it } from 'vitest';
import type { PollPage } from '../../sync/ports.ts';
import { syncErrorOf } from '../_kit/testing.ts';
import { createWooCommerceClient } from './client.ts';
import { manifest } from './connector.ts';
import { gmtWall, poll } from './streams.ts';
import { context, fakeHttp, listPage, NOW } from './test-kit.ts';

const row = (id: number, modified: string | null, created = '2026-03-01T00:00:00') => ({ id, date_created_gmt: created, date_modified_gmt: modified });

async function collect(pages: AsyncIterable<PollPage>): Promise<PollPage[]> {
  const out: PollPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

function ordersSite(pages: unknown[][]) {
  return fakeHttp().on('GET', '/orders', (r) => {
    const page = Number(r.query['page']);
    return listPage(pages[page - 1] ?? [], page, pages.length, pages.flat().length);
  });
}

describe('orders stream', () => {
  it('asks for changes after cursor − overlap in GMT (dates_are_gmt), ids only, ordered by id, all statuses', async () => {
    const fake = ordersSite([[]]);
    const client = createWooCommerceClient(context(fake.http));
    await collect(poll(client, 'orders', '2026-04-02T12:00:00Z', new Date('2026-01-01T00:00:00Z'), () => NOW));
    expect(fake.seen[0]?.query).toMatchObject({
      modified_after: '2026-04-02T11:50:00',
      dates_are_gmt: 'true',
      status: 'any',
      orderby: 'id',
      order: 'asc',
      per_page: '100',
      page: '1',
      _fields: 'id,date_created_gmt,date_modified_gmt',
    });
    expect(manifest.polling.overlapMs).toBe(10 * 60_000);
  });

  it('starts a first poll at `since`', async () => {
    const fake = ordersSite([[]]);
    const pages = await collect(poll(createWooCommerceClient(context(fake.http)), 'orders', null, new Date('2026-03-15T08:30:00.700Z'), () => NOW));
    expect(fake.seen[0]?.query['modified_after']).toBe('2026-03-15T08:30:00');
    expect(pages.at(-1)?.cursor).toBe('2026-03-15T08:30:00.700Z');
  });

  it('reads every page, yields items with UTC updatedAt, and advances the cursor only after the last page', async () => {
    const fake = ordersSite([
      [row(101, '2026-04-02T13:10:00'), row(102, '2026-04-02T13:40:05')],
      [row(103, '2026-04-02T12:55:00')],
    ]);
    const pages = await collect(poll(createWooCommerceClient(context(fake.http)), 'orders', '2026-04-02T13:00:00Z', new Date(0), () => NOW));
    expect(pages).toEqual([
      {
        items: [
          { entityType: 'order', sourceId: '101', updatedAt: '2026-04-02T13:10:00Z' },
          { entityType: 'order', sourceId: '102', updatedAt: '2026-04-02T13:40:05Z' },
        ],
        cursor: '2026-04-02T13:00:00Z',
      },
      { items: [{ entityType: 'order', sourceId: '103', updatedAt: '2026-04-02T12:55:00Z' }], cursor: '2026-04-02T13:00:00Z' },
      { items: [], cursor: '2026-04-02T13:40:05Z' },
    ]);
    expect(fake.seen.map((s) => s.query['page'])).toEqual(['1', '2']);
  });

  it('never moves the cursor backwards (only older records inside the overlap were seen)', async () => {
    const fake = ordersSite([[row(101, '2026-04-02T12:55:00')]]);
    const pages = await collect(poll(createWooCommerceClient(context(fake.http)), 'orders', '2026-04-02T13:00:00Z', new Date(0), () => NOW));
    expect(pages.map((p) => p.cursor)).toEqual(['2026-04-02T13:00:00Z', '2026-04-02T13:00:00Z']);
  });

  it('caps the cursor at our clock when the pass began (a record edited while we paged stays in the next window)', async () => {
    const fake = ordersSite([[row(101, '2026-04-02T14:05:00')]]);
    const pages = await collect(poll(createWooCommerceClient(context(fake.http)), 'orders', '2026-04-02T13:00:00Z', new Date(0), () => NOW));
    expect(pages.at(-1)?.cursor).toBe('2026-04-02T14:00:00Z');
    expect(pages[0]?.items[0]?.updatedAt).toBe('2026-04-02T14:05:00Z');
  });

  it('drops rows a store returns from before the window (one ignoring modified_after)', async () => {
    const fake = ordersSite([[row(1, '2025-01-01T00:00:00'), row(2, '2026-04-02T13:30:00')]]);
    const pages = await collect(poll(createWooCommerceClient(context(fake.http)), 'orders', '2026-04-02T13:00:00Z', new Date(0), () => NOW));
    expect(pages[0]?.items.map((i) => i.sourceId)).toEqual(['2']);
  });

  it('refuses an unknown stream and a corrupt cursor', async () => {
    const client = createWooCommerceClient(context(fakeHttp().http));
    expect((await syncErrorOf(collect(poll(client, 'products', null, new Date(0), () => NOW)))).code).toBe('VALIDATION');
    expect((await syncErrorOf(collect(poll(client, 'orders', 'yesterday', new Date(0), () => NOW)))).code).toBe('SOURCE_PAYLOAD_INVALID');
  });
});

describe('customers stream', () => {
  it('reads every customer (no modified filter exists) and keeps those changed in the window', async () => {
    const fake = fakeHttp().on('GET', '/customers', (r) =>
      listPage(
        Number(r.query['page']) === 1
          ? [row(2, '2026-01-01T00:00:00'), row(3, '2026-04-02T13:20:00'), row(4, null, '2026-04-02T13:30:00')]
          : [row(5, '2026-04-02T12:51:00')],
        Number(r.query['page']),
        2,
        4,
      ),
    );
    const pages = await collect(poll(createWooCommerceClient(context(fake.http)), 'customers', '2026-04-02T13:00:00Z', new Date(0), () => NOW));
    expect(fake.seen[0]?.query).toMatchObject({ role: 'customer', orderby: 'id', order: 'asc' });
    expect(fake.seen[0]?.query['modified_after']).toBeUndefined();
    expect(pages.flatMap((p) => p.items)).toEqual([
      { entityType: 'customer', sourceId: '3', updatedAt: '2026-04-02T13:20:00Z' },
      { entityType: 'customer', sourceId: '4', updatedAt: '2026-04-02T13:30:00Z' },
      { entityType: 'customer', sourceId: '5', updatedAt: '2026-04-02T12:51:00Z' },
    ]);
    expect(pages.at(-1)?.cursor).toBe('2026-04-02T13:30:00Z');
  });
});

describe('gmtWall', () => {
  it('writes a GMT wall time without offset, floored to the second', () => {
    expect(gmtWall(new Date('2026-04-02T11:50:00.999Z'))).toBe('2026-04-02T11:50:00');
  });
});
