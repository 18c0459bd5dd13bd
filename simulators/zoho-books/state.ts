/**
 * The simulator's stored world: OAuth clients, users, organizations and each organization's books. Money is
 * kept as `Dec`; responses are rendered from these records by the route modules.
 */
import type { Plan } from './config.ts';
import type { DataCentre } from './data-centres.ts';
import type { Dec } from '../_kit/dec.ts';
import { IdSource } from './ids.ts';

export interface ClientApp {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** DCs the client is enabled in (Multi-DC in the API console). */
  dataCentres: DataCentre[];
}

export interface User {
  userId: string;
  email: string;
  dc: DataCentre;
  organizations: string[];
}

export interface Currency {
  currency_id: string;
  currency_code: string;
  currency_name: string;
  currency_symbol: string;
  price_precision: number;
  currency_format: string;
  is_base_currency: boolean;
  exchange_rate: Dec;
  effective_date: string;
}

export interface Tax {
  tax_id: string;
  tax_name: string;
  tax_percentage: Dec;
  tax_type: string;
  is_default_tax: boolean;
  is_editable: boolean;
}

export interface Account {
  account_id: string;
  account_name: string;
  account_code: string;
  account_type: string;
  is_active: boolean;
  is_user_created: boolean;
  is_system_account: boolean;
  created: number;
  modified: number;
}

export type Address = Partial<
  Record<'attention' | 'address' | 'street2' | 'state_code' | 'city' | 'state' | 'zip' | 'country' | 'fax' | 'phone', string>
>;

export interface ContactPerson {
  contact_person_id: string;
  salutation: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  mobile: string;
  designation: string;
  department: string;
  is_primary_contact: boolean;
  enable_portal: boolean;
}

export interface CustomField {
  customfield_id?: string;
  /** `cf_…` name; the key the `X-Unique-Identifier-Key` upsert looks records up by. */
  api_name?: string;
  index?: number;
  label?: string;
  value: unknown;
}

export interface Contact {
  contact_id: string;
  contact_name: string;
  company_name: string;
  contact_type: 'customer' | 'vendor';
  customer_sub_type: 'business' | 'individual';
  currency_id: string;
  payment_terms: number;
  payment_terms_label: string;
  status: 'active' | 'inactive';
  website: string;
  notes: string;
  language_code: string;
  is_taxable: boolean;
  tax_id: string;
  billing_address: Address;
  shipping_address: Address;
  contact_persons: ContactPerson[];
  custom_fields: CustomField[];
  /** Payments left over after applying to invoices, plus credit from voided invoices. */
  unused_credits: Dec;
  created: number;
  modified: number;
}

export interface Item {
  item_id: string;
  name: string;
  description: string;
  rate: Dec;
  sku: string;
  unit: string;
  product_type: string;
  tax_id: string;
  account_id: string;
  status: 'active' | 'inactive';
  custom_fields: CustomField[];
  created: number;
  modified: number;
}

/** A discount as sent: `"10%"` (percent) or `5` (amount). */
export type Discount = { percent: Dec } | { amount: Dec };

export interface DocumentLine {
  line_item_id: string;
  item_id: string;
  name: string;
  description: string;
  item_order: number;
  rate: Dec;
  quantity: Dec;
  unit: string;
  discount: Discount | undefined;
  tax_id: string;
  header_name: string;
  product_type: string;
  account_id: string;
  /** Computed. */
  discount_amount: Dec;
  item_total: Dec;
  bcy_rate: Dec;
}

export interface DocumentTotals {
  sub_total: Dec;
  discount_total: Dec;
  tax_total: Dec;
  taxes: { tax_id: string; tax_name: string; tax_amount: Dec }[];
  total: Dec;
}

