/**
 * `/contacts` and contact persons (api notes §3.1). `contact_name` is unique per organization [mem]; the
 * `email` filter matches the primary contact person's email, `search_text` the name or notes.
 */
import { Dec, sum } from '../../_kit/dec.ts';
import { created, fail, ok } from '../envelope.ts';
import { address, bool, customFields, has, id, int, list, requiredText, text } from '../fields.ts';
import { balanceOf } from '../invoice-view.ts';
import { paginate, sortRows, textFilter } from '../pagination.ts';
import type { JsonObject } from '../request-body.ts';
import type { Contact, ContactPerson, Organization } from '../state.ts';
import { zohoTimestamp } from '../time-format.ts';
import { creditBalance } from './credit-notes.ts';
import { upsertBy } from '../upsert.ts';
import { orgRoute, type OrgInput, type RouteDef } from './types.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function find(org: Organization, contactId: string | undefined): Contact {
  const contact = org.contacts.get(contactId ?? '');
  if (!contact) throw fail.notFound('Contact');
  return contact;
}

function primary(c: Contact): ContactPerson | undefined {
  return c.contact_persons.find((p) => p.is_primary_contact);
}

function outstanding(org: Organization, c: Contact): { fcy: Dec; bcy: Dec } {
  const open = [...org.invoices.values()].filter((i) => i.customer_id === c.contact_id && i.state === 'sent');
  const base = org.currencies.get(org.base_currency_id)!.price_precision;
  return {
    fcy: sum(open.map(balanceOf)),
    bcy: sum(open.map((i) => balanceOf(i).mul(i.exchange_rate).round(base))),
  };
}

function unusedCredits(org: Organization, c: Contact): Dec {
  const notes = [...org.creditnotes.values()].filter((n) => n.customer_id === c.contact_id);
  return c.unused_credits.add(sum(notes.map(creditBalance)));
}

function hasTransactions(org: Organization, c: Contact): boolean {
  const mine = (r: { customer_id: string }) => r.customer_id === c.contact_id;
  return [...org.invoices.values()].some(mine) || [...org.payments.values()].some(mine) || [...org.creditnotes.values()].some(mine);
}

function renderPerson(p: ContactPerson): Record<string, unknown> {
  return { ...p };
}

export function renderContact(org: Organization, c: Contact): Record<string, unknown> {
  const currency = org.currencies.get(c.currency_id);
  const tax = c.tax_id ? org.taxes.get(c.tax_id) : undefined;
  const owed = outstanding(org, c);
  const unused = unusedCredits(org, c);
  return {
    contact_id: c.contact_id,
    contact_name: c.contact_name,
    company_name: c.company_name,
    has_transaction: hasTransactions(org, c),
    contact_type: c.contact_type,
    customer_sub_type: c.customer_sub_type,
    language_code: c.language_code,
    is_taxable: c.is_taxable,
    tax_id: c.tax_id,
    tax_name: tax?.tax_name ?? '',
    tax_percentage: tax?.tax_percentage ?? 0,
    website: c.website,
    primary_contact_id: primary(c)?.contact_person_id ?? '',
    payment_terms: c.payment_terms,
    payment_terms_label: c.payment_terms_label,
    currency_id: c.currency_id,
    currency_code: currency?.currency_code ?? org.currency_code,
    currency_symbol: currency?.currency_symbol ?? '',
    outstanding_receivable_amount: owed.fcy,
    outstanding_receivable_amount_bcy: owed.bcy,
    unused_credits_receivable_amount: unused,
    unused_credits_receivable_amount_bcy: unused.mul(currency?.exchange_rate ?? Dec.ONE).round(org.currencies.get(org.base_currency_id)!.price_precision),
    status: c.status,
    payment_reminder_enabled: true,
    custom_fields: c.custom_fields.map((f) => ({ index: f.index ?? 0, value: f.value, label: f.label ?? '' })),
    billing_address: c.billing_address,
    shipping_address: c.shipping_address,
    contact_persons: c.contact_persons.map(renderPerson),
    notes: c.notes,
    created_time: zohoTimestamp(c.created),
    last_modified_time: zohoTimestamp(c.modified),
  };
}

