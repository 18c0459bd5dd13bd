/**
 * Mapping offered to the user: for one flow (integration), the source's polled shipping methods and products next
 * to what the target offers (items and accounts, read live through the audited, budgeted runtime), each with what
 * it maps to today. And the check every settings change passes: a mapping may only name an item or account the
 * target offers, else nothing is saved.
 *
 * Where the choices go (resolve-refs.ts and the posting rules): `shippingByMethod[<serviceCode>]` is the item a
 * shipping line is posted to (QuickBooks: an item, its income account decides the books); `shipments.journal`
 * names the expense account debited and the account credited for shipping costs. Products are matched to items
 * by the engine itself (link, then SKU, then name; created on first sight), so a product's `mappedItem` says what
 * it resolves to now, and null means "created on first sight".
 */
import { classify } from '../core/errors.ts';
import type { Engine } from './engine.ts';
import { CATALOG_CURSOR, pollCatalog } from './poll-catalog.ts';
import type { Connection, Integration, IntegrationSettings, MappingChoices, SystemName } from './ports.ts';

const SYSTEM_NAMES: Record<SystemName, string> = {
  shopify: 'Shopify',
  woocommerce: 'WooCommerce',
  shipstation: 'ShipStation',
  'zoho-books': 'Zoho Books',
  quickbooks: 'QuickBooks Online',
};

/** Account types a shipment journal may debit. */
const EXPENSE_TYPES = ['Expense', 'Other Expense', 'Cost of Goods Sold'];
/** Account types a shipment journal may not credit (income is not where a shipping cost is paid from). */
const NOT_CREDIT_TYPES = ['Income', 'Other Income'];

export interface MappedTarget {
  id: string;
  /** The target's name for it; null when the target does not offer it (deleted, made inactive) or was not reachable. */
  name: string | null;
  /** False when the target's choices were read and do not hold this id. */
  offered: boolean;
}

export interface ShippingMethodOption {
  carrierCode: string;
  carrierName: string;
  serviceCode: string;
  name: string;
  active: boolean;
  /** The key in `shippingByMethod` (an order's serviceCode). */
  mappingKey: string;
  mappedTo: MappedTarget | null;
}

export interface ProductOption {
  sourceId: string;
  sku: string | null;
  name: string;
  price: string | null;
  active: boolean;
  /** The item an order line of this product posts to now: a stored link, else the item the SKU (or name) finds. */
  mappedItem: (MappedTarget & { via: 'link' | 'sku' | 'name' }) | null;
}

export interface MappingOptionsView {
  integrationId: string;
  tenantId: string;
  source: { connectionId: string; system: SystemName; label: string };
  target: { connectionId: string; system: SystemName; label: string };
  settings: IntegrationSettings;
  /** When the catalog was last read whole; null: never (see catalogError). */
  catalogPolledAt: string | null;
  catalogError: string | null;
  shippingMethods: ShippingMethodOption[];
  products: ProductOption[];
  /** What the target offers; null when it cannot list them (catalogs it does not support) or could not be reached. */
  targetChoices: MappingChoices | null;
  targetChoicesError: string | null;
  /** Active entries without a mapping, and mappings naming something the target does not offer. */
  unmapped: { shippingMethods: number; products: number };
  notOffered: number;
}

export function systemName(system: SystemName): string {
  return SYSTEM_NAMES[system];
}

/**
 * The mapping view of one flow; null when the tenant has no such flow. A source whose catalog was never polled is
 * polled now (once), so a new connection is not empty until the scheduler's next check.
 */
