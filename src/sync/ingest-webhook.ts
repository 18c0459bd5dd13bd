/**
 * Webhook intake (DESIGN.md §2.1): verify, commit the raw event, then answer. No outbound call happens here,
 * so the answer is fast; a forged or unsigned delivery stores nothing but a security audit line.
 */
import { isStorableText } from '../core/text.ts';
import { dispatchEvent } from './dispatch.ts';
import type { EngineDeps } from './deps.ts';
import type { WebhookIntake } from './intake.ts';
import type { WebhookEvent } from './ports.ts';

export interface WebhookDelivery {
  connectionId: string;
  webhookKey: string;
  headers: Record<string, string>;
  rawBody: Buffer;
}

export type IngestResult =
  | { status: 200; body: { received: number; duplicates: number } }
  | { status: 400 | 401 | 404; body: { error: string; message: string } };

/**
 * `intake` (one per engine) lets overlapping deliveries share lookups, inserts and the hand-off to the queue, so a
 * burst is answered within the platform's window (see intake.ts); without it each delivery does its own.
 */
export async function ingestWebhook(deps: Pick<EngineDeps, 'store' | 'queue' | 'registry' | 'logger'>, delivery: WebhookDelivery, intake?: WebhookIntake): Promise<IngestResult> {
  const connection = intake
    ? await intake.connection(delivery.connectionId, delivery.webhookKey)
    : await deps.store.connections.getByWebhookKey(delivery.connectionId, delivery.webhookKey);
  if (!connection) return { status: 404, body: { error: 'unknown_connection', message: 'No connection has this webhook address.' } };
  const verifier = deps.registry.webhook(connection.system);
  if (!verifier) return { status: 404, body: { error: 'no_webhooks', message: `${connection.system} connections take no webhooks.` } };

  const refuse = async (status: 400 | 401, code: string, message: string): Promise<IngestResult> => {
    await deps.store.audit.append({
      tenantId: connection.tenantId,
      recordId: null,
      connectionId: connection.id,
      kind: 'security',
      step: 'webhook-refused',
      method: 'POST',
      url: null,
      status,
      durationMs: null,
      error: code,
      detail: { bytes: delivery.rawBody.length },
    });
    deps.logger.warn({ connectionId: connection.id, code }, 'webhook refused');
    return { status, body: { error: code, message } };
  };

  const verdict = verifier.verify({ headers: delivery.headers, rawBody: delivery.rawBody }, connection);
  if (!verdict.ok) return refuse(verdict.status, verdict.code, verdict.message);
  if ('handshake' in verdict) return { status: 200, body: { received: 0, duplicates: 0 } };
  // The event's fields come from the body (a WooCommerce date, a ShipStation resource_url): text PostgreSQL
  // cannot store would fail the insert and answer 500, so the sender would retry it for ever.
  if (verdict.events.some((event) => !storable(event))) {
    return refuse(400, 'webhook_invalid_body', 'The delivery names its record with characters that cannot be stored (NUL or an unpaired UTF-16 surrogate).');
  }

  let received = 0;
  let duplicates = 0;
  const payload = delivery.rawBody.toString('utf8');
  for (const event of verdict.events) {
    const row = {
      tenantId: connection.tenantId,
      connectionId: connection.id,
      deliveryId: event.deliveryId,
      topic: event.topic,
      entityType: event.entityType,
      sourceId: event.sourceId,
      payload,
      headers: storableHeaders(delivery.headers),
      triggeredAt: event.triggeredAt,
      ...(event.pointer ? { pointer: event.pointer } : {}),
    };
    const committed = intake ? await intake.commit(row) : { ...(await deps.store.inbox.insert(row)), alone: true };
    const { inserted, event: stored } = committed;
    if (!inserted) {
      duplicates += 1;
      continue;
    }
    received += 1;
    if (intake) {
      // Alone, it is queued before the answer, as it always was; in a burst, the answer goes first (intake.ts).
      const wait = committed.alone && intake.laneIdle;
      const queued = intake.handOff(stored, wait);
      if (wait) await queued;
      continue;
    }
    // The event is committed; if queueing fails now, the inbox sweeper hands it over later.
    try {
      await dispatchEvent(deps, stored);
    } catch (error) {
      deps.logger.error({ eventId: stored.id, err: error instanceof Error ? error.message : String(error) }, 'enqueue failed; the sweeper will retry');
    }
  }
  return { status: 200, body: { received, duplicates } };
}

function storable(event: WebhookEvent): boolean {
  return [event.deliveryId, event.topic, event.sourceId, event.triggeredAt ?? '', event.pointer?.url ?? '', event.pointer?.resourceType ?? ''].every(isStorableText);
}

/** Credentials never reach the inbox, even if a sender put them in a header. */
function storableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
}
