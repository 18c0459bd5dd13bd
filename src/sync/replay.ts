/**
 * Replay (DESIGN.md §2.10): a failed, conflicting or parked record is run again from the current source
 * state. Safe by construction: the handler looks before it creates, so a replay never duplicates.
 */
import type { EngineDeps } from './deps.ts';
import { enqueueSync } from './dispatch.ts';
import type { EntityType, RecordState } from './ports.ts';

const REPLAYABLE: readonly RecordState[] = ['failed', 'conflict', 'retrying', 'skipped', 'synced'];

export async function replayRecord(deps: EngineDeps, tenantId: string, recordId: string): Promise<{ ok: true } | { ok: false; message: string }> {
  const record = await deps.store.records.get(tenantId, recordId);
  if (!record) return { ok: false, message: `no record ${recordId}` };
  if (!REPLAYABLE.includes(record.state)) return { ok: false, message: `record ${recordId} is ${record.state}; it will run on its own` };
  const integration = await deps.store.integrations.get(tenantId, record.integrationId);
  if (!integration) return { ok: false, message: `the flow of record ${recordId} no longer exists` };
  await deps.store.records.update(tenantId, record.id, { state: 'pending', reason: null });
  await deps.store.audit.append({ tenantId, recordId: record.id, connectionId: null, kind: 'step', step: 'replay-requested', method: null, url: null, status: null, durationMs: null, error: null, detail: { previousState: record.state } });
  await enqueueSync(deps, integration, record.entityType, record.sourceId, null);
  return { ok: true };
}

export async function replayMany(deps: EngineDeps, tenantId: string, filter: { state: RecordState; entityType?: EntityType }): Promise<number> {
  const records = await deps.store.records.list(tenantId, { state: filter.state, ...(filter.entityType ? { entityType: filter.entityType } : {}), limit: 10_000 });
  let count = 0;
  for (const record of records) {
    if ((await replayRecord(deps, tenantId, record.id)).ok) count += 1;
  }
  return count;
}

/** After a reconnect: every record parked behind this connection runs again. */
export async function resumeConnection(deps: EngineDeps, tenantId: string, connectionId: string): Promise<number> {
  const integrations = [
    ...(await deps.store.integrations.listBySource(tenantId, connectionId)),
    ...(await deps.store.integrations.listByTarget(tenantId, connectionId)),
  ];
  let count = 0;
  for (const integration of integrations) {
    const parked = await deps.store.records.list(tenantId, { state: 'retrying', integrationId: integration.id, limit: 100_000 });
    for (const record of parked) {
      await enqueueSync(deps, integration, record.entityType, record.sourceId, null);
      count += 1;
    }
  }
  return count;
}
