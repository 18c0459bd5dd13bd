/**
 * Follows a pointer webhook (ShipStation: `{resource_url, resource_type}`) with an authenticated GET of every
 * page, and commits each order or shipment it names as a change. The fetched data, not the payload, is
 * trusted; the payload only said where to look.
 */
import type { ConnectorRuntime } from './connector-runtime.ts';
import type { EngineDeps } from './deps.ts';
import { commitChanges, type ExpandPointerPayload } from './dispatch.ts';
import { decideFailure } from './outcome.ts';
import type { JobContext, JobOutcome } from './ports.ts';

export async function runExpandPointer(deps: EngineDeps, runtime: ConnectorRuntime, job: JobContext): Promise<JobOutcome> {
  const payload = job.payload as unknown as ExpandPointerPayload;
  const event = await deps.store.inbox.get(job.tenantId, payload.eventId);
  const connection = await deps.store.connections.get(job.tenantId, payload.connectionId);
  if (!event?.pointer || !connection) return { status: 'failed', reason: `pointer event ${payload.eventId} or its connection is gone` };
  if (connection.status !== 'active') return { status: 'retry', delayMs: 5 * 60_000, reason: `${connection.label} is ${connection.status}`, wait: true };
  const client = runtime.source(connection, { tenantId: job.tenantId, recordId: null });
  if (!client.expandPointer) return { status: 'failed', reason: `${connection.system} sends no pointer webhooks` };
  try {
    let queued = 0;
    for await (const page of client.expandPointer(event.pointer)) {
      queued += await commitChanges(deps, connection, page.items, `${event.topic}/expanded`);
    }
    deps.logger.info({ connectionId: connection.id, eventId: event.id, queued }, 'pointer followed');
    return { status: 'done' };
  } catch (error) {
    const decision = decideFailure(error, job.attempt);
    deps.logger.warn({ connectionId: connection.id, eventId: event.id, reason: decision.reason }, 'pointer could not be followed');
    return decision.job.status === 'done' ? { status: 'failed', reason: decision.reason } : decision.job;
  }
}
