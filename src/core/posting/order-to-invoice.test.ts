import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvoiceDraft } from '../documents.ts';
import { Order, type OrderInput } from '../model.ts';
import { add, currencyExponent, type Dec, formatDec, mul, neg, parseDec, round, sum, ZERO } from '../money.ts';
import { computeTotals, postOrder, type PostingResult, type TotalsCheck } from './order-to-invoice.ts';

// ---------------------------------------------------------------- helpers

const SHOPIFY_BUYER = {
  source: 'shopify',
  id: '115310627314723954',
  email: 'jane@example.com',
  firstName: 'Jane',
  lastName: 'Doe',
} satisfies OrderInput['customer'];

/** The identity of a Shopify order; every case below states its own money fields in full. */
const SHOPIFY = {
  source: 'shopify',
  id: '820982911946154508',
  number: '#1001',
  status: 'paid',
  createdAt: '2026-04-01T10:00:00Z',
  updatedAt: '2026-04-01T10:05:00Z',
  customer: SHOPIFY_BUYER,
} satisfies Partial<OrderInput>;

const WOO = {
  source: 'woocommerce',
  id: '1042',
  number: '1042',
  status: 'paid',
  createdAt: '2026-04-01T10:00:00Z',
  updatedAt: '2026-04-01T10:05:00Z',
  customer: { source: 'woocommerce', id: '77', email: 'sam@example.org', firstName: 'Sam', lastName: 'Green' },
} satisfies Partial<OrderInput>;

const canonical = (input: OrderInput): Order => Order.parse(input);

/** A tax line as the source states it. */
const tax = (title: string, rate: string, amount: string) => ({ title, rate, amount });

function totals(
  currency: string,
  stated: string,
  computed: string,
  difference: string,
  tolerance: string,
  parts: Partial<TotalsCheck['parts']>,
): TotalsCheck {
  const zero = formatDec(ZERO, currencyExponent(currency));
  return {
    currency,
    stated,
    computed,
    difference,
    tolerance,
    parts: { lines: zero, lineDiscounts: zero, orderDiscount: zero, shipping: zero, fees: zero, tax: zero, taxIncluded: false, ...parts },
  };
}

function invoiceOf(result: PostingResult): InvoiceDraft {
  if (!result.ok) throw new Error(`expected the order to post, got: ${result.issues.join(' | ')}`);
  return result.invoice;
}

function issuesOf(result: PostingResult): string[] {
  if (result.ok) throw new Error('expected the order to be refused');
  return result.issues;
}

/**
 * What a target ends up with for this draft, worked out from the draft alone: each line's quantity × rate rounded
 * to the currency, less its discount; shipping after discount; tax (the tax lines the draft carries, or its
 * taxTotal) when the invoice is tax-exclusive; less the order discount; plus the rounding adjustment.
 */
function invoiceTotal(invoice: InvoiceDraft, taxFrom: 'carried' | 'taxTotal'): string {
  const exponent = currencyExponent(invoice.currency);
  const parts: Dec[] = [];
  for (const line of invoice.lines) {
    parts.push(round(mul({ units: BigInt(line.quantity), scale: 0 }, parseDec(line.rate)), exponent), neg(parseDec(line.discount)));
  }
  for (const shipping of invoice.shipping) parts.push(parseDec(shipping.amount));
  if (!invoice.taxInclusive) {
    if (taxFrom === 'taxTotal') parts.push(parseDec(invoice.taxTotal));
    else {
      const carried = [...invoice.lines.flatMap((l) => l.taxes), ...invoice.shipping.flatMap((s) => s.taxes), ...(invoice.orderTaxes ?? [])];
      parts.push(round(sum(carried.map((t) => parseDec(t.amount))), exponent));
    }
  }
  parts.push(neg(parseDec(invoice.discount)));
  if (invoice.adjustment) parts.push(parseDec(invoice.adjustment.amount));
  return formatDec(sum(parts), exponent);
}

// ---------------------------------------------------------------- orders that post

interface PostCase {
  name: string;
  order: OrderInput;
  totals: TotalsCheck;
  adjustment: InvoiceDraft['adjustment'];
  check: (invoice: InvoiceDraft) => void;
}

