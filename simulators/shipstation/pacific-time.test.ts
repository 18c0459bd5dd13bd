/**
 * V1 timestamps are Pacific wall time (America/Los_Angeles, real DST rules), seven fractional digits, no offset;
 * filters are read as Pacific wall time too (notes §2). The autumn hour that happens twice is modelled as
 * `ambiguousTime` (default `wall`), because the notes cannot say how ShipStation resolves it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ShipStationSim, ShipStationSimOptions } from './index.ts';
import { formatPacific, formatPacificTrimmed, fromPacificWall, parseWallInput, pacificOffsetMs } from './pacific-time.ts';
import { sampleOrder, setTime, startSim, v1 } from './test-helpers.ts';

let sim: ShipStationSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Orders whose modifyDate is each given instant, in order. */
async function ordersModifiedAt(instants: string[], options: ShipStationSimOptions = {}) {
  sim = await startSim(options);
  const keys = sim.createAccount();
  const ids: number[] = [];
  for (const [n, at] of instants.entries()) {
    setTime(sim, at);
    ids.push(sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderNumber: `T${n}` }) }).orderId);
  }
  const query = async (q: Record<string, string>) => ((await v1(sim!, keys, 'GET', '/orders', { query: q })).body.orders as { orderId: number }[]).map((o) => ids.indexOf(o.orderId));
  return { sim, keys, ids, query };
}

