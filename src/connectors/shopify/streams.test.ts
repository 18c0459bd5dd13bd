import { describe, expect, it } from 'vitest';
import type { PollPage } from '../../sync/ports.ts';
import { createShopifyClient } from './client.ts';
import { updatedSinceQuery, poll } from './streams.ts';
import type { PollOptions } from './streams.ts';
import { context, data, fakeHttp } from './test-kit.ts';
import type { Responder } from './test-kit.ts';

function page(root: 'orders' | 'customers', resource: 'Order' | 'Customer', rows: [id: string, updatedAt: string][], next: string | null): Responder {
  return () =>
    data({
      [root]: {
        pageInfo: { hasNextPage: next !== null, endCursor: next },
        nodes: rows.map(([id, updatedAt]) => ({ id: `gid://shopify/${resource}/${id}`, legacyResourceId: id, updatedAt })),
      },
    });
}

async function run(script: Responder[], stream: string, cursor: string | null, since: Date, options: PollOptions = {}) {
  const fake = fakeHttp(...script);
  const client = createShopifyClient(context(fake.http));
  const pages: PollPage[] = [];
  for await (const p of poll(client, stream, cursor, since, options)) pages.push(p);
  const variables = fake.requests.map((r) => (JSON.parse(r.body ?? '{}') as { variables: Record<string, unknown> }).variables);
  return { pages, variables, fake };
}

const SINCE = new Date('2026-03-01T00:00:00Z');

describe('Shopify polling streams', () => {
  it('writes the window in search syntax, quoted, never as updated_at_min', () => {
    expect(updatedSinceQuery(new Date('2026-04-01T00:00:00.750Z'))).toBe("updated_at:>='2026-04-01T00:00:00Z'");
  });

  it('pages orders with `after`, from the stored cursor minus the overlap, yielding the greatest updatedAt so far', async () => {
    const { pages, variables, fake } = await run(
      [
        page('orders', 'Order', [['820982911946154508', '2026-04-02T09:58:00Z'], ['1002', '2026-04-02T10:01:00Z']], 'c1'),
        page('orders', 'Order', [['1003', '2026-04-02T10:03:00-04:00']], 'c2'),
        page('orders', 'Order', [], null),
      ],
      'orders',
      '2026-04-02T10:00:00Z',
      SINCE,
    );
    expect(fake.operations()).toEqual(['OrdersPage', 'OrdersPage', 'OrdersPage']);
    expect(variables).toEqual([
      { first: 100, after: null, q: "updated_at:>='2026-04-02T09:55:00Z'" },
      { first: 100, after: 'c1', q: "updated_at:>='2026-04-02T09:55:00Z'" },
      { first: 100, after: 'c2', q: "updated_at:>='2026-04-02T09:55:00Z'" },
    ]);
    expect(pages).toEqual([
      {
        items: [
          { entityType: 'order', sourceId: '820982911946154508', updatedAt: '2026-04-02T09:58:00Z' },
          { entityType: 'order', sourceId: '1002', updatedAt: '2026-04-02T10:01:00Z' },
        ],
        cursor: '2026-04-02T10:01:00Z',
      },
      { items: [{ entityType: 'order', sourceId: '1003', updatedAt: '2026-04-02T14:03:00Z' }], cursor: '2026-04-02T14:03:00Z' },
      { items: [], cursor: '2026-04-02T14:03:00Z' },
    ]);
  });

  it('never moves the cursor back for records re-seen in the overlap', async () => {
    const { pages } = await run([page('orders', 'Order', [['1', '2026-04-02T09:57:00Z']], null)], 'orders', '2026-04-02T10:00:00Z', SINCE);
    expect(pages).toEqual([{ items: [{ entityType: 'order', sourceId: '1', updatedAt: '2026-04-02T09:57:00Z' }], cursor: '2026-04-02T10:00:00Z' }]);
  });

  it('starts from `since` without a cursor, and polls customers', async () => {
    const { pages, variables, fake } = await run([page('customers', 'Customer', [['77', '2026-03-05T00:00:00Z']], null)], 'customers', null, SINCE);
    expect(fake.operations()).toEqual(['CustomersPage']);
    expect(variables[0]?.['q']).toBe("updated_at:>='2026-03-01T00:00:00Z'");
    expect(pages).toEqual([{ items: [{ entityType: 'customer', sourceId: '77', updatedAt: '2026-03-05T00:00:00Z' }], cursor: '2026-03-05T00:00:00Z' }]);
  });

  it('restarts the window at the last updatedAt before Shopify\'s deep-pagination cap', async () => {
    const { variables } = await run(
      [
        page('orders', 'Order', [['1', '2026-04-01T00:00:00Z'], ['2', '2026-04-01T01:00:00Z']], 'c1'),
        page('orders', 'Order', [['2', '2026-04-01T01:00:00Z']], null),
      ],
      'orders',
      null,
      SINCE,
      { maxObjectsPerWindow: 2 },
    );
    expect(variables[1]).toEqual({ first: 100, after: null, q: "updated_at:>='2026-04-01T01:00:00Z'" });
  });

  it('refuses a stream Shopify does not have', async () => {
    await expect(run([], 'products', null, SINCE)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
