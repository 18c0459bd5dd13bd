/**
 * `/items` (api notes §3.2). Items live under the `settings` scope family. Names are unique; SKUs too when
 * `uniqueItemSku` [mem]. `search_text` matches name or description (and SKU when `itemSearchIncludesSku`
 * [mem]); `?sku=` is honoured only with `itemSkuFilter`, otherwise ignored like any unknown parameter.
 */
import { Dec } from '../../_kit/dec.ts';
import { created, fail, ok } from '../envelope.ts';
import { customFields, decimal, has, id, requiredText, text } from '../fields.ts';
import { paginate, sortRows, textFilter } from '../pagination.ts';
import type { Item, Organization } from '../state.ts';
import { upsertBy } from '../upsert.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

const PRODUCT_TYPES = new Set(['goods', 'service', 'digital_service']);

function find(org: Organization, itemId: string | undefined): Item {
  const item = org.items.get(itemId ?? '');
  if (!item) throw fail.notFound('Item');
  return item;
}

function taxFields(org: Organization, item: Item): Record<string, unknown> {
  const tax = item.tax_id ? org.taxes.get(item.tax_id) : undefined;
  return { tax_id: item.tax_id, tax_name: tax?.tax_name ?? '', tax_percentage: tax?.tax_percentage ?? 0, tax_type: tax?.tax_type ?? '' };
}

export function renderItem(org: Organization, item: Item): Record<string, unknown> {
  return {
    item_id: item.item_id,
    name: item.name,
    status: item.status,
    description: item.description,
    rate: item.rate,
    unit: item.unit,
    ...taxFields(org, item),
    sku: item.sku,
    product_type: item.product_type,
    custom_fields: item.custom_fields.map((f) => ({ customfield_id: f.customfield_id ?? '', value: f.value })),
  };
}

function build(input: OrgInput, current: Item | undefined): Item {
  const { org, body, cfg, now } = input;
  const name = has(body, 'name') || !current ? requiredText(body, 'name') : current.name;
  if (name.length > 100) throw fail.invalid('name');
  if (!current && !has(body, 'rate')) throw fail.invalid('rate');
  const rate = decimal(body, 'rate', current?.rate);
  if (rate.isNegative()) throw fail.invalid('rate');
  const sku = text(body, 'sku', current?.sku ?? '').trim();
  for (const other of org.items.values()) {
    if (other.item_id === current?.item_id) continue;
    if (other.name.toLowerCase() === name.toLowerCase()) throw fail.duplicate(`The item "${name}" already exists.`);
    if (cfg.uniqueItemSku && sku && other.sku === sku) throw fail.duplicate(`The SKU "${sku}" is already used by another item.`);
  }
  const productType = text(body, 'product_type', current?.product_type ?? 'goods');
  if (!PRODUCT_TYPES.has(productType)) throw fail.invalid('product_type');
  const taxId = has(body, 'tax_id') ? id(body, 'tax_id') : (current?.tax_id ?? '');
  if (taxId && !org.taxes.has(taxId)) throw fail.reference('Tax');
  const accountId = has(body, 'account_id') ? id(body, 'account_id') : (current?.account_id ?? '');
  if (accountId && !org.accounts.has(accountId)) throw fail.reference('Account');
  return {
    item_id: current?.item_id ?? input.ctx.store.ids.recordId(),
    name,
    description: text(body, 'description', current?.description ?? ''),
    rate: rate.round(Math.max(rate.scale, 2)),
    sku,
    unit: text(body, 'unit', current?.unit ?? ''),
    product_type: productType,
    tax_id: taxId,
    account_id: accountId,
    status: current?.status ?? 'active',
    custom_fields: customFields(body) ?? current?.custom_fields ?? [],
    created: current?.created ?? now,
    modified: now,
  };
}

const STATUS: Record<string, ((i: Item) => boolean) | undefined> = {
  'Status.All': () => true,
  'Status.Active': (i) => i.status === 'active',
  'Status.Inactive': (i) => i.status === 'inactive',
};

