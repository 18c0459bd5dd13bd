/**
 * Backfill (DESIGN.md §6 `backfill --since`): every order changed since a date, posted to the target in as few
 * calls as the target allows, with progress and, as a dry run, a preview count that writes nothing.
 *
 * - Orders come in pages of whole orders from the source's list endpoint (`SourceClient.listOrders`), never
 *   fetched one by one. Each is checked by the posting rule first: one that does not tie out is a `conflict`
 *   record with its sentence, and nothing is posted for it.
 * - An order whose invoice link is confirmed is already posted and left alone (the live path keeps it current).
 *   One whose link is only claimed, or whose record is running, may be being written right now: it goes to the
 *   normal per-entity job, whose one-writer rule and look-before-create settle it (DESIGN.md §2.3, §2.4).
 * - The rest go in chunks of 30 (QBO's batch size, §8 of its notes): claim each invoice link, look the chunk's
 *   references up in one query (found ones are linked, not created), resolve contact, items and taxes through
 *   the same `resolveInvoiceRefs` as the jobs (links first, so a customer or item is looked up once for the
 *   whole backfill), create the chunk in one batch request (whose requestid makes a retried chunk create
 *   nothing twice), confirm each link with its invoice id, and record each sync record `synced`, or `failed`
 *   with the item's own error so an operator can replay it through the normal per-entity job. An invoice whose
 *   total the target computed differently goes to that job too, which books the rounding line or raises the
 *   conflict exactly as it does for live orders.
 * - A target without batch methods (Zoho Books), or a source without a list of whole orders, falls back to
 *   the normal per-entity jobs, queued with priority `backfill` so live jobs go first.
 *
 * Rate: every call goes through the runtime's audited, budgeted HttpCall, so it draws from the target's one
 * shared budget (DESIGN.md §2.7). On top, a backfill draws from a second budget of its own holding BACKFILL_SHARE
 * of each of the account's rules, so however long it runs, live traffic keeps the rest: backfills yield to live
 * traffic. A 429 (QBO's 3001) pauses the shared budget for as long as the server says, and the backfill waits as
 * told, then sends the same request again (the same requestid). Batch requests are also paced below the target's
 * own batch limit (BATCH_REQUESTS_PER_MINUTE), so a long backfill never makes the target pause everyone.
 */
import type { InvoiceDraft } from '../core/documents.ts';
import { classify, SyncError } from '../core/errors.ts';
import { compare, parseDec } from '../core/money.ts';
import type { Order } from '../core/model.ts';
import { postOrder } from '../core/posting/order-to-invoice.ts';
import type { EngineDeps } from './deps.ts';
import { enqueueSync } from './dispatch.ts';
import type { Engine } from './engine.ts';
import { decideFailure } from './outcome.ts';
import type { Connection, HttpCall, Integration, Json, Link, OrderListPage, RecordKey, ResolvedRefs, SourceClient, SyncRecord, TargetClient } from './ports.ts';
import { resolveInvoiceRefs, type ResolveScope } from './resolve-refs.ts';
import { holderId } from './with-lease.ts';

/** Orders a batch request carries (QBO: 30 payloads per batch, notes §7–§8). */
export const BACKFILL_CHUNK = 30;
/** The part of each of a target account's rate rules a backfill may use; live traffic keeps the rest. */
export const BACKFILL_SHARE = 0.8;
/**
 * Batch requests a backfill sends per minute to one target account. QuickBooks, the target with a batch endpoint,
 * takes at most 40 a minute per realm and app (its notes §7) and answers the 41st with a 429 that pauses the whole
 * realm, live traffic included, for a minute; pacing a little below that never trips it.
 */
export const BATCH_REQUESTS_PER_MINUTE = 38;
/** A whole request that failed transiently is sent again this many times before the backfill stops. */
const MAX_TRANSIENT_RETRIES = 4;
/** Rate waits (429, a spent budget) one request may sit through before the backfill stops. */
const MAX_RATE_WAITS = 30;
const LEASE_TTL_MS = 10 * 60_000;

