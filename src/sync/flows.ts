/**
 * Flows (integrations) follow connections: every active source of a tenant feeds every active target of the
 * same tenant. Called after each connect, idempotent.
 */
import type { Integration, Store } from './ports.ts';

export async function ensureIntegrations(store: Store, tenantId: string): Promise<Integration[]> {
  const connections = (await store.connections.list(tenantId)).filter((c) => c.status !== 'disabled');
  const existing = await store.integrations.list(tenantId);
  const created: Integration[] = [];
  for (const source of connections.filter((c) => c.role === 'source')) {
    for (const target of connections.filter((c) => c.role === 'target')) {
      if (existing.some((i) => i.sourceConnectionId === source.id && i.targetConnectionId === target.id)) continue;
      created.push(await store.integrations.create({ tenantId, sourceConnectionId: source.id, targetConnectionId: target.id, settings: {} }));
    }
  }
  return created;
}

/** The tenant with this name, created on first use (a single-merchant install just uses "default"). */
export async function tenantByName(store: Store, name: string) {
  const found = (await store.tenants.list()).find((t) => t.name === name);
  return found ?? store.tenants.create({ name });
}
