/**
 * `ml-connector flows mappings <flow>`: the flow's shipping methods and products (the source's polled catalog),
 * what each maps to, what the target offers (items, accounts), and for every unmapped shipping method the exact
 * `flows set` command that maps it. Through the running server's admin API when one runs, else on the store.
 */
import { mappingOptions, type MappingOptionsView, systemName } from '../sync/mapping-options.ts';
import type { IntegrationSettings } from '../sync/ports.ts';
import { CliError, loadEnv, printTable, runningServer, withRuntime } from './context.ts';

/** What an operator types in place of the id they chose. */
export const ITEM_PLACEHOLDER = '<ITEM_ID>';

export async function flowsMappingsCommand(id: string, options: { json?: boolean } = {}): Promise<string> {
  const env = loadEnv();
  const server = runningServer(env);
  let view: MappingOptionsView | null = null;
  if (server) {
    const { tenants } = await server.get<{ tenants: Array<{ id: string }> }>('/api/tenants');
    for (const tenant of tenants) {
      const { integrations } = await server.get<{ integrations: Array<{ id: string }> }>(`/api/tenants/${tenant.id}/integrations`);
      if (!integrations.some((i) => i.id === id)) continue;
      view = await server.get<MappingOptionsView>(`/api/tenants/${tenant.id}/integrations/${encodeURIComponent(id)}/mapping-options`);
      break;
    }
  } else {
    view = await withRuntime(env, 'flows', async (rt) => {
      for (const tenant of await rt.store.tenants.list()) {
        if (await rt.store.integrations.get(tenant.id, id)) return mappingOptions(rt.engine, tenant.id, id);
      }
      return null;
    });
  }
  if (!view) throw new CliError(`no flow ${id}; \`ml-connector flows\` lists them`);
  return options.json ? JSON.stringify(view, null, 2) : formatMappings(view);
}

/** The view as text: tables, then one ready command per unmapped shipping method. */
export function formatMappings(view: MappingOptionsView): string {
  const source = systemName(view.source.system);
  const target = systemName(view.target.system);
  const out: string[] = [`${source} → ${target}  flow ${view.integrationId}`];
  out.push(
    view.catalogPolledAt
      ? `Catalog polled ${view.catalogPolledAt}: ${view.shippingMethods.length} shipping methods, ${view.products.length} products.`
      : `The catalog has not been polled yet${view.catalogError ? `: ${view.catalogError}` : '.'}`,
  );

  const active = view.shippingMethods.filter((m) => m.active);
  out.push('', `Shipping methods (${view.unmapped.shippingMethods} of ${active.length} unmapped)`);
  if (view.shippingMethods.length > 0) {
    out.push(
      indent(
        printTable(
          view.shippingMethods.map((m) => ({
            carrier: m.carrierName,
            'service code': m.serviceCode,
            name: `${m.name}${m.active ? '' : ' (no longer offered)'}`,
            'maps to': m.mappedTo ? describeTarget(m.mappedTo, 'item') : '—',
          })),
          ['carrier', 'service code', 'name', 'maps to'],
        ),
      ),
    );
  }

  const products = view.products.filter((p) => p.active);
  out.push('', `Products (${view.unmapped.products} of ${products.length} without a ${target} item yet: those are created on first sight)`);
  if (products.length > 0) {
    out.push(
      indent(
        printTable(
          products.map((p) => ({ sku: p.sku ?? '', name: p.name, price: p.price ?? '', item: p.mappedItem ? `${describeTarget(p.mappedItem, 'item')} (by ${p.mappedItem.via})` : '—' })),
          ['sku', 'name', 'price', 'item'],
        ),
      ),
    );
  }

  if (view.targetChoices) {
    out.push('', `${target} items you can map to`);
    out.push(indent(printTable(view.targetChoices.items.map((i) => ({ id: i.id, name: i.name, sku: i.sku ?? '', type: i.type ?? '' })), ['id', 'name', 'sku', 'type'])));
    out.push('', `${target} accounts (a shipment journal debits an expense account and credits the account it is paid from)`);
    out.push(indent(printTable(view.targetChoices.accounts.map((a) => ({ id: a.id, name: a.name, type: a.type })), ['id', 'name', 'type'])));
  } else {
    out.push('', `No ${target} choices to show: ${view.targetChoicesError ?? 'none offered'}.`);
  }
  if (view.notOffered > 0) out.push('', `${view.notOffered} mapping(s) name something ${target} does not offer (deleted or inactive): map them again.`);

  const unmapped = active.filter((m) => m.mappedTo === null);
  if (unmapped.length > 0) {
    out.push('', `To map a shipping method, run its command with one of the item ids above in place of ${ITEM_PLACEHOLDER}:`);
    for (const m of unmapped) out.push(`  ${m.serviceCode}:`, `    ${setCommand(view.integrationId, withMethod(view.settings, m.mappingKey, ITEM_PLACEHOLDER))}`);
  }
  return out.join('\n');
}

/** The flow's settings with one more shipping mapping: `flows set` replaces settings whole, so the rest is kept. */
export function withMethod(settings: IntegrationSettings, key: string, itemId: string): IntegrationSettings {
  return { ...settings, shippingByMethod: { ...settings.shippingByMethod, [key]: itemId } };
}

/** `ml-connector flows set <id> '<json>'`, single-quoted for a POSIX shell. */
export function setCommand(id: string, settings: IntegrationSettings): string {
  return `ml-connector flows set ${id} '${JSON.stringify(settings).replace(/'/g, `'\\''`)}'`;
}

function describeTarget(target: { id: string; name: string | null; offered: boolean }, what: string): string {
  if (!target.offered) return `${what} ${target.id} (not offered any more)`;
  return target.name ? `${what} ${target.id} ${target.name}` : `${what} ${target.id}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
