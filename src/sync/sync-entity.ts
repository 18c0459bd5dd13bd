/**
 * The job that converges one source entity into one target (DESIGN.md §2.2): read the current source record
 * (the event was only a hint), map, resolve references, write, record. Every step is audited on the record.
 */
import { SyncError } from '../core/errors.ts';
import { contactFromCustomer } from '../core/posting/contact.ts';
import { postOrder } from '../core/posting/order-to-invoice.ts';
import type { ConnectorRuntime } from './connector-runtime.ts';
import type { EngineDeps } from './deps.ts';
import type { SyncEntityPayload } from './dispatch.ts';
import { decideFailure } from './outcome.ts';
import { postInvoice } from './post-invoice.ts';
import type { Connection, Integration, JobContext, JobOutcome, Json, SyncRecord } from './ports.ts';
import { postShipment } from './post-shipment.ts';
import { resolveContact, resolveInvoiceRefs, type ResolveScope } from './resolve-refs.ts';

export interface EntityResult {
  state: 'synced' | 'skipped';
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
}

export async function runSyncEntity(deps: EngineDeps, runtime: ConnectorRuntime, job: JobContext): Promise<JobOutcome> {
  const payload = job.payload as unknown as SyncEntityPayload;
  const { store } = deps;
  const integration = await store.integrations.get(job.tenantId, payload.integrationId);
  if (!integration) return { status: 'failed', reason: `integration ${payload.integrationId} no longer exists` };
  const record = await store.records.ensure({ tenantId: job.tenantId, integrationId: integration.id, entityType: payload.entityType, sourceId: payload.sourceId });
  const [source, target] = await Promise.all([
    store.connections.get(job.tenantId, integration.sourceConnectionId),
    store.connections.get(job.tenantId, integration.targetConnectionId),
  ]);
  if (!source || !target) {
    await store.records.update(job.tenantId, record.id, { state: 'failed', reason: 'the source or target connection was removed' });
    return { status: 'done' };
  }
  const parked = [source, target].find((c) => c.status !== 'active');
  if (parked) {
    // Nothing is lost: reconnecting re-enqueues every record parked here.
    await store.records.update(job.tenantId, record.id, { state: 'retrying', reason: `waiting: ${parked.label} is ${parked.status.replace('_', ' ')}${parked.statusReason ? ` (${parked.statusReason})` : ''}` });
    return { status: 'done' };
  }

  await store.records.update(job.tenantId, record.id, { state: 'running', incrementAttempts: true });
  const step = stepRecorder(deps, record);
  await step('job-started', { attempt: job.attempt, eventId: payload.eventId });
  const phase: Phase = { side: 'source' };
  try {
    const result = await syncOne(deps, runtime, { integration, source, target, record, step, phase });
    await store.records.update(job.tenantId, record.id, {
      state: result.state,
      targetType: result.targetType,
      targetId: result.targetId,
      reason: result.reason,
      ...(result.state === 'synced' ? { syncedAt: deps.clock.now().toISOString() } : {}),
    });
    await step(result.state, { targetId: result.targetId, reason: result.reason });
    return { status: 'done' };
  } catch (error) {
    const decision = decideFailure(error, job.attempt);
    if (decision.parkConnection) {
      const dead = phase.side === 'source' ? source : target;
      await store.connections.update(dead.tenantId, dead.id, { status: 'needs_reauth', statusReason: decision.reason });
    }
    await store.records.update(job.tenantId, record.id, { state: decision.state, reason: decision.reason });
    await step(`error:${decision.state}`, { reason: decision.reason, code: error instanceof SyncError ? error.code : 'UNKNOWN' });
    return decision.job;
  }
}

/** Which side the job is talking to, so a dead grant parks the right connection. */
interface Phase {
  side: 'source' | 'target';
}

interface SyncInput {
  phase: Phase;
  integration: Integration;
  source: Connection;
  target: Connection;
  record: SyncRecord;
  step: ResolveScope['step'];
}

async function syncOne(deps: EngineDeps, runtime: ConnectorRuntime, input: SyncInput): Promise<EntityResult> {
  const { integration, source, target, record, step, phase } = input;
  const scopeIds = { tenantId: record.tenantId, recordId: record.id };
  const sourceClient = runtime.source(source, scopeIds);
  const targetClient = runtime.target(target, scopeIds);
  const scope: ResolveScope = { deps, target: targetClient, targetConnection: target, taxByRate: integration.settings.taxByRate ?? {}, shippingByMethod: integration.settings.shippingByMethod ?? {}, step };

  switch (record.entityType) {
    case 'order': {
      const order = await sourceClient.fetchOrder(record.sourceId);
      await step('fetched-source', { found: order !== null, updatedAt: order?.updatedAt ?? null });
      if (!order) return { state: 'skipped', targetType: null, targetId: null, reason: `the ${source.system} order no longer exists` };
      phase.side = 'target';
      await deps.store.records.update(record.tenantId, record.id, { sourceRef: order.number });
      const posting = postOrder(order);
      await step('mapped', { ok: posting.ok, stated: posting.totals.stated, computed: posting.totals.computed, difference: posting.totals.difference });
      if (!posting.ok) throw new SyncError('TOTALS_MISMATCH', posting.issues.join(' '));
      const posted = await postInvoice(scope, posting.invoice, `${order.source}:order:${order.id}`, () => resolveInvoiceRefs(scope, posting.invoice));
      if (!posted.invoice.id) return { state: 'skipped', targetType: 'invoice', targetId: null, reason: posted.note ?? null };
      return { state: 'synced', targetType: 'invoice', targetId: posted.invoice.id, reason: posted.note ?? null };
    }
    case 'customer': {
      const customer = await sourceClient.fetchCustomer(record.sourceId);
      await step('fetched-source', { found: customer !== null });
      if (!customer) return { state: 'skipped', targetType: null, targetId: null, reason: `the ${source.system} customer no longer exists` };
      phase.side = 'target';
      const contact = contactFromCustomer(customer);
      await deps.store.records.update(record.tenantId, record.id, { sourceRef: customer.email ?? contact.displayName });
      const contactId = await resolveContact(scope, contact, { update: true });
      return { state: 'synced', targetType: 'contact', targetId: contactId, reason: null };
    }
    case 'shipment': {
      if (!sourceClient.fetchShipment) return { state: 'skipped', targetType: null, targetId: null, reason: `${source.system} has no shipments` };
      const shipment = await sourceClient.fetchShipment(record.sourceId);
      await step('fetched-source', { found: shipment !== null, voided: shipment?.voided ?? null });
      if (!shipment) return { state: 'skipped', targetType: null, targetId: null, reason: `the ${source.system} shipment no longer exists` };
      await deps.store.records.update(record.tenantId, record.id, { sourceRef: `${shipment.orderNumber} / ${shipment.trackingNumber ?? shipment.id}` });
      phase.side = 'target';
      return postShipment(scope, integration, shipment);
    }
    default:
      return { state: 'skipped', targetType: null, targetId: null, reason: `${record.entityType} records are not synced by this flow yet` };
  }
}

function stepRecorder(deps: EngineDeps, record: SyncRecord): ResolveScope['step'] {
  return async (step, detail) => {
    await deps.store.audit.append({
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
      detail: (detail ?? null) as Json,
    });
  };
}
