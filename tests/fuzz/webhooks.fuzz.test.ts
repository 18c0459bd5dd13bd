/**
 * Property runs over the webhook verifiers of all three sources (the parsers every delivery meets first), seeded
 * with real signed deliveries caught from the simulators:
 *   - arbitrary headers and bodies: the verifier never throws, and nothing unsigned yields an event;
 *   - a real delivery with any one byte changed under its old signature: refused 401 (ShipStation signs nothing:
 *     a changed pointer is refused or still points at the connection's own API, never elsewhere);
 *   - a real body structurally mutated and then validly signed: a 400 refusal or at most one well-formed event;
 *   - parseJsonExact on arbitrary text: a value or JsonSyntaxError, nothing else.
 * Unhandled rejections are tracked through every run; each property prints its numRuns and outcomes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonExact, stringifyExact } from '../../src/core/json.ts';
import { hmacSha256Base64 } from '../../src/connectors/_kit/hmac.ts';
import { shipstationWebhook } from '../../src/connectors/shipstation/webhook.ts';
import { shopifyWebhook } from '../../src/connectors/shopify/webhook.ts';
import { woocommerceWebhook } from '../../src/connectors/woocommerce/webhook.ts';
import type { Connection, WebhookVerdict, WebhookVerifier } from '../../src/sync/ports.ts';
import { trackUnhandledRejections } from '../support/log-capture.ts';
import { fixtures, mutated, mutatedBytes, oddJson, tally } from './fuzz-kit.ts';
import { collectSimSeeds, type Delivery, type SimSeeds } from './sim-seeds.ts';

/** FUZZ_RUNS=5000 for a deeper run; the default keeps the file well under 30 s on a busy 2-core machine. */
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const rejections = trackUnhandledRejections();
let sim: SimSeeds;
beforeAll(async () => {
  sim = await collectSimSeeds();
});
afterAll(() => rejections.stop());

type Source = 'shopify' | 'woocommerce' | 'shipstation';
const VERIFIERS: Record<Source, WebhookVerifier> = { shopify: shopifyWebhook, woocommerce: woocommerceWebhook, shipstation: shipstationWebhook };
const SIGNATURE: Record<Source, string | null> = { shopify: 'x-shopify-hmac-sha256', woocommerce: 'x-wc-webhook-signature', shipstation: null };
const ENTITY_TYPES = ['order', 'customer', 'product', 'refund', 'shipment'];

function connectionOf(source: Source): Connection {
  const base = { id: 'c-1', tenantId: 't-1', role: 'source' as const, label: source, status: 'active' as const, statusReason: null, webhookKey: 'k', createdAt: '', updatedAt: '' };
  switch (source) {
    case 'shopify':
      return { ...base, system: 'shopify', config: { shopDomain: sim.shopify.shop }, secrets: { webhookSecret: sim.shopify.secret, accessToken: 'shpat_x' } };
    case 'woocommerce':
      return { ...base, system: 'woocommerce', config: { siteUrl: sim.woocommerce.siteUrl }, secrets: { webhookSecret: sim.woocommerce.secret, consumerKey: 'ck', consumerSecret: 'cs' } };
    case 'shipstation':
      return { ...base, system: 'shipstation', config: { apiBaseUrl: sim.shipstation.apiBaseUrl }, secrets: { apiKey: 'k', apiSecret: 's' } };
  }
}

/** The simulator's deliveries, plus fixture bodies sent with the headers of its first delivery (ShipStation: pointers only). */
function deliveriesOf(source: Source): Delivery[] {
  // WooCommerce's unsigned creation pings are handshakes, not deliveries: left out here.
  const caught = sim[source].deliveries.filter((d) => source !== 'woocommerce' || d.headers['x-wc-webhook-topic'] !== undefined);
  if (source === 'shipstation') return caught;
  const template = caught[0];
  if (!template) throw new Error(`no ${source} delivery from the simulator`);
  const bodies = Object.entries(fixtures(source)).filter(([name]) => !name.includes('graphql')).map(([, value]) => Buffer.from(stringifyExact(value)));
  return [...caught, ...bodies.map((body) => ({ headers: { ...template.headers }, body }))].map((d) => resigned(source, d.headers, d.body));
}

