/**
 * ShipStation webhook intake. V1 deliveries are unsigned pointers: the body is exactly
 * `{"resource_url": "...", "resource_type": "ORDER_NOTIFY"}` (notes §4). Nothing in it is trusted as data: a job
 * later GETs the URL with the merchant's credentials (source.ts `expandPointer`), and the records it returns are
 * the truth. What guards intake:
 *   - the engine's webhook URL carries this connection's unguessable key, checked before this verifier runs;
 *   - the body must be that JSON object with a V1 resource_type we know            → else 400 webhook_invalid_body
 *   - the resource_url must point at this connection's own ShipStation API: https on `ssapiN.shipstation.com`
 *     with the default base, or exactly the configured `apiBaseUrl` origin, and the list path its type names.
 *     Anything else is refused (400 webhook_foreign_url): a forged pointer must never make us send the
 *     merchant's Basic credentials to another host, or read another endpoint with them (pitfall 6, S16).
 * Event: one per delivery, `deliveryId` = `sourceId` = SHA-256 of "<resource_type> <resource_url>". ShipStation
 * redelivers the same pointer for one batch, so the same pointer dedupes for ever; every new batch names a new
 * `importBatch` / `batchId` / `fulfillmentId` and so gets a new id. Hashing the pointer rather than the raw bytes
 * keeps that true if a redelivery is serialised differently (spacing, key order).
 */
import { createHash } from 'node:crypto';
import { JsonSyntaxError, parseJsonExact } from '../../core/json.ts';
import type { Connection, WebhookEvent, WebhookInput, WebhookVerdict, WebhookVerifier } from '../../sync/ports.ts';
import { manifest, pointerTargetOf, V1_BASE_URL, V1_EVENTS, v1BaseUrl } from './connector.ts';
import type { PointerTarget } from './connector.ts';

export type PointerCheck = { ok: true; url: URL; target: PointerTarget } | { ok: false; message: string };

/**
 * Whether `resourceUrl` is a list on this connection's own V1 API for `resourceType` (see the module comment).
 * Used at intake and again before the URL is fetched.
 */
export function checkPointer(resourceUrl: string, resourceType: string, connection: Pick<Connection, 'config'>): PointerCheck {
  const target = pointerTargetOf(resourceType);
  if (!target) return { ok: false, message: `ShipStation resource_type ${resourceType} is not one this connector follows.` };
  if (resourceUrl.length > manifest.webhook.maxResourceUrlLength) return { ok: false, message: 'The resource_url is far longer than ShipStation ever sends.' };
  let url: URL;
  try {
    url = new URL(resourceUrl);
  } catch {
    return { ok: false, message: 'The resource_url is not a URL.' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, message: 'The resource_url carries credentials; ShipStation never sends such a URL.' };

  const base = new URL(v1BaseUrl(connection));
  const usesDefault = base.origin === new URL(V1_BASE_URL).origin;
  const hostOk = usesDefault
    ? url.protocol === 'https:' && url.port === '' && manifest.v1.resourceHost.test(url.hostname.toLowerCase())
    : url.origin === base.origin;
  if (!hostOk) {
    return { ok: false, message: `The resource_url points at ${url.origin}, not at this connection's ShipStation API (${usesDefault ? 'https://ssapiN.shipstation.com' : base.origin}).` };
  }

  const basePath = usesDefault ? '' : base.pathname.replace(/\/+$/, '');
  const path = url.pathname.replace(/\/+$/, '').toLowerCase();
  if (path !== `${basePath}${target.path}`.toLowerCase()) {
    return { ok: false, message: `A ${resourceType} resource_url must list ${target.path}, not ${url.pathname}.` };
  }
  return { ok: true, url, target };
}

/** The pointer's own id: SHA-256 (hex) of its type and URL. */
export function pointerId(resourceType: string, resourceUrl: string): string {
  return createHash('sha256').update(`${resourceType} ${resourceUrl}`, 'utf8').digest('hex');
}

function refuse(code: string, message: string): WebhookVerdict {
  return { ok: false, status: 400, code, message };
}

export const shipstationWebhook: WebhookVerifier = {
  verify(input: WebhookInput, connection: Connection): WebhookVerdict {
    let body: unknown;
    try {
      body = parseJsonExact(input.rawBody.toString('utf8'));
    } catch (error) {
      if (error instanceof JsonSyntaxError) return refuse('webhook_invalid_body', 'The body is not valid JSON.');
      throw error;
    }
    if (!isRecord(body)) return refuse('webhook_invalid_body', 'The body is not a JSON object with resource_url and resource_type.');
    const resourceUrl = body['resource_url'];
    const resourceType = body['resource_type'];
    if (typeof resourceUrl !== 'string' || resourceUrl.trim() === '' || typeof resourceType !== 'string' || resourceType.trim() === '') {
      return refuse('webhook_invalid_body', 'The body lacks resource_url or resource_type.');
    }
    const type = resourceType.trim().toUpperCase();
    if (!(V1_EVENTS as readonly string[]).includes(type)) {
      return refuse('webhook_invalid_body', `resource_type ${resourceType} is not a ShipStation V1 webhook event.`);
    }
    if ((manifest.webhook.acknowledged as readonly string[]).includes(type)) return { ok: true, events: [] };

    const url = resourceUrl.trim();
    const check = checkPointer(url, type, connection);
    if (!check.ok) return refuse('webhook_foreign_url', check.message);

    const id = pointerId(type, url);
    const event: WebhookEvent = {
      deliveryId: id,
      topic: type,
      entityType: check.target.entityType,
      sourceId: id,
      triggeredAt: null,
      pointer: { url, resourceType: type },
    };
    return { ok: true, events: [event] };
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
