/**
 * Shipment → books. Carrier, service and tracking always go on the order's invoice (a note whose marker
 * makes writing it twice harmless). In journal mode the shipping cost is also booked: the expense account
 * debited, the clearing or payable account credited; a voided shipment is reversed by an entry of its own,
 * so the original is never edited and the trail stays readable.
 */
import type { JournalDraft, ShipmentNoteDraft } from '../documents.ts';
import type { Shipment } from '../model.ts';
import { compare, parseDec, roundMoney } from '../money.ts';

/**
 * Names one state of one shipment: a void, or a tracking number added later, is a new note, while the
 * same state written twice is not.
 */
export function shipmentMarker(shipment: Shipment): string {
  const state = shipment.voided ? ' voided' : shipment.trackingNumber ? ` ${shipment.trackingNumber}` : '';
  return `[shipment ${shipment.source}:${shipment.id}${state}]`;
}

export function shipmentNote(shipment: Shipment): ShipmentNoteDraft {
  const via = [shipment.carrier, shipment.service].filter(Boolean).join(' ');
  const tracking = shipment.trackingNumber ? `, tracking ${shipment.trackingNumber}` : '';
  const what = shipment.voided ? `Shipment voided (was ${via}${tracking})` : `Shipped ${shipment.shipDate.slice(0, 10)} via ${via}${tracking}`;
  return {
    marker: shipmentMarker(shipment),
    text: `${what} ${shipmentMarker(shipment)}`,
    carrier: shipment.carrier,
    ...(shipment.service ? { service: shipment.service } : {}),
    ...(shipment.trackingNumber ? { trackingNumber: shipment.trackingNumber } : {}),
    shipDate: shipment.shipDate.slice(0, 10),
  };
}

export interface ShipmentAccounts {
  expenseAccountId: string;
  creditAccountId: string;
}

/** The cost entry, or null when the shipment cost nothing (nothing to book). */
export function shipmentJournal(shipment: Shipment, accounts: ShipmentAccounts): JournalDraft | null {
  const amount = roundMoney(shipment.cost, shipment.currency);
  if (compare(parseDec(amount), parseDec('0')) <= 0) return null;
  const description = `Shipping for order ${shipment.orderNumber} via ${[shipment.carrier, shipment.service].filter(Boolean).join(' ')}${shipment.trackingNumber ? ` (${shipment.trackingNumber})` : ''}`;
  return {
    reference: `SHIP-${shipment.id}`,
    date: shipment.shipDate.slice(0, 10),
    currency: shipment.currency,
    notes: `${description} [shipment ${shipment.source}:${shipment.id}]`,
    lines: [
      { accountId: accounts.expenseAccountId, side: 'debit', amount, description },
      { accountId: accounts.creditAccountId, side: 'credit', amount, description },
    ],
  };
}

/** The entry that cancels `original` for a voided shipment: same amounts, sides swapped, its own reference. */
export function reversalJournal(original: JournalDraft, voidedOn: string): JournalDraft {
  return {
    reference: `${original.reference}-VOID`,
    date: voidedOn,
    currency: original.currency,
    notes: `Reversal: the shipment was voided. ${original.notes}`,
    lines: original.lines.map((line) => ({ ...line, side: line.side === 'debit' ? 'credit' : 'debit', description: `Reversal: ${line.description}` })),
  };
}
