/**
 * Resolves the target objects an invoice points at: contact, items, taxes, currency. Links first (no API
 * call when we already know the id); otherwise claim the link, search the target, create only when nothing
 * is found, confirm. A lease per key keeps two jobs (two orders of one new buyer) from creating twins.
 */
import type { ContactDraft, InvoiceDraft, ItemDraft } from '../core/documents.ts';
import type { EngineDeps } from './deps.ts';
import type { Connection, LinkKind, ResolvedRefs, TargetClient, TargetRef } from './ports.ts';
import { withLease } from './with-lease.ts';

export interface ResolveScope {
  deps: EngineDeps;
  target: TargetClient;
  targetConnection: Connection;
  taxByRate: Record<string, string>;
  /** Shipping method title or code → the target item (or account) the user mapped it to. */
  shippingByMethod: Record<string, string>;
  step: (step: string, detail?: Record<string, string | number | boolean | null>) => Promise<void>;
}

export async function resolveLinked(
  scope: ResolveScope,
  kind: LinkKind,
  sourceKey: string,
  find: () => Promise<TargetRef | null>,
  create: () => Promise<TargetRef>,
): Promise<{ id: string; created: boolean }> {
  const { deps, targetConnection } = scope;
  const tenantId = targetConnection.tenantId;
  const known = await deps.store.links.get(tenantId, targetConnection.id, kind, sourceKey);
  if (known?.state === 'confirmed' && known.targetId) return { id: known.targetId, created: false };

  return withLease(deps, `link:${targetConnection.id}:${kind}:${sourceKey}`, async () => {
    const link = await deps.store.links.claim(tenantId, targetConnection.id, kind, sourceKey);
    if (link.state === 'confirmed' && link.targetId) return { id: link.targetId, created: false };
    const found = await find();
    if (found) {
      await deps.store.links.confirm(tenantId, link.id, found.id);
      await scope.step(`found-${kind}`, { key: sourceKey, targetId: found.id });
      return { id: found.id, created: false };
    }
    const created = await create();
    await deps.store.links.confirm(tenantId, link.id, created.id);
    await scope.step(`created-${kind}`, { key: sourceKey, targetId: created.id });
    return { id: created.id, created: true };
  });
}

export async function resolveContact(scope: ResolveScope, contact: ContactDraft, options: { update: boolean }): Promise<string> {
  const result = await resolveLinked(
    scope,
    'contact',
    contact.key,
    () => scope.target.findContact(contact),
    () => scope.target.createContact(contact),
  );
  if (options.update && !result.created) {
    await scope.target.updateContact(result.id, contact);
    await scope.step('updated-contact', { targetId: result.id });
  }
  return result.id;
}

export async function resolveItem(scope: ResolveScope, item: ItemDraft): Promise<string> {
  const result = await resolveLinked(scope, 'item', item.key, () => scope.target.findItem(item), () => scope.target.createItem(item));
  return result.id;
}

export async function resolveInvoiceRefs(scope: ResolveScope, draft: InvoiceDraft): Promise<ResolvedRefs> {
  const contactId = await resolveContact(scope, draft.contact, { update: false });

  const needs = scope.target.invoiceNeeds(draft);
  const itemIds: Record<string, string> = {};
  // The user's choice for a shipping method wins: its item or account is used, nothing is created for it.
  for (const shipping of draft.shipping) {
    const mapped = scope.shippingByMethod[shipping.title] ?? (shipping.code ? scope.shippingByMethod[shipping.code] : undefined);
    if (mapped) itemIds[`shipping:${shipping.title}`] = mapped;
  }
  for (const item of needs.items) {
    itemIds[item.key] ??= await resolveItem(scope, item);
  }

  const taxIds: Record<string, string> = {};
  for (const tax of needs.taxes) {
    if (taxIds[tax.rate]) continue;
    const mapped = scope.taxByRate[tax.rate];
    taxIds[tax.rate] = mapped ?? (await resolveLinked(scope, 'tax', `rate:${tax.rate}`, async () => null, () => scope.target.resolveTax(tax.rate, tax.title))).id;
  }

  const currency = await scope.target.resolveCurrency(draft.currency);
  return { contactId, itemIds, taxIds, ...(currency.isBase ? {} : { currencyId: currency.id }) };
}