export interface BackfillOptions {
  tenantId: string;
  integrationId: string;
  since: Date;
  /** Count what would happen; write nothing (no record, link, job or target write). */
  dryRun?: boolean;
  onProgress?: (progress: BackfillProgress) => void;
}

/**
 * What a backfill did (or, as a dry run, would do). Every order listed is counted once:
 * orders = posted + alreadyPosted + linked + conflicts + skipped + queued + failed.
 */
export interface BackfillReport {
  integrationId: string;
  since: string;
  dryRun: boolean;
  /** `batch`: through the target's batch endpoint; `jobs`: through the normal per-entity jobs (priority backfill). */
  mode: 'batch' | 'jobs';
  orders: number;
  /** Invoices created (dry run: that would be created). */
  posted: number;
  /** Orders whose invoice link was already confirmed: nothing to do. */
  alreadyPosted: number;
  /** Orders whose invoice the target already held (found by reference): linked, not created. */
  linked: number;
  /** Orders that do not tie out, or whose reference the target holds more than once: `conflict` records. */
  conflicts: number;
  /** Orders cancelled before they were ever posted: nothing to post. */
  skipped: number;
  /** Orders handed to the normal per-entity job (a target without batch, a write possibly in flight). */
  queued: number;
  /** Orders that could not be posted: `failed` records with the reason, replayable. */
  failed: number;
  /** Batch requests sent (dry run: that would be sent). */
  batches: number;
}

export interface BackfillProgress extends BackfillReport {
  phase: 'running' | 'done';
}

interface Candidate {
  order: Order;
  draft: InvoiceDraft;
  linkKey: string;
  existing: SyncRecord | null;
}

interface Posting extends Candidate {
  record: SyncRecord;
  link: Link;
}

export async function backfill(engine: Engine, options: BackfillOptions): Promise<BackfillReport> {
  const deps = engine.deps;
  const { store } = deps;
  const { tenantId, since } = options;
  const dryRun = options.dryRun === true;
  const integration = await store.integrations.get(tenantId, options.integrationId);
  if (!integration) throw new SyncError('VALIDATION', `there is no integration ${options.integrationId} for this tenant`);
  const [source, target] = await Promise.all([store.connections.get(tenantId, integration.sourceConnectionId), store.connections.get(tenantId, integration.targetConnectionId)]);
  if (!source || !target) throw new SyncError('VALIDATION', `the source or target connection of integration ${integration.id} was removed`);
  for (const connection of [source, target]) {
    if (connection.status !== 'active') {
      throw new SyncError('VALIDATION', `${connection.label} is ${connection.status.replace('_', ' ')}${connection.statusReason ? ` (${connection.statusReason})` : ''}; reconnect it, then run the backfill`);
    }
  }

  const scopeIds = { tenantId, recordId: null };
  const context = (connection: Connection) => ({ ...engine.runtime.context(connection, scopeIds), http: yieldingHttp(engine, connection) });
  const sourceClient = deps.registry.source(context(source));
  const targetClient = deps.registry.target(context(target));
  const batchable = typeof targetClient.createInvoicesBatch === 'function' && typeof targetClient.findInvoicesByReferences === 'function';

  const report: BackfillReport = {
    integrationId: integration.id,
    since: since.toISOString(),
    dryRun,
    mode: batchable && sourceClient.listOrders ? 'batch' : 'jobs',
    orders: 0,
    posted: 0,
    alreadyPosted: 0,
    linked: 0,
    conflicts: 0,
    skipped: 0,
    queued: 0,
    failed: 0,
    batches: 0,
  };
  const progress = (phase: BackfillProgress['phase']) => options.onProgress?.({ ...report, phase });

  const run: Run = { deps, integration, source, target, targetClient, report, dryRun, lease: `backfill:${integration.id}`, holder: holderId(deps.ownerId) };
  // One backfill per flow at a time (a dry run writes nothing and needs no lease).
  if (!dryRun && !(await deps.leases.acquire(run.lease, run.holder, LEASE_TTL_MS))) {
    throw new SyncError('VALIDATION', `a backfill of this flow (${source.label} → ${target.label}) is already running`);
  }
  try {
    if (sourceClient.listOrders) {
      await fromOrderList(run, sourceClient.listOrders.bind(sourceClient), since, batchable, () => progress('running'));
    } else {
      await fromPolling(run, sourceClient, since, () => progress('running'));
    }
  } finally {
    if (!dryRun) await deps.leases.release(run.lease, run.holder);
  }
  progress('done');
  return report;
}

