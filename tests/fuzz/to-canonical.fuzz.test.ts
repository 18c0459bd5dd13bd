/**
 * Property runs over every source mapping (Shopify, WooCommerce, ShipStation → canonical) with mutated real
 * payloads (tests/fixtures and the simulators' own answers) and arbitrary JSON. Each mapping either returns a
 * value the canonical schema accepts, with no amount as a JS float, or throws its one documented error
 * (SyncError SOURCE_PAYLOAD_INVALID); it never mutates its input. Every order that comes out goes on through
 * the posting rule, which posts a draft that ties out exactly or says in sentences why not, and never throws.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceDraft } from '../../src/core/documents.ts';
import { SyncError } from '../../src/core/errors.ts';
import { Customer, Order, Shipment } from '../../src/core/model.ts';
import { currencyExponent, type Dec, formatDec, mul, neg, parseDec, round, sum } from '../../src/core/money.ts';
import { postOrder } from '../../src/core/posting/order-to-invoice.ts';
import * as shipstation from '../../src/connectors/shipstation/to-canonical.ts';
import * as shopify from '../../src/connectors/shopify/to-canonical.ts';
import * as woocommerce from '../../src/connectors/woocommerce/to-canonical.ts';
import { trackUnhandledRejections } from '../support/log-capture.ts';
import { fixtures, floatsIn, mappingInput, tally } from './fuzz-kit.ts';
import { collectSimSeeds, type SimSeeds } from './sim-seeds.ts';

/** FUZZ_RUNS=5000 for a deeper run; the default keeps the file well under 30 s on a busy 2-core machine. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const rejections = trackUnhandledRejections();
let sim: SimSeeds;
beforeAll(async () => {
  sim = await collectSimSeeds();
});
afterAll(() => rejections.stop());

type Kind = 'order' | 'customer' | 'shipment';
interface Mapping {
  name: string;
  kind: Kind;
  map: (json: unknown) => unknown;
  seeds: () => unknown[];
}

const shopifyFixtures = fixtures('shopify');
const wooFixtures = fixtures('woocommerce');
const ssFixtures = fixtures('shipstation');
const named = (all: Record<string, unknown>, prefix: string) => Object.entries(all).filter(([name]) => name.startsWith(prefix)).map(([, v]) => v);
const listOf = (value: unknown, key: string) => ((value as Record<string, unknown[]>)[key] ?? []) as unknown[];

const MAPPINGS: Mapping[] = [
  { name: 'Shopify orderFromRest', kind: 'order', map: shopify.orderFromRest, seeds: () => [...named(shopifyFixtures, 'order-'), ...sim.shopify.restOrders] },
  { name: 'Shopify orderFromGraphql', kind: 'order', map: shopify.orderFromGraphql, seeds: () => [(shopifyFixtures['graphql-order-multicurrency.json'] as { data: { order: unknown } }).data.order, ...sim.shopify.gqlOrders] },
  { name: 'Shopify customerFromRest', kind: 'customer', map: shopify.customerFromRest, seeds: () => [...named(shopifyFixtures, 'customer-'), ...sim.shopify.restCustomers] },
  { name: 'Shopify customerFromGraphql', kind: 'customer', map: shopify.customerFromGraphql, seeds: () => sim.shopify.gqlCustomers },
  { name: 'WooCommerce orderFromWooCommerce', kind: 'order', map: woocommerce.orderFromWooCommerce, seeds: () => [...named(wooFixtures, 'order-'), ...sim.woocommerce.orders] },
  { name: 'WooCommerce customerFromWooCommerce', kind: 'customer', map: woocommerce.customerFromWooCommerce, seeds: () => [...named(wooFixtures, 'customer-'), ...sim.woocommerce.customers] },
  { name: 'ShipStation orderFromShipStation', kind: 'order', map: (j) => shipstation.orderFromShipStation(j), seeds: () => [...named(ssFixtures, 'order-'), ...sim.shipstation.orders] },
  { name: 'ShipStation customerFromShipStation', kind: 'customer', map: shipstation.customerFromShipStation, seeds: () => [ssFixtures['customer.json'], ...sim.shipstation.customers] },
  { name: 'ShipStation shipmentFromShipStation', kind: 'shipment', map: (j) => shipstation.shipmentFromShipStation(j), seeds: () => [...listOf(ssFixtures['shipments-ship-notify.json'], 'shipments'), ...sim.shipstation.shipments] },
  { name: 'ShipStation shipmentFromFulfillment', kind: 'shipment', map: (j) => shipstation.shipmentFromFulfillment(j), seeds: () => listOf(ssFixtures['fulfillments-fill-provider.json'], 'fulfillments') },
];

const SCHEMA = { order: Order, customer: Customer, shipment: Shipment } as const;

/** The draft's own total, from its lines, shipping, carried taxes, discount and adjustment, in exact minor units. */
function draftTotal(invoice: InvoiceDraft): string {
  const exponent = currencyExponent(invoice.currency);
  const parts: Dec[] = [];
  for (const line of invoice.lines) parts.push(round(mul({ units: BigInt(line.quantity), scale: 0 }, parseDec(line.rate)), exponent), neg(parseDec(line.discount)));
  for (const shipping of invoice.shipping) parts.push(parseDec(shipping.amount));
  if (!invoice.taxInclusive) {
    const carried = [...invoice.lines.flatMap((l) => l.taxes), ...invoice.shipping.flatMap((s) => s.taxes), ...(invoice.orderTaxes ?? [])];
    parts.push(round(sum(carried.map((t) => parseDec(t.amount))), exponent));
  }
  parts.push(neg(parseDec(invoice.discount)));
  if (invoice.adjustment) parts.push(parseDec(invoice.adjustment.amount));
  return formatDec(sum(parts), exponent);
}

