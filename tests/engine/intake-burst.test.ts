/**
 * Webhook intake under a burst (src/sync/intake.ts), found by tests/e2e/webhook-storm.e2e.test.ts: a thousand
 * simultaneous Shopify deliveries took up to 17 s to answer on PGlite (each delivery ran ~6 statements before its
 * 2xx), so most missed Shopify's 5 s window and would have been retried. Now a burst shares one connection lookup,
 * its inserts are written together, and its hand-offs to the queue run after the answers; a lone delivery is still
 * queued before it is answered. Also: `inbox.insertMany`, on both backends.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookIntake } from '../../src/sync/intake.ts';
import type { Connection, NewInboxEvent, Store, WebhookEvent } from '../../src/sync/ports.ts';
import { createLogger } from '../../src/config/logger.ts';
import { describeGated, gateOf } from '../support/backends.ts';
import { openTestStore, postgresAvailability, type BackendName, type TestStore } from '../support/test-db.ts';
import { engineOn } from './support.ts';

const noHttp = async () => {
  throw new Error('no http in this test');
};

function suite(backend: BackendName) {
  let db: TestStore;
  beforeAll(async () => {
    db = await openTestStore({ backend });
  });
  afterAll(async () => db.close());
  beforeEach(async () => db.reset());

  async function source(): Promise<Connection> {
    const tenant = await db.store.tenants.create({ name: 't' });
    return db.store.connections.create({ tenantId: tenant.id, system: 'woocommerce', role: 'source', label: 'Shop', config: {}, secrets: {} });
  }

  const row = (c: Connection, deliveryId: string, sourceId = '1'): NewInboxEvent => ({
    tenantId: c.tenantId,
    connectionId: c.id,
    deliveryId,
    topic: 'order.updated',
    entityType: 'order',
    sourceId,
    payload: JSON.stringify({ id: sourceId, pad: 'x'.repeat(2_000) }),
    headers: { 'x-id': deliveryId },
    triggeredAt: '2026-04-01T10:00:00.000Z',
  });

  /** An engine whose verifier takes the delivery id and source id from two headers. */
  function engine() {
    const verify = (input: { headers: Record<string, string> }) => ({
      ok: true as const,
      events: [{ deliveryId: input.headers['x-id'] ?? '', topic: 'order.updated', entityType: 'order', sourceId: input.headers['x-src'] ?? '1', triggeredAt: null } satisfies WebhookEvent],
    });
    return engineOn(db, { webhook: () => ({ verify }) }, noHttp);
  }

  const deliver = (e: ReturnType<typeof engine>, c: Connection, id: string, src = '1') =>
    e.ingestWebhook({ connectionId: c.id, webhookKey: c.webhookKey, headers: { 'x-id': id, 'x-src': src }, rawBody: Buffer.from('{}') });

  const unenqueued = async () => Number((await db.db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events WHERE enqueued_at IS NULL'))[0]?.n);

  describe('inbox.insertMany', () => {
    it('inserts in one go, answers in the order given, and treats a repeat (in the batch or stored) as a duplicate', async () => {
      const c = await source();
      const [stored] = await db.store.inbox.insertMany([row(c, 'd-0')]);
      expect(stored?.inserted).toBe(true);
      const results = await db.store.inbox.insertMany([row(c, 'd-1'), row(c, 'd-2'), row(c, 'd-1'), row(c, 'd-0'), row(c, 'd-3', '3')]);
      expect(results.map((r) => [r.inserted, r.event.deliveryId])).toEqual([
        [true, 'd-1'],
        [true, 'd-2'],
        [false, 'd-1'],
        [false, 'd-0'],
        [true, 'd-3'],
      ]);
      // A duplicate hands back the first copy.
      expect(results[2]?.event.id).toBe(results[0]?.event.id);
      expect(results[3]?.event.id).toBe(stored?.event.id);
      // What comes back for a new row is what a read gives.
      const read = await db.store.inbox.get(c.tenantId, results[4]!.event.id);
      expect(results[4]?.event).toEqual(read);
      expect(await db.store.inbox.insertMany([])).toEqual([]);
      const rows = await db.db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events');
      expect(Number(rows[0]?.n)).toBe(4);
    });

    it('writes more rows than fit in one statement', async () => {
      const c = await source();
      const results = await db.store.inbox.insertMany(Array.from({ length: 1_200 }, (_, i) => row(c, `big-${i}`, String(i))));
      expect(results.filter((r) => r.inserted)).toHaveLength(1_200);
      expect(new Set(results.map((r) => r.event.id)).size).toBe(1_200);
    });
  });

  describe('webhook intake', () => {
    it('a lone delivery is queued before it is answered, as before', async () => {
      const c = await source();
      const e = engine();
      expect(await deliver(e, c, 'alone')).toEqual({ status: 200, body: { received: 1, duplicates: 0 } });
      expect(await unenqueued()).toBe(0);
    });

    it('a burst is answered once committed, then handed to the queue; nothing is lost', async () => {
      const c = await source();
      const e = engine();
      const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => deliver(e, c, `burst-${i}`, String(i))));
      expect(answers.every((a) => a.status === 200 && a.body && 'received' in a.body && a.body.received === 1)).toBe(true);
      const rows = await db.db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events');
      expect(Number(rows[0]?.n)).toBe(300);
      // The answers did not wait for the hand-off...
      expect(await unenqueued()).toBeGreaterThan(0);
      // ...which follows once arrivals pause.
      await e.intakeIdle();
      expect(await unenqueued()).toBe(0);
    });

    it('the hand-off lane lets the event loop run between hand-offs (timers, new requests)', async () => {
      const c = await source();
      const e = engine();
      await Promise.all(Array.from({ length: 200 }, (_, i) => deliver(e, c, `turn-${i}`, String(i))));
      // Polled with a timer: if the lane kept the loop to itself (PGlite answers on microtasks), the timer would
      // fire only once it had handed over all 200.
      let left = 200;
      while (left === 200) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        left = await unenqueued();
      }
      expect(left).toBeGreaterThan(0);
      await e.intakeIdle();
      expect(await unenqueued()).toBe(0);
    });

    it('the same delivery ten times at once is stored once and reported as nine duplicates', async () => {
      const c = await source();
      const e = engine();
      const answers = await Promise.all(Array.from({ length: 10 }, () => deliver(e, c, 'same')));
      const bodies = answers.map((a) => a.body);
      expect(bodies.filter((b) => 'received' in b && b.received === 1)).toHaveLength(1);
      expect(bodies.filter((b) => 'duplicates' in b && b.duplicates === 1)).toHaveLength(9);
      await e.intakeIdle();
      const rows = await db.db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbox_events');
      expect(Number(rows[0]?.n)).toBe(1);
    });

    it('a burst shares the connection lookup and writes its inserts together', async () => {
      const c = await source();
      const calls = { lookups: 0, insertMany: 0, rows: 0 };
      const store: Store = {
        ...db.store,
        connections: { ...db.store.connections, getByWebhookKey: (id, key) => (calls.lookups++, db.store.connections.getByWebhookKey(id, key)) },
        inbox: {
          ...db.store.inbox,
          insertMany: (events) => {
            calls.insertMany += 1;
            calls.rows += events.length;
            return db.store.inbox.insertMany(events);
          },
        },
      };
      const e = engine();
      const intake = new WebhookIntake({ store, queue: e.deps.queue, logger: createLogger({ level: 'silent' }) });
      const committed = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
        const connection = await intake.connection(c.id, c.webhookKey);
        expect(connection?.id).toBe(c.id);
        return intake.commit(row(c, `shared-${i}`, String(i)));
      }));
      expect(committed.every((r) => r.inserted)).toBe(true);
      expect(calls.lookups).toBe(1);
      expect(calls.rows).toBe(200);
      expect(calls.insertMany).toBeLessThan(10);
      // A wrong key is its own lookup, and finds nothing.
      expect(await intake.connection(c.id, 'not-the-key')).toBeNull();
    });

    it('one event the store refuses fails only its own delivery, not the others written with it', async () => {
      const c = await source();
      let failOnce = true;
      const store: Store = {
        ...db.store,
        inbox: {
          ...db.store.inbox,
          insertMany: async (events) => {
            if (failOnce && events.length > 1) {
              failOnce = false;
              throw new Error('a row the store refuses');
            }
            return db.store.inbox.insertMany(events);
          },
          insert: async (event) => {
            if (event.deliveryId === 'poison') throw new Error('a row the store refuses');
            return db.store.inbox.insert(event);
          },
        },
      };
      const e = engine();
      const intake = new WebhookIntake({ store, queue: e.deps.queue, logger: createLogger({ level: 'silent' }) });
      const ids = ['first', 'a', 'b', 'poison', 'c'];
      const outcomes = await Promise.allSettled(ids.map((id, i) => intake.commit(row(c, id, String(i)))));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const rows = await db.db.query<{ delivery_id: string }>('SELECT delivery_id FROM inbox_events ORDER BY delivery_id');
      expect(rows.map((r) => r.delivery_id)).toEqual(['a', 'b', 'c', 'first']);
    });
  });
}

describe('intake on PGlite', () => suite('pglite'));
describeGated('intake on PostgreSQL', gateOf(postgresAvailability()), () => suite('postgres'));
