/**
 * `ml-connector flows` lists every source → target flow with its settings; `flows set <id> <json>` replaces a
 * flow's settings (shipment mode and accounts, shipping-method and tax-rate mappings), validated first.
 */
import { parseJsonExact } from '../core/json.ts';
import { parseIntegrationSettings } from '../sync/integration-settings.ts';
import { checkMappingSettings } from '../sync/mapping-options.ts';
import type { Integration } from '../sync/ports.ts';
import { CliError, loadEnv, runningServer, withRuntime } from './context.ts';

export async function flowsCommand(): Promise<string> {
  const env = loadEnv();
  const server = runningServer(env);
  const rows: Array<Record<string, unknown>> = [];
  const describe = (integration: Integration, systems: Map<string, string>) => ({
    id: integration.id,
    flow: `${systems.get(integration.sourceConnectionId) ?? '?'} → ${systems.get(integration.targetConnectionId) ?? '?'}`,
    enabled: integration.enabled,
    settings: JSON.stringify(integration.settings),
  });
  if (server) {
    const { tenants } = await server.get<{ tenants: Array<{ id: string }> }>('/api/tenants');
    for (const tenant of tenants) {
      const { integrations } = await server.get<{ integrations: Integration[] }>(`/api/tenants/${tenant.id}/integrations`);
      const { connections } = await server.get<{ connections: Array<{ id: string; label: string }> }>(`/api/tenants/${tenant.id}/connections`);
      const systems = new Map(connections.map((c) => [c.id, c.label]));
      rows.push(...integrations.map((i) => describe(i, systems)));
    }
  } else {
    await withRuntime(env, 'flows', async (rt) => {
      for (const tenant of await rt.store.tenants.list()) {
        const systems = new Map((await rt.store.connections.list(tenant.id)).map((c) => [c.id, c.label]));
        rows.push(...(await rt.store.integrations.list(tenant.id)).map((i) => describe(i, systems)));
      }
    });
  }
  if (rows.length === 0) return 'No flows yet: connect a source and a target.';
  // Settings are printed whole (a table would cut them): they are what the operator came to read.
  return rows.map((r) => `${String(r.flow)}${r.enabled ? '' : ' (disabled)'}  id ${String(r.id)}\n  settings ${String(r.settings)}`).join('\n');
}

export async function flowsSetCommand(id: string, json: string): Promise<string> {
  let input: unknown;
  try {
    input = parseJsonExact(json);
  } catch {
    throw new CliError('the settings must be JSON, e.g. \'{"shipments":{"mode":"journal","expenseAccountId":"…","creditAccountId":"…"}}\'', 2);
  }
  const parsed = parseIntegrationSettings(input);
  if (!parsed.ok) throw new CliError(parsed.message, 2);
  const env = loadEnv();
  const server = runningServer(env);
  if (server) {
    const { tenants } = await server.get<{ tenants: Array<{ id: string }> }>('/api/tenants');
    for (const tenant of tenants) {
      const { integrations } = await server.get<{ integrations: Integration[] }>(`/api/tenants/${tenant.id}/integrations`);
      if (!integrations.some((i) => i.id === id)) continue;
      const response = await fetch(`${server.url}/api/tenants/${tenant.id}/integrations/${id}/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
        body: JSON.stringify(parsed.settings),
      });
      if (!response.ok) {
        const refusal = (await response.json().catch(() => ({}))) as { message?: string };
        throw new CliError(`the server refused the settings (${response.status}): ${refusal.message ?? 'no reason given'}`);
      }
      return 'Settings saved.';
    }
    throw new CliError(`no flow ${id}`);
  }
  return withRuntime(env, 'flows', async (rt) => {
    for (const tenant of await rt.store.tenants.list()) {
      const integration = await rt.store.integrations.get(tenant.id, id);
      if (!integration) continue;
      // Mappings must name items and accounts the target offers (`flows mappings <id>` lists them).
      const check = await checkMappingSettings(rt.engine, integration, parsed.settings);
      if (!check.ok) throw new CliError(check.message, check.status === 400 ? 2 : 1);
      await rt.store.integrations.update(tenant.id, id, { settings: parsed.settings });
      return 'Settings saved.';
    }
    throw new CliError(`no flow ${id}`);
  });
}