function renderRow(org: Organization, c: Contact): Record<string, unknown> {
  const p = primary(c);
  return {
    contact_id: c.contact_id,
    contact_name: c.contact_name,
    company_name: c.company_name,
    contact_type: c.contact_type,
    status: c.status,
    payment_terms: c.payment_terms,
    payment_terms_label: c.payment_terms_label,
    currency_id: c.currency_id,
    currency_code: org.currencies.get(c.currency_id)?.currency_code ?? org.currency_code,
    outstanding_receivable_amount: outstanding(org, c).fcy,
    unused_credits_receivable_amount: unusedCredits(org, c),
    first_name: p?.first_name ?? '',
    last_name: p?.last_name ?? '',
    email: p?.email ?? '',
    phone: p?.phone ?? '',
    mobile: p?.mobile ?? '',
    created_time: zohoTimestamp(c.created),
    last_modified_time: zohoTimestamp(c.modified),
  };
}

function person(input: OrgInput, raw: JsonObject, kept: ContactPerson | undefined): ContactPerson {
  const email = text(raw, 'email', kept?.email ?? '').trim();
  if (email && !EMAIL.test(email)) throw fail.invalid('email');
  return {
    contact_person_id: kept?.contact_person_id ?? input.ctx.store.ids.recordId(),
    salutation: text(raw, 'salutation', kept?.salutation ?? ''),
    first_name: text(raw, 'first_name', kept?.first_name ?? ''),
    last_name: text(raw, 'last_name', kept?.last_name ?? ''),
    email,
    phone: text(raw, 'phone', kept?.phone ?? ''),
    mobile: text(raw, 'mobile', kept?.mobile ?? ''),
    designation: text(raw, 'designation', kept?.designation ?? ''),
    department: text(raw, 'department', kept?.department ?? ''),
    is_primary_contact: bool(raw, 'is_primary_contact', kept?.is_primary_contact ?? false),
    enable_portal: bool(raw, 'enable_portal', kept?.enable_portal ?? false),
  };
}

/** Exactly one primary person: the one marked, else the first. */
function settlePrimary(persons: ContactPerson[]): ContactPerson[] {
  const marked = persons.findIndex((p) => p.is_primary_contact);
  return persons.map((p, i) => ({ ...p, is_primary_contact: i === (marked >= 0 ? marked : 0) }));
}

