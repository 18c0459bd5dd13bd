import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WebhookInput } from '../../sync/ports.ts';
import { HOOK_SECRET, testConnection } from './test-kit.ts';
import { isCreationPing, woocommerceWebhook } from './webhook.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/woocommerce/', import.meta.url));
/** The docs' order 727 as a body, with PHP's `\/` escapes as wp_json_encode writes them. */
const RAW = Buffer.from(JSON.stringify(JSON.parse(readFileSync(`${FIXTURES}order-docs-727.json`, 'utf8'))).replace(/\//g, '\\/'));
const connection = testConnection();

function sign(body: Buffer | string, secret = HOOK_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** A delivery as WooCommerce sends it (§8.3). */
function delivery(body: Buffer = RAW, headers: Record<string, string | undefined> = {}): WebhookInput {
  const all: Record<string, string | undefined> = {
    'User-Agent': 'WooCommerce/9.8.0 Hookshot (WordPress/6.8.1)',
    'Content-Type': 'application/json',
    'X-WC-Webhook-Source': 'https://shop.example/',
    'X-WC-Webhook-Topic': 'order.updated',
    'X-WC-Webhook-Resource': 'order',
    'X-WC-Webhook-Event': 'updated',
    'X-WC-Webhook-Signature': sign(body),
    'X-WC-Webhook-ID': '12',
    'X-WC-Webhook-Delivery-ID': '8c5e1c4a4c0d2f7a9b3e6d1f0a2b4c6d',
    ...headers,
  };
  return { rawBody: body, headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)) };
}

describe('creation ping', () => {
  const ping = (body: string, headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }): WebhookInput => ({
    rawBody: Buffer.from(body),
    headers: { 'user-agent': 'WordPress/6.8.1; https://shop.example', ...headers },
  });

  it('is a handshake without a signature check (even with no secret configured)', () => {
    expect(woocommerceWebhook.verify(ping('webhook_id=12'), connection)).toEqual({ ok: true, handshake: true, events: [] });
    expect(woocommerceWebhook.verify(ping('webhook_id=7', {}), testConnection({}, { webhookSecret: '' }))).toEqual({ ok: true, handshake: true, events: [] });
  });

  it.each([
    ['a JSON body', ping('{"webhook_id":12}', { 'content-type': 'application/json' })],
    ['a JSON content type', ping('webhook_id=12', { 'content-type': 'application/json' })],
    ['more fields', ping('webhook_id=12&x=1')],
    ['a non-numeric id', ping('webhook_id=abc')],
    ['X-WC-Webhook headers', ping('webhook_id=12', { 'x-wc-webhook-topic': 'order.updated' })],
  ])('only in its exact shape: %s is verified as a delivery', (_name, input) => {
    expect(isCreationPing(input)).toBe(false);
    const verdict = woocommerceWebhook.verify(input, connection);
    expect(verdict.ok).toBe(false);
  });
});