/** What a posted order must satisfy, or a refused one must say. Returns the outcome's label. */
function checkPosting(order: Order): string {
  let result: ReturnType<typeof postOrder> | undefined;
  expect(() => {
    result = postOrder(order);
  }).not.toThrow();
  if (!result) throw new Error('no result');
  expect(floatsIn(result), 'a float in the posting result').toEqual([]);
  if (result.ok) {
    const { invoice, totals } = result;
    const exponent = currencyExponent(invoice.currency);
    expect(invoice.total).toBe(totals.stated);
    expect(draftTotal(invoice)).toBe(formatDec(parseDec(invoice.total), exponent));
    if (invoice.adjustment) {
      const amount = parseDec(invoice.adjustment.amount);
      expect(amount.units < 0n ? -amount.units : amount.units).toBeLessThanOrEqual(parseDec(totals.tolerance).units * 10n ** BigInt(amount.scale - parseDec(totals.tolerance).scale));
    }
    return invoice.adjustment ? 'posted with a rounding line' : 'posted exactly';
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue).toMatch(/^(Order |The order ).+\.$/s);
    expect(issue).not.toMatch(/internal error/);
  }
  return result.issues.some((i) => /states a total of/.test(i)) ? 'refused: totals do not tie out' : 'refused: other reason';
}

describe('source mappings under mutated real payloads (property)', () => {
  for (const mapping of MAPPINGS) {
    it(`${mapping.name}: canonical or SOURCE_PAYLOAD_INVALID; no float; orders post or say why`, () => {
      const seeds = mapping.seeds();
      expect(seeds.length).toBeGreaterThan(0);
      // The unmutated seeds map, so the mutations start from payloads the mapping reads.
      for (const seed of seeds) expect(() => mapping.map(structuredClone(seed))).not.toThrow();
      const outcomes = tally();
      fc.assert(
        fc.property(mappingInput(seeds), (input) => {
          const before = structuredClone(input);
          let out: unknown;
          try {
            out = mapping.map(input);
          } catch (error) {
            if (!(error instanceof SyncError) || error.code !== 'SOURCE_PAYLOAD_INVALID') throw error;
            expect(error.class).toBe('validation');
            expect(error.message.length).toBeGreaterThan(20);
            outcomes.add('SOURCE_PAYLOAD_INVALID');
            return;
          } finally {
            expect(input).toStrictEqual(before);
          }
          const reparsed = SCHEMA[mapping.kind].safeParse(out);
          expect(reparsed.success, JSON.stringify(reparsed.error?.issues)).toBe(true);
          expect(floatsIn(out), 'a float in the canonical value').toEqual([]);
          outcomes.add(`mapped ${mapping.kind}`);
          if (mapping.kind === 'order') outcomes.add(checkPosting(out as Order));
        }),
        { numRuns: NUM_RUNS },
      );
      expect(rejections.reasons).toEqual([]);
      console.log(`${mapping.name}: numRuns ${NUM_RUNS} over ${seeds.length} seeds → ${outcomes}; unhandled rejections 0`);
    });
  }
});