function build(input: OrgInput, current: Contact | undefined): Contact {
  const { org, body, cfg, now } = input;
  const name = has(body, 'contact_name') || !current ? requiredText(body, 'contact_name') : current.contact_name;
  if (name.length > 200) throw fail.invalid('contact_name');
  if (cfg.uniqueContactName) {
    for (const other of org.contacts.values()) {
      if (other.contact_id !== current?.contact_id && other.contact_name.toLowerCase() === name.toLowerCase()) {
        throw fail.duplicate(`The contact "${name}" already exists.`);
      }
    }
  }
  const type = text(body, 'contact_type', current?.contact_type ?? 'customer');
  if (type !== 'customer' && type !== 'vendor') throw fail.invalid('contact_type');
  const subType = text(body, 'customer_sub_type', current?.customer_sub_type ?? 'business');
  if (subType !== 'business' && subType !== 'individual') throw fail.invalid('customer_sub_type');
  const currencyId = id(body, 'currency_id') || current?.currency_id || org.base_currency_id;
  if (!org.currencies.has(currencyId)) throw fail.reference('Currency');
  if (current && currencyId !== current.currency_id && hasTransactions(org, current)) {
    throw fail.rule('The currency of a contact with transactions cannot be changed.');
  }
  const taxId = has(body, 'tax_id') ? id(body, 'tax_id') : (current?.tax_id ?? '');
  if (taxId && !org.taxes.has(taxId)) throw fail.reference('Tax');
  const terms = int(body, 'payment_terms', current?.payment_terms ?? 0);
  const rawPersons = list(body, 'contact_persons');
  const persons = rawPersons
    ? rawPersons.map((raw) => {
        const personId = id(raw, 'contact_person_id');
        const kept = personId ? current?.contact_persons.find((p) => p.contact_person_id === personId) : undefined;
        if (personId && !kept) throw fail.invalid('contact_person_id');
        return person(input, raw, kept);
      })
    : (current?.contact_persons ?? []);
  return {
    contact_id: current?.contact_id ?? input.ctx.store.ids.recordId(),
    contact_name: name,
    company_name: text(body, 'company_name', current?.company_name ?? ''),
    contact_type: type,
    customer_sub_type: subType,
    currency_id: currencyId,
    payment_terms: terms,
    payment_terms_label: text(body, 'payment_terms_label', current?.payment_terms_label ?? (terms === 0 ? 'Due on Receipt' : `Net ${terms}`)),
    status: current?.status ?? 'active',
    website: text(body, 'website', current?.website ?? ''),
    notes: text(body, 'notes', current?.notes ?? ''),
    language_code: text(body, 'language_code', current?.language_code ?? 'en'),
    is_taxable: bool(body, 'is_taxable', current?.is_taxable ?? true),
    tax_id: taxId,
    billing_address: address(body, 'billing_address') ?? current?.billing_address ?? {},
    shipping_address: address(body, 'shipping_address') ?? current?.shipping_address ?? {},
    contact_persons: settlePrimary(persons),
    custom_fields: customFields(body) ?? current?.custom_fields ?? [],
    unused_credits: current?.unused_credits ?? Dec.ZERO,
    created: current?.created ?? now,
    modified: now,
  };
}

const STATUS_FILTERS: Record<string, ((c: Contact, org: Organization) => boolean) | undefined> = {
  'Status.All': () => true,
  'Status.Active': (c) => c.status === 'active',
  'Status.Inactive': (c) => c.status === 'inactive',
  'Status.Duplicate': () => false,
  'Status.PortalEnabled': (c) => c.contact_persons.some((p) => p.enable_portal),
  'Status.PortalDisabled': (c) => !c.contact_persons.some((p) => p.enable_portal),
  'Status.Crm': () => false,
  'Status.CreditLimitExceed': () => false,
  'Invoice.OverDue': () => false,
  'Invoice.Unpaid': (c, org) => outstanding(org, c).fcy.cmp(Dec.ZERO) > 0,
};

function listContacts(input: OrgInput) {
  const { org, query } = input;
  const filterBy = query.get('filter_by') ?? 'Status.All';
  const statusFilter = STATUS_FILTERS[filterBy];
  if (!statusFilter) throw fail.invalid('filter_by');
  let rows = [...org.contacts.values()].filter((c) => statusFilter(c, org));
  const contactType = query.get('contact_type');
  if (contactType !== null) rows = rows.filter((c) => c.contact_type === contactType);
  for (const [param, pick] of [
    ['contact_name', (c: Contact) => c.contact_name],
    ['company_name', (c: Contact) => c.company_name],
    ['email', (c: Contact) => primary(c)?.email],
    ['first_name', (c: Contact) => primary(c)?.first_name],
    ['last_name', (c: Contact) => primary(c)?.last_name],
    ['phone', (c: Contact) => primary(c)?.phone],
  ] as const) {
    const test = textFilter(query, param);
    if (test) rows = rows.filter((c) => test(pick(c)));
  }
  const search = query.get('search_text');
  if (search !== null) {
    if (search.length > 100) throw fail.invalid('search_text');
    const s = search.toLowerCase();
    rows = rows.filter((c) => c.contact_name.toLowerCase().includes(s) || c.notes.toLowerCase().includes(s));
  }
  const sorted = sortRows(
    rows as unknown as Record<string, unknown>[],
    query,
    ['contact_name', 'first_name', 'last_name', 'email', 'created_time', 'last_modified_time'],
    { column: 'contact_name', order: 'A' },
    (row, column) => {
      const c = row as unknown as Contact;
      if (column === 'created_time') return c.created;
      if (column === 'last_modified_time') return c.modified;
      if (column === 'contact_name') return c.contact_name.toLowerCase();
      const p = primary(c);
      return (p?.[column as 'first_name' | 'last_name' | 'email'] ?? '').toLowerCase();
    },
  );
  const page = paginate(sorted.rows as unknown as Contact[], query, { applied_filter: filterBy, sort_column: sorted.sort_column, sort_order: sorted.sort_order });
  return ok('success', { contacts: page.rows.map((c) => renderRow(org, c)), page_context: page.page_context });
}

