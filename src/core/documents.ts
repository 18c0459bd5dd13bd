/**
 * Target-neutral accounting documents: what the posting rules produce and what each target's
 * `from-canonical.ts` turns into its own request bodies.
 */
import type { Address, SourceSystem, TaxLine } from './model.ts';
import type { DecimalString } from './money.ts';

export interface ContactDraft {
  /** The stable key links are stored under: `email:<lower-cased email>`, else `source:<system>:<id>`, else `guest:<order>`. */
  key: string;
  email: string | null;
  displayName: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  phone?: string;
  billingAddress?: Address;
  shippingAddress?: Address;
}

export interface ItemDraft {
  /** `sku:<sku>` when the source has one, else `name:<title>`; links are stored under it so renames do not duplicate. */
  key: string;
  sku?: string;
  name: string;
  rate: DecimalString;
  description?: string;
}

export interface InvoiceLineDraft {
  kind: 'product' | 'fee';
  item: ItemDraft;
  description?: string;
  quantity: number;
  /** Unit price as the source states it (tax-inclusive when the invoice is). */
  rate: DecimalString;
  /** Discount on the whole line, as an amount. */
  discount: DecimalString;
  taxes: TaxLine[];
  /** Source line id, for audit and credit notes. */
  sourceLineId?: string;
}

export interface ShippingDraft {
  title: string;
  code?: string;
  /** After shipping discounts. */
  amount: DecimalString;
  taxes: TaxLine[];
}

export interface InvoiceDraft {
  source: SourceSystem;
  sourceOrderId: string;
  /** The order number as people know it; the target's reference_number / DocNumber. */
  reference: string;
  date: string;
  currency: string;
  /** Target-base units per order-currency unit, when the order is in a foreign currency and the source states it. */
  exchangeRate?: DecimalString;
  taxInclusive: boolean;
  contact: ContactDraft;
  lines: InvoiceLineDraft[];
  shipping: ShippingDraft[];
  /** Order-level discount not already spread over lines. */
  discount: DecimalString;
  /** An explicit rounding line making the document tie out to the source's stated total. */
  adjustment: { amount: DecimalString; description: string } | null;
  taxTotal: DecimalString;
  /**
   * Order-level tax lines, set only when the source states tax for the whole order and no line carries its own
   * (e.g. ShipStation's taxAmount): the target applies them as stated, never recomputed.
   */
  orderTaxes?: TaxLine[];
  /** The source's stated total: what the target must end up with. */
  total: DecimalString;
  notes: string;
  /** The source order was cancelled: the invoice must be voided (unless paid). */
  cancelled: boolean;
  paid: boolean;
}

/** A balanced journal entry (shipping cost: expense debited, clearing or payable credited). */
export interface JournalDraft {
  /** Unique per entry, searchable in the target: a crash between create and record is found again by it. */
  reference: string;
  date: string;
  currency: string;
  notes: string;
  lines: Array<{ accountId: string; side: 'debit' | 'credit'; amount: DecimalString; description: string }>;
}

/** Carrier, service and tracking recorded on the order's invoice, in every shipment mode. */
export interface ShipmentNoteDraft {
  /** Identifies the shipment inside the invoice's notes, so writing it twice changes nothing. */
  marker: string;
  text: string;
  carrier: string;
  service?: string;
  trackingNumber?: string;
  shipDate: string;
}