const POSTS: PostCase[] = [
  {
    name: 'a single line',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: ' MUG-01 ', title: 'Enamel mug', quantity: 2, unitPrice: '10.00' }],
      totals: { subtotal: '20.00', tax: '0.00', total: '20.00' },
    },
    totals: totals('USD', '20.00', '20.00', '0.00', '0.01', { lines: '20.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines).toEqual([
        {
          kind: 'product',
          item: { key: 'sku:MUG-01', sku: 'MUG-01', name: 'Enamel mug', rate: '10.00' },
          description: 'Enamel mug',
          quantity: 2,
          rate: '10.00',
          discount: '0.00',
          taxes: [],
          sourceLineId: '1',
        },
      ]);
      expect(invoice).toMatchObject({
        source: 'shopify',
        sourceOrderId: '820982911946154508',
        reference: '#1001',
        date: '2026-04-01',
        currency: 'USD',
        taxInclusive: false,
        shipping: [],
        discount: '0.00',
        taxTotal: '0.00',
        total: '20.00',
        notes: 'Shopify order #1001',
        cancelled: false,
        paid: true,
      });
      expect(invoice.contact).toEqual({ key: 'email:jane@example.com', email: 'jane@example.com', displayName: 'Jane Doe', firstName: 'Jane', lastName: 'Doe' });
      expect('exchangeRate' in invoice).toBe(false);
      expect('orderTaxes' in invoice).toBe(false);
    },
  },
  {
    name: 'several lines with their own discounts',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [
        { id: '1', sku: 'TEE-M', title: 'T-shirt M', quantity: 2, unitPrice: '15.00', discount: '3.00' },
        { id: '2', sku: 'HOOD', title: 'Hoodie', quantity: 1, unitPrice: '40.00', discount: '4.00' },
        { id: '3', sku: '  ', title: 'Sticker pack', quantity: 3, unitPrice: '5.00' },
      ],
      totals: { tax: '0.00', total: '78.00' },
    },
    totals: totals('USD', '78.00', '78.00', '0.00', '0.02', { lines: '85.00', lineDiscounts: '7.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines.map((l) => [l.item.key, l.quantity, l.rate, l.discount])).toEqual([
        ['sku:TEE-M', 2, '15.00', '3.00'],
        ['sku:HOOD', 1, '40.00', '4.00'],
        ['name:Sticker pack', 3, '5.00', '0.00'],
      ]);
      expect(invoice.lines[2]?.item).toEqual({ key: 'name:Sticker pack', name: 'Sticker pack', rate: '5.00' });
      expect(invoice.discount).toBe('0.00');
    },
  },
  {
    name: 'an order-level discount not spread over lines',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'CNDL', title: 'Candle', quantity: 4, unitPrice: '25.00' }],
      shippingLines: [{ title: 'Standard', price: '5.00' }],
      discounts: [{ code: 'WELCOME10', amount: '10.00', allocatedToLines: false }],
      totals: { tax: '0.00', shipping: '5.00', discount: '10.00', total: '95.00' },
    },
    totals: totals('USD', '95.00', '95.00', '0.00', '0.01', { lines: '100.00', orderDiscount: '10.00', shipping: '5.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.discount).toBe('10.00');
      expect(invoice.lines[0]?.discount).toBe('0.00');
      expect(invoice.shipping).toEqual([{ title: 'Standard', amount: '5.00', taxes: [] }]);
    },
  },
  {
    name: 'US sales tax of 7.25 % added on top, rounded per line by the source',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [
        { id: '1', sku: 'PEN', title: 'Fountain pen', quantity: 1, unitPrice: '19.99', taxLines: [tax('CA State Tax', '0.0725', '1.45')] },
        { id: '2', sku: 'INK', title: 'Ink', quantity: 1, unitPrice: '4.99', taxLines: [tax('CA State Tax', '0.0725', '0.36')] },
        { id: '3', sku: 'NIB', title: 'Nib', quantity: 3, unitPrice: '2.49', taxLines: [tax('CA State Tax', '0.0725', '0.54')] },
      ],
      // Shopify also states the order-level sum of the same tax: it must not be counted a second time.
      taxLines: [tax('CA State Tax', '0.0725', '2.35')],
      totals: { subtotal: '32.45', tax: '2.35', total: '34.80' },
    },
    totals: totals('USD', '34.80', '34.80', '0.00', '0.03', { lines: '32.45', tax: '2.35' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines.map((l) => l.taxes)).toEqual([
        [{ title: 'CA State Tax', rate: '0.0725', amount: '1.45' }],
        [{ title: 'CA State Tax', rate: '0.0725', amount: '0.36' }],
        [{ title: 'CA State Tax', rate: '0.0725', amount: '0.54' }],
      ]);
      expect(invoice.taxTotal).toBe('2.35');
      expect(invoice.orderTaxes).toBeUndefined();
    },
  },
  {
    name: 'EU VAT of 20 % included in the prices: the total is the sum of the prices',
    order: {
      ...SHOPIFY,
      currency: 'EUR',
      taxesIncluded: true,
      lines: [
        { id: '1', sku: 'CUP', title: 'Cup', quantity: 2, unitPrice: '12.00', taxLines: [tax('VAT 20%', '0.20', '4.00')] },
        { id: '2', sku: 'POT', title: 'Pot', quantity: 1, unitPrice: '30.00', taxLines: [tax('VAT 20%', '0.20', '5.00')] },
      ],
      shippingLines: [{ title: 'DHL', price: '6.00', taxLines: [tax('VAT 20%', '0.20', '1.00')] }],
      totals: { tax: '10.00', total: '60.00' },
    },
    totals: totals('EUR', '60.00', '60.00', '0.00', '0.01', { lines: '54.00', shipping: '6.00', tax: '10.00', taxIncluded: true }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.taxInclusive).toBe(true);
      expect(invoice.lines.map((l) => l.rate)).toEqual(['12.00', '30.00']);
      expect(invoice.shipping).toEqual([{ title: 'DHL', amount: '6.00', taxes: [{ title: 'VAT 20%', rate: '0.20', amount: '1.00' }] }]);
      expect(invoice.taxTotal).toBe('10.00');
      expect(invoice.total).toBe('60.00');
    },
  },
  {
    name: 'taxed shipping with a shipping discount',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'LAMP', title: 'Lamp', quantity: 1, unitPrice: '50.00', taxLines: [tax('State tax', '0.08', '4.00')] }],
      shippingLines: [{ title: 'Express', code: 'EXP-2D', price: '12.00', discount: '5.00', taxLines: [tax('State tax', '0.08', '0.56')] }],
      totals: { tax: '4.56', shipping: '7.00', total: '61.56' },
    },
    totals: totals('USD', '61.56', '61.56', '0.00', '0.03', { lines: '50.00', shipping: '7.00', tax: '4.56' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.shipping).toEqual([
        { title: 'Express', code: 'EXP-2D', amount: '7.00', taxes: [{ title: 'State tax', rate: '0.08', amount: '0.56' }] },
      ]);
    },
  },
  {
    name: 'a negative fee (a discount booked as a fee) with its negative tax',
    order: {
      ...WOO,
      currency: 'AUD',
      taxesIncluded: false,
      lines: [{ id: '11', sku: 'TP-1', title: 'Teapot', quantity: 1, unitPrice: '20.00', taxLines: [tax('GST', '0.10', '2.00')] }],
      fees: [{ title: 'Loyalty discount', amount: '-5.00', taxLines: [tax('GST', '0.10', '-0.50')] }],
      totals: { tax: '1.50', total: '16.50' },
    },
    totals: totals('AUD', '16.50', '16.50', '0.00', '0.02', { lines: '20.00', fees: '-5.00', tax: '1.50' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines[1]?.taxes).toEqual([{ title: 'GST', rate: '0.10', amount: '-0.50' }]);
    },
  },
  {
    name: 'a fee line',
    order: {
      ...WOO,
      currency: 'AUD',
      taxesIncluded: false,
      lines: [{ id: '11', sku: 'TP-1', title: 'Teapot', quantity: 1, unitPrice: '20.00', taxLines: [tax('GST', '0.10', '2.00')] }],
      fees: [{ title: 'Gift wrap', amount: '2.50', taxLines: [tax('GST', '0.10', '0.25')] }],
      totals: { tax: '2.25', total: '24.75' },
    },
    totals: totals('AUD', '24.75', '24.75', '0.00', '0.02', { lines: '20.00', fees: '2.50', tax: '2.25' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines[1]).toEqual({
        kind: 'fee',
        item: { key: 'fee:Gift wrap', name: 'Gift wrap', rate: '2.50' },
        quantity: 1,
        rate: '2.50',
        discount: '0.00',
        taxes: [{ title: 'GST', rate: '0.10', amount: '0.25' }],
      });
      expect(invoice.notes).toBe('WooCommerce order 1042');
      expect(invoice.contact.key).toBe('email:sam@example.org');
    },
  },
  {
    name: 'JPY, which has no decimals',
    order: {
      ...SHOPIFY,
      currency: 'JPY',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'MATCHA', title: 'Matcha', quantity: 3, unitPrice: '1200', taxLines: [tax('消費税', '0.10', '360')] }],
      shippingLines: [{ title: 'Yamato', price: '500' }],
      totals: { tax: '360', total: '4460' },
    },
    totals: totals('JPY', '4460', '4460', '0', '1', { lines: '3600', shipping: '500', tax: '360' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.total).toBe('4460');
      expect(invoice.taxTotal).toBe('360');
      expect(invoice.shipping[0]?.amount).toBe('500');
      expect(invoice.lines[0]?.discount).toBe('0');
    },
  },
  {
    name: 'KWD, which has three decimals',
    order: {
      ...SHOPIFY,
      currency: 'KWD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'DATES', title: 'Dates box', quantity: 2, unitPrice: '1.250', discount: '0.125' }],
      shippingLines: [{ title: 'Aramex', price: '0.750' }],
      totals: { tax: '0', total: '3.125' },
    },
    totals: totals('KWD', '3.125', '3.125', '0.000', '0.001', { lines: '2.500', lineDiscounts: '0.125', shipping: '0.750' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines[0]?.discount).toBe('0.125');
      expect(invoice.shipping[0]?.amount).toBe('0.750');
      expect(invoice.total).toBe('3.125');
      expect(invoice.taxTotal).toBe('0.000');
    },
  },
  {
    name: 'a one-cent rounding difference (tax rounded per line vs. on the order) becomes an exact adjustment',
    order: {
      ...WOO,
      currency: 'USD',
      taxesIncluded: false,
      lines: [
        { id: '1', title: 'Pencil', quantity: 1, unitPrice: '1.05', taxLines: [tax('Sales tax', '0.0725', '0.08')] },
        { id: '2', title: 'Eraser', quantity: 1, unitPrice: '1.05', taxLines: [tax('Sales tax', '0.0725', '0.08')] },
        { id: '3', title: 'Ruler', quantity: 1, unitPrice: '1.05', taxLines: [tax('Sales tax', '0.0725', '0.08')] },
      ],
      // The store rounded tax once on the subtotal: 3.15 × 7.25 % = 0.228 → 0.23, where the lines say 0.24.
      taxLines: [tax('Sales tax', '0.0725', '0.23')],
      totals: { tax: '0.23', total: '3.38' },
    },
    totals: totals('USD', '3.38', '3.39', '-0.01', '0.03', { lines: '3.15', tax: '0.24' }),
    adjustment: { amount: '-0.01', description: 'Rounding difference to match WooCommerce order 1042 total' },
    check: (invoice) => {
      expect(invoice.total).toBe('3.38');
      expect(invoice.taxTotal).toBe('0.23');
      expect(invoice.lines.map((l) => l.item.key)).toEqual(['name:Pencil', 'name:Eraser', 'name:Ruler']);
    },
  },
  {
    name: 'a guest order',
    order: {
      ...SHOPIFY,
      id: '5551',
      number: '#1003',
      customer: null,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'MUG-01', title: 'Enamel mug', quantity: 1, unitPrice: '9.00' }],
      totals: { tax: '0.00', total: '9.00' },
    },
    totals: totals('USD', '9.00', '9.00', '0.00', '0.01', { lines: '9.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.contact).toEqual({ key: 'guest:shopify:5551', email: null, displayName: 'Guest #1003' });
    },
  },
  {
    name: 'a foreign-currency order with the exchange rate the source states',
    order: {
      ...SHOPIFY,
      currency: 'EUR',
      shopCurrency: 'USD',
      exchangeRate: '1.0825',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'SCARF', title: 'Scarf', quantity: 1, unitPrice: '40.00' }],
      totals: { tax: '0.00', total: '40.00' },
    },
    totals: totals('EUR', '40.00', '40.00', '0.00', '0.01', { lines: '40.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.currency).toBe('EUR');
      expect(invoice.exchangeRate).toBe('1.0825');
    },
  },
  {
    name: 'a discount both spread over the lines and listed on the order is subtracted once',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'PACK', title: 'Backpack', quantity: 2, unitPrice: '50.00', discount: '10.00' }],
      discounts: [{ code: 'SAVE10', amount: '10.00', allocatedToLines: true }],
      totals: { tax: '0.00', discount: '10.00', total: '90.00' },
    },
    totals: totals('USD', '90.00', '90.00', '0.00', '0.01', { lines: '100.00', lineDiscounts: '10.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.discount).toBe('0.00');
      expect(invoice.lines[0]?.discount).toBe('10.00');
    },
  },
  {
    name: 'a cancelled order',
    order: {
      ...SHOPIFY,
      status: 'cancelled',
      cancelled: true,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'MUG-01', title: 'Enamel mug', quantity: 1, unitPrice: '15.00' }],
      totals: { tax: '0.00', total: '15.00' },
    },
    totals: totals('USD', '15.00', '15.00', '0.00', '0.01', { lines: '15.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.cancelled).toBe(true);
      expect(invoice.paid).toBe(false);
    },
  },
  {
    name: 'a unit price with four decimals, rounded per line',
    order: {
      ...SHOPIFY,
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'SCREW', title: 'Screw', quantity: 3, unitPrice: '3.3333' }],
      totals: { tax: '0.00', total: '10.00' },
    },
    totals: totals('USD', '10.00', '10.00', '0.00', '0.01', { lines: '10.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.lines[0]?.rate).toBe('3.3333');
      expect(invoice.lines[0]?.item.rate).toBe('3.3333');
    },
  },
  {
    name: 'tax stated only for the whole order (ShipStation) is carried as order-level taxes',
    order: {
      ...SHOPIFY,
      source: 'shipstation',
      number: 'SS-88',
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'BOOK', title: 'Book', quantity: 2, unitPrice: '10.00' }],
      taxLines: [tax('Tax', '0.08', '1.60')],
      totals: { tax: '1.60', total: '21.60' },
    },
    totals: totals('USD', '21.60', '21.60', '0.00', '0.01', { lines: '20.00', tax: '1.60' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.orderTaxes).toEqual([{ title: 'Tax', rate: '0.08', amount: '1.60' }]);
      expect(invoice.lines[0]?.taxes).toEqual([]);
      expect(invoice.notes).toBe('ShipStation order SS-88');
    },
  },
  {
    name: 'a late-evening order in New York is dated by its UTC calendar day',
    order: {
      ...SHOPIFY,
      createdAt: '2026-04-01T23:30:00-05:00',
      currency: 'USD',
      taxesIncluded: false,
      lines: [{ id: '1', sku: 'MUG-01', title: 'Enamel mug', quantity: 1, unitPrice: '9.00' }],
      totals: { tax: '0.00', total: '9.00' },
    },
    totals: totals('USD', '9.00', '9.00', '0.00', '0.01', { lines: '9.00' }),
    adjustment: null,
    check: (invoice) => {
      expect(invoice.date).toBe('2026-04-02');
    },
  },
];

