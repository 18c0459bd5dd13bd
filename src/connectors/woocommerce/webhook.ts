/**
 * WooCommerce webhook intake: verify, then name the record that changed. No outbound call (DESIGN.md §2.1).
 *
 * The creation ping (notes §8.6) comes first and unsigned: a form body of exactly `webhook_id=<digits>`, no
 * X-WC-Webhook-* headers. It is answered 200 as a handshake (nothing stored) without a signature check — but
 * only in exactly that shape; anything else goes through the checks below. WooCommerce wants exactly 200 for the
 * ping, else it shows "Delivery URL returned response code" and keeps the webhook pending.
 *
 * Deliveries, each check a coded refusal:
 *   1. required headers present (case-insensitive, §8.3)            → 401 webhook_missing_headers
 *   2. the connection has a webhook secret                          → 401 webhook_not_configured
 *   3. base64 HMAC-SHA256 of the RAW body, constant time (§8.4)     → 401 webhook_invalid_signature
 *   4. X-WC-Webhook-Source is this connection's store (§8.3)       → 401 webhook_wrong_source
 *   5. the body is JSON with an id                                  → 400 webhook_invalid_body
 * A topic we do not sync (product.*, order.deleted, action.*) is acknowledged with no event.
 *
 * Delivery id. `X-WC-Webhook-Delivery-ID` is `wp_hash(webhook id . time())` (§8.3): two deliveries of one
 * webhook in the same second share it, even for two different orders, so on its own it would make the inbox
 * drop a real change. The event's deliveryId is therefore
 *   `<X-WC-Webhook-ID>:<X-WC-Webhook-Delivery-ID>:<resource id>:<date_modified_gmt>`
 * which is equal only for a true re-delivery of the same state (WooCommerce's duplicate sends, §9.2, and the
 * simulator's `duplicateRate`), and different for any other state of any record.
 */
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import { WholeId } from '../../core/model.ts';
import type { Connection, WebhookEvent, WebhookInput, WebhookVerdict, WebhookVerifier } from '../../sync/ports.ts';
import { headerValue, hmacSha256Base64, missingHeaders, safeEqual } from '../_kit/hmac.ts';
import { entityTypeOfTopic, manifest, normalizeSiteUrl, siteUrlOf } from './connector.ts';

function refuse(status: 400 | 401, code: string, message: string): WebhookVerdict {
  return { ok: false, status, code, message };
}

/** The unsigned creation ping, in exactly its shape: `webhook_id=<digits>`, form-encoded, no X-WC-Webhook-* header. */
export function isCreationPing(input: WebhookInput): boolean {
  if (Object.keys(input.headers).some((name) => /^x-wc-webhook-/i.test(name))) return false;
  const type = headerValue(input.headers, 'Content-Type');
  if (type !== undefined && !/^application\/x-www-form-urlencoded\b/i.test(type)) return false;
  return input.rawBody.length <= 40 && /^webhook_id=\d{1,20}$/.test(input.rawBody.toString('latin1'));
}

export const woocommerceWebhook: WebhookVerifier = {
  verify(input: WebhookInput, connection: Connection): WebhookVerdict {
    if (isCreationPing(input)) return { ok: true, handshake: true, events: [] };

    const { headers, rawBody } = input;
    const missing = missingHeaders(headers, manifest.webhook.requiredHeaders);
    if (missing.length > 0) {
      return refuse(401, 'webhook_missing_headers', `The delivery lacks ${missing.join(', ')}: it did not come from WooCommerce's webhooks.`);
    }

    const secret = connection.secrets['webhookSecret'];
    if (!secret) {
      return refuse(401, 'webhook_not_configured', 'This connection has no webhook secret: reconnect the store so its webhooks are registered with one.');
    }
    // WooCommerce HTML-entity-decodes the stored secret before signing (§8.4); ours are plain, so that is a no-op.
    const signature = headerValue(headers, manifest.webhook.signature.header);
    if (!safeEqual(hmacSha256Base64(secret, rawBody), signature)) {
      return refuse(401, 'webhook_invalid_signature', 'The signature does not match the body: the webhook has another secret, or the body was changed on the way.');
    }

    const source = normalizeSiteUrl(headerValue(headers, 'X-WC-Webhook-Source') ?? '');
    const expected = siteUrlOf(connection);
    if (!expected || source !== expected) {
      return refuse(401, 'webhook_wrong_source', `A delivery signed by ${source || 'an unnamed store'} reached the connection of ${expected || 'an unconfigured store'}.`);
    }

    let body: unknown;
    try {
      body = parseJsonExact(rawBody.toString('utf8'));
    } catch (error) {
      if (error instanceof JsonSyntaxError) return refuse(400, 'webhook_invalid_body', 'The body is not valid JSON.');
      throw error;
    }

    const topic = (headerValue(headers, 'X-WC-Webhook-Topic') ?? '').toLowerCase();
    const entityType = entityTypeOfTopic(topic);
    if (!entityType) return { ok: true, events: [] };

    const record = isRecord(body) ? body : {};
    const id = WholeId.safeParse(record['id']);
    // 0 is WooCommerce's "none", never a record.
    if (!id.success || /^0+$/.test(id.data)) return refuse(400, 'webhook_invalid_body', `The ${topic} body has no id.`);
    const sourceId = id.data;

    const modified = typeof record['date_modified_gmt'] === 'string' ? record['date_modified_gmt'] : '';
    const hookId = headerValue(headers, 'X-WC-Webhook-ID') ?? '';
    const delivery = headerValue(headers, 'X-WC-Webhook-Delivery-ID') ?? '';
    const event: WebhookEvent = {
      deliveryId: `${hookId}:${delivery}:${sourceId}:${modified}`,
      topic,
      entityType,
      sourceId,
      triggeredAt: modified && !Number.isNaN(Date.parse(`${modified}Z`)) ? new Date(`${modified}Z`).toISOString().replace('.000Z', 'Z') : null,
    };
    return { ok: true, events: [event] };
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
