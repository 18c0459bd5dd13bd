/**
 * GET /orders: arguments, validation, filters, sorting and paging (notes §4.1, §9.4).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWooCommerceSim, type SiteCredentials, type WooCommerceSim } from './index.ts';
import { rest, sampleOrder } from './test-helpers.ts';

let sim: WooCommerceSim;
let site: SiteCredentials;
beforeEach(async () => {
  sim = await startWooCommerceSim();
  site = sim.createSite({ https: true, timezone: 'America/New_York' });
});
afterEach(async () => sim.close());

function place(n: number): number[] {
  return Array.from({ length: n }, () => sim.placeOrder(site.siteId, sampleOrder()).id);
}

function ids(body: { id: number }[]): number[] {
  return body.map((o) => o.id);
}

describe('paging', () => {
  it('caps per_page at 100', async () => {
    place(3);
    expect((await rest(site, 'GET', '/wc/v3/orders', { query: { per_page: 100 } })).status).toBe(200);
    const over = await rest(site, 'GET', '/wc/v3/orders', { query: { per_page: 101 } });
    expect(over.status).toBe(400);
    expect(over.body).toEqual({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): per_page',
      data: {
        status: 400,
        params: { per_page: 'per_page must be between 1 (inclusive) and 100 (inclusive)' },
        details: { per_page: { code: 'rest_out_of_bounds', message: 'per_page must be between 1 (inclusive) and 100 (inclusive)', data: null } },
      },
    });
    expect((await rest(site, 'GET', '/wc/v3/orders', { query: { per_page: 0 } })).status).toBe(400);
  });

  it('returns 10 per page by default, newest first', async () => {
    const all = place(12);
    const r = await rest(site, 'GET', '/wc/v3/orders');
    expect(ids(r.body)).toEqual(all.slice(2).reverse());
  });

  it('pages with X-WP-Total, X-WP-TotalPages and Link', async () => {
    place(25);
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { per_page: 10, page: 2, orderby: 'id', order: 'asc' } });
    expect(r.headers.get('x-wp-total')).toBe('25');
    expect(r.headers.get('x-wp-totalpages')).toBe('3');
    const link = r.headers.get('link') ?? '';
    const base = `${site.siteUrl}/wp-json/wc/v3/orders`;
    expect(link).toBe(`<${base}?per_page=10&orderby=id&order=asc&page=1>; rel="prev", <${base}?per_page=10&orderby=id&order=asc&page=3>; rel="next"`);
    const first = await rest(site, 'GET', '/wc/v3/orders', { query: { per_page: 10 } });
    expect(first.headers.get('link')).not.toContain('rel="prev"');
  });

  it('following Link rel="next" visits every order exactly once', async () => {
    const all = place(23);
    const seen: number[] = [];
    const auth = { authorization: `Basic ${Buffer.from(`${site.consumerKey}:${site.consumerSecret}`).toString('base64')}` };
    let url: string | undefined = `${site.siteUrl}/wp-json/wc/v3/orders?per_page=5&orderby=id&order=asc`;
    while (url) {
      const res: Response = await fetch(url, { headers: auth });
      seen.push(...ids((await res.json()) as { id: number }[]));
      url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    expect(seen).toEqual(all);
  });

  it('answers a page past the end with [] and the real totals', async () => {
    place(3);
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { page: 5 } });
    expect(r.body).toEqual([]);
    expect(r.headers.get('x-wp-total')).toBe('3');
    expect(r.headers.get('x-wp-totalpages')).toBe('1');
  });

  it('offset overrides page', async () => {
    const all = place(6);
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { offset: 4, per_page: 10, orderby: 'id', order: 'asc' } });
    expect(ids(r.body)).toEqual(all.slice(4));
  });

  it('adds rel="first" and rel="last" when configured (the docs list them; the code sends only prev/next)', async () => {
    sim.configure({ linkRels: 'all' });
    place(12);
    const link = (await rest(site, 'GET', '/wc/v3/orders', { query: { page: 2 } })).headers.get('link') ?? '';
    expect(link).toContain('rel="first"');
    expect(link).toContain('page=2>; rel="last"');
  });
});

describe('argument validation', () => {
  it('refuses bad values with rest_invalid_param naming every bad argument', async () => {
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { page: 0, orderby: 'total', modified_after: 'yesterday', dates_are_gmt: 'maybe' } });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('Invalid parameter(s): page, modified_after, dates_are_gmt, orderby');
    expect(r.body.data.params).toEqual({
      page: 'page must be greater than or equal to 1',
      modified_after: 'Invalid date.',
      dates_are_gmt: 'dates_are_gmt is not of type boolean.',
      orderby: 'orderby is not one of date, id, include, title, slug, and modified.',
    });
  });

  it('refuses an unknown status', async () => {
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { status: 'shipped' } });
    expect(r.body.data.params.status).toBe('status[0] is not one of any, trash, pending, processing, on-hold, completed, cancelled, refunded, failed, and checkout-draft.');
  });

  it('validates arguments before it checks permissions', async () => {
    const r = await rest(site, 'GET', '/wc/v3/orders', { auth: 'none', query: { per_page: 500 } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('rest_invalid_param');
  });

  it('refuses orderby=modified when configured as in the docs', async () => {
    sim.configure({ orderbyModified: false });
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { orderby: 'modified' } });
    expect(r.body.data.params.orderby).toBe('orderby is not one of date, id, include, title, and slug.');
  });
});

describe('date filters', () => {
  /** A at 12:00Z (07:00 in New York), B at 15:00Z (10:00) on 2024-01-10. */
  function twoOrders(): { a: number; b: number } {
    const [a, b] = place(2) as [number, number];
    sim.touchOrder(site.siteId, a, '2024-01-10T12:00:00Z');
    sim.touchOrder(site.siteId, b, '2024-01-10T15:00:00Z');
    return { a, b };
  }

  it('filters by modified_after in site time by default', async () => {
    const { b } = twoOrders();
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_after: '2024-01-10T08:00:00' } });
    expect(ids(r.body)).toEqual([b]);
  });

  it('filters by modified_after in GMT when dates_are_gmt', async () => {
    const { a, b } = twoOrders();
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_after: '2024-01-10T13:00:00', dates_are_gmt: true } });
    expect(ids(r.body)).toEqual([b]);
    const both = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_after: '2024-01-10T08:00:00', dates_are_gmt: true, orderby: 'id', order: 'asc' } });
    expect(ids(both.body)).toEqual([a, b]);
  });

  it('ignores a trailing Z: the written time is compared with the chosen column', async () => {
    twoOrders();
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_after: '2024-01-10T13:00:00Z' } });
    expect(r.body).toEqual([]);
  });

  it('converts an offset to site time when configured (newer WP_Date_Query)', async () => {
    sim.configure({ dateFilterOffsets: 'converted-to-site-time' });
    const { b } = twoOrders();
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_after: '2024-01-10T13:00:00Z' } });
    expect(ids(r.body)).toEqual([b]);
  });

  it('modified_after and modified_before are exclusive, to the second', async () => {
    const { a, b } = twoOrders();
    const after = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_after: '2024-01-10T12:00:00', dates_are_gmt: true } });
    expect(ids(after.body)).toEqual([b]);
    const before = await rest(site, 'GET', '/wc/v3/orders', { query: { modified_before: '2024-01-10T15:00:00', dates_are_gmt: true } });
    expect(ids(before.body)).toEqual([a]);
  });

  it('after/before filter the creation date, not the modification date', async () => {
    const old = sim.placeOrder(site.siteId, sampleOrder({ dateCreated: '2023-05-01T10:00:00Z' })).id;
    place(1);
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { before: '2024-01-01T00:00:00', dates_are_gmt: true } });
    expect(ids(r.body)).toEqual([old]);
  });

  it('sorts by modification date with orderby=modified', async () => {
    const { a, b } = twoOrders();
    sim.touchOrder(site.siteId, a, '2024-01-11T00:00:00Z');
    const r = await rest(site, 'GET', '/wc/v3/orders', { query: { orderby: 'modified', order: 'asc' } });
    expect(ids(r.body)).toEqual([b, a]);
  });
});