function postsNamed(name: string) {
  const found = POSTS.find((p) => p.name === name);
  if (!found) throw new Error(`no posting case named "${name}"`);
  return found;
}

describe('postOrder: orders that post', () => {
  it.each(POSTS)('$name', ({ order: input, totals: expected, adjustment, check }) => {
    const order = canonical(input);
    const result = postOrder(order);
    const invoice = invoiceOf(result);
    expect(result.totals).toEqual(expected);
    expect(computeTotals(order)).toEqual(expected);
    expect(invoice.adjustment).toEqual(adjustment);
    expect(invoice.total).toBe(expected.stated);
    // The draft ties out exactly: what the target adds up from it is the source's stated total.
    expect(invoiceTotal(invoice, 'carried')).toBe(expected.stated);
    check(invoice);
  });

  it('marks a paid order paid and an open one not', () => {
    const input = postsNamed('a single line').order;
    expect(invoiceOf(postOrder(canonical({ ...input, status: 'partially_refunded' }))).paid).toBe(true);
    expect(invoiceOf(postOrder(canonical({ ...input, status: 'open' }))).paid).toBe(false);
  });
});

// ---------------------------------------------------------------- orders that are refused

const MUG = { id: '1', sku: 'MUG-01', title: 'Mug', quantity: 2, unitPrice: '10.00' };
const PLAIN = {
  ...SHOPIFY,
  currency: 'USD',
  taxesIncluded: false,
  lines: [MUG],
  totals: { tax: '0.00', total: '20.00' },
} satisfies OrderInput;

