/**
 * Faults that try hard to break a sync run (Shopify → Zoho Books, webhooks, the real HTTP app, queue and engine):
 * the target answers a random 20 % of calls with 5xx (seeded, so a failure can be replayed: the seed is printed),
 * some calls time out (some after Zoho created the invoice and the answer was lost), a storm of consecutive 429s
 * with Retry-After, and the target's grant revoked mid-run, then reconnected through the CLI's connect path.
 *
 * Promises, checked in the simulators' own state once the run is over: every order has exactly one invoice
 * (counted by reference number), each invoice's total is the order's, nothing is left running or pending, and every
 * record is synced or failed/conflict with its reason; an operator's replay of the failed ones completes the set.
 * The test prints its figures.
 *
 * Time: Zoho's 100 calls a minute is compressed (tests/support/storm.ts, Warp); transport timeouts are real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CLIENT_ID as QBO_CLIENT_ID, SANDBOX_CLIENT_SECRET as QBO_CLIENT_SECRET } from '../../simulators/quickbooks/setup.ts';
import { connectQuickBooks, connectZohoBooks } from '../../src/cli/connect-flows.ts';
import { authorizeUrl as quickbooksAuthorizeUrl } from '../../src/connectors/quickbooks/auth.ts';
import { consent } from '../../src/cli/sandbox.ts';
import type { SyncRecord } from '../../src/sync/ports.ts';
import type { OrderRecord } from '../../simulators/shopify/types.ts';
import { SHOP } from '../support/e2e.ts';
import { cents, countBy, drained, figures, reconcile, startStorm, stormBuyer, stormOrder, tally, waitUntil, type Storm } from '../support/storm.ts';
import type { E2E } from '../support/e2e.ts';
import type { FaultRule } from '../../simulators/_kit/faults.ts';
import type { SimServer } from '../../simulators/_kit/server.ts';
import type { BackendName } from '../support/test-db.ts';

/** The seed of the 5xx storm: FAULT_SEED=<n> replays a run hit for hit (up to the workers' interleaving). */
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BUYERS = 12;
/** The engine's transport timeout in startPlatform; the slow answers below take longer. */
const TRANSPORT_TIMEOUT_MS = 5_000;

let s: Storm | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

const ORDER_STATES_DONE = new Set(['synced', 'failed', 'conflict', 'skipped']);

async function orderRecords(st: Storm): Promise<SyncRecord[]> {
  return (await st.e.records()).filter((r) => r.entityType === 'order');
}

/** What differs between the two targets: where their API and token endpoint are, how they say 5xx and 429, how to
 * revoke the grant, and the reconnect the CLI's `connect` performs. */
interface TargetProfile {
  name: string;
  server: SimServer;
  /** Every API call of the connected account starts with this path. */
  api: string;
  /** Creating an invoice: method and path prefix. */
  createInvoice: { method: string; pathPrefix: string };
  updateInvoice: { method: string; pathPrefix: string };
  findInvoice: { method: string; pathPrefix: string };
  tokenPath: string;
  e5xx: [FaultRule, FaultRule];
  e429: FaultRule;
  /** How long the engine must keep every worker off the account after one of those 429s (simulated ms). */
  pauseAfter429Ms: number;
  /** How many 429s in a row. */
  stormSize: number;
  revoke(): number;
  reconnect(): Promise<{ id: string; message: string }>;
  reference(invoice: Record<string, unknown>): string;
  total(invoice: Record<string, unknown>): unknown;
}