function create(input: OrgInput) {
  const contact = build(input, undefined);
  input.org.contacts.set(contact.contact_id, contact);
  return created('The contact has been created', { contact: renderContact(input.org, contact) });
}

function update(input: OrgInput) {
  const next = build(input, find(input.org, input.params.contact_id));
  input.org.contacts.set(next.contact_id, next);
  return ok('Contact has been updated successfully', { contact: renderContact(input.org, next) });
}

function remove(input: OrgInput) {
  const contact = find(input.org, input.params.contact_id);
  if (hasTransactions(input.org, contact)) throw fail.rule('The contact cannot be deleted as it has transactions associated with it.');
  input.org.contacts.delete(contact.contact_id);
  return ok('The contact has been deleted.');
}

function setStatus(status: 'active' | 'inactive') {
  return (input: OrgInput) => {
    const contact = find(input.org, input.params.contact_id);
    contact.status = status;
    contact.modified = input.now;
    return ok(`The contact has been marked as ${status}.`);
  };
}

function createPerson(input: OrgInput) {
  const contact = find(input.org, id(input.body, 'contact_id') || undefined);
  if (!text(input.body, 'first_name').trim()) throw fail.invalid('first_name');
  const p = person(input, input.body, undefined);
  contact.contact_persons = settlePrimary([...contact.contact_persons, p]);
  contact.modified = input.now;
  const stored = contact.contact_persons.find((x) => x.contact_person_id === p.contact_person_id)!;
  return created('The contactperson has been Created', { contact_person: { contact_id: contact.contact_id, ...renderPerson(stored) } });
}

function listPersons(input: OrgInput) {
  const contact = find(input.org, input.params.contact_id);
  const page = paginate(contact.contact_persons, input.query, { report_name: 'Contact Persons', sort_column: 'contact_person_id', sort_order: 'A' });
  return ok('success', { contact_persons: page.rows.map(renderPerson), page_context: page.page_context });
}

export const contactRoutes: RouteDef[] = [
  orgRoute('GET', '/contacts', ['contacts', 'READ'], listContacts),
  orgRoute('POST', '/contacts', ['contacts', 'CREATE'], create),
  orgRoute('POST', '/contacts/contactpersons', ['contacts', 'CREATE'], createPerson),
  orgRoute('GET', '/contacts/:contact_id', ['contacts', 'READ'], (input) => ok('success', { contact: renderContact(input.org, find(input.org, input.params.contact_id)) })),
  orgRoute('PUT', '/contacts/:contact_id', ['contacts', 'UPDATE'], update),
  orgRoute('PUT', '/contacts', ['contacts', 'UPDATE'], (input) =>
    upsertBy(input, input.org.contacts.values(), 'Contact', (c) => update({ ...input, params: { contact_id: c.contact_id } }), () => create(input)),
  ),
  orgRoute('DELETE', '/contacts/:contact_id', ['contacts', 'DELETE'], remove),
  orgRoute('POST', '/contacts/:contact_id/active', ['contacts', 'CREATE'], setStatus('active')),
  orgRoute('POST', '/contacts/:contact_id/inactive', ['contacts', 'CREATE'], setStatus('inactive')),
  orgRoute('GET', '/contacts/:contact_id/contactpersons', ['contacts', 'READ'], listPersons),
];