interface Run {
  deps: EngineDeps;
  integration: Integration;
  source: Connection;
  target: Connection;
  targetClient: TargetClient;
  report: BackfillReport;
  dryRun: boolean;
  lease: string;
  holder: string;
}

// ---------------------------------------------------------------- listing

async function fromOrderList(run: Run, listOrders: (since: Date) => AsyncIterable<Order[]>, since: Date, batchable: boolean, onPage: () => void): Promise<void> {
  const { deps, report, dryRun, integration, target } = run;
  const { store } = deps;
  const seen = new Set<string>();
  const pending: Candidate[] = [];
  for await (const page of listOrders(since)) {
    await renew(run);
    for (const bad of (page as OrderListPage).unreadable ?? []) {
      if (bad.sourceId !== '' && seen.has(bad.sourceId)) continue;
      if (bad.sourceId !== '') seen.add(bad.sourceId);
      report.orders += 1;
      report.failed += 1;
      if (dryRun) continue;
      if (bad.sourceId === '') {
        deps.logger.warn({ integrationId: integration.id, reason: bad.reason }, 'backfill: the source listed an order without an id');
        continue;
      }
      await settle(run, keyOf(run, bad.sourceId), bad.sourceRef, 'failed', bad.reason, 'backfill-unreadable');
    }
    for (const order of page) {
      if (seen.has(order.id)) continue;
      seen.add(order.id);
      report.orders += 1;
      const key = keyOf(run, order.id);
      const posting = postOrder(order);
      if (!posting.ok) {
        report.conflicts += 1;
        if (!dryRun) await settle(run, key, order.number, 'conflict', posting.issues.join(' '), 'backfill-conflict');
        continue;
      }
      const linkKey = `${order.source}:order:${order.id}`;
      const link = await store.links.get(integration.tenantId, target.id, 'invoice', linkKey);
      if (link?.state === 'confirmed') {
        report.alreadyPosted += 1;
        continue;
      }
      const existing = await store.records.find(key);
      if (link || existing?.state === 'running' || !batchable) {
        // A claimed link or a running record: a write may be in flight. The per-entity job settles it safely.
        report.queued += 1;
        if (!dryRun) await enqueueSync(deps, integration, 'order', order.id, null, { priority: 'backfill' });
        continue;
      }
      if (posting.invoice.cancelled) {
        report.skipped += 1;
        if (!dryRun) await settle(run, key, order.number, 'skipped', 'cancelled before it was posted: nothing to void', 'backfill-skipped');
        continue;
      }
      pending.push({ order, draft: posting.invoice, linkKey, existing });
      while (pending.length >= BACKFILL_CHUNK) {
        await postChunk(run, pending.splice(0, BACKFILL_CHUNK));
        onPage();
      }
    }
    onPage();
  }
  if (pending.length > 0) await postChunk(run, pending.splice(0));
}

