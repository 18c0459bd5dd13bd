/**
 * Regression pins for what the property runs in tests/fuzz/to-canonical.fuzz.test.ts found: a MoneyBag or order
 * currency that is not a three-letter code is a payload that does not fit (SOURCE_PAYLOAD_INVALID), never a
 * MoneyError thrown from deep in the mapping, which the engine would have classed as transient and retried for ever.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../core/errors.ts';
import { parseJsonExact } from '../../core/json.ts';
import { orderFromGraphql, orderFromRest } from './to-canonical.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/shopify/', import.meta.url));
const fixture = (name: string) => parseJsonExact(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
}

describe('Shopify currency codes that are not codes', () => {
  it.each(['', 'EURO', '1$', ' '])('GraphQL presentment currencyCode %j → SOURCE_PAYLOAD_INVALID', (code) => {
    const node = (fixture('graphql-order-multicurrency.json') as { data: { order: { totalPriceSet: { presentmentMoney: { currencyCode: string } } } } }).data.order;
    node.totalPriceSet.presentmentMoney.currencyCode = code;
    const error = thrown(() => orderFromGraphql(node));
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('SOURCE_PAYLOAD_INVALID');
  });

  it('a REST tax line whose presentment currency_code is empty → SOURCE_PAYLOAD_INVALID', () => {
    const order = fixture('order-vat-pln.json') as { tax_lines: Array<{ price_set: { presentment_money: { currency_code: string } } }> };
    order.tax_lines[0]!.price_set.presentment_money.currency_code = '';
    const error = thrown(() => orderFromRest(order));
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('SOURCE_PAYLOAD_INVALID');
  });

  it('a blank presentment_currency still reads as the shop currency, as before', () => {
    const order = fixture('order-vat-pln.json');
    order['presentment_currency'] = '';
    expect(orderFromRest(order).currency).toBe('PLN');
  });
});
