/**
 * Who an invoice is addressed to. The key is what links are stored under, so the same buyer maps to the same
 * target contact on every order:
 *   1. `email:<lower-cased, trimmed email>` when there is an email (WooCommerce and Zoho match buyers by email);
 *   2. else `source:<system>:<customer id>` when the source knows the customer;
 *   3. else `guest:<system>:<order id>`: a guest without email gets a contact of their own per order.
 * The display name is the company, else "First Last", else the email, else "Guest <order number>".
 * Names and company fall back to the billing address when the customer record has none (guest checkouts).
 */
import type { ContactDraft } from '../documents.ts';
import type { Address, Customer, Order } from '../model.ts';

export function contactFromOrder(order: Order): ContactDraft {
  const customer = isRecord(order.customer) ? order.customer : null;
  return buildContact(customer, {
    billingAddress: asAddress(order.billingAddress) ?? asAddress(customer?.billingAddress),
    shippingAddress: asAddress(order.shippingAddress) ?? asAddress(customer?.shippingAddress),
    guestKey: `guest:${String(order.source)}:${String(order.id)}`,
    guestName: `Guest ${String(order.number)}`,
  });
}

/**
 * The same rule for a customer record synced on its own (no order). A customer with neither email nor id
 * (customer records always carry their id in practice) is keyed by its display name so it is not merged
 * with other anonymous ones.
 */
export function contactFromCustomer(customer: Customer): ContactDraft {
  const system = String(customer.source);
  const contact = buildContact(customer, {
    billingAddress: asAddress(customer.billingAddress),
    shippingAddress: asAddress(customer.shippingAddress),
    guestKey: '',
    guestName: `Unnamed ${system} customer`,
  });
  if (contact.key === '') contact.key = `guest:${system}:name:${contact.displayName.toLowerCase()}`;
  return contact;
}

interface ContactContext {
  billingAddress: Address | undefined;
  shippingAddress: Address | undefined;
  /** The key when there is neither an email nor a customer id. */
  guestKey: string;
  /** The display name when there is no company, name or email. */
  guestName: string;
}

function buildContact(customer: Customer | null, context: ContactContext): ContactDraft {
  const { billingAddress, shippingAddress } = context;
  const email = text(customer?.email);
  const customerId = text(customer?.id);
  const key = email
    ? `email:${email.toLowerCase()}`
    : customerId
      ? `source:${String(customer?.source)}:${customerId}`
      : context.guestKey;

  const firstName = text(customer?.firstName);
  const lastName = text(customer?.lastName);
  const company = text(customer?.company) ?? text(billingAddress?.company);
  const personName = [firstName, lastName].filter((part) => part !== undefined).join(' ') || text(billingAddress?.name);
  const phone = text(customer?.phone) ?? text(billingAddress?.phone);
  const displayName = company ?? personName ?? email ?? context.guestName;

  const contact: ContactDraft = { key, email: email ?? null, displayName };
  if (firstName !== undefined) contact.firstName = firstName;
  if (lastName !== undefined) contact.lastName = lastName;
  if (company !== undefined) contact.company = company;
  if (phone !== undefined) contact.phone = phone;
  if (billingAddress) contact.billingAddress = billingAddress;
  if (shippingAddress) contact.shippingAddress = shippingAddress;
  return contact;
}

/** A trimmed non-empty string, or undefined. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A copy of an address, or undefined when there is none. */
function asAddress(value: unknown): Address | undefined {
  return isRecord(value) ? ({ ...value } as Address) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
