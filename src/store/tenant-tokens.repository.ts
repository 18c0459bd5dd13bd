/** Per-tenant API tokens (migration 0005): hashes only; revoking keeps the row so the audit can still name it. */
import type { Store, TenantToken } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { iso, isoOrNull, tsParam } from './rows.ts';

interface TokenRow {
  token_id: string;
  tenant_id: string;
  secret_hash: string;
  label: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toToken = (row: TokenRow): TenantToken => ({
  id: row.token_id,
  tenantId: row.tenant_id,
  secretHash: row.secret_hash,
  label: row.label,
  createdAt: iso(row.created_at),
  revokedAt: isoOrNull(row.revoked_at),
});

export function tenantTokensRepository({ db, now }: RepoContext): Store['tenantTokens'] {
  return {
    async create(input) {
      const rows = await db.query<TokenRow>(
        'INSERT INTO tenant_tokens (token_id, tenant_id, secret_hash, label, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [input.id, input.tenantId, input.secretHash, input.label, tsParam(now())],
      );
      return toToken(rows[0]!);
    },
    async getById(id) {
      const rows = await db.query<TokenRow>('SELECT * FROM tenant_tokens WHERE token_id = $1', [id]);
      return rows[0] ? toToken(rows[0]) : null;
    },
    async list(tenantId) {
      return (await db.query<TokenRow>('SELECT * FROM tenant_tokens WHERE tenant_id = $1 ORDER BY created_at, token_id', [tenantId])).map(toToken);
    },
    async revoke(tenantId, id) {
      const rows = await db.query<TokenRow>(
        'UPDATE tenant_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant_id = $1 AND token_id = $2 RETURNING *',
        [tenantId, id, tsParam(now())],
      );
      return rows[0] ? toToken(rows[0]) : null;
    },
  };
}