/** A source without a list of whole orders: its poll stream names the changes, and the per-entity jobs post them. */
async function fromPolling(run: Run, sourceClient: SourceClient, since: Date, onPage: () => void): Promise<void> {
  const { deps, report, dryRun, integration, target, source } = run;
  const seen = new Set<string>();
  for await (const page of sourceClient.poll('orders', null, since)) {
    await renew(run);
    for (const item of page.items) {
      if (item.entityType !== 'order' || seen.has(item.sourceId)) continue;
      seen.add(item.sourceId);
      report.orders += 1;
      const link = await deps.store.links.get(integration.tenantId, target.id, 'invoice', `${source.system}:order:${item.sourceId}`);
      if (link?.state === 'confirmed') {
        report.alreadyPosted += 1;
        continue;
      }
      report.queued += 1;
      if (!dryRun) await enqueueSync(deps, integration, 'order', item.sourceId, null, { priority: 'backfill' });
    }
    onPage();
  }
}

// ---------------------------------------------------------------- one chunk

async function postChunk(run: Run, chunk: Candidate[]): Promise<void> {
  const { deps, report, dryRun, integration, target, targetClient } = run;
  const { store } = deps;
  const tenantId = integration.tenantId;
  const findMany = targetClient.findInvoicesByReferences?.bind(targetClient);
  const createMany = targetClient.createInvoicesBatch?.bind(targetClient);
  if (!findMany || !createMany) throw new Error('postChunk needs a target with batch methods');

  if (dryRun) {
    const found = await patiently(run, () => findMany(chunk.map((c) => c.draft.reference)));
    let creates = 0;
    for (const c of chunk) {
      const invoices = found.get(c.draft.reference) ?? [];
      if (invoices.length > 1) report.conflicts += 1;
      else if (invoices.length === 1) report.linked += 1;
      else creates += 1;
    }
    report.posted += creates;
    if (creates > 0) report.batches += Math.ceil(creates / BACKFILL_CHUNK);
    return;
  }

  await renew(run);
  // Claim before write: every link of the chunk is claimed before the target is asked or written.
  const claimed: Posting[] = [];
  for (const c of chunk) {
    const key = keyOf(run, c.order.id);
    const record = c.existing ?? (await store.records.ensure(key, { sourceRef: c.order.number }));
    await store.records.update(tenantId, record.id, { state: 'running', sourceRef: c.order.number, incrementAttempts: true });
    const link = await store.links.claim(tenantId, target.id, 'invoice', c.linkKey);
    claimed.push({ ...c, record, link });
  }

  let batch = report.batches + 1;
  try {
    // Look before create: one query for the whole chunk.
    const found = await patiently(run, () => findMany(claimed.map((c) => c.draft.reference)));
    const toCreate: Array<Posting & { refs: ResolvedRefs }> = [];
    for (const c of claimed) {
      const invoices = found.get(c.draft.reference) ?? [];
      if (invoices.length > 1) {
        report.conflicts += 1;
        const sentence = `${invoices.length} invoices carry reference ${c.draft.reference} (${invoices.map((f) => f.number ?? f.id).join(', ')}); keep one and replay`;
        await finish(run, c.record, { state: 'conflict', reason: new SyncError('DUPLICATE_IN_TARGET', sentence).message }, 'backfill-conflict');
        continue;
      }
      const invoice = invoices[0];
      if (invoice) {
        await store.links.confirm(tenantId, c.link.id, invoice.id);
        report.linked += 1;
        await finish(run, c.record, { state: 'synced', targetId: invoice.id, reason: `found in ${target.label} by its reference; linked, not created` }, 'backfill-found', { targetId: invoice.id });
        continue;
      }
      // Links first: after the first order of a buyer or SKU, this makes no call at all.
      try {
        const refs = await patiently(run, () => resolveInvoiceRefs(scopeFor(run, c.record), c.draft));
        toCreate.push({ ...c, refs });
      } catch (error) {
        await failOne(run, c, error);
      }
    }
    if (toCreate.length === 0) return;

    batch = report.batches + 1;
    const results = await patiently(run, async () => {
      await batchSlot(run);
      return createMany(toCreate.map((c) => ({ draft: c.draft, refs: c.refs })));
    });
    report.batches += Math.ceil(toCreate.length / BACKFILL_CHUNK);
    for (const [i, c] of toCreate.entries()) {
      const result = results[i];
      if (!result || !result.ok) {
        report.failed += 1;
        await finish(run, c.record, { state: 'failed', reason: result ? result.error : `${target.label} gave no answer for ${c.draft.reference}` }, 'backfill-failed', { batch });
        continue;
      }
      const invoice = result.invoice;
      await store.links.confirm(tenantId, c.link.id, invoice.id);
      report.posted += 1;
      if (compare(parseDec(invoice.total), parseDec(c.draft.total)) !== 0) {
        // The target computed its own total: the per-entity job books the rounding line or raises the conflict.
        const reason = `${target.label} computed ${invoice.total} ${c.draft.currency} for ${c.draft.reference} but the order totals ${c.draft.total} ${c.draft.currency}; the invoice is being put right`;
        await finish(run, c.record, { state: 'retrying', targetId: invoice.id, reason }, 'backfill-created', { batch, targetId: invoice.id, total: invoice.total });
        await enqueueSync(deps, integration, 'order', c.order.id, null, { priority: 'backfill' });
        continue;
      }
      await finish(run, c.record, { state: 'synced', targetId: invoice.id, reason: null }, 'backfill-created', { batch, targetId: invoice.id, number: invoice.number, total: invoice.total });
    }
  } catch (error) {
    // The chunk failed as a whole (after its retries): each record says why, and the backfill stops.
    await stopOn(run, claimed, error, batch);
    throw error;
  }
}