export async function mappingOptions(engine: Engine, tenantId: string, integrationId: string): Promise<MappingOptionsView | null> {
  const { store } = engine.deps;
  const integration = await store.integrations.get(tenantId, integrationId);
  if (!integration) return null;
  const source = await store.connections.get(tenantId, integration.sourceConnectionId);
  const target = await store.connections.get(tenantId, integration.targetConnectionId);
  if (!source || !target) return null;

  let catalogError: string | null = null;
  let polledAt = await store.cursors.get(tenantId, source.id, CATALOG_CURSOR);
  if (polledAt === null) {
    try {
      const report = await pollCatalog(engine, source, { force: true });
      polledAt = report.polledAt ?? null;
      if (report.skipped === 'unsupported') catalogError = `${systemName(source.system)} has no product or carrier list to poll`;
      else if (report.skipped === 'inactive') catalogError = `the ${systemName(source.system)} connection is ${source.status}; its catalog is polled once it is active`;
      else if (report.skipped === 'busy') catalogError = 'the catalog is being polled right now; look again in a minute';
    } catch (error) {
      catalogError = `the catalog could not be polled: ${classify(error).message}`;
    }
  }

  const { choices, error: targetChoicesError } = await readChoices(engine, target);
  const items = new Map((choices?.items ?? []).map((i) => [i.id, i]));
  const mapped = (id: string): MappedTarget => ({ id, name: items.get(id)?.name ?? null, offered: choices === null || items.has(id) });

  const byMethod = integration.settings.shippingByMethod ?? {};
  const shippingMethods: ShippingMethodOption[] = (await store.catalog.shippingMethods(tenantId, source.id)).map((m) => {
    const id = byMethod[m.serviceCode];
    return {
      carrierCode: m.carrierCode,
      carrierName: m.carrierName,
      serviceCode: m.serviceCode,
      name: m.name,
      active: m.active,
      mappingKey: m.serviceCode,
      mappedTo: id === undefined ? null : mapped(id),
    };
  });

  const bySku = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const item of choices?.items ?? []) {
    if (item.type === 'Shipping') continue;
    if (item.sku) bySku.set(item.sku.trim(), item.id);
    byName.set(item.name.toLowerCase(), item.id);
  }
  const products: ProductOption[] = [];
  for (const p of await store.catalog.products(tenantId, source.id)) {
    // The link key an order line of this product resolves under (core/posting: `sku:<sku>`, else `name:<title>`).
    const link = p.active ? await store.links.get(tenantId, target.id, 'item', p.sku ? `sku:${p.sku}` : `name:${p.name}`) : null;
    let mappedItem: ProductOption['mappedItem'] = null;
    if (link?.state === 'confirmed' && link.targetId) mappedItem = { ...mapped(link.targetId), via: 'link' };
    else if (p.sku && bySku.has(p.sku.trim())) mappedItem = { ...mapped(bySku.get(p.sku.trim())!), via: 'sku' };
    else if (byName.has(p.name.toLowerCase())) mappedItem = { ...mapped(byName.get(p.name.toLowerCase())!), via: 'name' };
    products.push({ sourceId: p.sourceId, sku: p.sku, name: p.name, price: p.price, active: p.active, mappedItem });
  }

  const shipments = integration.settings.shipments;
  const journalIds = shipments?.mode === 'journal' ? [shipments.expenseAccountId, shipments.creditAccountId] : [];
  const notOfferedJournal = choices ? journalIds.filter((id) => !choices.accounts.some((a) => a.id === id)).length : 0;
  return {
    integrationId: integration.id,
    tenantId,
    source: { connectionId: source.id, system: source.system, label: source.label },
    target: { connectionId: target.id, system: target.system, label: target.label },
    settings: integration.settings,
    catalogPolledAt: polledAt,
    catalogError,
    shippingMethods,
    products,
    targetChoices: choices,
    targetChoicesError,
    unmapped: {
      shippingMethods: shippingMethods.filter((m) => m.active && m.mappedTo === null).length,
      products: products.filter((p) => p.active && p.mappedItem === null).length,
    },
    notOffered: shippingMethods.filter((m) => m.mappedTo && !m.mappedTo.offered).length + notOfferedJournal,
  };
}