interface RefuseCase {
  name: string;
  order: () => Order;
  issues: string[];
  options?: Parameters<typeof postOrder>[1];
}

const REFUSALS: RefuseCase[] = [
  {
    name: 'a total 11.75 away from its parts: a conflict with the numbers',
    order: () =>
      canonical({
        ...SHOPIFY,
        currency: 'USD',
        taxesIncluded: false,
        lines: [{ id: '1', sku: 'CHAIR', title: 'Chair', quantity: 1, unitPrice: '100.00', discount: '10.00', taxLines: [tax('Sales tax', '0.0917', '8.25')] }],
        shippingLines: [{ title: 'Freight', price: '10.00' }],
        totals: { tax: '8.25', total: '120.00' },
      }),
    issues: [
      'Order #1001 states a total of 120.00 USD but its lines (100.00), discounts (-10.00), shipping (10.00) and tax (8.25) add up to 108.25 USD: a difference of 11.75 USD, more than rounding.',
    ],
  },
  {
    name: 'a tax-inclusive total that does not tie out says the taxes are included',
    order: () => canonical({ ...(postsNamed('EU VAT of 20 % included in the prices: the total is the sum of the prices').order), totals: { tax: '10.00', total: '70.00' } }),
    issues: [
      'Order #1001 states a total of 70.00 EUR but its lines (54.00) and shipping (6.00), taxes included, add up to 60.00 EUR: a difference of 10.00 EUR, more than rounding.',
    ],
  },
  {
    name: 'a difference one cent beyond the tolerance',
    // One line, one tax amount: the tolerance is one cent, so two cents are not rounding.
    order: () =>
      canonical({
        ...PLAIN,
        lines: [{ ...MUG, taxLines: [tax('Tax', '0.05', '1.00')] }],
        totals: { tax: '1.00', total: '21.02' },
      }),
    issues: [
      'Order #1001 states a total of 21.02 USD but its lines (20.00) and tax (1.00) add up to 21.00 USD: a difference of 0.02 USD, more than rounding.',
    ],
  },
  {
    name: 'a rounding difference when the integration books no adjustments',
    order: () => canonical(postsNamed('a one-cent rounding difference (tax rounded per line vs. on the order) becomes an exact adjustment').order),
    options: { rounding: 'strict' },
    issues: [
      'Order 1042 states a total of 3.38 USD but its lines (3.15) and tax (0.24) add up to 3.39 USD: a difference of 0.01 USD, and rounding adjustments are turned off.',
    ],
  },
  {
    name: 'stated tax that its tax lines do not add up to',
    order: () =>
      canonical({
        ...PLAIN,
        lines: [{ ...MUG, taxLines: [tax('Tax', '0.4125', '8.25')] }],
        totals: { tax: '5.00', total: '28.25' },
      }),
    issues: ['Order #1001 states tax of 5.00 USD but its tax lines add up to 8.25 USD: a difference of 3.25 USD, more than rounding.'],
  },
  {
    name: 'a negative quantity',
    order: () => {
      const order = canonical(PLAIN);
      return { ...order, lines: [{ ...order.lines[0]!, quantity: -2 }] };
    },
    issues: [
      'Order #1001 line 1 (Mug) has quantity -2; a quantity must be a whole number above zero.',
      'Order #1001 states a total of 20.00 USD but its lines (0.00) add up to 0.00 USD: a difference of 20.00 USD, more than rounding.',
    ],
  },
  {
    name: 'a negative unit price',
    order: () => canonical({ ...PLAIN, lines: [{ ...MUG, quantity: 1, unitPrice: '-5.00' }], totals: { tax: '0.00', total: '0.00' } }),
    issues: [
      'Order #1001 line 1 (Mug) has a unit price below zero (-5.00).',
      'Order #1001 states a total of 0.00 USD but its lines (-5.00) add up to -5.00 USD: a difference of 5.00 USD, more than rounding.',
    ],
  },
  {
    name: 'a line discount above its line total',
    order: () => canonical({ ...PLAIN, lines: [{ ...MUG, discount: '30.00' }], totals: { tax: '0.00', total: '0.00' } }),
    issues: [
      'Order #1001 line 1 (Mug) has a discount of 30.00 USD, more than its line total of 20.00 USD.',
      'Order #1001 states a total of 0.00 USD but its lines (20.00) and discounts (-30.00) add up to -10.00 USD: a difference of 10.00 USD, more than rounding.',
    ],
  },
  {
    name: 'a shipping discount above the shipping price',
    order: () =>
      canonical({ ...PLAIN, shippingLines: [{ title: 'Standard', price: '5.00', discount: '8.00' }], totals: { tax: '0.00', total: '17.00' } }),
    issues: ['Order #1001 shipping line 1 (Standard) has a discount of 8.00 USD, more than its price of 5.00 USD.'],
  },
  {
    name: 'a total with more decimals than the currency has',
    order: () => canonical({ ...PLAIN, totals: { tax: '0.00', total: '20.005' } }),
    issues: ['Order #1001 has a total of 20.005, which has more decimals than USD allows.'],
  },
  {
    name: 'a JPY shipping price with decimals',
    order: () =>
      canonical({ ...PLAIN, currency: 'JPY', lines: [{ ...MUG, unitPrice: '1000' }], shippingLines: [{ title: 'Yamato', price: '500.5' }], totals: { tax: '0', total: '2500' } }),
    issues: ['Order #1001 shipping line 1 (Yamato) has a price of 500.5, which has more decimals than JPY allows.'],
  },
  {
    name: 'amounts in two currencies',
    order: () =>
      canonical({
        ...PLAIN,
        lines: [MUG, { id: '2', title: 'Saucer', quantity: 1, unitPrice: '4.00', currency: 'EUR' }],
        totals: { tax: '0.00', total: '24.00', currency: 'CAD' },
      }),
    issues: [
      'Order #1001 is in USD but line 2 (Saucer) is stated in EUR; amounts in two currencies cannot be added.',
      'Order #1001 is in USD but its totals are stated in CAD; amounts in two currencies cannot be added.',
    ],
  },
  {
    name: 'an exchange rate on an order in the shop currency',
    order: () => canonical({ ...PLAIN, shopCurrency: 'USD', exchangeRate: '1.2' }),
    issues: ['Order #1001 is in its shop currency USD but states an exchange rate of 1.2 instead of 1.'],
  },
  {
    name: 'an exchange rate of zero',
    order: () => canonical({ ...PLAIN, shopCurrency: 'EUR', exchangeRate: '0' }),
    issues: ['Order #1001 has an exchange rate of 0, which is not above zero.'],
  },
  {
    name: 'a discount marked as spread over lines that carry none',
    order: () => canonical({ ...PLAIN, discounts: [{ code: 'GHOST', amount: '5.00', allocatedToLines: true }] }),
    issues: ['Order #1001 marks 5.00 USD of discounts as spread over its lines, but its lines and shipping carry only 0.00 USD of discounts.'],
  },
  {
    name: 'an order discount larger than the order',
    order: () => canonical({ ...PLAIN, discounts: [{ code: 'ALL', amount: '25.00', allocatedToLines: false }], totals: { tax: '0.00', total: '0.00' } }),
    issues: [
      'Order #1001 has order discounts of 25.00 USD, more than its lines, shipping and fees after their own discounts (20.00 USD).',
      'Order #1001 states a total of 0.00 USD but its lines (20.00) and discounts (-25.00) add up to -5.00 USD: a difference of 5.00 USD, more than rounding.',
    ],
  },
  {
    name: 'a negative tax amount',
    order: () =>
      canonical({ ...PLAIN, lines: [{ ...MUG, taxLines: [tax('Tax', '0.05', '-1.00')] }], totals: { tax: '0.00', total: '19.00' } }),
    issues: [
      'Order #1001 line 1 (Mug) tax line 1 (Tax) has an amount below zero (-1.00).',
      'Order #1001 states tax of 0.00 USD but its tax lines add up to -1.00 USD: a difference of 1.00 USD, more than rounding.',
    ],
  },
  {
    name: 'a creation time that is not a date',
    order: () => ({ ...canonical(PLAIN), createdAt: 'yesterday' }),
    issues: ['Order #1001 has a creation time of "yesterday", which is not an ISO 8601 date and time.'],
  },
];

