/**
 * A shipment reaches the books after its order's invoice: tracking goes on the invoice; in journal mode the
 * cost is booked once (claim, look by reference, then create) and a void is reversed once the same way.
 * A shipment whose invoice is not posted yet waits (transient), and its order is synced first.
 */
import { SyncError } from '../core/errors.ts';
import type { Shipment } from '../core/model.ts';
import { reversalJournal, shipmentJournal, shipmentNote } from '../core/posting/shipment.ts';
import type { Integration } from './ports.ts';
import { resolveLinked, type ResolveScope } from './resolve-refs.ts';
import type { EntityResult } from './sync-entity.ts';

export async function postShipment(scope: ResolveScope, integration: Integration, shipment: Shipment): Promise<EntityResult> {
  const { deps, target, targetConnection } = scope;
  const invoiceLink = await deps.store.links.get(targetConnection.tenantId, targetConnection.id, 'invoice', `${shipment.source}:order:${shipment.orderId}`);
  if (invoiceLink?.state !== 'confirmed' || !invoiceLink.targetId) {
    throw new SyncError('TRANSIENT', `the invoice for order ${shipment.orderNumber} is not posted yet; the shipment waits for it`);
  }
  const invoiceId = invoiceLink.targetId;
  if (target.annotateInvoice) {
    await target.annotateInvoice(invoiceId, shipmentNote(shipment));
    await scope.step('annotated-invoice', { targetId: invoiceId, tracking: shipment.trackingNumber ?? null });
  }

  const mode = integration.settings.shipments ?? { mode: 'note' as const };
  if (mode.mode === 'note') {
    return { state: 'synced', targetType: 'invoice-note', targetId: invoiceId, reason: null };
  }
  const { createJournal, findJournalsByReference } = target;
  if (!createJournal || !findJournalsByReference) {
    throw new SyncError('VALIDATION', `${targetConnection.label} cannot take journal entries; choose the invoice-note mode for shipments`);
  }
  const entry = shipmentJournal(shipment, mode);
  if (!entry) return { state: 'synced', targetType: 'invoice-note', targetId: invoiceId, reason: 'the shipment cost nothing: no entry booked' };

  const post = async (key: string, draft: typeof entry) =>
    resolveLinked(
      scope,
      'journal',
      key,
      async () => (await findJournalsByReference.call(target, draft.reference))[0] ?? null,
      () => createJournal.call(target, draft),
    );
  const booked = await post(`${shipment.source}:shipment:${shipment.id}`, entry);
  if (!shipment.voided) return { state: 'synced', targetType: 'journal', targetId: booked.id, reason: null };
  const reversal = await post(`${shipment.source}:shipment-void:${shipment.id}`, reversalJournal(entry, deps.clock.now().toISOString().slice(0, 10)));
  return { state: 'synced', targetType: 'journal', targetId: reversal.id, reason: 'the shipment was voided: its entry was reversed' };
}
