/**
 * Shopify webhook intake: verify, then name the record that changed. No outbound call (DESIGN.md §2.1).
 *
 * Order of checks, each a coded refusal:
 *   1. required headers present (case-insensitive)            → 401 webhook_missing_headers
 *   2. the connection has a webhook secret                      → 401 webhook_not_configured
 *   3. base64 HMAC-SHA256 of the RAW body, constant time         → 401 webhook_invalid_signature
 *   4. X-Shopify-Shop-Domain is this connection's shop          → 401 webhook_wrong_shop
 *   5. the body is JSON with an id (read exactly: ids > 2^53)   → 400 webhook_invalid_body
 * A topic we do not sync is acknowledged with no event, so Shopify does not retry it.
 * @see https://shopify.dev/docs/apps/build/webhooks/subscribe/https (notes §4.2–4.3)
 */
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { Connection, WebhookEvent, WebhookInput, WebhookVerdict, WebhookVerifier } from '../../sync/ports.ts';
import { headerValue, hmacSha256Base64, missingHeaders, safeEqual } from '../_kit/hmac.ts';
import { entityTypeOfTopic, manifest, normalizeShopDomain } from './connector.ts';
import { legacyId } from './gid.ts';

function refuse(status: 400 | 401, code: string, message: string): WebhookVerdict {
  return { ok: false, status, code, message };
}

export const shopifyWebhook: WebhookVerifier = {
  verify(input: WebhookInput, connection: Connection): WebhookVerdict {
    const { headers, rawBody } = input;
    const missing = missingHeaders(headers, manifest.webhook.requiredHeaders);
    if (missing.length > 0) {
      return refuse(401, 'webhook_missing_headers', `The delivery lacks ${missing.join(', ')}: it did not come from Shopify.`);
    }

    const secret = connection.secrets['webhookSecret'];
    if (!secret) {
      return refuse(401, 'webhook_not_configured', 'This connection has no webhook secret (the app\'s client secret): add it to verify deliveries.');
    }
    const signature = headerValue(headers, manifest.webhook.signature.header);
    if (!safeEqual(hmacSha256Base64(secret, rawBody), signature)) {
      return refuse(401, 'webhook_invalid_signature', 'The signature does not match the body: wrong client secret, or the body was changed on the way.');
    }

    const shop = normalizeShopDomain(headerValue(headers, 'X-Shopify-Shop-Domain') ?? '');
    const configured = connection.config['shopDomain'];
    const expected = typeof configured === 'string' ? normalizeShopDomain(configured) : '';
    if (shop !== expected) {
      return refuse(401, 'webhook_wrong_shop', `A delivery signed for shop ${shop} reached the connection of ${expected || 'an unconfigured shop'}.`);
    }

    let body: unknown;
    try {
      body = parseJsonExact(rawBody.toString('utf8'));
    } catch (error) {
      if (error instanceof JsonSyntaxError) return refuse(400, 'webhook_invalid_body', 'The body is not valid JSON.');
      throw error;
    }

    const topic = (headerValue(headers, 'X-Shopify-Topic') ?? '').toLowerCase();
    const entityType = entityTypeOfTopic(topic);
    if (!entityType) return { ok: true, events: [] };

    const id = isRecord(body) ? body['id'] : undefined;
    if (!(typeof id === 'bigint' || (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.trim() !== ''))) {
      return refuse(400, 'webhook_invalid_body', `The ${topic} body has no id.`);
    }

    const sourceId = legacyId(id);
    // Shopify ids are unsigned 64-bit integers (or gids of them): anything else is not a Shopify record.
    if (!/^\d{1,20}$/.test(sourceId)) return refuse(400, 'webhook_invalid_body', `The ${topic} body's id is not a Shopify id.`);

    const event: WebhookEvent = {
      deliveryId: headerValue(headers, 'X-Shopify-Webhook-Id') ?? '',
      topic,
      entityType,
      sourceId,
      triggeredAt: headerValue(headers, 'X-Shopify-Triggered-At') ?? null,
    };
    return { ok: true, events: [event] };
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