/** `headers` with the signature of `body` under the connection's secret (ShipStation: unchanged). */
function resigned(source: Source, headers: Record<string, string>, body: Buffer): Delivery {
  const header = SIGNATURE[source];
  const secret = connectionOf(source).secrets.webhookSecret ?? '';
  return { headers: header ? { ...headers, [header]: hmacSha256Base64(secret, body) } : { ...headers }, body };
}

/** Runs the verifier; any throw fails the property. */
function verify(source: Source, headers: Record<string, string>, body: Buffer): WebhookVerdict {
  return VERIFIERS[source].verify({ headers, rawBody: body }, connectionOf(source));
}

/** What an accepted verdict must look like: at most one event, each well-formed for its source. */
function expectWellFormed(source: Source, verdict: WebhookVerdict): void {
  if (!verdict.ok) return;
  expect(verdict.events.length).toBeLessThanOrEqual(1);
  for (const event of verdict.events) {
    expect(ENTITY_TYPES).toContain(event.entityType);
    expect(typeof event.deliveryId).toBe('string');
    expect(event.topic.length).toBeGreaterThan(0);
    if (event.triggeredAt !== null) expect(Number.isNaN(Date.parse(event.triggeredAt))).toBe(false);
    if (source === 'shopify') expect(event.sourceId).toMatch(/^\d{1,20}$/);
    if (source === 'woocommerce') expect(event.sourceId).toMatch(/^\d+$/);
    if (source === 'shipstation') {
      expect(event.sourceId).toMatch(/^[0-9a-f]{64}$/);
      // A pointer is only ever followed on the connection's own API, with its credentials.
      expect(new URL(event.pointer?.url ?? '').origin).toBe(new URL(sim.shipstation.apiBaseUrl).origin);
    }
  }
}

const SOURCES: Source[] = ['shopify', 'woocommerce', 'shipstation'];

describe('webhook verifiers under arbitrary input (property)', () => {
  const headerNames = fc.constantFrom(
    'content-type', 'x-shopify-topic', 'x-shopify-hmac-sha256', 'x-shopify-shop-domain', 'x-shopify-webhook-id', 'x-shopify-api-version', 'X-Shopify-Hmac-SHA256',
    'x-wc-webhook-signature', 'x-wc-webhook-topic', 'x-wc-webhook-source', 'x-wc-webhook-id', 'x-wc-webhook-delivery-id', 'x-wc-webhook-resource', 'x-wc-webhook-event',
  );
  const headerValues = fc.oneof(fc.string(), fc.base64String({ maxLength: 64 }), fc.constantFrom('orders/create', 'order.created', 'customer.updated', 'application/json', 'application/x-www-form-urlencoded', '', ' '));
  const bodies = fc.oneof(
    fc.string().map((s) => Buffer.from(s)),
    fc.json().map((s) => Buffer.from(s)),
    oddJson.map((v) => Buffer.from(stringifyExact(v) ?? 'null')),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.constantFrom('webhook_id=12', 'webhook_id=', 'webhook_id=1&x=2', '{"resource_url":"http://127.0.0.1/orders","resource_type":"ORDER_NOTIFY"}').map((s) => Buffer.from(s)),
  );

  for (const source of SOURCES) {
    it(`${source}: never throws; nothing unsigned yields an event`, () => {
      const outcomes = tally();
      fc.assert(
        fc.property(fc.dictionary(headerNames, headerValues, { maxKeys: 8, noNullPrototype: true }), bodies, (headers, body) => {
          const verdict = verify(source, headers, body);
          if (!verdict.ok) {
            expect([400, 401]).toContain(verdict.status);
            expect(verdict.message.length).toBeGreaterThan(10);
            outcomes.add(`${verdict.status} ${verdict.code}`);
            return;
          }
          expectWellFormed(source, verdict);
          // Random headers carry no valid signature: only the WooCommerce creation ping (a handshake) or
          // ShipStation's unsigned pointers (guarded by the URL key and the host check) may pass.
          if (source !== 'shipstation' && !('handshake' in verdict)) expect(verdict.events).toEqual([]);
          outcomes.add('handshake' in verdict ? 'handshake' : `accepted with ${verdict.events.length} event(s)`);
        }),
        { numRuns: NUM_RUNS },
      );
      expect(rejections.reasons).toEqual([]);
      console.log(`${source} verifier, arbitrary headers × bodies: numRuns ${NUM_RUNS} → ${outcomes}`);
    });
  }
});

