/**
 * Regression pins for what the property runs in tests/fuzz/to-canonical.fuzz.test.ts found: an amount the money
 * module will not expand ("1e400") is a payload that does not fit (SOURCE_PAYLOAD_INVALID, class validation),
 * never a MoneyError, which the engine would have classed as transient and retried for ever.
 */
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { Money } from './schemas.ts';
import { orderFromShipStation, shipmentFromShipStation } from './to-canonical.ts';

const order = (overrides: Record<string, unknown>) => ({
  orderId: 1,
  orderNumber: '1001',
  orderDate: '2026-06-15T10:00:00.0000000',
  createDate: '2026-06-15T10:00:01.0000000',
  modifyDate: '2026-06-15T10:00:02.0000000',
  orderStatus: 'awaiting_shipment',
  items: [{ orderItemId: 11, sku: 'BOOK', name: 'Book', quantity: 2, unitPrice: '10.00' }],
  orderTotal: '20.00',
  ...overrides,
});

describe('ShipStation Money: amounts out of range', () => {
  it.each(['1e400', '-1e41', '1e-400'])('%s is a schema issue, not a thrown MoneyError', (text) => {
    const parsed = Money.safeParse(text);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/out of range/);
  });

  it('an order or shipment carrying one is refused as SOURCE_PAYLOAD_INVALID', () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return null;
    };
    for (const error of [
      refused(() => orderFromShipStation(order({ orderTotal: '1e400' }))),
      refused(() => orderFromShipStation(order({ items: [{ orderItemId: 11, name: 'Book', quantity: 1, unitPrice: '1e400' }] }))),
      refused(() => shipmentFromShipStation({ shipmentId: 1, orderId: 1, orderNumber: '1001', createDate: '2026-06-15T10:00:00.0000000', shipDate: '2026-06-15', shipmentCost: '1e400', carrierCode: 'ups' })),
    ]) {
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).code).toBe('SOURCE_PAYLOAD_INVALID');
    }
  });
});