async function readChoices(engine: Engine, target: Connection): Promise<{ choices: MappingChoices | null; error: string | null }> {
  const name = systemName(target.system);
  if (target.status !== 'active') return { choices: null, error: `the ${name} connection is ${target.status}: ${target.statusReason ?? 'reconnect it'}` };
  try {
    const client = engine.runtime.target(target, { tenantId: target.tenantId, recordId: null });
    if (!client.mappingChoices) return { choices: null, error: `${name} does not list its items and accounts for mapping yet; enter their ids by hand` };
    return { choices: await client.mappingChoices(), error: null };
  } catch (error) {
    return { choices: null, error: `could not read ${name}'s items and accounts: ${classify(error).message}` };
  }
}

export type SettingsCheck = { ok: true } | { ok: false; status: 400 | 502; message: string };

/**
 * Checks the mappings a settings change adds or changes against what the target offers: every new
 * `shippingByMethod` value must be an item it offers, a shipment journal's expense account an expense-type account
 * and its credit account a non-income one. Mappings left as they were are not checked again (an item made inactive
 * since is shown as not offered by the mapping view, and does not block other changes). Targets that cannot list
 * their choices are not checked. When the target cannot be reached the change is refused (502): nothing unchecked
 * is saved.
 */
export async function checkMappingSettings(engine: Engine, integration: Integration, next: IntegrationSettings): Promise<SettingsCheck> {
  const current = integration.settings;
  const changedMethods = Object.entries(next.shippingByMethod ?? {}).filter(([key, id]) => current.shippingByMethod?.[key] !== id);
  const journal = next.shipments?.mode === 'journal' ? next.shipments : null;
  const was = current.shipments?.mode === 'journal' ? current.shipments : null;
  const expense = journal && journal.expenseAccountId !== was?.expenseAccountId ? journal.expenseAccountId : null;
  const credit = journal && journal.creditAccountId !== was?.creditAccountId ? journal.creditAccountId : null;
  if (changedMethods.length === 0 && expense === null && credit === null) return { ok: true };

  const target = await engine.deps.store.connections.get(integration.tenantId, integration.targetConnectionId);
  if (!target) return { ok: false, status: 400, message: 'the flow has no target connection' };
  const name = systemName(target.system);
  const client = engine.runtime.target(target, { tenantId: target.tenantId, recordId: null });
  if (!client.mappingChoices) return { ok: true };
  let choices: MappingChoices;
  try {
    if (target.status !== 'active') throw new Error(`the ${name} connection is ${target.status}`);
    choices = await client.mappingChoices();
  } catch (error) {
    return { ok: false, status: 502, message: `could not check the mapping against ${name} (${classify(error).message}); nothing was saved` };
  }

  const problems: string[] = [];
  const items = new Set(choices.items.map((i) => i.id));
  for (const [key, id] of changedMethods) {
    if (!items.has(id)) problems.push(`shippingByMethod.${key}: "${id}" is not an active ${name} item`);
  }
  const account = (id: string) => choices.accounts.find((a) => a.id === id);
  if (expense !== null) {
    const found = account(expense);
    if (!found) problems.push(`shipments.expenseAccountId: "${expense}" is not an active ${name} account`);
    else if (!EXPENSE_TYPES.includes(found.type)) problems.push(`shipments.expenseAccountId: "${found.name}" is ${article(found.type)} ${found.type} account; choose one of type ${EXPENSE_TYPES.join(', ')}`);
  }
  if (credit !== null) {
    const found = account(credit);
    if (!found) problems.push(`shipments.creditAccountId: "${credit}" is not an active ${name} account`);
    else if (NOT_CREDIT_TYPES.includes(found.type)) problems.push(`shipments.creditAccountId: "${found.name}" is ${article(found.type)} ${found.type} account; choose the bank, card, payable or clearing account the shipping is paid from`);
  }
  if (problems.length === 0) return { ok: true };
  return { ok: false, status: 400, message: `${problems.join('; ')}. Nothing was saved; the mapping options list what ${name} offers.` };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
