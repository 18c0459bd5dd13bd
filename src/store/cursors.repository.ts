import type { Store } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { tsParam } from './rows.ts';

export function cursorsRepository({ db, now }: RepoContext): Store['cursors'] {
  return {
    async get(tenantId, connectionId, stream) {
      const rows = await db.query<{ value: string }>('SELECT value FROM cursors WHERE tenant_id = $1 AND connection_id = $2 AND stream = $3', [tenantId, connectionId, stream]);
      return rows[0]?.value ?? null;
    },
    async set(tenantId, connectionId, stream, value) {
      // The WHERE keeps a caller from overwriting another tenant's cursor through a shared connection id.
      const rows = await db.query(
        `INSERT INTO cursors (tenant_id, connection_id, stream, value, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (connection_id, stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
         WHERE cursors.tenant_id = excluded.tenant_id
         RETURNING stream`,
        [tenantId, connectionId, stream, value, tsParam(now())],
      );
      if (!rows[0]) throw new Error(`cursor ${stream} of connection ${connectionId} belongs to another tenant`);
    },
  };
}
