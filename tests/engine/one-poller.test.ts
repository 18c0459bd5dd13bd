/**
 * One poller per stream, however many schedulers run (DESIGN.md §3, distributed mode): two schedulers, each
 * on its own Engine and its own connection pool over one PostgreSQL schema (as two machines would be), tick
 * at the same moment over a Shopify connection. The Shopify simulator's request log must show each stream
 * (orders, customers) polled once per round, and the streams must move to the other scheduler once the first
 * one stops.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.ts';
import { createTransport } from '../../src/connectors/_kit/http.ts';
import { createEngine } from '../../src/main.ts';
import { createStore } from '../../src/store/index.ts';
import type { Engine } from '../../src/sync/engine.ts';
import { startScheduler, type Scheduler } from '../../src/sync/scheduler.ts';
import { describeGated, gateOf } from '../support/backends.ts';
import { SHOP, sampleOrder, startE2E, type E2E } from '../support/e2e.ts';
import { postgresAvailability } from '../support/test-db.ts';

const HOUR = 3_600_000;
let e: E2E | undefined;
let other: Engine;
const schedulers: Scheduler[] = [];

describeGated('two schedulers over one PostgreSQL schema', gateOf(postgresAvailability()), () => {
  beforeAll(async () => {
    e = await startE2E({ backend: 'postgres' });
    const db = await e.db.connect();
    other = createEngine({
      db,
      store: createStore({ db, sealer: e.db.sealer }),
      logger: createLogger({ level: 'silent' }),
      transport: createTransport({ defaultTimeoutMs: 10_000 }),
      ownerId: 'second-machine',
    });
    for (let i = 0; i < 3; i++) e.shopify.placeOrder(SHOP, sampleOrder({ customer: { email: `buyer${i}@example.com`, firstName: 'B', lastName: `${i}` } }));
  });

  afterAll(async () => {
    for (const s of schedulers) await s.stop();
    await other?.deps.queue.close();
    await e?.close();
  });

  /** GraphQL page queries the simulator answered for one stream. */
  const polls = (operation: 'OrdersPage' | 'CustomersPage') =>
    e!.shopify.server.requests().filter((r) => r.method === 'POST' && r.path.endsWith('/graphql.json') && r.body.includes(`query ${operation}`)).length;

  it('polls each stream once per round, and hands the streams over when a scheduler stops', async () => {
    // Timers far apart: only the explicit ticks below run rounds.
    const a = startScheduler(e!.engine, { pollEveryMs: HOUR });
    const b = startScheduler(other, { pollEveryMs: HOUR });
    schedulers.push(a, b);
    e!.shopify.server.clearRequests();

    for (let round = 1; round <= 3; round++) {
      await Promise.all([a.tick(), b.tick()]);
      expect({ round, orders: polls('OrdersPage'), customers: polls('CustomersPage') }).toEqual({ round, orders: round, customers: round });
    }
    // The polls were real: the orders reached the inbox and the stream's cursor moved.
    const cursor = await e!.db.store.cursors.get(e!.tenantId, e!.source.id, 'orders');
    expect(cursor).not.toBeNull();

    // The scheduler that held the streams stops: the other one polls them in its very next round.
    await a.stop();
    await b.tick();
    expect({ orders: polls('OrdersPage'), customers: polls('CustomersPage') }).toEqual({ orders: 4, customers: 4 });
  });
});