describe('other filters', () => {
  it('status takes a list, and any leaves out trash', async () => {
    const [p, q, r] = place(3) as [number, number, number];
    sim.setStatus(site.siteId, q, 'completed');
    sim.deleteOrder(site.siteId, r);
    const any = await rest(site, 'GET', '/wc/v3/orders', { query: { orderby: 'id', order: 'asc' } });
    expect(ids(any.body)).toEqual([p, q]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { status: 'trash' } })).body)).toEqual([r]);
    const list = await rest(site, 'GET', '/wc/v3/orders', { query: { status: 'pending,completed', orderby: 'id', order: 'asc' } });
    expect(ids(list.body)).toEqual([p, q]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { status: ['completed'] } })).body)).toEqual([q]);
  });

  it('filters by customer, include, exclude, product and search', async () => {
    const customer = sim.createCustomer(site.siteId, { email: 'bo@example.com', firstName: 'Bo' });
    const mine = sim.placeOrder(site.siteId, sampleOrder({ customerId: customer.id })).id;
    const [other] = place(1) as [number];
    const special = sim.placeOrder(site.siteId, sampleOrder({ lineItems: [{ sku: 'LAMP', name: 'Desk lamp', quantity: 1, price: '30.00' }] }));
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { customer: customer.id } })).body)).toEqual([mine]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { customer: 0, orderby: 'id', order: 'asc' } })).body)).toEqual([other, special.id]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { include: `${other},${mine}`, orderby: 'include' } })).body)).toEqual([other, mine]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { exclude: [String(mine), String(other)] } })).body)).toEqual([special.id]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { product: special.line_items[0]!.product_id } })).body)).toEqual([special.id]);
    expect(ids((await rest(site, 'GET', '/wc/v3/orders', { query: { search: 'lamp' } })).body)).toEqual([special.id]);
  });
});
