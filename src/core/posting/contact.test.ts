import { describe, expect, it } from 'vitest';
import { Customer, Order, type OrderInput } from '../model.ts';
import { contactFromCustomer, contactFromOrder } from './contact.ts';

const header = {
  source: 'shopify',
  id: '820982911946154508',
  number: '#1001',
  status: 'paid',
  currency: 'USD',
  taxesIncluded: false,
  createdAt: '2026-04-01T10:00:00Z',
  updatedAt: '2026-04-01T10:00:00Z',
  lines: [{ id: '1', title: 'Mug', quantity: 1, unitPrice: '10.00' }],
  totals: { tax: '0.00', total: '10.00' },
} satisfies Omit<OrderInput, 'customer'>;

function order(customer: OrderInput['customer'], extra: Partial<OrderInput> = {}): Order {
  return Order.parse({ ...header, customer, ...extra });
}

describe('contactFromOrder', () => {
  it('keys a buyer by the lower-cased, trimmed email and names them "First Last"', () => {
    const contact = contactFromOrder(
      order({ source: 'shopify', id: '115310627314723954', email: 'Jane.Doe@Example.COM', firstName: ' Jane ', lastName: 'Doe', phone: '+1 555 0100' }),
    );
    expect(contact).toEqual({
      key: 'email:jane.doe@example.com',
      email: 'Jane.Doe@Example.COM',
      displayName: 'Jane Doe',
      firstName: 'Jane',
      lastName: 'Doe',
      phone: '+1 555 0100',
    });
  });

  it('keys a customer without email by source system and customer id, and prefers the company as name', () => {
    const contact = contactFromOrder(order({ source: 'shopify', id: 207119551, email: null, firstName: 'Bob', company: 'Acme Ltd' }));
    expect(contact.key).toBe('source:shopify:207119551');
    expect(contact.displayName).toBe('Acme Ltd');
    expect(contact.email).toBeNull();
  });

  it('keys a guest without email or customer id by source system and order id, named after the order', () => {
    const contact = contactFromOrder(order(null));
    expect(contact).toEqual({ key: 'guest:shopify:820982911946154508', email: null, displayName: 'Guest #1001' });
  });

  it('falls back to the email as display name when there is no company or name', () => {
    expect(contactFromOrder(order({ source: 'woocommerce', id: null, email: 'buyer@example.org' })).displayName).toBe('buyer@example.org');
  });

  it("names a guest after the billing address and carries the order's addresses over the customer's", () => {
    const billing = { name: 'Ana Silva', line1: 'Rua A 1', city: 'Lisboa', country: 'PT' };
    const shipping = { name: 'Ana Silva', line1: 'Rua B 2', city: 'Porto', country: 'PT' };
    const contact = contactFromOrder(
      order(
        { source: 'shopify', id: null, email: null, billingAddress: { line1: 'old', country: 'ES' } },
        { billingAddress: billing, shippingAddress: shipping },
      ),
    );
    expect(contact).toEqual({
      key: 'guest:shopify:820982911946154508',
      email: null,
      displayName: 'Ana Silva',
      billingAddress: billing,
      shippingAddress: shipping,
    });
  });
});

describe('contactFromCustomer', () => {
  it('uses the same keys as orders do, so a customer and their orders meet at one contact', () => {
    const customer = Customer.parse({ source: 'shopify', id: '115310627314723954', email: 'Jane@Example.com', firstName: 'Jane' });
    expect(contactFromCustomer(customer).key).toBe('email:jane@example.com');
    expect(contactFromCustomer({ ...customer, email: null }).key).toBe('source:shopify:115310627314723954');
  });

  it('keys a customer with neither email nor id by its name', () => {
    const customer = Customer.parse({ source: 'shipstation', id: null, email: null, firstName: 'Kim', lastName: 'Lee' });
    expect(contactFromCustomer(customer)).toEqual({
      key: 'guest:shipstation:name:kim lee',
      email: null,
      displayName: 'Kim Lee',
      firstName: 'Kim',
      lastName: 'Lee',
    });
  });
});
