import { describe, expect, it } from 'vitest';
import { Shipment } from '../model.ts';
import { reversalJournal, shipmentJournal, shipmentNote } from './shipment.ts';

const shipment = Shipment.parse({
  source: 'shipstation', id: '9001', orderId: '123', orderNumber: '1001', carrier: 'ups', service: 'UPS Ground',
  trackingNumber: '1Z999', shipDate: '2026-11-01', cost: '8.5', currency: 'USD',
});
const accounts = { expenseAccountId: 'exp-1', creditAccountId: 'clr-1' };

describe('shipment posting', () => {
  it('books the cost as a balanced entry: expense debited, clearing credited', () => {
    const entry = shipmentJournal(shipment, accounts);
    expect(entry?.reference).toBe('SHIP-9001');
    expect(entry?.lines).toEqual([
      { accountId: 'exp-1', side: 'debit', amount: '8.50', description: 'Shipping for order 1001 via ups UPS Ground (1Z999)' },
      { accountId: 'clr-1', side: 'credit', amount: '8.50', description: 'Shipping for order 1001 via ups UPS Ground (1Z999)' },
    ]);
  });

  it('books nothing for a free shipment', () => {
    expect(shipmentJournal({ ...shipment, cost: '0' }, accounts)).toBeNull();
  });

  it('reverses with swapped sides and its own reference', () => {
    const entry = shipmentJournal(shipment, accounts);
    if (!entry) throw new Error('expected an entry');
    const reversal = reversalJournal(entry, '2026-11-03');
    expect(reversal.reference).toBe('SHIP-9001-VOID');
    expect(reversal.lines.map((l) => [l.accountId, l.side, l.amount])).toEqual([['exp-1', 'credit', '8.50'], ['clr-1', 'debit', '8.50']]);
  });

  it('notes carrier, service and tracking with a marker that identifies the shipment', () => {
    const note = shipmentNote(shipment);
    expect(note.text).toBe('Shipped 2026-11-01 via ups UPS Ground, tracking 1Z999 [shipment shipstation:9001 1Z999]');
    expect(note.marker).toBe('[shipment shipstation:9001 1Z999]');
    const voided = shipmentNote({ ...shipment, voided: true });
    expect(voided.text).toMatch(/^Shipment voided/);
    expect(voided.marker).not.toBe(note.marker); // the void is a note of its own
    expect(shipmentNote({ ...shipment, trackingNumber: undefined }).marker).not.toBe(note.marker);
  });
});