function zohoProfile(e: E2E): TargetProfile {
  const api = `${e.zohoApiPrefix}/books/v3`;
  const clientId = '1000.SANDBOXCLIENT0000000000000000';
  return {
    name: 'Zoho Books',
    server: e.zoho.server,
    api,
    createInvoice: { method: 'POST', pathPrefix: `${api}/invoices` },
    updateInvoice: { method: 'PUT', pathPrefix: `${api}/invoices/` },
    findInvoice: { method: 'GET', pathPrefix: `${api}/invoices` },
    tokenPath: '/accounts/eu/oauth/v2/token',
    e5xx: [
      { status: 503, body: 'Service Unavailable', headers: { 'content-type': 'text/plain' } },
      { status: 500, body: { code: 1000, message: 'Internal Error' } },
    ],
    // Zoho's own 429 has no Retry-After; this storm sends one, as a gateway in front of it might.
    e429: { status: 429, headers: { 'Retry-After': '20' }, body: { code: 44, message: 'You have made too many requests continuously. Please try again after some time.' } },
    pauseAfter429Ms: 20_000,
    stormSize: 40,
    revoke: () => e.zoho.revokeTokens({}),
    async reconnect() {
      const redirectUri = `${e.appUrl}/oauth/callback`;
      const grant = await consent(e.zoho.accountsServer('eu'), clientId, redirectUri);
      const result = await connectZohoBooks({ store: e.db.store, engine: e.engine }, { tenant: e.tenant, clientId, clientSecret: 'sandbox-secret-0000000000000000000000000000', redirectUri, grant, organizationId: e.organizationId });
      return { id: result.connection.id, message: result.message };
    },
    reference: (i) => String(i.reference_number),
    total: (i) => i.total,
  };
}

function quickbooksProfile(e: E2E): TargetProfile {
  const qbo = e.qbo!;
  const endpoints = qbo.endpoints();
  const api = `${new URL(endpoints.apiBase.sandbox).pathname}/v3/company/${e.realmId}`;
  const fault = (type: string, code: string, message: string) => ({ Fault: { Error: [{ Message: message, Detail: message, code }], type }, time: new Date().toISOString() });
  return {
    name: 'QuickBooks Online',
    server: qbo.server,
    api,
    createInvoice: { method: 'POST', pathPrefix: `${api}/invoice` },
    updateInvoice: { method: 'POST', pathPrefix: `${api}/invoice` },
    findInvoice: { method: 'GET', pathPrefix: `${api}/query` },
    tokenPath: new URL(endpoints.token).pathname,
    e5xx: [
      { status: 503, body: fault('SystemFault', '10000', 'An application error has occurred while processing your request') },
      { status: 500, body: fault('SystemFault', '10000', 'An application error has occurred while processing your request') },
    ],
    // As QuickBooks sends it: no Retry-After; Intuit says to wait 60 s.
    e429: { status: 429, body: fault('SERVICE', '3001', 'message=ThrottleExceeded; errorCode=003001; statusCode=429') },
    pauseAfter429Ms: 60_000,
    stormSize: 20,
    revoke: () => qbo.revokeGrant({}).revoked,
    async reconnect() {
      const redirectUri = `${e.appUrl}/oauth/callback`;
      const answer = await fetch(quickbooksAuthorizeUrl({ clientId: QBO_CLIENT_ID, redirectUri, state: 'storm', oauthBaseUrl: qbo.url }), { redirect: 'manual' });
      const back = new URL(answer.headers.get('location') ?? '');
      const result = await connectQuickBooks({ store: e.db.store, engine: e.engine }, {
        tenant: e.tenant,
        clientId: QBO_CLIENT_ID,
        clientSecret: QBO_CLIENT_SECRET,
        redirectUri,
        code: back.searchParams.get('code') ?? '',
        realmId: back.searchParams.get('realmId') ?? '',
        environment: 'sandbox',
        oauthBaseUrl: qbo.url,
        apiBaseUrl: endpoints.apiBase.sandbox,
      });
      return { id: result.connection.id, message: result.message };
    },
    reference: (i) => String(i.DocNumber),
    total: (i) => i.TotalAmt,
  };
}