function listItems(input: OrgInput) {
  const { org, query, cfg } = input;
  const filterBy = query.get('filter_by') ?? 'Status.All';
  const statusFilter = STATUS[filterBy];
  if (!statusFilter) throw fail.invalid('filter_by');
  let rows = [...org.items.values()].filter(statusFilter);
  const byName = textFilter(query, 'name');
  if (byName) rows = rows.filter((i) => byName(i.name));
  const byDescription = textFilter(query, 'description');
  if (byDescription) rows = rows.filter((i) => byDescription(i.description));
  const taxId = query.get('tax_id');
  if (taxId !== null) rows = rows.filter((i) => i.tax_id === taxId);
  const rate = query.get('rate');
  if (rate !== null) {
    const wanted = Dec.parse(rate);
    if (!wanted) throw fail.invalid('rate');
    rows = rows.filter((i) => i.rate.eq(wanted));
  }
  const sku = query.get('sku');
  if (sku !== null && cfg.itemSkuFilter) rows = rows.filter((i) => i.sku === sku);
  const search = query.get('search_text');
  if (search !== null) {
    const s = search.toLowerCase();
    rows = rows.filter((i) => [i.name, i.description, ...(cfg.itemSearchIncludesSku ? [i.sku] : [])].some((v) => v.toLowerCase().includes(s)));
  }
  const sorted = sortRows(rows as unknown as Record<string, unknown>[], query, ['name', 'rate', 'tax_name', 'created_time', 'last_modified_time'], { column: 'name', order: 'A' }, (row, column) => {
    const i = row as unknown as Item;
    if (column === 'rate') return Number(i.rate.toString());
    if (column === 'created_time') return i.created;
    if (column === 'last_modified_time') return i.modified;
    if (column === 'tax_name') return org.taxes.get(i.tax_id)?.tax_name ?? '';
    return i.name.toLowerCase();
  });
  const page = paginate(sorted.rows as unknown as Item[], query, { report_name: 'Items', sort_column: sorted.sort_column, sort_order: sorted.sort_order });
  return ok('success', { items: page.rows.map((i) => renderItem(org, i)), page_context: page.page_context });
}

function create(input: OrgInput) {
  const item = build(input, undefined);
  input.org.items.set(item.item_id, item);
  return created('The item has been added.', { item: renderItem(input.org, item) });
}

function update(input: OrgInput) {
  const next = build(input, find(input.org, input.params.item_id));
  input.org.items.set(next.item_id, next);
  return ok('Item details have been saved.', { item: renderItem(input.org, next) });
}

function remove(input: OrgInput) {
  const item = find(input.org, input.params.item_id);
  const used = [...input.org.invoices.values(), ...input.org.creditnotes.values()].some((d) => d.line_items.some((l) => l.item_id === item.item_id));
  if (used) throw fail.rule('Items that are part of a transaction cannot be deleted. Mark the item as inactive instead.');
  input.org.items.delete(item.item_id);
  return ok('The item has been deleted.');
}

function setStatus(status: 'active' | 'inactive') {
  return (input: OrgInput) => {
    const item = find(input.org, input.params.item_id);
    item.status = status;
    item.modified = input.now;
    return ok(`The item has been marked as ${status}.`);
  };
}

export const itemRoutes: RouteDef[] = [
  orgRoute('GET', '/items', ['settings', 'READ'], listItems),
  orgRoute('POST', '/items', ['settings', 'CREATE'], create),
  orgRoute('GET', '/items/:item_id', ['settings', 'READ'], (input) => ok('success', { item: renderItem(input.org, find(input.org, input.params.item_id)) })),
  orgRoute('PUT', '/items/:item_id', ['settings', 'UPDATE'], update),
  orgRoute('PUT', '/items', ['settings', 'UPDATE'], (input) =>
    upsertBy(input, input.org.items.values(), 'Item', (item) => update({ ...input, params: { item_id: item.item_id } }), () => create(input)),
  ),
  orgRoute('DELETE', '/items/:item_id', ['settings', 'DELETE'], remove),
  orgRoute('POST', '/items/:item_id/active', ['settings', 'CREATE'], setStatus('active')),
  orgRoute('POST', '/items/:item_id/inactive', ['settings', 'CREATE'], setStatus('inactive')),
];
