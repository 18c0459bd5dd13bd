import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Connection, WebhookInput } from '../../sync/ports.ts';
import { shopifyWebhook } from './webhook.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/shopify/', import.meta.url));
const SECRET = 'shpss_test_client_secret';
/** Shopify's sample order exactly as sent: `\/` escapes and an id above 2^53. */
const RAW = readFileSync(`${FIXTURES}order-sample-notification.json`);

function connection(overrides: Partial<Pick<Connection, 'config' | 'secrets'>> = {}): Connection {
  return {
    id: 'conn-1',
    tenantId: 'tenant-1',
    system: 'shopify',
    role: 'source',
    label: 'Shop',
    status: 'active',
    statusReason: null,
    config: { shopDomain: 'example.myshopify.com' },
    secrets: { accessToken: 'shpat_x', webhookSecret: SECRET },
    webhookKey: 'key',
    createdAt: '2026-04-01T00:00:00Z',
    updatedAt: '2026-04-01T00:00:00Z',
    ...overrides,
  };
}

function sign(body: Buffer | string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/** A delivery as Shopify sends it (header names as documented; Node would lower-case them). */
function delivery(body: Buffer = RAW, headers: Record<string, string> = {}): WebhookInput {
  return {
    rawBody: body,
    headers: {
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Hmac-Sha256': sign(body),
      'X-Shopify-Shop-Domain': 'example.myshopify.com',
      'X-Shopify-API-Version': '2026-04',
      'X-Shopify-Webhook-Id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'X-Shopify-Event-Id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
      'X-Shopify-Triggered-At': '2026-04-02T14:00:05.123Z',
      ...headers,
    },
  };
}

describe('shopifyWebhook.verify', () => {
  it('accepts a signed delivery and names the order, its id read exactly', () => {
    expect(shopifyWebhook.verify(delivery(), connection())).toEqual({
      ok: true,
      events: [
        {
          deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
          topic: 'orders/create',
          entityType: 'order',
          sourceId: '820982911946154508',
          triggeredAt: '2026-04-02T14:00:05.123Z',
        },
      ],
    });
  });

  it('reads headers whatever their case (Node lower-cases them)', () => {
    const input = delivery();
    const lower = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const verdict = shopifyWebhook.verify({ ...input, headers: lower }, connection());
    expect(verdict.ok && verdict.events[0]?.sourceId).toBe('820982911946154508');
  });

  it('refuses a tampered body', () => {
    const tampered = Buffer.from(RAW.toString('utf8').replace('"403.00"', '"4.03"'));
    const verdict = shopifyWebhook.verify({ ...delivery(), rawBody: tampered }, connection());
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'webhook_invalid_signature' });
  });

  it('refuses a signature made with another secret', () => {
    const verdict = shopifyWebhook.verify(delivery(RAW, { 'X-Shopify-Hmac-Sha256': sign(RAW, 'other') }), connection());
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'webhook_invalid_signature' });
  });

  it('verifies the raw bytes, not re-serialised JSON', () => {
    const reserialised = JSON.stringify(JSON.parse(RAW.toString('utf8')));
    const verdict = shopifyWebhook.verify(delivery(RAW, { 'X-Shopify-Hmac-Sha256': sign(reserialised) }), connection());
    expect(verdict).toMatchObject({ ok: false, code: 'webhook_invalid_signature' });
  });

  it.each(['X-Shopify-Hmac-Sha256', 'X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-API-Version', 'X-Shopify-Webhook-Id'])(
    'refuses a delivery without %s',
    (name) => {
      const input = delivery();
      const headers = Object.fromEntries(Object.entries(input.headers).filter(([k]) => k !== name));
      const verdict = shopifyWebhook.verify({ ...input, headers }, connection());
      expect(verdict).toMatchObject({ ok: false, status: 401, code: 'webhook_missing_headers' });
      expect(!verdict.ok && verdict.message).toContain(name);
    },
  );

  it('does without the optional Triggered-At', () => {
    const input = delivery();
    const headers = Object.fromEntries(Object.entries(input.headers).filter(([k]) => k !== 'X-Shopify-Triggered-At'));
    const verdict = shopifyWebhook.verify({ ...input, headers }, connection());
    expect(verdict.ok && verdict.events[0]?.triggeredAt).toBeNull();
  });

  it('refuses a delivery signed for another shop', () => {
    const verdict = shopifyWebhook.verify(delivery(RAW, { 'X-Shopify-Shop-Domain': 'other.myshopify.com' }), connection());
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'webhook_wrong_shop' });
  });

  it('compares shop domains without case, scheme or trailing slash', () => {
    const verdict = shopifyWebhook.verify(delivery(RAW, { 'X-Shopify-Shop-Domain': 'Example.MyShopify.com' }), connection({ config: { shopDomain: 'https://example.myshopify.com/' } }));
    expect(verdict.ok).toBe(true);
  });

  it('refuses when the connection has no webhook secret', () => {
    const verdict = shopifyWebhook.verify(delivery(), connection({ secrets: { accessToken: 'shpat_x' } }));
    expect(verdict).toMatchObject({ ok: false, status: 401, code: 'webhook_not_configured' });
  });

  it('answers 400 to a signed body that is not JSON, or has no id', () => {
    const notJson = Buffer.from('{"id": 1,');
    expect(shopifyWebhook.verify(delivery(notJson), connection())).toMatchObject({ ok: false, status: 400, code: 'webhook_invalid_body' });
    const noId = Buffer.from('{"name":"#1"}');
    expect(shopifyWebhook.verify(delivery(noId), connection())).toMatchObject({ ok: false, status: 400, code: 'webhook_invalid_body' });
  });

  it('names customers for customers/* topics', () => {
    const body = readFileSync(`${FIXTURES}customer-create-idr.json`);
    const verdict = shopifyWebhook.verify(delivery(body, { 'X-Shopify-Topic': 'customers/update' }), connection());
    expect(verdict.ok && verdict.events).toEqual([
      expect.objectContaining({ topic: 'customers/update', entityType: 'customer', sourceId: '5927087964342' }),
    ]);
  });

  it('acknowledges a topic we do not sync with no event, after verifying it', () => {
    const body = Buffer.from('{"id":1,"order_id":820982911946154508}');
    expect(shopifyWebhook.verify(delivery(body, { 'X-Shopify-Topic': 'refunds/create' }), connection())).toEqual({ ok: true, events: [] });
    expect(shopifyWebhook.verify({ ...delivery(body, { 'X-Shopify-Topic': 'refunds/create' }), rawBody: Buffer.from('{}') }, connection())).toMatchObject({ ok: false, code: 'webhook_invalid_signature' });
  });
});
