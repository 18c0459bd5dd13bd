/**
 * A shipment reaches the books after its order's invoice: tracking goes on the invoice; in journal mode the
 * cost is booked once (claim, look by reference, then create) and a void is reversed once the same way.
 * A shipment whose invoice is not posted yet waits (transient) for its order, which is queued if nothing else
 * brought it in (an order older than the connection, an ORDER_NOTIFY lost). An order that will not post without
 * an operator (failed, conflict, skipped) ends the wait at once, naming the order and why.
 */
import { SyncError } from '../core/errors.ts';
import type { Shipment } from '../core/model.ts';
import { reversalJournal, shipmentJournal, shipmentNote } from '../core/posting/shipment.ts';
import { enqueueSync } from './dispatch.ts';
import type { Integration } from './ports.ts';
import { resolveLinked, type ResolveScope } from './resolve-refs.ts';
import type { EntityResult } from './sync-entity.ts';

export async function postShipment(scope: ResolveScope, integration: Integration, shipment: Shipment): Promise<EntityResult> {
  const { deps, target, targetConnection } = scope;
  const invoiceLink = await deps.store.links.get(targetConnection.tenantId, targetConnection.id, 'invoice', `${shipment.source}:order:${shipment.orderId}`);
  if (invoiceLink?.state !== 'confirmed' || !invoiceLink.targetId) return waitForOrder(scope, integration, shipment);
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

async function waitForOrder(scope: ResolveScope, integration: Integration, shipment: Shipment): Promise<never> {
  const { deps } = scope;
  const order = await deps.store.records.ensure({ tenantId: integration.tenantId, integrationId: integration.id, entityType: 'order', sourceId: shipment.orderId });
  const named = `order ${order.sourceRef ?? shipment.orderNumber}`;
  // A synced order is not among these: it may have posted its invoice since the link was read (the next run sees it).
  if (order.state === 'failed' || order.state === 'conflict' || order.state === 'skipped') {
    const why = `${order.state}${order.reason ? ` (${order.reason})` : ''}`;
    throw new SyncError('DEPENDENCY_BLOCKED', `${named} is ${why}, so this shipment has no invoice to go on; replay the shipment once the order has its invoice`);
  }
  if (order.state === 'pending') {
    // A pending order may have no job at all (nothing announced it); a queued one absorbs this trigger.
    await enqueueSync(deps, integration, 'order', shipment.orderId, null);
    await scope.step('queued-order', { orderId: shipment.orderId });
  }
  throw new SyncError('TRANSIENT', `the invoice for ${named} is not posted yet; the shipment waits for it`);
}
