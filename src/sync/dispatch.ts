/**
 * Hands a committed inbox event to the queue: one sync job per flow (integration) fed by its connection.
 * Jobs are keyed by (integration, entity type, source id), so queued duplicates coalesce and two jobs for one
 * entity never run at once (DESIGN.md §2.3).
 */
import type { EngineDeps } from './deps.ts';
import type { Connection, EntityType, InboxEvent, Integration, PollItem } from './ports.ts';

export interface SyncEntityPayload {
  [key: string]: string | null;
  integrationId: string;
  entityType: EntityType;
  sourceId: string;
  eventId: string | null;
}

export interface ExpandPointerPayload {
  [key: string]: string;
  connectionId: string;
  eventId: string;
}

export function entityKey(integrationId: string, entityType: EntityType, sourceId: string): string {
  return `${integrationId}:${entityType}:${sourceId}`;
}

export async function enqueueSync(
  deps: Pick<EngineDeps, 'store' | 'queue'>,
  integration: Integration,
  entityType: EntityType,
  sourceId: string,
  eventId: string | null,
  options: { priority?: 'live' | 'backfill'; delayMs?: number } = {},
): Promise<void> {
  const record = await deps.store.records.ensure(
    { tenantId: integration.tenantId, integrationId: integration.id, entityType, sourceId },
    eventId ? { lastEventId: eventId } : {},
  );
  if (eventId && record.lastEventId !== eventId) {
    await deps.store.records.update(record.tenantId, record.id, { lastEventId: eventId });
  }
  const payload: SyncEntityPayload = { integrationId: integration.id, entityType, sourceId, eventId };
  await deps.queue.enqueue({
    name: 'sync-entity',
    tenantId: integration.tenantId,
    key: entityKey(integration.id, entityType, sourceId),
    payload,
    ...(options.priority ? { priority: options.priority } : {}),
    ...(options.delayMs ? { delayMs: options.delayMs } : {}),
  });
}

export async function dispatchEvent(deps: Pick<EngineDeps, 'store' | 'queue'>, event: InboxEvent): Promise<number> {
  if (event.pointer) {
    // A pointer is followed by a job: intake makes no outbound call.
    const payload: ExpandPointerPayload = { connectionId: event.connectionId, eventId: event.id };
    await deps.queue.enqueue({ name: 'expand-pointer', tenantId: event.tenantId, key: `pointer:${event.id}`, payload });
    await deps.store.inbox.markEnqueued(event.tenantId, event.id);
    return 1;
  }
  const integrations = await deps.store.integrations.listBySource(event.tenantId, event.connectionId);
  let jobs = 0;
  for (const integration of integrations) {
    if (!integration.enabled) continue;
    await enqueueSync(deps, integration, event.entityType, event.sourceId, event.id);
    jobs += 1;
  }
  await deps.store.inbox.markEnqueued(event.tenantId, event.id);
  return jobs;
}

/** Re-dispatches events whose process died between commit and enqueue. */
export async function sweepInbox(deps: Pick<EngineDeps, 'store' | 'queue'>, olderThanMs = 10_000): Promise<number> {
  const stranded = await deps.store.inbox.listUnenqueued(olderThanMs, 500);
  for (const event of stranded) await dispatchEvent(deps, event);
  return stranded.length;
}

/**
 * Changes found by a poller or behind a pointer become inbox events keyed by entity and `updatedAt`, so
 * the same change seen by a webhook, a poll and a pointer is queued once. Returns how many were new.
 */
export async function commitChanges(deps: Pick<EngineDeps, 'store' | 'queue'>, connection: Connection, items: readonly PollItem[], topic: string): Promise<number> {
  let queued = 0;
  for (const item of items) {
    const { inserted, event } = await deps.store.inbox.insert({
      tenantId: connection.tenantId,
      connectionId: connection.id,
      deliveryId: `change:${item.entityType}:${item.sourceId}:${item.updatedAt}`,
      topic,
      entityType: item.entityType,
      sourceId: item.sourceId,
      payload: JSON.stringify(item),
      headers: {},
      triggeredAt: item.updatedAt,
    });
    if (!inserted) continue;
    await dispatchEvent(deps, event);
    queued += 1;
  }
  return queued;
}
