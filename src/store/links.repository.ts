import type { Link, LinkKind, Store } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { iso, isoOrNull, textOrNull, tsParam } from './rows.ts';
import { RowNotFoundError } from './errors.ts';

interface LinkRow {
  id: string;
  tenant_id: string;
  target_connection_id: string;
  kind: LinkKind;
  source_key: string;
  target_id: string | null;
  state: 'claimed' | 'confirmed';
  claimed_at: Date;
  confirmed_at: Date | null;
}

const toLink = (row: LinkRow): Link => ({
  id: row.id,
  tenantId: row.tenant_id,
  targetConnectionId: row.target_connection_id,
  kind: row.kind,
  sourceKey: row.source_key,
  targetId: textOrNull(row.target_id),
  state: row.state,
  claimedAt: iso(row.claimed_at),
  confirmedAt: isoOrNull(row.confirmed_at),
});

export function linksRepository({ db, now }: RepoContext): Store['links'] {
  const get: Store['links']['get'] = async (tenantId, targetConnectionId, kind, sourceKey) => {
    const rows = await db.query<LinkRow>(
      'SELECT * FROM links WHERE tenant_id = $1 AND target_connection_id = $2 AND kind = $3 AND source_key = $4',
      [tenantId, targetConnectionId, kind, sourceKey],
    );
    return rows[0] ? toLink(rows[0]) : null;
  };
  return {
    get,
    async claim(tenantId, targetConnectionId, kind, sourceKey) {
      // Claim before write (DESIGN.md §2.4): the unique key makes concurrent claims collapse onto one row;
      // losers wait for the winner's insert to commit, then read it.
      const inserted = await db.query<LinkRow>(
        `INSERT INTO links (id, tenant_id, target_connection_id, kind, source_key, state, claimed_at)
         VALUES ($1, $2, $3, $4, $5, 'claimed', $6)
         ON CONFLICT (target_connection_id, kind, source_key) DO NOTHING
         RETURNING *`,
        [newId(), tenantId, targetConnectionId, kind, sourceKey, tsParam(now())],
      );
      if (inserted[0]) return toLink(inserted[0]);
      const existing = await get(tenantId, targetConnectionId, kind, sourceKey);
      if (!existing) throw new RowNotFoundError('link', `${kind}:${sourceKey}`);
      return existing;
    },
    async confirm(tenantId, id, targetId) {
      const rows = await db.query<LinkRow>(
        `UPDATE links SET
           confirmed_at = CASE WHEN state = 'confirmed' AND target_id = $3 THEN confirmed_at ELSE $4 END,
           target_id = $3,
           state = 'confirmed'
         WHERE tenant_id = $1 AND id = $2 RETURNING *`,
        [tenantId, id, targetId, tsParam(now())],
      );
      if (!rows[0]) throw new RowNotFoundError('link', id);
      return toLink(rows[0]);
    },
    async remove(tenantId, id) {
      await db.query('DELETE FROM links WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    },
  };
}
