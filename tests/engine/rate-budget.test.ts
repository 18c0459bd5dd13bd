/**
 * Every call to a target account draws from that account's one budget (DESIGN.md §2.7): short waits are
 * taken in place, long ones give the job back with the wait; a 429 pauses the whole account.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResponse, Connection, HttpCall } from '../../src/sync/ports.ts';
import { openTestStore, type TestStore } from '../support/test-db.ts';
import { engineOn } from './support.ts';

let db: TestStore;
beforeAll(async () => {
  db = await openTestStore();
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

async function connection(): Promise<Connection> {
  const tenant = await db.store.tenants.create({ name: 't' });
  return db.store.connections.create({ tenantId: tenant.id, system: 'zoho-books', role: 'target', label: 'Zoho Books', config: { organizationId: '1' }, secrets: {} });
}

function transport(status = 200): { call: HttpCall; count: () => number } {
  let count = 0;
  return {
    call: async (): Promise<ApiResponse> => {
      count += 1;
      return { status, headers: status === 429 ? { 'retry-after': '30' } : {}, text: '{}' };
    },
    count: () => count,
  };
}

describe('shared rate budget', () => {
  it('lets the limit through, then gives the job back with the wait instead of calling', async () => {
    const t = transport();
    const engine = engineOn(db, { budget: (c) => ({ key: `zoho:${String(c.config.organizationId)}`, rules: [{ limit: 3, windowMs: 60_000 }] }) }, t.call);
    const conn = await connection();
    const http = engine.runtime.http(conn, { tenantId: conn.tenantId, recordId: null });
    for (let i = 0; i < 3; i++) await http({ method: 'GET', url: 'http://x/books/v3/invoices', op: 'test' });
    const error = await http({ method: 'GET', url: 'http://x/books/v3/invoices', op: 'test' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RATE_LIMITED' });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_000);
    expect(t.count()).toBe(3);
  });

  it('the budget is per account: two workers (engines) share it', async () => {
    const t = transport();
    const budget = { budget: (c: Connection) => ({ key: `zoho:${String(c.config.organizationId)}`, rules: [{ limit: 4, windowMs: 60_000 }] }) };
    const conn = await connection();
    const a = engineOn(db, budget, t.call, 'a').runtime.http(conn, { tenantId: conn.tenantId, recordId: null });
    const b = engineOn(db, budget, t.call, 'b').runtime.http(conn, { tenantId: conn.tenantId, recordId: null });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b)({ method: 'GET', url: 'http://x/y', op: 'test' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    expect(t.count()).toBe(4);
  });

  it('a 429 pauses the whole account for the time the server asked', async () => {
    const limited = transport(429);
    const engine = engineOn(db, { budget: () => ({ key: 'zoho:1', rules: [{ limit: 100, windowMs: 60_000 }] }) }, limited.call);
    const conn = await connection();
    const http = engine.runtime.http(conn, { tenantId: conn.tenantId, recordId: null });
    expect((await http({ method: 'GET', url: 'http://x/y', op: 'test' })).status).toBe(429);
    const next = await http({ method: 'GET', url: 'http://x/y', op: 'test' }).catch((e: unknown) => e);
    expect(next).toMatchObject({ code: 'RATE_LIMITED' });
    expect(limited.count()).toBe(1);
  });

  it('audits every call with method, path, status and duration, never the query secrets', async () => {
    const t = transport();
    const engine = engineOn(db, {}, t.call);
    const conn = await connection();
    await engine.runtime.http(conn, { tenantId: conn.tenantId, recordId: null })({ method: 'POST', url: 'http://x/oauth/v2/token?refresh_token=SECRET&grant_type=refresh_token', op: 'zoho.token' });
    const [entry] = await db.store.audit.list(conn.tenantId, { kind: 'api' });
    expect(entry).toMatchObject({ method: 'POST', status: 200, step: 'zoho.token' });
    expect(entry?.url).not.toContain('SECRET');
  });
});

describe('sliding window', () => {
  it('never grants more than the limit within any window-long stretch, across a window boundary', async () => {
    const engine = engineOn(db, {}, async () => ({ status: 200, headers: {}, text: '{}' }));
    const budget = engine.deps.budget;
    const rule = { limit: 5, windowMs: 400 };
    const granted: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 1_300) {
      if ((await budget.take('sliding', [rule])) === 0) granted.push(Date.now());
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(granted.length).toBeGreaterThanOrEqual(10); // it does let calls through as the window slides
    for (const t of granted) {
      // Allow a little slack for the gap between the database clock and ours.
      expect(granted.filter((u) => u >= t && u < t + rule.windowMs - 30).length).toBeLessThanOrEqual(rule.limit);
    }
  });
});
