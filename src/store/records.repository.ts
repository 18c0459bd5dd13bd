import type { EntityType, RecordState, Store, SyncRecord } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { int, iso, isoOrNull, textOrNull, tsParam } from './rows.ts';
import { RowNotFoundError } from './errors.ts';

interface RecordRow {
  id: string;
  tenant_id: string;
  integration_id: string;
  entity_type: EntityType;
  source_id: string;
  source_ref: string | null;
  state: RecordState;
  target_type: string | null;
  target_id: string | null;
  reason: string | null;
  attempts: number;
  last_event_id: string | null;
  created_at: Date;
  updated_at: Date;
  synced_at: Date | null;
}

const toRecord = (row: RecordRow): SyncRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  integrationId: row.integration_id,
  entityType: row.entity_type,
  sourceId: row.source_id,
  sourceRef: textOrNull(row.source_ref),
  state: row.state,
  targetType: textOrNull(row.target_type),
  targetId: textOrNull(row.target_id),
  reason: textOrNull(row.reason),
  attempts: int(row.attempts),
  lastEventId: textOrNull(row.last_event_id),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
  syncedAt: isoOrNull(row.synced_at),
});

/** Default page for `list` without a limit: enough for an operator screen, bounded for a large install. */
const DEFAULT_LIST_LIMIT = 500;

export function recordsRepository({ db, now }: RepoContext): Store['records'] {
  const find: Store['records']['find'] = async (key) => {
    const rows = await db.query<RecordRow>(
      'SELECT * FROM sync_records WHERE tenant_id = $1 AND integration_id = $2 AND entity_type = $3 AND source_id = $4',
      [key.tenantId, key.integrationId, key.entityType, key.sourceId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  };
  return {
    async ensure(key, init = {}) {
      const at = tsParam(now());
      // `init` applies only when the row is born; later events update the record through `update`.
      const inserted = await db.query<RecordRow>(
        `INSERT INTO sync_records (id, tenant_id, integration_id, entity_type, source_id, source_ref, state, attempts, last_event_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $8)
         ON CONFLICT (integration_id, entity_type, source_id) DO NOTHING
         RETURNING *`,
        [newId(), key.tenantId, key.integrationId, key.entityType, key.sourceId, init.sourceRef ?? null, init.lastEventId ?? null, at],
      );
      if (inserted[0]) return toRecord(inserted[0]);
      const existing = await find(key);
      if (!existing) throw new RowNotFoundError('sync record', `${key.entityType}:${key.sourceId}`);
      return existing;
    },
    async get(tenantId, id) {
      const rows = await db.query<RecordRow>('SELECT * FROM sync_records WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    find,
    async list(tenantId, filter = {}) {
      const params: unknown[] = [tenantId];
      const where = ['tenant_id = $1'];
      const add = (column: string, value: unknown) => {
        params.push(value);
        where.push(`${column} = $${params.length}`);
      };
      if (filter.state !== undefined) add('state', filter.state);
      if (filter.entityType !== undefined) add('entity_type', filter.entityType);
      if (filter.integrationId !== undefined) add('integration_id', filter.integrationId);
      params.push(filter.limit ?? DEFAULT_LIST_LIMIT);
      const rows = await db.query<RecordRow>(`SELECT * FROM sync_records WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT $${params.length}`, params);
      return rows.map(toRecord);
    },
    async update(tenantId, id, patch) {
      const params: unknown[] = [tenantId, id, tsParam(now())];
      const sets = ['updated_at = $3'];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.state !== undefined) set('state', patch.state);
      if (patch.targetType !== undefined) set('target_type', patch.targetType);
      if (patch.targetId !== undefined) set('target_id', patch.targetId);
      if (patch.reason !== undefined) set('reason', patch.reason);
      if (patch.sourceRef !== undefined) set('source_ref', patch.sourceRef);
      if (patch.lastEventId !== undefined) set('last_event_id', patch.lastEventId);
      if (patch.syncedAt !== undefined) set('synced_at', patch.syncedAt === null ? null : tsParam(patch.syncedAt));
      if (patch.incrementAttempts) sets.push('attempts = attempts + 1');
      const rows = await db.query<RecordRow>(`UPDATE sync_records SET ${sets.join(', ')} WHERE tenant_id = $1 AND id = $2 RETURNING *`, params);
      if (!rows[0]) throw new RowNotFoundError('sync record', id);
      return toRecord(rows[0]);
    },
    async countByState(tenantId) {
      const rows = await db.query<{ state: RecordState; n: unknown }>('SELECT state, count(*) AS n FROM sync_records WHERE tenant_id = $1 GROUP BY state', [tenantId]);
      return Object.fromEntries(rows.map((row) => [row.state, int(row.n)]));
    },
  };
}
