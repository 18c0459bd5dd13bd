import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection, ConnectionStatus, Json, Store, SystemName } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { iso, jsonParam, textOrNull, tsParam } from './rows.ts';
import { RowNotFoundError } from './errors.ts';
import type { Sealer } from './sealer.ts';

interface ConnectionRow {
  id: string;
  tenant_id: string;
  system: SystemName;
  role: 'source' | 'target';
  label: string;
  status: ConnectionStatus;
  status_reason: string | null;
  config: Record<string, Json>;
  secrets_sealed: string;
  webhook_key: string;
  created_at: Date;
  updated_at: Date;
}

/** Binds the ciphertext to its row: secrets copied onto another connection fail to unseal. */
const sealContext = (connectionId: string) => `connection:${connectionId}`;

function toConnection(row: ConnectionRow, sealer: Sealer): Connection {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    system: row.system,
    role: row.role,
    label: row.label,
    status: row.status,
    statusReason: textOrNull(row.status_reason),
    config: row.config,
    secrets: sealer.unseal<Record<string, string>>(row.secrets_sealed, sealContext(row.id)),
    webhookKey: row.webhook_key,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function connectionsRepository({ db, sealer, now }: RepoContext): Store['connections'] {
  const map = (rows: ConnectionRow[]) => rows.map((row) => toConnection(row, sealer));
  return {
    async create(input) {
      const id = newId();
      const at = tsParam(now());
      const rows = await db.query<ConnectionRow>(
        `INSERT INTO connections (id, tenant_id, system, role, label, status, status_reason, config, secrets_sealed, webhook_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'active', NULL, $6::jsonb, $7, $8, $9, $9) RETURNING *`,
        [id, input.tenantId, input.system, input.role, input.label, jsonParam(input.config), sealer.seal(input.secrets, sealContext(id)), randomBytes(24).toString('base64url'), at],
      );
      return toConnection(rows[0]!, sealer);
    },
    async get(tenantId, id) {
      return map(await db.query<ConnectionRow>('SELECT * FROM connections WHERE tenant_id = $1 AND id = $2', [tenantId, id]))[0] ?? null;
    },
    async getByWebhookKey(connectionId, webhookKey) {
      const row = (await db.query<ConnectionRow>('SELECT * FROM connections WHERE id = $1', [connectionId]))[0];
      if (!row) return null;
      // Compared here in constant time rather than in SQL, so response timing says nothing about the key.
      const expected = Buffer.from(row.webhook_key);
      const given = Buffer.from(webhookKey);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      return toConnection(row, sealer);
    },
    async list(tenantId) {
      return map(await db.query<ConnectionRow>('SELECT * FROM connections WHERE tenant_id = $1 ORDER BY created_at, id', [tenantId]));
    },
    async listAll() {
      return map(await db.query<ConnectionRow>('SELECT * FROM connections ORDER BY tenant_id, created_at, id'));
    },
    async update(tenantId, id, patch) {
      const sets: string[] = [];
      const params: unknown[] = [tenantId, id, tsParam(now())];
      const set = (column: string, value: unknown, cast = '') => {
        params.push(value);
        sets.push(`${column} = $${params.length}${cast}`);
      };
      if (patch.status !== undefined) set('status', patch.status);
      if (patch.statusReason !== undefined) set('status_reason', patch.statusReason);
      if (patch.label !== undefined) set('label', patch.label);
      if (patch.config !== undefined) set('config', jsonParam(patch.config), '::jsonb');
      // Replaces the whole secrets object (callers merge first: OAuthTokens.secrets are merged by the engine).
      if (patch.secrets !== undefined) set('secrets_sealed', sealer.seal(patch.secrets, sealContext(id)));
      const rows = await db.query<ConnectionRow>(
        `UPDATE connections SET updated_at = $3${sets.map((s) => `, ${s}`).join('')} WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        params,
      );
      if (!rows[0]) throw new RowNotFoundError('connection', id);
      return toConnection(rows[0], sealer);
    },
  };
}
