/**
 * Per-tenant API tokens (DESIGN.md §2.11: each tenant's data reachable only with that tenant's authority).
 * A token reads `mlt_<id>_<secret>`: the id finds the row without scanning, and only a hash of the secret is
 * stored, so a database dump holds nothing that opens the API.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store, TenantToken } from './ports.ts';

const TOKEN = /^mlt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function issueTenantToken(store: Store, tenantId: string, label: string): Promise<{ token: string; record: TenantToken }> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record = await store.tenantTokens.create({ id, tenantId, secretHash: hashOf(secret), label });
  return { token: `mlt_${id}_${secret}`, record };
}

/** A token's parts, or null when it is not shaped like one. The secret is base64url, so it may hold '_' itself. */
export function tokenParts(presented: string): { id: string; secret: string } | null {
  const match = TOKEN.exec(presented);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** The tenant a presented token speaks for; null for anything malformed, unknown, revoked or wrong. */
export async function tenantOfToken(store: Store, presented: string): Promise<string | null> {
  const parts = tokenParts(presented);
  if (!parts) return null;
  const row = await store.tenantTokens.getById(parts.id);
  if (!row || row.revokedAt) return null;
  const given = Buffer.from(hashOf(parts.secret), 'hex');
  const stored = Buffer.from(row.secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored) ? row.tenantId : null;
}

/** What the API shows of a token: never its hash. */
export function publicToken(t: TenantToken) {
  return { id: t.id, tenantId: t.tenantId, label: t.label, createdAt: t.createdAt, revokedAt: t.revokedAt };
}
