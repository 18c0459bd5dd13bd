import type { Store, Tenant } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { iso, tsParam } from './rows.ts';

interface TenantRow {
  tenant_id: string;
  name: string;
  created_at: Date;
}

const toTenant = (row: TenantRow): Tenant => ({ id: row.tenant_id, name: row.name, createdAt: iso(row.created_at) });

export function tenantsRepository({ db, now }: RepoContext): Store['tenants'] {
  return {
    async create(input) {
      const rows = await db.query<TenantRow>('INSERT INTO tenants (tenant_id, name, created_at) VALUES ($1, $2, $3) RETURNING *', [input.id ?? newId(), input.name, tsParam(now())]);
      return toTenant(rows[0]!);
    },
    async get(id) {
      const rows = await db.query<TenantRow>('SELECT * FROM tenants WHERE tenant_id = $1', [id]);
      return rows[0] ? toTenant(rows[0]) : null;
    },
    async list() {
      return (await db.query<TenantRow>('SELECT * FROM tenants ORDER BY created_at, tenant_id')).map(toTenant);
    },
  };
}
