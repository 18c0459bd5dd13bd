/**
 * Records as an operator reads them: which flow, which entity, what state and why. Shared by the admin API
 * and the CLI so both print the same thing.
 */
import type { EntityType, RecordState, Store } from './ports.ts';

export interface RecordView {
  id: string;
  tenantId: string;
  source: string | null;
  target: string | null;
  entity: EntityType;
  source_id: string;
  source_ref: string | null;
  state: RecordState;
  target_id: string | null;
  reason: string | null;
  attempts: number;
  updated_at: string;
}

export interface RecordViewFilter {
  tenantId?: string;
  state?: RecordState;
  entity?: EntityType;
  limit?: number;
}

export async function listRecordViews(store: Store, filter: RecordViewFilter = {}): Promise<RecordView[]> {
  const tenantIds = filter.tenantId ? [filter.tenantId] : (await store.tenants.list()).map((t) => t.id);
  const views: RecordView[] = [];
  for (const tenantId of tenantIds) {
    const records = await store.records.list(tenantId, {
      limit: filter.limit ?? 1000,
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.entity ? { entityType: filter.entity } : {}),
    });
    if (records.length === 0) continue;
    const integrations = new Map((await store.integrations.list(tenantId)).map((i) => [i.id, i]));
    const connections = new Map((await store.connections.list(tenantId)).map((c) => [c.id, c]));
    for (const r of records) {
      const integration = integrations.get(r.integrationId);
      views.push({
        id: r.id,
        tenantId: r.tenantId,
        source: integration ? connections.get(integration.sourceConnectionId)?.system ?? null : null,
        target: integration ? connections.get(integration.targetConnectionId)?.system ?? null : null,
        entity: r.entityType,
        source_id: r.sourceId,
        source_ref: r.sourceRef,
        state: r.state,
        target_id: r.targetId,
        reason: r.reason,
        attempts: r.attempts,
        updated_at: r.updatedAt,
      });
    }
  }
  return views;
}
