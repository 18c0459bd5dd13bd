/**
 * `ml-connector tokens create|list|revoke <tenant>`: a merchant's own API token, which reaches only that tenant's
 * routes. Through the running server when there is one, else on the store directly. The token is printed once.
 */
import type { Store, Tenant } from '../sync/ports.ts';
import { issueTenantToken, publicToken } from '../sync/tenant-tokens.ts';
import { CliError, loadEnv, printTable, runningServer, withRuntime } from './context.ts';

type PublicToken = ReturnType<typeof publicToken>;

function pick(tenants: readonly Tenant[], nameOrId: string): Tenant {
  const found = tenants.find((t) => t.id === nameOrId) ?? tenants.find((t) => t.name === nameOrId);
  if (!found) throw new CliError(`no tenant named or with id "${nameOrId}"; tenants: ${tenants.map((t) => t.name).join(', ') || 'none yet'}`, 2);
  return found;
}

const shown = (issued: { token: string; id: string }, tenant: Tenant) =>
  [
    `Token ${issued.id} for tenant "${tenant.name}" (shown once; only a hash is kept):`,
    '',
    `  ${issued.token}`,
    '',
    `It reaches /api/tenants/${tenant.id}/… only. Revoke it with: ml-connector tokens revoke "${tenant.name}" ${issued.id}`,
  ].join('\n');

const table = (tokens: readonly PublicToken[]) =>
  tokens.length === 0 ? 'No tokens.' : printTable(tokens.map((t) => ({ id: t.id, label: t.label, created: t.createdAt, revoked: t.revokedAt ?? '' })), ['id', 'label', 'created', 'revoked']);

export async function tokensCreateCommand(tenantName: string, options: { label?: string }): Promise<string> {
  const label = options.label ?? 'api';
  const env = loadEnv();
  const server = runningServer(env);
  if (server) {
    const tenant = pick((await server.get<{ tenants: Tenant[] }>('/api/tenants')).tenants, tenantName);
    return shown(await server.post<{ token: string; id: string }>(`/api/tenants/${tenant.id}/tokens`, { label }), tenant);
  }
  return withRuntime(env, 'tokens', async (rt) => {
    const tenant = pick(await rt.store.tenants.list(), tenantName);
    const issued = await issueTenantToken(rt.store, tenant.id, label);
    return shown({ token: issued.token, id: issued.record.id }, tenant);
  });
}

export async function tokensListCommand(tenantName: string): Promise<string> {
  const env = loadEnv();
  const server = runningServer(env);
  if (server) {
    const tenant = pick((await server.get<{ tenants: Tenant[] }>('/api/tenants')).tenants, tenantName);
    return table((await server.get<{ tokens: PublicToken[] }>(`/api/tenants/${tenant.id}/tokens`)).tokens);
  }
  return withRuntime(env, 'tokens', async (rt) => table((await rt.store.tenantTokens.list(pick(await rt.store.tenants.list(), tenantName).id)).map(publicToken)));
}

export async function tokensRevokeCommand(tenantName: string, tokenId: string): Promise<string> {
  const env = loadEnv();
  const server = runningServer(env);
  if (server) {
    const tenant = pick((await server.get<{ tenants: Tenant[] }>('/api/tenants')).tenants, tenantName);
    await server.delete(`/api/tenants/${tenant.id}/tokens/${encodeURIComponent(tokenId)}`);
    return `Revoked ${tokenId}.`;
  }
  return withRuntime(env, 'tokens', async (rt) => revokeOn(rt.store, pick(await rt.store.tenants.list(), tenantName), tokenId));
}

async function revokeOn(store: Store, tenant: Tenant, tokenId: string): Promise<string> {
  if (!(await store.tenantTokens.revoke(tenant.id, tokenId))) throw new CliError(`tenant "${tenant.name}" has no token ${tokenId}`);
  return `Revoked ${tokenId}.`;
}