async function faultStorm(target: 'zoho-books' | 'quickbooks', backend: BackendName | undefined, orders: number, label: string, speed = 30): Promise<void> {
  s = await startStorm({ speed, target, ...(backend ? { backend } : {}) });
  const st = s;
  const { e } = st;
  const t = target === 'quickbooks' ? quickbooksProfile(e) : zohoProfile(e);
  const { api, tokenPath } = t;
  for (let i = 0; i < BUYERS; i++) e.shopify.createCustomer(SHOP, { email: stormBuyer(i, BUYERS), firstName: 'Buyer', lastName: String(i) });
  await e.shopify.settleWebhooks();

  // Faults, first match wins: answers lost after the target did the work, late answers, a hang, then the random
  // 5xx. Each rule with `times` retires after that many hits.
  const faults = t.server.faults;
  const rule = {
    dropped: faults.add({ ...t.createInvoice, dropAfterHandling: true, times: 3 }),
    lateCreate: faults.add({ ...t.createInvoice, delayResponseMs: TRANSPORT_TIMEOUT_MS + 1_500, times: 2 }),
    lateUpdate: faults.add({ ...t.updateInvoice, delayResponseMs: TRANSPORT_TIMEOUT_MS + 1_500, times: 1 }),
    hang: faults.add({ ...t.findInvoice, hang: true, latencyMs: TRANSPORT_TIMEOUT_MS + 1_000, times: 2 }),
    // 10 % 503, then 1/9 of the rest 500: a fifth of the calls in all.
    e503: faults.add({ pathPrefix: api, ...t.e5xx[0], rate: 0.1, seed: SEED }),
    e500: faults.add({ pathPrefix: api, ...t.e5xx[1], rate: 1 / 9, seed: SEED + 1 }),
    tokenE500: faults.add({ pathPrefix: tokenPath, status: 500, body: { error: 'internal' }, rate: 0.2, seed: SEED + 2 }),
  };
  const add429Storm = () => faults.add({ pathPrefix: api, ...t.e429, times: t.stormSize });
  let storm429: number | null = null;

  st.startWorker(4);
  const placed: OrderRecord[] = [];
  const place = (n: number) => {
    for (let k = 0; k < n; k++) placed.push(e.shopify.placeOrder(SHOP, stormOrder(placed.length, k % 3 === 0 ? 'PAID' : 'PENDING', BUYERS)));
  };
  const syncedOrders = async () => (await orderRecords(st)).filter((r) => r.state === 'synced').length;

  // Phase 1: orders flow in while the faults fire; a 429 storm starts once a fifth are through.
  const phase1 = Math.round(orders * 0.5);
  for (let placedSoFar = 0; placedSoFar < phase1; placedSoFar += 10) {
    place(Math.min(10, phase1 - placedSoFar));
    await e.shopify.settleWebhooks();
    // The storm rule comes last: it answers the calls the rules above let through, `stormSize` in a row.
    if (storm429 === null && (await syncedOrders()) >= orders / 5) storm429 = add429Storm();
  }
  await waitUntil(async () => (await syncedOrders()) >= phase1 * 0.6, 'most of phase 1 to sync', 60_000, async () => JSON.stringify(tally(await e.records())));
  if (storm429 === null) storm429 = add429Storm();

  // Phase 2: the grant is revoked mid-run (the user disconnected the app); orders keep coming meanwhile.
  const revoked = t.revoke();
  expect(revoked).toBeGreaterThan(0);
  const phase2 = Math.round(orders * 0.3);
  place(phase2);
  await e.shopify.settleWebhooks();
  // The revocation shows at the next call to the target. Should every job have ended first (failed after its
  // retries, see the report on attempts), the operator replays the failed ones, and those calls show it.
  let operatorReplaysBeforePark = 0;
  const parked = await waitUntil(async () => {
    const c = await e.db.store.connections.get(e.tenantId, e.target.id);
    if (c?.status === 'needs_reauth') return c;
    const jobs = await e.engine.deps.queue.counts();
    if (jobs.queued === 0 && jobs.running === 0 && (await e.engine.replayMany(e.tenantId, { state: 'failed' })) > 0) operatorReplaysBeforePark += 1;
    return null;
  }, `the ${t.name} connection to be parked as needs_reauth`, 60_000, async () => {
    const errors = (await e.db.store.audit.list(e.tenantId, { kind: 'step', limit: 100_000 })).filter((a) => a.step.startsWith('error:')).slice(-5);
    return `records ${JSON.stringify(tally(await e.records()))}; jobs ${JSON.stringify(await e.engine.deps.queue.counts())}; last errors ${JSON.stringify(errors.map((a) => a.detail))}`;
  });
  expect(parked.statusReason ?? '').not.toBe('');
  await drained(e, 60_000);
  // Parked, nothing lost: no job runs or waits, and every order not yet synced says why it waits.
  const whileParked = await orderRecords(st);
  const waiting = whileParked.filter((r) => r.state === 'retrying');
  expect(whileParked.filter((r) => r.state === 'running' || r.state === 'pending')).toEqual([]);
  expect(whileParked.filter((r) => !ORDER_STATES_DONE.has(r.state) && r.state !== 'retrying')).toEqual([]);
  for (const r of waiting) expect(r.reason ?? '').toMatch(/reconnect|needs reauth/i);
  expect(waiting.length).toBeGreaterThan(0);
  // Orders placed after the revocation are parked (or synced where an access token outlived its grant a while, or
  // failed with their reason where 5xx came first); none is lost from view.
  const phase2Ids = new Set(placed.slice(-phase2).map((o) => o.id));
  expect(whileParked.filter((x) => phase2Ids.has(x.sourceId))).toHaveLength(phase2);
  const creates = () => t.server.requests().filter((r) => r.method === t.createInvoice.method && r.path.startsWith(t.createInvoice.pathPrefix)).length;
  const postsWhileParked = creates();

  // Reconnect through the CLI's path (consent, code exchange, ping, store, resume). The token endpoint still fails
  // a fifth of the time, and a failed connect stores nothing: the operator runs it again.
  let reconnectAttempts = 0;
  for (;;) {
    reconnectAttempts += 1;
    try {
      const result = await t.reconnect();
      expect(result.id).toBe(e.target.id);
      expect(result.message).toMatch(/reconnected/);
      break;
    } catch (error) {
      if (reconnectAttempts >= 20) throw error;
      const still = await e.db.store.connections.get(e.tenantId, e.target.id);
      expect(still?.status).toBe('needs_reauth');
    }
  }
  expect(creates()).toBe(postsWhileParked);

  // Phase 3: the rest of the orders, with every fault still armed.
  const phase3 = orders - phase1 - phase2;
  place(phase3);
  await e.shopify.settleWebhooks();
  await drained(e, 90_000);

  // The run is over: nothing running or pending; every record (orders and buyers) synced, or failed/conflict
  // with its reason.
  const atEnd = await e.records();
  expect(atEnd.filter((r) => r.entityType === 'order')).toHaveLength(orders);
  expect(atEnd.filter((r) => !ORDER_STATES_DONE.has(r.state))).toEqual([]);
  for (const r of atEnd.filter((x) => x.state !== 'synced')) expect(r.reason ?? '').not.toBe('');
  const leftForOperator = atEnd.filter((r) => r.state !== 'synced');
  for (const r of leftForOperator) console.log(`  left for the operator: ${r.entityType} ${r.sourceRef} ${r.state} after ${r.attempts} runs: ${r.reason}`);

  // The operator replays what failed (faults still armed), until nothing is left or three rounds are spent.
  let replayRounds = 0;
  while (replayRounds < 3 && (await e.records()).some((r) => r.state === 'failed')) {
    replayRounds += 1;
    await e.engine.replayMany(e.tenantId, { state: 'failed' });
    await drained(e, 60_000);
  }

  const final = await e.records();
  const invoices = e.invoices();
  const counts = countBy(invoices, t.reference);
  const { duplicates, missing, strays } = reconcile(placed.map((o) => o.name), counts);
  const wrongTotals = placed.filter((o) => {
    const inv = invoices.find((i) => t.reference(i) === o.name);
    return inv !== undefined && cents(t.total(inv)) !== cents(e.shopify.getOrder(SHOP, o.id).current.total.shop);
  });
  const hits = (id: number | null) => (id === null ? 0 : (faults.list().find((r) => r.id === id)?.hits ?? 0));
  const targetCalls = t.server.requests().filter((r) => r.path.startsWith(api)).length;
  // Honoured by every worker: with 4 workers at most 4 calls are in flight when a 429 comes back, so `stormSize` in a
  // row take at least stormSize / 4 pauses; a worker that ignored the pause would burn through them in seconds.
  const stormTimes = t.server.requests().filter((r) => r.fault === storm429).map((r) => Date.parse(r.at));
  const stormSpanMs = stormTimes.length > 0 ? Math.max(...stormTimes) - Math.min(...stormTimes) : 0;
  const foundAfterLoss = (await e.db.store.audit.list(e.tenantId, { kind: 'step', limit: 100_000 })).filter((a) => a.step === 'found-invoice').length;
  figures(label, {
    seed: SEED,
    orders,
    target: t.name,
    targetCalls,
    faults: {
      '5xx': hits(rule.e503) + hits(rule.e500),
      token5xx: hits(rule.tokenE500),
      timeouts: hits(rule.lateCreate) + hits(rule.lateUpdate) + hits(rule.hang),
      lostAnswers: hits(rule.dropped),
      '429': hits(storm429),
      revoked: 1,
    },
    stormSpan: `${Math.round(stormSpanMs / 1000)}s simulated`,
    parked: waiting.length,
    operatorReplaysBeforePark,
    reconnectAttempts,
    foundAfterLoss,
    leftForOperator: tally(leftForOperator),
    replayRounds,
    duplicates: duplicates.length,
    missing: missing.length,
    wrongTotals: wrongTotals.length,
    records: tally(final),
  });

  expect(hits(rule.e503) + hits(rule.e500)).toBeGreaterThan(0);
  expect(hits(rule.dropped)).toBe(3);
  expect(hits(rule.lateCreate) + hits(rule.lateUpdate) + hits(rule.hang)).toBeGreaterThan(0);
  expect(hits(storm429)).toBe(t.stormSize);
  expect(stormSpanMs).toBeGreaterThanOrEqual((t.stormSize / 4 - 1) * t.pauseAfter429Ms);
  expect(duplicates).toEqual([]);
  expect(missing).toEqual([]);
  expect(strays).toEqual([]);
  expect(wrongTotals.map((o) => o.name)).toEqual([]);
  expect(final.filter((r) => r.state !== 'synced').map((r) => `${r.sourceRef}: ${r.state} ${r.reason}`)).toEqual([]);
  const connection = await e.db.store.connections.get(e.tenantId, e.target.id);
  expect(connection?.status).toBe('active');
}

describe('fault storm', () => {
  it('Shopify → Zoho Books, 100 orders: 20 % 5xx, timeouts, lost answers, a 429 storm and a revoked grant; one invoice per order, none lost', async () => {
    await faultStorm('zoho-books', undefined, 100, 'fault-storm', 60);
  }, 180_000);

  // QuickBooks makes more calls per order (company info, customer, query, invoice), so a smaller run, faster time.
  // On PostgreSQL when DATABASE_URL is set (as in CI), so the storm runs on both backends.
  it(`Shopify → QuickBooks Online, 10 orders: the same storm${process.env.DATABASE_URL ? ' (PostgreSQL)' : ''}`, async () => {
    await faultStorm('quickbooks', process.env.DATABASE_URL ? 'postgres' : undefined, 10, `fault-storm[quickbooks${process.env.DATABASE_URL ? ', postgres' : ''}]`, 60);
  }, 180_000);
});
