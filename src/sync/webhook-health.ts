/**
 * Webhooks the product registers itself (WooCommerce, ShipStation) are checked on a schedule: a hook the
 * platform disabled after failed deliveries, or one deleted by hand, is repaired and the repair is reported
 * (audit line and log), so a silent gap never lasts longer than one check. Polling covers what was missed.
 */
import { classify } from '../core/errors.ts';
import type { Engine } from './engine.ts';
import type { Connection, WebhookHealth } from './ports.ts';

export function webhookAddress(publicUrl: string, connection: Connection): string {
  return `${publicUrl.replace(/\/$/, '')}/webhooks/${connection.id}/${connection.webhookKey}`;
}

export async function checkWebhooks(engine: Engine, connection: Connection, publicUrl: string): Promise<WebhookHealth | null> {
  const { store, logger } = engine.deps;
  const client = engine.runtime.source(connection, { tenantId: connection.tenantId, recordId: null });
  if (!client.ensureWebhooks) return null;
  let health: WebhookHealth;
  try {
    health = await client.ensureWebhooks(webhookAddress(publicUrl, connection));
  } catch (error) {
    health = { ok: false, repaired: [], message: `could not check the webhooks: ${classify(error).message}` };
  }
  if (health.repaired.length > 0 || !health.ok) {
    await store.audit.append({
      tenantId: connection.tenantId,
      recordId: null,
      connectionId: connection.id,
      kind: 'step',
      step: health.ok ? 'webhooks-repaired' : 'webhooks-unhealthy',
      method: null,
      url: null,
      status: null,
      durationMs: null,
      error: health.ok ? null : health.message,
      detail: { repaired: health.repaired, message: health.message },
    });
    logger.warn({ connectionId: connection.id, repaired: health.repaired, message: health.message }, health.ok ? 'webhooks repaired' : 'webhooks unhealthy');
  }
  const reason = health.ok ? null : health.message;
  if (connection.statusReason !== reason && connection.status === 'active') {
    await store.connections.update(connection.tenantId, connection.id, { statusReason: reason });
  }
  return health;
}
