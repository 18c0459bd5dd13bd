/**
 * `ml-connector preview --source shopify --target zoho-books FILE [--json]`: maps one order exactly as the
 * worker would, with no network call, and shows the request bodies it would send. References the target
 * would resolve (contact, item and tax ids) appear as `{kind:key}` placeholders. Exit 0: it would post;
 * 3: it is a conflict; 2: the input cannot be read.
 */
import { readFileSync } from 'node:fs';
import { isSyncError } from '../core/errors.ts';
import { parseJsonExact } from '../core/json.ts';
import type { Order } from '../core/model.ts';
import { postOrder } from '../core/posting/order-to-invoice.ts';
import { orderFromShipStation } from '../connectors/shipstation/to-canonical.ts';
import { orderFromRest } from '../connectors/shopify/index.ts';
import { orderFromWooCommerce } from '../connectors/woocommerce/index.ts';
import { customerBody as qboCustomerBody, invoiceBody as qboInvoiceBody, invoiceNeeds as qboInvoiceNeeds, itemBody as qboItemBody } from '../connectors/quickbooks/from-canonical.ts';
import { contactBody, invoiceBody, invoiceNeeds as zohoInvoiceNeeds, itemBody } from '../connectors/zoho-books/from-canonical.ts';
import { writeJson } from '../connectors/_kit/json-body.ts';
import type { InvoiceDraft, ItemDraft } from '../core/documents.ts';
import type { ResolvedRefs } from '../sync/ports.ts';
import { CliError } from './context.ts';

/** How each source's order JSON (webhook or REST body, as the platform sends it) becomes a canonical order. */
const SOURCE_MAPPERS: Record<string, { name: string; toOrder: (json: unknown) => Order }> = {
  shopify: { name: 'Shopify', toOrder: orderFromRest },
  shipstation: { name: 'ShipStation', toOrder: orderFromShipStation },
  woocommerce: { name: 'WooCommerce', toOrder: orderFromWooCommerce },
};

type RefsFor = (needs: { items: ItemDraft[]; taxes: Array<{ rate: string }> }) => ResolvedRefs;

/**
 * The request bodies each target would get, with placeholder ids. QuickBooks is previewed as a US company
 * (TAX/NON codes and the order's tax total); the books' base currency is taken to be the shop's.
 */
const TARGETS: Record<string, (draft: InvoiceDraft, refsFor: RefsFor) => PreviewDocument[]> = {
  'zoho-books': (draft, refsFor) => {
    const needs = zohoInvoiceNeeds(draft);
    return [
      { method: 'POST', path: '/contacts', bodyText: writeJson(contactBody(draft.contact)) },
      ...needs.items.map((item) => ({ method: 'POST', path: '/items', bodyText: writeJson(itemBody(item)) })),
      { method: 'POST', path: '/invoices', bodyText: writeJson(invoiceBody(draft, refsFor(needs))) },
    ];
  },
  quickbooks: (draft, refsFor) => {
    const needs = qboInvoiceNeeds(draft);
    return [
      { method: 'POST', path: '/customer', bodyText: writeJson(qboCustomerBody(draft.contact)) },
      ...needs.items.map((item) => ({ method: 'POST', path: '/item', bodyText: writeJson(qboItemBody(item, '{income-account}')) })),
      { method: 'POST', path: '/invoice', bodyText: writeJson(qboInvoiceBody(draft, refsFor(needs), { us: true, shippingItemId: 'SHIPPING_ITEM_ID' })) },
    ];
  },
};

export const PREVIEW_SOURCES = Object.keys(SOURCE_MAPPERS);
export const PREVIEW_TARGETS = Object.keys(TARGETS);

export interface PreviewDocument {
  method: string;
  path: string;
  /** The exact JSON text the connector would send (amounts keep their digits). */
  bodyText: string;
}

export interface PreviewResult {
  documents: PreviewDocument[];
  totals: { source: string; target: string; currency: string };
  issues: string[];
}

export function previewOrder(source: string, target: string, text: string): { result: PreviewResult; exitCode: 0 | 3 } {
  const mapper = SOURCE_MAPPERS[source];
  if (!mapper) throw new CliError(`--source must be one of ${PREVIEW_SOURCES.join(', ')}`, 2);
  const documentsFor = TARGETS[target];
  if (!documentsFor) throw new CliError(`--target must be one of ${PREVIEW_TARGETS.join(', ')}`, 2);
  let order: Order;
  try {
    const parsed = parseJsonExact(text);
    const body = isObject(parsed) && isObject(parsed.order) ? parsed.order : parsed;
    order = mapper.toOrder(body);
  } catch (error) {
    const reason = isSyncError(error) || error instanceof Error ? error.message : String(error);
    throw new CliError(`The file is not a ${mapper.name} order as ${mapper.name} sends it (webhook or REST JSON): ${reason}`, 2);
  }
  const posting = postOrder(order);
  const totals = { source: posting.totals.stated, target: posting.totals.computed, currency: posting.totals.currency };
  if (!posting.ok) return { result: { documents: [], totals, issues: posting.issues }, exitCode: 3 };

  const draft = posting.invoice;
  const refsFor: RefsFor = (needs) => ({
    contactId: `{contact:${draft.contact.key}}`,
    itemIds: Object.fromEntries(needs.items.map((i) => [i.key, `{item:${i.key}}`])),
    taxIds: Object.fromEntries(needs.taxes.map((t) => [t.rate, `{tax:${t.rate}}`])),
    // Assume the books are kept in the shop's currency: another currency needs a currency id.
    ...(order.shopCurrency && order.shopCurrency !== order.currency ? { currencyId: `{currency:${order.currency}}` } : {}),
  });
  const issues: string[] = [];
  let documents: PreviewDocument[] = [];
  try {
    documents = documentsFor(draft, refsFor);
  } catch (error) {
    issues.push(error instanceof Error ? error.message : String(error));
  }
  // A posted invoice ties out: any rounding gap is carried by the draft's explicit adjustment.
  return { result: { documents, totals: { ...totals, target: posting.totals.stated }, issues }, exitCode: issues.length > 0 ? 3 : 0 };
}

export function previewCommand(file: string, options: { source: string; target: string; json?: boolean }): { output: string; exitCode: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 2);
  }
  const { result, exitCode } = previewOrder(options.source, options.target, text);
  if (options.json) return { output: renderPreviewJson(result), exitCode };
  const lines = [
    `Order total ${result.totals.source} ${result.totals.currency}; the invoice would total ${result.totals.target} ${result.totals.currency}.`,
    ...(result.issues.length ? ['Would NOT post:', ...result.issues.map((i) => `  - ${i}`)] : ['Would post:']),
    ...result.documents.map((d) => `  ${d.method} ${d.path}\n    ${d.bodyText}`),
  ];
  return { output: lines.join('\n'), exitCode };
}

/** The --json contract: `documents` carry the bodies as JSON (not strings), written without a float round trip. */
export function renderPreviewJson(result: PreviewResult): string {
  const documents = result.documents.map((d) => `{"method":${JSON.stringify(d.method)},"path":${JSON.stringify(d.path)},"body":${d.bodyText}}`);
  return `{"documents":[${documents.join(',')}],"totals":${JSON.stringify(result.totals)},"issues":${JSON.stringify(result.issues)}}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
