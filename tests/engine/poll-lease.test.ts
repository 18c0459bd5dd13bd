/**
 * The poll lease after a crash (found by tests/e2e/crash-storm.e2e.test.ts): a poller killed mid-poll used to
 * hold its stream's lease for five minutes, so polling, the safety net under lost webhooks, stopped for that
 * long after every crash. The lease is now short and renewed while the poll runs: a dead poller blocks the
 * stream only briefly, and a long poll still keeps a second one out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollStream, POLL_LEASE_MS } from '../../src/sync/poll-stream.ts';
import type { Connection, ConnectorContext, HttpCall, PollPage, SourceClient } from '../../src/sync/ports.ts';
import { openTestStore, type TestStore } from '../support/test-db.ts';
import { engineOn } from './support.ts';

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => t.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A source whose `orders` stream yields one empty page after `pageMs`. */
function slowSource(pageMs: number) {
  let polls = 0;
  const source = (_ctx: ConnectorContext): SourceClient =>
    ({
      async *poll(): AsyncIterable<PollPage> {
        polls += 1;
        await sleep(pageMs);
        yield { items: [], cursor: `c${polls}` };
      },
    }) as unknown as SourceClient;
  return { source, polls: () => polls };
}

const noTransport: HttpCall = async () => {
  throw new Error('no HTTP in this test');
};

async function connection(): Promise<Connection> {
  const tenant = await t.store.tenants.create({ name: 'poll-lease' });
  return t.store.connections.create({ tenantId: tenant.id, system: 'shopify', role: 'source', label: 'shop', config: {}, secrets: {} });
}

describe('the poll lease', () => {
  it('is short by default: a poller that died mid-poll blocks its stream for seconds, not minutes', () => {
    expect(POLL_LEASE_MS).toBeLessThanOrEqual(30_000);
  });

  it('a dead poller blocks the stream only until its lease runs out', async () => {
    const fake = slowSource(0);
    const engine = engineOn(t, { source: fake.source }, noTransport);
    const conn = await connection();
    // The last renewal of a process that was then SIGKILLed.
    await engine.deps.leases.acquire(`poll:${conn.id}:orders`, 'dead-process#1', 300);
    expect((await pollStream(engine.deps, engine.runtime, conn, 'orders', { leaseMs: 300 })).skipped).toBe('busy');
    await sleep(400);
    const report = await pollStream(engine.deps, engine.runtime, conn, 'orders', { leaseMs: 300 });
    expect(report.skipped).toBeUndefined();
    expect(report.pages).toBe(1);
  });

  it('a poll that outlasts its lease renews it, so a second poll of the stream stays out until it ends', async () => {
    const fake = slowSource(1_000);
    const engine = engineOn(t, { source: fake.source }, noTransport);
    const conn = await connection();
    const long = pollStream(engine.deps, engine.runtime, conn, 'orders', { leaseMs: 300 });
    await sleep(700); // more than twice the lease
    expect((await pollStream(engine.deps, engine.runtime, conn, 'orders', { leaseMs: 300 })).skipped).toBe('busy');
    expect((await long).pages).toBe(1);
    // Released at the end (no late renewal brings it back): the next poll runs at once.
    const next = await pollStream(engine.deps, engine.runtime, conn, 'orders', { leaseMs: 300 });
    expect(next.skipped).toBeUndefined();
    expect(fake.polls()).toBe(2);
  });
});
