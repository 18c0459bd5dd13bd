import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { parseJsonExact } from '../../core/json.ts';
import { parseDec } from '../../core/money.ts';
import { postOrder } from '../../core/posting/order-to-invoice.ts';
import { customerFromShipStation, orderFromShipStation, shipmentFromFulfillment, shipmentFromShipStation, statusOf, taxRateFor } from './to-canonical.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/shipstation/', import.meta.url));
const payload = (name: string): Record<string, unknown> => parseJsonExact(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as Record<string, unknown>;
const expected = (name: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${name}.expected.json`, 'utf8'));

describe('golden: ShipStation payloads → canonical', () => {
  it.each(['order-docs-example', 'order-discount-adjustment'])('order %s', (name) => {
    expect(orderFromShipStation(payload(name))).toEqual(expected(name));
  });

  it('shipments-ship-notify (a SHIP_NOTIFY list)', () => {
    expect((payload('shipments-ship-notify')['shipments'] as unknown[]).map((s) => shipmentFromShipStation(s))).toEqual(expected('shipments-ship-notify'));
  });

  it('fulfillments-fill-provider (a FULFILLMENT_SHIPPED list)', () => {
    expect((payload('fulfillments-fill-provider')['fulfillments'] as unknown[]).map((f) => shipmentFromFulfillment(f))).toEqual(expected('fulfillments-fill-provider'));
  });

  it('customer', () => {
    expect(customerFromShipStation(payload('customer'))).toEqual(expected('customer'));
  });
});

describe('orders and the posting rule', () => {
  it('the discount order ties out to the cent', () => {
    const result = postOrder(orderFromShipStation(payload('order-discount-adjustment')));
    expect(result.ok).toBe(true);
    expect(result.totals).toMatchObject({ stated: '107.65', computed: '107.65', difference: '0.00' });
  });

  it("the docs' own example does not (a doc slip of exactly its −20.55 adjustment line): refused with the numbers", () => {
    const result = postOrder(orderFromShipStation(payload('order-docs-example')));
    expect(result.ok).toBe(false);
    expect(result.totals).toMatchObject({ stated: '194.43', computed: '214.98', difference: '-20.55' });
  });
});

/** A minimal V1 order, overridable. */
function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: 1,
    orderNumber: '1001',
    orderDate: '2026-06-15T10:00:00.0000000',
    createDate: '2026-06-15T10:00:01.0000000',
    modifyDate: '2026-06-15T10:00:02.0000000',
    orderStatus: 'awaiting_shipment',
    customerId: null,
    customerUsername: null,
    customerEmail: null,
    billTo: { name: 'Guest Buyer', company: null, street1: null, street2: null, street3: null, city: null, state: null, postalCode: null, country: null, phone: null },
    shipTo: null,
    items: [{ orderItemId: 11, sku: 'BOOK', name: 'Book', quantity: 2, unitPrice: '10.00', taxAmount: null, shippingAmount: null, adjustment: false }],
    orderTotal: '21.60',
    amountPaid: '21.60',
    taxAmount: '1.60',
    shippingAmount: 0,
    ...overrides,
  };
}

describe('orderFromShipStation rules', () => {
  it('order-level tax when items do not state it: the shortest rate that gives the amount back', () => {
    const o = orderFromShipStation(order());
    expect(o.taxLines).toEqual([{ title: 'Tax', rate: '0.08', amount: '1.6' }]);
    expect(o.lines[0]?.taxLines).toEqual([]);
    expect(o.shippingLines).toEqual([]);
    expect(o.totals).toEqual({ subtotal: '20', tax: '1.6', shipping: '0', total: '21.6' });
    expect(postOrder(o).ok).toBe(true);
  });

  it('statuses: awaiting_payment is open; cancelled is cancelled; the paid ones are paid; unknown is open', () => {
    expect(statusOf('awaiting_payment')).toBe('open');
    for (const s of ['awaiting_shipment', 'pending_fulfillment', 'on_hold', 'shipped', 'rejected_fulfillment']) expect(statusOf(s)).toBe('paid');
    expect(statusOf('something_new')).toBe('open');
    const cancelled = orderFromShipStation(order({ orderStatus: 'cancelled' }));
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelled: true });
  });

  it('a positive adjustment line is a fee; zero-quantity items are left out', () => {
    const o = orderFromShipStation(
      order({
        items: [
          { orderItemId: 11, sku: 'BOOK', name: 'Book', quantity: 2, unitPrice: '10.00', adjustment: false },
          { orderItemId: 12, sku: null, name: 'Gift wrap', quantity: 1, unitPrice: '3.50', adjustment: true },
          { orderItemId: 13, sku: 'X', name: 'Removed', quantity: 0, unitPrice: '99.00', adjustment: false },
        ],
        taxAmount: 0,
        orderTotal: '23.50',
      }),
    );
    expect(o.lines.map((l) => l.title)).toEqual(['Book']);
    expect(o.fees).toEqual([{ title: 'Gift wrap', amount: '3.5', taxLines: [] }]);
    expect(o.discounts).toEqual([]);
    expect(postOrder(o).ok).toBe(true);
  });

  it('per-line tax marks untaxed items not taxable', () => {
    const o = orderFromShipStation(
      order({
        items: [
          { orderItemId: 11, name: 'Book', quantity: 2, unitPrice: '10.00', taxAmount: 0 },
          { orderItemId: 12, name: 'Pen', quantity: 1, unitPrice: '5.00', taxAmount: '0.40' },
        ],
        taxAmount: '0.40',
        orderTotal: '25.40',
      }),
    );
    expect(o.lines.map((l) => [l.taxable, l.taxLines])).toEqual([
      [false, []],
      [true, [{ title: 'Tax', rate: '0.08', amount: '0.4' }]],
    ]);
    expect(o.taxLines).toEqual([]);
  });

  it('shipping: the order amount, titled by the requested service; item shipping only when the order states none', () => {
    const withOrder = orderFromShipStation(order({ shippingAmount: '4.00', requestedShippingService: 'Priority Mail', serviceCode: 'usps_priority_mail', orderTotal: '25.60', items: [{ orderItemId: 11, name: 'Book', quantity: 2, unitPrice: '10.00', shippingAmount: '9.00' }] }));
    expect(withOrder.shippingLines).toEqual([{ title: 'Priority Mail', code: 'usps_priority_mail', price: '4', discount: '0', taxLines: [] }]);
    const fromItems = orderFromShipStation(order({ shippingAmount: null, orderTotal: '25.60', items: [{ orderItemId: 11, name: 'Book', quantity: 2, unitPrice: '10.00', shippingAmount: '4.00' }] }));
    expect(fromItems.shippingLines).toEqual([{ title: 'Shipping', price: '4', discount: '0', taxLines: [] }]);
  });

  it('customers are implicit: id from customerId, email from customerEmail or an email username; else a guest', () => {
    expect(orderFromShipStation(order({ customerId: 77, customerEmail: 'A@Example.com' })).customer).toMatchObject({ id: '77', email: 'A@Example.com' });
    expect(orderFromShipStation(order({ customerId: 77, customerUsername: 'amazon-buyer-17' })).customer).toMatchObject({ id: '77', email: null });
    expect(orderFromShipStation(order()).customer).toBeNull();
    expect(orderFromShipStation(order()).billingAddress).toEqual({ name: 'Guest Buyer' });
  });

  it('currency: USD unless the account says otherwise', () => {
    expect(orderFromShipStation(order()).currency).toBe('USD');
    expect(orderFromShipStation(order(), { currency: 'cad' }).currency).toBe('CAD');
  });

  it('reads exact amounts and refuses a float (a body not parsed with parseJsonExact)', () => {
    // 21.60 as a JSON number stays its digits (then canonical: no trailing zero), never the float 21.6000000000000014.
    const o = orderFromShipStation(parseJsonExact(JSON.stringify(order({ orderTotal: 'TOTAL' })).replace('"TOTAL"', '21.60')));
    expect(o.totals.total).toBe('21.6');
    expect(orderFromShipStation(parseJsonExact(JSON.stringify(order({ orderId: 'ID' })).replace('"ID"', '9007199254740993'))).id).toBe('9007199254740993');
    expect(() => orderFromShipStation(order({ orderTotal: 21.6 }))).toThrow(SyncError);
  });

  it('refuses what it cannot read, naming the order: no items, bad times, no total', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof SyncError ? `${error.code}: ${error.message}` : String(error);
      }
      return undefined;
    };
    expect(codeOf(() => orderFromShipStation(order({ items: [] })))).toMatch(/^SOURCE_PAYLOAD_INVALID: .*1001.*no product items/);
    expect(codeOf(() => orderFromShipStation(order({ modifyDate: '2026-06-15T10:00:00Z' })))).toMatch(/^SOURCE_PAYLOAD_INVALID: .*modifyDate.*offset/);
    expect(codeOf(() => orderFromShipStation(order({ orderTotal: null, amountPaid: null })))).toMatch(/^SOURCE_PAYLOAD_INVALID: .*orderTotal/);
    expect(codeOf(() => orderFromShipStation({ orderNumber: 'x' }))).toMatch(/^SOURCE_PAYLOAD_INVALID/);
  });
});

describe('taxRateFor', () => {
  it.each([
    ['20.00', '1.60', '0.08'],
    ['199.98', '5', '0.025'],
    ['37.99', '3.37', '0.0887'],
    ['1000.00', '88.75', '0.08875'],
    ['0', '1.00', '0'],
    ['10.00', '0', '0'],
  ])('base %s, tax %s → %s', (base, tax, rate) => {
    expect(taxRateFor(parseDec(base), parseDec(tax), 'USD')).toBe(rate);
  });
});

describe('shipments', () => {
  const label = { shipmentId: 9, orderId: 1, orderNumber: '1001', createDate: '2026-06-15T10:00:00.0000000', shipDate: '2026-06-15', shipmentCost: '8.10', insuranceCost: '1.25', trackingNumber: '1Z', carrierCode: 'ups', serviceCode: 'ups_ground', voided: false, voidDate: null };

  it('cost = shipmentCost + insuranceCost; voided from voided or a voidDate', () => {
    expect(shipmentFromShipStation(label)).toMatchObject({ id: '9', cost: '9.35', voided: false });
    expect(shipmentFromShipStation({ ...label, voided: true, voidDate: '2026-06-16T08:00:00.0000000' }).voided).toBe(true);
    expect(shipmentFromShipStation({ ...label, voided: null, voidDate: '2026-06-16T08:00:00.0000000' }).voided).toBe(true);
  });

  it('a missing shipDate falls back to the Pacific date of createDate', () => {
    expect(shipmentFromShipStation({ ...label, shipDate: null, createDate: '2026-06-15T23:30:00.0000000' }).shipDate).toBe('2026-06-15');
  });

  it('a fulfillment marked shipped by hand costs nothing (no entry to book)', () => {
    expect(shipmentFromFulfillment({ fulfillmentId: 3, orderId: 1, orderNumber: '1001', createDate: '2026-06-15T10:00:00.0000000', shipDate: '2026-06-15T00:00:00.0000000', carrierCode: 'USPS', fulfillmentFee: 0, voided: false })).toMatchObject({
      id: 'F3',
      carrier: 'USPS',
      cost: '0',
    });
  });
});