describe('postOrder: orders that are refused, each with one clear sentence', () => {
  it.each(REFUSALS)('$name', ({ order, issues, options }) => {
    expect(issuesOf(postOrder(order(), options))).toEqual(issues);
  });

  it('still reports the totals it computed, for the preview and the audit', () => {
    const result = postOrder(REFUSALS[0]!.order());
    expect(result.totals).toEqual(
      totals('USD', '120.00', '108.25', '11.75', '0.02', { lines: '100.00', lineDiscounts: '10.00', shipping: '10.00', tax: '8.25' }),
    );
  });
});

// ---------------------------------------------------------------- properties

const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD', 'GBP'] as const;
const taxAmounts = fc.array(fc.bigInt({ min: 0n, max: 50_000n }), { maxLength: 2 });

const orderSpec = fc.record({
  currency: fc.constantFrom(...CURRENCIES),
  taxesIncluded: fc.boolean(),
  lines: fc.array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 40 }),
      price: fc.bigInt({ min: 0n, max: 5_000_000n }),
      extraDecimals: fc.constantFrom(0, 2),
      discountPercent: fc.integer({ min: 0, max: 100 }),
      taxes: taxAmounts,
      sku: fc.option(fc.constantFrom('A-1', ' B-2 ', 'C'), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  shipping: fc.array(fc.record({ price: fc.bigInt({ min: 0n, max: 100_000n }), discountPercent: fc.integer({ min: 0, max: 100 }), taxes: taxAmounts }), {
    maxLength: 2,
  }),
  fees: fc.array(fc.record({ amount: fc.bigInt({ min: 0n, max: 50_000n }), taxes: taxAmounts }), { maxLength: 2 }),
  orderDiscountPercent: fc.integer({ min: 0, max: 100 }),
  listAllocated: fc.boolean(),
  taxMode: fc.constantFrom('lines', 'lines and order', 'order only'),
  orderTaxes: taxAmounts,
  exchangeRate: fc.option(fc.constantFrom('1.0825', '0.0067', '151.23'), { nil: undefined }),
});

