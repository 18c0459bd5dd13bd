import type { Integration, IntegrationSettings, Store } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { RowNotFoundError } from './errors.ts';
import { iso, jsonParam, tsParam } from './rows.ts';

interface IntegrationRow {
  id: string;
  tenant_id: string;
  source_connection_id: string;
  target_connection_id: string;
  enabled: boolean;
  settings: IntegrationSettings;
  created_at: Date;
}

const toIntegration = (row: IntegrationRow): Integration => ({
  id: row.id,
  tenantId: row.tenant_id,
  sourceConnectionId: row.source_connection_id,
  targetConnectionId: row.target_connection_id,
  enabled: row.enabled,
  settings: row.settings,
  createdAt: iso(row.created_at),
});

export function integrationsRepository({ db, now }: RepoContext): Store['integrations'] {
  const select = async (where: string, params: unknown[]) =>
    (await db.query<IntegrationRow>(`SELECT * FROM integrations WHERE ${where} ORDER BY created_at, id`, params)).map(toIntegration);
  return {
    async create(input) {
      const rows = await db.query<IntegrationRow>(
        `INSERT INTO integrations (id, tenant_id, source_connection_id, target_connection_id, enabled, settings, created_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING *`,
        [newId(), input.tenantId, input.sourceConnectionId, input.targetConnectionId, input.enabled ?? true, jsonParam(input.settings), tsParam(now())],
      );
      return toIntegration(rows[0]!);
    },
    async get(tenantId, id) {
      return (await select('tenant_id = $1 AND id = $2', [tenantId, id]))[0] ?? null;
    },
    list: (tenantId) => select('tenant_id = $1', [tenantId]),
    listBySource: (tenantId, sourceConnectionId) => select('tenant_id = $1 AND source_connection_id = $2', [tenantId, sourceConnectionId]),
    listByTarget: (tenantId, targetConnectionId) => select('tenant_id = $1 AND target_connection_id = $2', [tenantId, targetConnectionId]),
    async update(tenantId, id, patch) {
      const rows = await db.query<IntegrationRow>(
        `UPDATE integrations SET settings = COALESCE($3::jsonb, settings), enabled = COALESCE($4, enabled)
         WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        [tenantId, id, patch.settings === undefined ? null : jsonParam(patch.settings), patch.enabled ?? null],
      );
      if (!rows[0]) throw new RowNotFoundError('integration', id);
      return toIntegration(rows[0]);
    },
  };
}