describe('webhook verifiers over real signed deliveries (property)', () => {
  for (const source of SOURCES) {
    it(`${source}: the real deliveries pass; one changed byte under the old signature never does`, () => {
      const deliveries = deliveriesOf(source);
      for (const d of deliveries) {
        const verdict = verify(source, d.headers, d.body);
        expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
        expectWellFormed(source, verdict);
      }
      const outcomes = tally();
      fc.assert(
        fc.property(
          fc.nat({ max: deliveries.length - 1 }).chain((i) => mutatedBytes(deliveries[i]?.body ?? Buffer.alloc(0)).map((m) => ({ ...m, headers: deliveries[i]?.headers ?? {} }))),
          ({ bytes, edit, headers }) => {
            const verdict = verify(source, headers, bytes);
            if (SIGNATURE[source] !== null) {
              // Every edit changes the bytes (a flipped bit, a cut of at least one byte, at least one inserted byte, a BOM).
              expect(verdict.ok, `${edit} was accepted`).toBe(false);
              if (!verdict.ok) expect(verdict).toMatchObject({ status: 401, code: 'webhook_invalid_signature' });
            } else {
              expectWellFormed(source, verdict);
            }
            outcomes.add(verdict.ok ? `${edit}: accepted` : `${edit}: ${verdict.status} ${verdict.code}`);
          },
        ),
        { numRuns: NUM_RUNS },
      );
      expect(rejections.reasons).toEqual([]);
      console.log(`${source} verifier, ${deliveries.length} real deliveries with one byte edit each: numRuns ${NUM_RUNS} → ${outcomes}`);
    });

    it(`${source}: a real body structurally mutated and validly signed gets a 400 or one well-formed event`, () => {
      const deliveries = deliveriesOf(source);
      const parsed = deliveries.map((d) => parseJsonExact(d.body.toString('utf8')));
      const outcomes = tally();
      fc.assert(
        fc.property(fc.nat({ max: deliveries.length - 1 }), mutated(parsed), (i, value) => {
          const body = Buffer.from(stringifyExact(value) ?? 'null');
          const d = resigned(source, deliveries[i]?.headers ?? {}, body);
          const verdict = verify(source, d.headers, d.body);
          if (!verdict.ok) {
            expect(verdict.status).toBe(400);
            expect(['webhook_invalid_body', 'webhook_foreign_url']).toContain(verdict.code);
            outcomes.add(`400 ${verdict.code}`);
            return;
          }
          expectWellFormed(source, verdict);
          outcomes.add(`accepted with ${verdict.events.length} event(s)`);
        }),
        { numRuns: NUM_RUNS },
      );
      expect(rejections.reasons).toEqual([]);
      console.log(`${source} verifier, mutated real bodies re-signed: numRuns ${NUM_RUNS} → ${outcomes}`);
    });
  }
});

describe('parseJsonExact, the parser behind every verifier (property)', () => {
  it('returns a value or throws JsonSyntaxError, for any text; integers beyond 2^53 stay exact', () => {
    const outcomes = tally();
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json(),
      fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
      fc.bigInt({ min: 2n ** 53n, max: 2n ** 90n }).map((n) => `{"id":${n}}`),
      fc.integer({ min: 1, max: 50_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
      fc.constantFrom('{"__proto__":{"polluted":1}}', '{"a":1,"a":2}', '\ufeff{}', '1e400', '-0', '"\\ud800"', '{"x":"\u0000"}'),
    );
    fc.assert(
      fc.property(text, (t) => {
        let value: unknown;
        try {
          value = parseJsonExact(t);
        } catch (error) {
          expect(error).toBeInstanceOf(JsonSyntaxError);
          outcomes.add('JsonSyntaxError');
          return;
        }
        outcomes.add('parsed');
        const big = /^\{"id":(\d+)\}$/.exec(t);
        if (big) expect((value as { id: unknown }).id).toBe(BigInt(big[1] ?? '0'));
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      }),
      { numRuns: NUM_RUNS * 3 },
    );
    expect(rejections.reasons).toEqual([]);
    console.log(`parseJsonExact: numRuns ${NUM_RUNS * 3} → ${outcomes}; Object.prototype never polluted`);
  });
});
