/**
 * Polling, the safety net under webhooks (DESIGN.md §2.5). Each change found becomes an inbox event (see
 * commitChanges), so a change seen twice is harmless, and the cursor advances only after the page's events
 * are committed. One poller per
 * stream runs at a time, however many schedulers are up.
 */
import type { ConnectorRuntime } from './connector-runtime.ts';
import type { EngineDeps } from './deps.ts';
import { commitChanges } from './dispatch.ts';
import type { Connection } from './ports.ts';
import { holderId } from './with-lease.ts';

export interface PollReport {
  stream: string;
  pages: number;
  seen: number;
  queued: number;
  cursor: string | null;
  skipped?: 'busy' | 'inactive';
}

/**
 * How long a poll holds its stream's lease; it renews the lease while it runs. A poller that dies mid-poll
 * (SIGKILL, OOM, a lost machine) blocks the stream for at most this long, not for as long as a long poll may take.
 */
export const POLL_LEASE_MS = 15_000;

export async function pollStream(deps: EngineDeps, runtime: ConnectorRuntime, connection: Connection, stream: string, options: { since?: Date; backfill?: boolean; leaseMs?: number } = {}): Promise<PollReport> {
  const report: PollReport = { stream, pages: 0, seen: 0, queued: 0, cursor: null };
  if (connection.status !== 'active') return { ...report, skipped: 'inactive' };
  const lease = `poll:${connection.id}:${stream}`;
  const holder = holderId(deps.ownerId);
  const leaseMs = options.leaseMs ?? POLL_LEASE_MS;
  if (!(await deps.leases.acquire(lease, holder, leaseMs))) return { ...report, skipped: 'busy' };
  // Renewing is taking it again as the same holder. The last renewal is awaited before the release, so a late one
  // cannot bring the lease back after it.
  let renewing: Promise<unknown> = Promise.resolve();
  const renew = setInterval(() => {
    renewing = deps.leases.acquire(lease, holder, leaseMs).catch(() => false);
  }, Math.max(10, Math.floor(leaseMs / 3)));
  try {
    const cursorName = options.backfill ? `${stream}:backfill` : stream;
    const cursor = options.backfill ? null : await deps.store.cursors.get(connection.tenantId, connection.id, cursorName);
    const since = options.since ?? new Date(connection.createdAt);
    const client = runtime.source(connection, { tenantId: connection.tenantId, recordId: null });
    for await (const page of client.poll(stream, cursor, since)) {
      report.pages += 1;
      report.seen += page.items.length;
      report.queued += await commitChanges(deps, connection, page.items, `poll/${stream}`);
      await deps.store.cursors.set(connection.tenantId, connection.id, cursorName, page.cursor);
      report.cursor = page.cursor;
    }
    return report;
  } finally {
    clearInterval(renew);
    await renewing;
    await deps.leases.release(lease, holder);
  }
}