/** Builds a well-formed order whose stated total is, by construction, the sum of its parts. */
function wellFormedOrder(spec: typeof orderSpec extends fc.Arbitrary<infer T> ? T : never): Order {
  const { currency } = spec;
  const exponent = currencyExponent(currency);
  const money = (minor: bigint): string => formatDec({ units: minor, scale: exponent }, exponent);
  const taxLines = (amounts: bigint[]) => amounts.map((amount, i) => tax(`Tax ${i + 1}`, '0.05', money(amount)));
  const lineTaxes = spec.taxMode === 'order only' ? () => [] : taxLines;

  let goods = 0n;
  let lineDiscounts = 0n;
  let taxSum = 0n;
  const lines = spec.lines.map((line, i) => {
    const unitPrice = formatDec({ units: line.price, scale: exponent + line.extraDecimals }, exponent);
    const amount = round(mul({ units: BigInt(line.quantity), scale: 0 }, parseDec(unitPrice)), exponent).units;
    const discount = (amount * BigInt(line.discountPercent)) / 100n;
    goods += amount - discount;
    lineDiscounts += discount;
    const taxes = lineTaxes(line.taxes);
    if (taxes.length) taxSum += line.taxes.reduce((a, b) => a + b, 0n);
    return { id: String(i + 1), sku: line.sku, title: `Product ${i + 1}`, quantity: line.quantity, unitPrice, discount: money(discount), taxLines: taxes };
  });
  const shippingLines = spec.shipping.map((s, i) => {
    const discount = (s.price * BigInt(s.discountPercent)) / 100n;
    goods += s.price - discount;
    const taxes = lineTaxes(s.taxes);
    if (taxes.length) taxSum += s.taxes.reduce((a, b) => a + b, 0n);
    return { title: `Method ${i + 1}`, price: money(s.price), discount: money(discount), taxLines: taxes };
  });
  const fees = spec.fees.map((f, i) => {
    goods += f.amount;
    const taxes = lineTaxes(f.taxes);
    if (taxes.length) taxSum += f.taxes.reduce((a, b) => a + b, 0n);
    return { title: `Fee ${i + 1}`, amount: money(f.amount), taxLines: taxes };
  });
  let orderTaxLines: ReturnType<typeof taxLines> = [];
  if (spec.taxMode === 'order only') {
    orderTaxLines = taxLines(spec.orderTaxes);
    taxSum = spec.orderTaxes.reduce((a, b) => a + b, 0n);
  } else if (spec.taxMode === 'lines and order') {
    orderTaxLines = [tax('All taxes', '0.05', money(taxSum))];
  }
  const orderDiscount = (goods * BigInt(spec.orderDiscountPercent)) / 100n;
  const discounts = [];
  if (orderDiscount > 0n) discounts.push({ code: 'ORDER', amount: money(orderDiscount), allocatedToLines: false });
  if (spec.listAllocated && lineDiscounts > 0n) discounts.push({ code: 'LINES', amount: money(lineDiscounts), allocatedToLines: true });
  const total = goods - orderDiscount + (spec.taxesIncluded ? 0n : taxSum);

  return canonical({
    ...SHOPIFY,
    currency,
    ...(spec.exchangeRate && currency !== 'USD' ? { shopCurrency: 'USD', exchangeRate: spec.exchangeRate } : {}),
    taxesIncluded: spec.taxesIncluded,
    lines,
    shippingLines,
    fees,
    discounts,
    taxLines: orderTaxLines,
    totals: { tax: money(taxSum), total: money(total) },
  });
}