describe('deliveries', () => {
  it('verifies the signature over the raw bytes and names the order', () => {
    const verdict = woocommerceWebhook.verify(delivery(), connection);
    expect(verdict).toEqual({
      ok: true,
      events: [
        {
          deliveryId: '12:8c5e1c4a4c0d2f7a9b3e6d1f0a2b4c6d:727:2017-03-22T19:28:08',
          topic: 'order.updated',
          entityType: 'order',
          sourceId: '727',
          triggeredAt: '2017-03-22T19:28:08Z',
        },
      ],
    });
  });

  it('accepts lower-cased header names (as Node delivers them)', () => {
    const input = delivery();
    const lower = { rawBody: input.rawBody, headers: Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])) };
    expect(woocommerceWebhook.verify(lower, connection).ok).toBe(true);
  });

  it('refuses a forged or re-serialised body', () => {
    const forged = delivery(RAW, { 'X-WC-Webhook-Signature': sign(RAW, 'guessed-secret') });
    expect(woocommerceWebhook.verify(forged, connection)).toMatchObject({ ok: false, status: 401, code: 'webhook_invalid_signature' });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(RAW.toString('utf8'))));
    expect(woocommerceWebhook.verify(delivery(reserialised, { 'X-WC-Webhook-Signature': sign(RAW) }), connection)).toMatchObject({ ok: false, code: 'webhook_invalid_signature' });
  });

  it('refuses a delivery without its signature or id headers', () => {
    expect(woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Signature': undefined }), connection)).toMatchObject({ ok: false, status: 401, code: 'webhook_missing_headers' });
    const verdict = woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Delivery-ID': undefined, 'X-WC-Webhook-ID': undefined }), connection);
    expect(verdict).toMatchObject({ ok: false, code: 'webhook_missing_headers' });
    expect(verdict.ok === false && verdict.message).toMatch(/X-WC-Webhook-ID, X-WC-Webhook-Delivery-ID/);
  });

  it('refuses when the connection has no webhook secret', () => {
    expect(woocommerceWebhook.verify(delivery(), testConnection({}, { webhookSecret: '' }))).toMatchObject({ ok: false, status: 401, code: 'webhook_not_configured' });
  });

  it('refuses a validly signed delivery from another store (X-WC-Webhook-Source)', () => {
    const verdict = woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Source': 'https://other.example/' }), connection);
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'webhook_wrong_source' });
    // Case and trailing slash do not matter; the scheme and sub-directory do.
    expect(woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Source': 'https://Shop.Example' }), connection).ok).toBe(true);
    expect(woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Source': 'http://shop.example/' }), connection).ok).toBe(false);
    expect(woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Source': 'https://shop.example/blog/' }), connection).ok).toBe(false);
    expect(woocommerceWebhook.verify(delivery(RAW, { 'X-WC-Webhook-Source': 'https://shop.example/blog/' }), testConnection({ siteUrl: 'https://shop.example/blog' })).ok).toBe(true);
  });

  it('answers 400 to bad JSON or a body without id once the signature holds', () => {
    const broken = Buffer.from('{"id": 727,');
    expect(woocommerceWebhook.verify(delivery(broken), connection)).toMatchObject({ ok: false, status: 400, code: 'webhook_invalid_body' });
    const noId = Buffer.from('{"status":"processing"}');
    expect(woocommerceWebhook.verify(delivery(noId), connection)).toMatchObject({ ok: false, status: 400, code: 'webhook_invalid_body' });
  });

  // Found by the fuzz suite: a negative id beyond 2^53 parses as a bigint and was taken as a record id.
  it.each(['-9007199254740993', '-7', '0', '"0"', '"-7"', '7.5'])('answers 400 to an id that is no WooCommerce id: %s', (id) => {
    expect(woocommerceWebhook.verify(delivery(Buffer.from(`{"id":${id}}`)), connection)).toMatchObject({ ok: false, status: 400, code: 'webhook_invalid_body' });
  });

  it('maps customer topics and acknowledges topics it does not sync', () => {
    const customer = Buffer.from('{"id":26,"email":"joao.silva@example.com","date_modified_gmt":"2017-03-21T19:11:16"}');
    const verdict = woocommerceWebhook.verify(delivery(customer, { 'X-WC-Webhook-Topic': 'customer.created' }), connection);
    expect(verdict.ok && 'events' in verdict && verdict.events[0]).toMatchObject({ entityType: 'customer', sourceId: '26', topic: 'customer.created' });
    const product = Buffer.from('{"id":93}');
    expect(woocommerceWebhook.verify(delivery(product, { 'X-WC-Webhook-Topic': 'product.updated' }), connection)).toEqual({ ok: true, events: [] });
    expect(woocommerceWebhook.verify(delivery(Buffer.from('{"id":727}'), { 'X-WC-Webhook-Topic': 'order.deleted' }), connection)).toEqual({ ok: true, events: [] });
  });

  it('keeps two orders delivered in the same second apart, and a true re-delivery the same', () => {
    const a = Buffer.from('{"id":101,"date_modified_gmt":"2026-04-02T10:00:00"}');
    const b = Buffer.from('{"id":102,"date_modified_gmt":"2026-04-02T10:00:00"}');
    const idOf = (body: Buffer) => {
      const verdict = woocommerceWebhook.verify(delivery(body), connection);
      return verdict.ok && 'events' in verdict ? verdict.events[0]?.deliveryId : undefined;
    };
    expect(idOf(a)).not.toBe(idOf(b));
    expect(idOf(a)).toBe(idOf(a));
    const later = Buffer.from('{"id":101,"date_modified_gmt":"2026-04-02T10:00:01"}');
    expect(idOf(later)).not.toBe(idOf(a));
  });
});