describe('rendering', () => {
  it('timestamps have seven fractional digits and no offset', async () => {
    sim = await startSim();
    const keys = sim.createAccount();
    setTime(sim, '2026-11-01T08:30:00.503Z');
    const order = sim.importOrder({ accountId: keys.accountId, order: sampleOrder({ orderDate: '2026-10-31T18:15:42', shipByDate: '2026-11-05' }) });
    const body = (await v1(sim, keys, 'GET', `/orders/${order.orderId}`)).body;
    expect(body.createDate).toBe('2026-11-01T01:30:00.5030000');
    expect(body.modifyDate).toBe(body.createDate);
    expect(body.orderDate).toBe('2026-10-31T18:15:42.0000000');
    expect(body.shipByDate).toBe('2026-11-05T00:00:00.0000000');
    for (const key of ['orderDate', 'createDate', 'modifyDate', 'paymentDate']) expect(body[key]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
  });

  it('item timestamps drop trailing fraction zeros (…14.78 beside …14.7800000)', () => {
    const ms = Date.parse('2015-08-17T16:24:14.780Z');
    expect(formatPacific(ms)).toBe('2015-08-17T09:24:14.7800000');
    expect(formatPacificTrimmed(ms)).toBe('2015-08-17T09:24:14.78');
    expect(formatPacificTrimmed(Date.parse('2015-08-17T16:24:14Z'))).toBe('2015-08-17T09:24:14');
  });

  it('follows the real DST rules: PST is UTC−8, PDT is UTC−7, changing on 2026-03-08 and 2026-11-01', () => {
    expect(pacificOffsetMs(Date.parse('2026-03-08T09:59:59Z')) / 3_600_000).toBe(-8);
    expect(pacificOffsetMs(Date.parse('2026-03-08T10:00:00Z')) / 3_600_000).toBe(-7);
    expect(pacificOffsetMs(Date.parse('2026-11-01T08:59:59Z')) / 3_600_000).toBe(-7);
    expect(pacificOffsetMs(Date.parse('2026-11-01T09:00:00Z')) / 3_600_000).toBe(-8);
    // Both 01:30s of the autumn change render the same: the offset-less format loses which one it was.
    expect(formatPacific(Date.parse('2026-11-01T08:30:00Z'))).toBe(formatPacific(Date.parse('2026-11-01T09:30:00Z')));
  });
});

describe('filters', () => {
  it('modifyDateStart is read in Pacific time across the spring DST change', async () => {
    // 01:30 PST, 03:30 PDT (09:30Z and 10:30Z on the spring-forward day), and the evening before.
    const { query } = await ordersModifiedAt(['2026-03-08T04:00:00Z', '2026-03-08T09:30:00Z', '2026-03-08T10:30:00Z']);
    expect(await query({ modifyDateStart: '2026-03-08 03:00:00' })).toEqual([2]);
    expect(await query({ modifyDateStart: '2026-03-08 01:00:00' })).toEqual([1, 2]);
    expect(await query({ modifyDateStart: '2026-03-07 20:00:00', modifyDateEnd: '2026-03-08 01:30:00' })).toEqual([0, 1]);
    // The same instants sent as UTC wall times are 7–8 h off: a client that forgets to convert misses changes.
    expect(await query({ modifyDateStart: '2026-03-08 09:30:00' })).toEqual([]);
  });

  it('the repeated autumn hour maps as wall-clock text by default: 01:30 matches both 01:30s, and sorting interleaves them', async () => {
    // 01:10 PDT, 01:50 PDT, then (an hour later by the clock) 01:20 PST.
    const { query } = await ordersModifiedAt(['2026-11-01T08:10:00Z', '2026-11-01T08:50:00Z', '2026-11-01T09:20:00Z']);
    expect(await query({ modifyDateStart: '2026-11-01 01:15:00', modifyDateEnd: '2026-11-01 01:30:00' })).toEqual([2]);
    expect(await query({ modifyDateStart: '2026-11-01 01:30:00' })).toEqual([1]);
    expect(await query({ sortBy: 'ModifyDate', sortDir: 'ASC' })).toEqual([0, 2, 1]);
  });

  it("the repeated autumn hour maps to the first (PDT) instant with ambiguousTime 'earlier'", async () => {
    const { query } = await ordersModifiedAt(['2026-11-01T08:10:00Z', '2026-11-01T08:50:00Z', '2026-11-01T09:20:00Z'], { ambiguousTime: 'earlier' });
    // 01:30 = 08:30Z: the later PDT change and the PST change are both after it.
    expect(await query({ modifyDateStart: '2026-11-01 01:30:00' })).toEqual([1, 2]);
    expect(await query({ sortBy: 'ModifyDate' })).toEqual([0, 1, 2]);
  });

  it("the repeated autumn hour maps to the second (PST) instant with ambiguousTime 'later'", async () => {
    const { query } = await ordersModifiedAt(['2026-11-01T08:10:00Z', '2026-11-01T08:50:00Z', '2026-11-01T09:20:00Z'], { ambiguousTime: 'later' });
    // 01:30 = 09:30Z: after all three.
    expect(await query({ modifyDateStart: '2026-11-01 01:30:00' })).toEqual([]);
    expect(await query({ modifyDateEnd: '2026-11-01 01:00:00' })).toEqual([0, 1]);
  });

  it('a spring-gap time (02:30 does not exist) is read with the PST offset, i.e. 03:30 PDT', () => {
    const gap = parseWallInput('2026-03-08 02:30:00')!.wall;
    expect(new Date(fromPacificWall(gap, 'earlier')).toISOString()).toBe('2026-03-08T10:30:00.000Z');
    expect(fromPacificWall(gap, 'later')).toBe(fromPacificWall(gap, 'earlier'));
  });

  it('a filter sent with Z is read as Pacific wall time by default (filterOffset: ignore), honoured or refused when configured', async () => {
    const { query, sim: s, keys } = await ordersModifiedAt(['2026-06-15T17:00:00Z']);
    expect(await query({ modifyDateStart: '2026-06-15T16:00:00Z' })).toEqual([]);
    s.configure({ filterOffset: 'honour' });
    expect(await query({ modifyDateStart: '2026-06-15T16:00:00Z' })).toEqual([0]);
    s.configure({ filterOffset: 'reject' });
    expect((await v1(s, keys, 'GET', '/orders', { query: { modifyDateStart: '2026-06-15T16:00:00Z' } })).status).toBe(400);
  });

  it('accepts yyyy-mm-dd hh:mm:ss, the T form and a bare date; refuses nonsense with 400', async () => {
    const { query, sim: s, keys } = await ordersModifiedAt(['2026-06-15T17:00:00Z']);
    expect(await query({ modifyDateStart: '2026-06-15 10:00:00' })).toEqual([0]);
    expect(await query({ modifyDateStart: '2026-06-15T10:00:00.0000001' })).toEqual([]);
    expect(await query({ modifyDateEnd: '2026-06-15' })).toEqual([]);
    const bad = await v1(s, keys, 'GET', '/orders', { query: { modifyDateStart: 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/modifyDateStart/);
  });
});
