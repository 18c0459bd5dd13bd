import type { AuditEntry, Json, Store } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { intOrNull, iso, jsonParam, textOrNull, tsParam } from './rows.ts';

interface AuditRow {
  id: string;
  tenant_id: string;
  record_id: string | null;
  connection_id: string | null;
  kind: AuditEntry['kind'];
  step: string;
  method: string | null;
  url: string | null;
  status: number | null;
  duration_ms: number | null;
  error: string | null;
  detail: Json;
  at: Date;
}

const COLUMNS = 'id, tenant_id, record_id, connection_id, kind, step, method, url, status, duration_ms, error, detail, at';

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  tenantId: row.tenant_id,
  recordId: textOrNull(row.record_id),
  connectionId: textOrNull(row.connection_id),
  kind: row.kind,
  step: row.step,
  method: textOrNull(row.method),
  url: textOrNull(row.url),
  status: intOrNull(row.status),
  durationMs: intOrNull(row.duration_ms),
  error: textOrNull(row.error),
  detail: row.detail,
  at: iso(row.at),
});

const DEFAULT_LIST_LIMIT = 1000;

export function auditRepository({ db, now }: RepoContext): Store['audit'] {
  return {
    async append(entry) {
      await db.query(
        `INSERT INTO audit_log (id, tenant_id, record_id, connection_id, kind, step, method, url, status, duration_ms, error, detail, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)`,
        [
          newId(), entry.tenantId, entry.recordId, entry.connectionId, entry.kind, entry.step, entry.method, entry.url, entry.status,
          entry.durationMs === null ? null : Math.round(entry.durationMs), entry.error, jsonParam(entry.detail), tsParam(entry.at ?? now()),
        ],
      );
    },
    /** Oldest first (a trail reads in the order it happened); `limit` keeps the first entries. */
    async list(tenantId, filter) {
      const params: unknown[] = [tenantId];
      const where = ['tenant_id = $1'];
      const add = (column: string, value: unknown) => {
        params.push(value);
        where.push(`${column} = $${params.length}`);
      };
      if (filter.recordId !== undefined) add('record_id', filter.recordId);
      if (filter.connectionId !== undefined) add('connection_id', filter.connectionId);
      if (filter.kind !== undefined) add('kind', filter.kind);
      params.push(filter.limit ?? DEFAULT_LIST_LIMIT);
      const rows = await db.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`, params);
      return rows.map(toEntry);
    },
  };
}