async function failOne(run: Run, c: Posting, error: unknown): Promise<void> {
  const info = classify(error);
  if (info.class !== 'validation' && info.class !== 'not_found' && info.class !== 'conflict') throw error;
  const decision = decideFailure(error, 1);
  if (decision.state === 'conflict') run.report.conflicts += 1;
  else run.report.failed += 1;
  await finish(run, c.record, { state: decision.state === 'conflict' ? 'conflict' : 'failed', reason: decision.reason }, 'backfill-failed');
}

/** Records of a chunk left unsettled by a failure of the whole request; a dead grant parks the connection. */
async function stopOn(run: Run, claimed: Posting[], error: unknown, batch: number): Promise<void> {
  const { deps, integration, target } = run;
  const decision = decideFailure(error, MAX_TRANSIENT_RETRIES + 1);
  if (decision.parkConnection) {
    await deps.store.connections.update(target.tenantId, target.id, { status: 'needs_reauth', statusReason: decision.reason });
  }
  for (const c of claimed) {
    const current = await deps.store.records.get(integration.tenantId, c.record.id);
    if (current?.state !== 'running') continue;
    run.report.failed += 1;
    // Parked records run again when the connection is reconnected; the others wait for a replay or the next backfill.
    await finish(run, c.record, { state: decision.parkConnection ? 'retrying' : 'failed', reason: `the backfill stopped: ${decision.reason}` }, 'backfill-stopped', { batch });
  }
}

/** Extends the flow's backfill lease (a long listing or a rate wait must not let a second backfill in). */
async function renew(run: Run): Promise<void> {
  if (!run.dryRun) await run.deps.leases.acquire(run.lease, run.holder, LEASE_TTL_MS);
}

// ---------------------------------------------------------------- records

function keyOf(run: Run, sourceId: string): RecordKey {
  return { tenantId: run.integration.tenantId, integrationId: run.integration.id, entityType: 'order', sourceId };
}

/** A record decided without a target call (unreadable, conflict, cancelled): ensured, then settled. */
async function settle(run: Run, key: RecordKey, sourceRef: string | null, state: 'failed' | 'conflict' | 'skipped', reason: string, step: string): Promise<void> {
  const record = await run.deps.store.records.ensure(key, sourceRef ? { sourceRef } : {});
  await finish(run, record, { state, reason, ...(sourceRef ? { sourceRef } : {}) }, step);
}

