/**
 * `ml-connector preview`: the output contract (documents, totals, issues) and its exit codes, on real
 * Shopify payloads, without any network call.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/context.ts';
import { previewCommand, previewOrder } from '../../src/cli/preview.ts';
import { parseJsonExact } from '../../src/core/json.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/shopify/${name}`, import.meta.url), 'utf8');

describe('preview --source shopify --target zoho-books', () => {
  it('prints the bodies it would send and totals that tie out (exit 0)', () => {
    const { result, exitCode } = previewOrder('shopify', 'zoho-books', fixture('order-vat-pln.json'));
    expect(exitCode).toBe(0);
    expect(result.issues).toEqual([]);
    expect(result.totals.currency).toBe('PLN');
    expect(result.totals.source).toBe(result.totals.target);
    expect(result.documents.map((d) => `${d.method} ${d.path}`)).toContain('POST /invoices');
    const invoice = parseJsonExact(result.documents.find((d) => d.path === '/invoices')?.bodyText ?? '') as Record<string, unknown>;
    expect(String(invoice.customer_id)).toMatch(/^\{contact:/);
    const lines = invoice.line_items as Array<Record<string, unknown>>;
    expect(lines.map((l) => l.tax_id)).toEqual(['{tax:0.23}', '{tax:0.23}']); // 23 % VAT as the order states it
  });

  it('--json is one JSON object with documents, totals and issues', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-preview-'));
    const file = join(dir, 'order.json');
    writeFileSync(file, fixture('order-create-discounts-hkd.json'));
    const { output, exitCode } = previewCommand(file, { source: 'shopify', target: 'zoho-books', json: true });
    expect(exitCode).toBe(0);
    const parsed = JSON.parse(output) as { documents: Array<{ method: string; path: string; body: unknown }>; totals: Record<string, string>; issues: string[] };
    expect(Object.keys(parsed)).toEqual(['documents', 'totals', 'issues']);
    expect(Object.keys(parsed.totals).sort()).toEqual(['currency', 'source', 'target']);
    expect(typeof parsed.documents[0]?.body).toBe('object');
  });

  it('an order whose total does not tie out is a conflict (exit 3) with a sentence', () => {
    const order = JSON.parse(fixture('order-vat-pln.json')) as Record<string, unknown>;
    const body = (order.order ?? order) as Record<string, unknown>;
    body.total_price = '999.99';
    if (body.total_price_set) (body.total_price_set as Record<string, Record<string, string>>).presentment_money!.amount = '999.99';
    if (body.total_price_set) (body.total_price_set as Record<string, Record<string, string>>).shop_money!.amount = '999.99';
    const { result, exitCode } = previewOrder('shopify', 'zoho-books', JSON.stringify(order));
    expect(exitCode).toBe(3);
    expect(result.documents).toEqual([]);
    expect(result.issues.join(' ')).toMatch(/999\.99/);
  });

  it('unreadable input exits 2 with a clear message', () => {
    const attempt = (text: string) => {
      try {
        previewOrder('shopify', 'zoho-books', text);
        return null;
      } catch (error) {
        return error;
      }
    };
    for (const text of ['{"id": 1', '[]', '{"id": 5, "name": "#1"}']) {
      const error = attempt(text);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(2);
      expect((error as CliError).message).toMatch(/not a Shopify order/);
    }
  });

  it('previews ShipStation orders too: a discount adjustment posts, the docs example is a conflict', () => {
    const ss = (name: string) => readFileSync(new URL(`../fixtures/shipstation/${name}`, import.meta.url), 'utf8');
    expect(previewOrder('shipstation', 'zoho-books', ss('order-discount-adjustment.json')).exitCode).toBe(0);
    const docs = previewOrder('shipstation', 'zoho-books', ss('order-docs-example.json'));
    expect(docs.exitCode).toBe(3);
    expect(docs.result.issues.join(' ')).toMatch(/20\.55/);
  });

  it('previews WooCommerce orders, tax-inclusive ones included', () => {
    const woo = (name: string) => readFileSync(new URL(`../fixtures/woocommerce/${name}`, import.meta.url), 'utf8');
    const chf = previewOrder('woocommerce', 'zoho-books', woo('order-30279-chf-inclusive.json'));
    expect(chf.exitCode).toBe(0);
    expect(chf.result.totals.currency).toBe('CHF');
    const invoice = parseJsonExact(chf.result.documents.find((d) => d.path === '/invoices')?.bodyText ?? '') as Record<string, unknown>;
    expect(invoice.is_inclusive_tax).toBe(true);
  });

  it('previews the QuickBooks Online bodies for every source', () => {
    const shopify = previewOrder('shopify', 'quickbooks', fixture('order-create-discounts-hkd.json'));
    expect(shopify.exitCode).toBe(0);
    expect(shopify.result.documents.map((d) => `${d.method} ${d.path}`)).toContain('POST /invoice');
    const invoice = parseJsonExact(shopify.result.documents.find((d) => d.path === '/invoice')?.bodyText ?? '') as Record<string, unknown>;
    expect(invoice.CustomerRef).toEqual({ value: expect.stringMatching(/^\{contact:/) });
    const ss = readFileSync(new URL('../fixtures/shipstation/order-discount-adjustment.json', import.meta.url), 'utf8');
    expect(previewOrder('shipstation', 'quickbooks', ss).exitCode).toBe(0);
    const woo = readFileSync(new URL('../fixtures/woocommerce/order-1131-fees-usd.json', import.meta.url), 'utf8');
    expect(previewOrder('woocommerce', 'quickbooks', woo).exitCode).toBe(0);
  });

  it('refuses an unknown source or target with exit 2', () => {
    expect(() => previewOrder('magento', 'zoho-books', '{}')).toThrow(CliError);
    expect(() => previewOrder('shopify', 'sage', '{}')).toThrow(/--target/);
  });
});