describe('postOrder: properties', () => {
  it('posts every well-formed order that ties out, with no adjustment, and the draft adds up to its total exactly', () => {
    fc.assert(
      fc.property(orderSpec, (spec) => {
        const order = wellFormedOrder(spec);
        const invoice = invoiceOf(postOrder(order));
        expect(invoice.adjustment).toBeNull();
        expect(invoice.total).toBe(order.totals.total);
        // Σ(lines after discounts) + shipping + fees + (tax if exclusive) − order discount + adjustment = total.
        expect(invoiceTotal(invoice, 'taxTotal')).toBe(invoice.total);
        expect(invoiceTotal(invoice, 'carried')).toBe(invoice.total);
      }),
      { numRuns: 300 },
    );
  });

  it('books a one-unit difference as an adjustment of exactly that amount, and the draft still ties out', () => {
    fc.assert(
      fc.property(orderSpec, fc.constantFrom(-1n, 1n), (spec, delta) => {
        const order = wellFormedOrder(spec);
        const exponent = currencyExponent(order.currency);
        const shifted = add(parseDec(order.totals.total), { units: delta, scale: exponent });
        fc.pre(shifted.units >= 0n);
        const total = formatDec(shifted, exponent);
        const invoice = invoiceOf(postOrder({ ...order, totals: { ...order.totals, total } }));
        expect(invoice.adjustment?.amount).toBe(formatDec({ units: delta, scale: exponent }, exponent));
        expect(invoiceTotal(invoice, 'carried')).toBe(total);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a difference larger than any rounding could make, and posts nothing', () => {
    fc.assert(
      fc.property(orderSpec, fc.bigInt({ min: 1n, max: 10n }), (spec, factor) => {
        const order = wellFormedOrder(spec);
        const exponent = currencyExponent(order.currency);
        // More than one minor unit per amount the order holds, so no tolerance can cover it.
        const amounts = order.lines.length * 3 + order.shippingLines.length * 2 + order.fees.length * 2 + order.taxLines.length + 1;
        const shifted = add(parseDec(order.totals.total), { units: BigInt(amounts) * 1000n * factor, scale: exponent });
        const result = postOrder({ ...order, totals: { ...order.totals, total: formatDec(shifted, exponent) } });
        const issues = issuesOf(result);
        expect(issues).toHaveLength(1);
        expect(issues[0]).toMatch(/^Order #1001 states a total of .* more than rounding\.$/);
      }),
      { numRuns: 100 },
    );
  });

  const anyAmount = fc.oneof(
    fc.constantFrom('10.00', '0', '-1.00', '0.001', '1e-2', 'abc', '', ' 7.5 ', '12,30', '99999999999999999999999.99'),
    fc.integer({ min: -100000, max: 100000 }).map((n) => formatDec({ units: BigInt(n), scale: 2 })),
    fc.constantFrom(undefined, null, 5, 10n),
  );
  const anyTaxLines = fc.oneof(
    fc.array(fc.record({ title: fc.constantFrom('Tax', ''), rate: anyAmount, amount: anyAmount }), { maxLength: 2 }),
    fc.constantFrom(undefined, null),
  );
  const anyOrder = fc.record({
    source: fc.constantFrom('shopify', 'woocommerce', 'shipstation', 'magento', undefined),
    id: fc.constantFrom('1', 2, undefined),
    number: fc.constantFrom('#1', '', undefined, 7),
    status: fc.constantFrom('paid', 'open', 'cancelled', 'weird'),
    cancelled: fc.constantFrom(true, false, undefined),
    currency: fc.constantFrom('USD', 'JPY', 'KWD', 'usd', 'EURO', '', undefined),
    shopCurrency: fc.constantFrom('USD', 'EUR', undefined),
    exchangeRate: fc.option(anyAmount, { nil: undefined }),
    taxesIncluded: fc.constantFrom(true, false, undefined),
    createdAt: fc.constantFrom('2026-04-01T10:00:00Z', '2026-04-01T23:30:00-05:00', 'yesterday', '', undefined),
    updatedAt: fc.constant('2026-04-01T10:00:00Z'),
    customer: fc.oneof(
      fc.constant(null),
      fc.record({ source: fc.constant('shopify'), id: fc.constantFrom('9', null), email: fc.constantFrom('A@B.C', null, '  ') }),
    ),
    lines: fc.oneof(
      fc.array(
        fc.record({
          id: fc.constantFrom('1', '2'),
          sku: fc.constantFrom('S', ' ', undefined),
          title: fc.constantFrom('Mug', '', '  ', undefined),
          quantity: fc.constantFrom(1, 3, 0, -2, 1.5, Number.NaN, undefined),
          unitPrice: anyAmount,
          discount: anyAmount,
          taxLines: anyTaxLines,
          currency: fc.constantFrom(undefined, 'USD', 'EUR'),
        }),
        { maxLength: 3 },
      ),
      fc.constantFrom(undefined, null),
    ),
    shippingLines: fc.oneof(
      fc.array(fc.record({ title: fc.constantFrom('Std', ''), code: fc.constantFrom('X', undefined), price: anyAmount, discount: anyAmount, taxLines: anyTaxLines }), {
        maxLength: 2,
      }),
      fc.constantFrom(undefined),
    ),
    fees: fc.oneof(fc.array(fc.record({ title: fc.constantFrom('Fee', ''), amount: anyAmount, taxLines: anyTaxLines }), { maxLength: 2 }), fc.constant(undefined)),
    discounts: fc.oneof(
      fc.array(fc.record({ code: fc.constantFrom('C', undefined), amount: anyAmount, allocatedToLines: fc.constantFrom(true, false, undefined) }), { maxLength: 2 }),
      fc.constant(undefined),
    ),
    taxLines: anyTaxLines,
    totals: fc.oneof(fc.record({ tax: anyAmount, total: anyAmount, subtotal: anyAmount }), fc.constantFrom(undefined, null)),
  });

  it('never throws, whatever it is given: it posts an order that ties out or says in sentences why not', () => {
    fc.assert(
      fc.property(anyOrder, (raw) => {
        const order = raw as unknown as Order;
        let result: PostingResult | undefined;
        expect(() => {
          result = postOrder(order);
        }).not.toThrow();
        expect(() => computeTotals(order)).not.toThrow();
        if (!result) throw new Error('no result');
        if (result.ok) {
          expect(result.invoice.total).toBe(result.totals.stated);
          expect(invoiceTotal(result.invoice, 'carried')).toBe(result.invoice.total);
        } else {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(issue).toMatch(/^(Order |The order ).+\.$/);
            expect(issue).not.toMatch(/internal error/);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