export interface Invoice {
  invoice_id: string;
  invoice_number: string;
  date: string;
  due_date: string;
  payment_terms: number;
  payment_terms_label: string;
  /** Stored state; paid / partially_paid / overdue are derived when rendering. */
  state: 'draft' | 'sent' | 'void';
  reference_number: string;
  customer_id: string;
  currency_id: string;
  exchange_rate: Dec;
  discount: Discount | undefined;
  is_discount_before_tax: boolean;
  discount_type: 'entity_level' | 'item_level';
  is_inclusive_tax: boolean;
  line_items: DocumentLine[];
  shipping_charge: Dec;
  adjustment: Dec;
  adjustment_description: string;
  totals: DocumentTotals;
  payment_made: Dec;
  credits_applied: Dec;
  notes: string;
  terms: string;
  salesperson_name: string;
  custom_fields: CustomField[];
  billing_address: Address;
  shipping_address: Address;
  allow_partial_payments: boolean;
  is_emailed: boolean;
  last_payment_date: string;
  created: number;
  modified: number;
}

/**
 * One entry of an invoice's "comments & history" (invoices.yml `/invoices/{invoice_id}/comments`): a
 * comment a user added, or a history line Books wrote itself (`comment_type: system`).
 */
export interface InvoiceComment {
  comment_id: string;
  invoice_id: string;
  description: string;
  commented_by_id: string;
  commented_by: string;
  /** `system` for history Books writes; `internal` / `external` for user comments (external: shown to the client). [mem] */
  comment_type: 'system' | 'internal' | 'external';
  /** `Added` / `Updated` (the OAS example is `Added`). [mem] */
  operation_type: string;
  show_comment_to_clients: boolean;
  payment_expected_date: string;
  created: number;
  modified: number;
}

export interface PaymentApplication {
  invoice_id: string;
  amount_applied: Dec;
}

export interface Payment {
  payment_id: string;
  payment_number: string;
  customer_id: string;
  payment_mode: string;
  amount: Dec;
  bank_charges: Dec;
  date: string;
  reference_number: string;
  description: string;
  exchange_rate: Dec;
  account_id: string;
  currency_id: string;
  invoices: PaymentApplication[];
  custom_fields: CustomField[];
  created: number;
  modified: number;
}

export interface CreditNote {
  creditnote_id: string;
  creditnote_number: string;
  date: string;
  state: 'draft' | 'open' | 'void';
  customer_id: string;
  currency_id: string;
  exchange_rate: Dec;
  reference_number: string;
  is_inclusive_tax: boolean;
  line_items: DocumentLine[];
  totals: DocumentTotals;
  applied: { creditnote_invoice_id: string; invoice_id: string; amount: Dec; date: string }[];
  notes: string;
  terms: string;
  custom_fields: CustomField[];
  created: number;
  modified: number;
}

export interface JournalLine {
  line_id: string;
  account_id: string;
  customer_id: string;
  description: string;
  debit_or_credit: 'debit' | 'credit';
  amount: Dec;
  tax_id: string;
}

export interface Journal {
  journal_id: string;
  entry_number: string;
  journal_date: string;
  reference_number: string;
  notes: string;
  journal_type: string;
  currency_id: string;
  exchange_rate: Dec;
  status: 'draft' | 'published';
  line_items: JournalLine[];
  total: Dec;
  created: number;
  modified: number;
}

export interface Organization {
  organization_id: string;
  name: string;
  dc: DataCentre;
  plan: Plan;
  contact_name: string;
  email: string;
  currency_code: string;
  base_currency_id: string;
  time_zone: string;
  created_date: string;
  counters: { invoice: number; creditnote: number; journal: number; payment: number };
  contacts: Map<string, Contact>;
  items: Map<string, Item>;
  invoices: Map<string, Invoice>;
  /**
   * Invoice id → its comments and history, oldest first. Kept beside the invoice, not in it: an invoice
   * update rebuilds the invoice record, and comments survive updates.
   */
  comments: Map<string, InvoiceComment[]>;
  payments: Map<string, Payment>;
  creditnotes: Map<string, CreditNote>;
  journals: Map<string, Journal>;
  currencies: Map<string, Currency>;
  taxes: Map<string, Tax>;
  accounts: Map<string, Account>;
}

export class Store {
  readonly ids = new IdSource();
  readonly clients = new Map<string, ClientApp>();
  readonly users = new Map<string, User>();
  readonly orgs = new Map<string, Organization>();

  userByEmail(email: string): User | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  reset(): void {
    this.clients.clear();
    this.users.clear();
    this.orgs.clear();
    this.ids.reset();
  }
}