async function finish(
  run: Run,
  record: SyncRecord,
  outcome: { state: 'synced' | 'failed' | 'conflict' | 'skipped' | 'retrying'; reason: string | null; targetId?: string; sourceRef?: string },
  step: string,
  detail: Record<string, string | number | null> = {},
): Promise<void> {
  const { store, clock } = run.deps;
  await store.records.update(record.tenantId, record.id, {
    state: outcome.state,
    reason: outcome.reason,
    ...(outcome.sourceRef ? { sourceRef: outcome.sourceRef } : {}),
    ...(outcome.targetId ? { targetType: 'invoice', targetId: outcome.targetId } : {}),
    ...(outcome.state === 'synced' ? { syncedAt: clock.now().toISOString() } : {}),
  });
  await appendStep(run, record, step, { ...detail, reason: outcome.reason });
}

async function appendStep(run: Run, record: SyncRecord, step: string, detail: Record<string, string | number | boolean | null>): Promise<void> {
  await run.deps.store.audit.append({
    tenantId: record.tenantId,
    recordId: record.id,
    connectionId: null,
    kind: 'step',
    step,
    method: null,
    url: null,
    status: null,
    durationMs: null,
    error: null,
    detail: detail as Json,
  });
}

function scopeFor(run: Run, record: SyncRecord): ResolveScope {
  return {
    deps: run.deps,
    target: run.targetClient,
    targetConnection: run.target,
    taxByRate: run.integration.settings.taxByRate ?? {},
    shippingByMethod: run.integration.settings.shippingByMethod ?? {},
    step: (step, detail) => appendStep(run, record, step, detail ?? {}),
  };
}

// ---------------------------------------------------------------- rate

/**
 * Runs `fn` again after a rate refusal (a 429, or the shared budget spent), as long as told, and after a transient
 * failure with a growing pause; anything else is thrown. Safe for what the backfill sends: reads, link-first
 * resolution, and batches whose requestid replays a request that did reach the target.
 */
async function patiently<T>(run: Run, fn: () => Promise<T>): Promise<T> {
  let rateWaits = 0;
  let transient = 0;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      const info = classify(error);
      if (info.class === 'rate' && rateWaits < MAX_RATE_WAITS) {
        rateWaits += 1;
        await run.deps.clock.sleep(Math.max(250, info.retryAfterMs ?? 60_000));
        await renew(run);
        continue;
      }
      if ((info.class === 'transient' || info.class === 'auth') && transient < MAX_TRANSIENT_RETRIES) {
        transient += 1;
        await run.deps.clock.sleep(500 * 2 ** transient);
        continue;
      }
      throw error;
    }
  }
}

/** Waits for a slot under BATCH_REQUESTS_PER_MINUTE on the target account's budget (shared by every process). */
async function batchSlot(run: Run): Promise<void> {
  const limits = run.deps.registry.budget(run.target);
  const key = `${limits?.key ?? `connection:${run.target.id}`}:batch`;
  for (;;) {
    const waitMs = await run.deps.budget.take(key, [{ limit: BATCH_REQUESTS_PER_MINUTE, windowMs: 60_000 }]);
    if (waitMs <= 0) return;
    await run.deps.clock.sleep(waitMs);
    await renew(run);
  }
}

/**
 * The runtime's audited, budgeted HttpCall for `connection`, drawing first from the backfill's own share of the
 * account's rules (BACKFILL_SHARE of each): a backfill waits for its share, so live calls always find budget left.
 */
function yieldingHttp(engine: Engine, connection: Connection): HttpCall {
  const { deps } = engine;
  const inner = engine.runtime.http(connection, { tenantId: connection.tenantId, recordId: null });
  const limits = deps.registry.budget(connection);
  if (!limits) return inner;
  const key = `${limits.key}:backfill`;
  const rules = limits.rules.map((rule) => ({ limit: Math.max(1, Math.floor(rule.limit * BACKFILL_SHARE)), windowMs: rule.windowMs }));
  return async (request) => {
    for (;;) {
      const waitMs = await deps.budget.take(key, rules);
      if (waitMs <= 0) break;
      await deps.clock.sleep(waitMs);
    }
    return inner(request);
  };
}
