/**
 * The catalog poll: a source's products and shipping methods (carriers and their services), read whole on a
 * schedule and stored per tenant and connection, so they can be offered for mapping to the target's items and
 * accounts (mapping-options.ts). Entries the source stops listing stay stored, inactive. One poll per connection
 * runs at a time across every scheduler (a lease), and a catalog polled less than `everyMs` ago is not polled again
 * (the time of the last poll is the connection's `catalog` cursor), so several schedulers poll it once.
 */
import { classify } from '../core/errors.ts';
import type { Engine } from './engine.ts';
import type { CatalogSyncReport, Connection } from './ports.ts';
import { holderId } from './with-lease.ts';

/** How often a catalog is read again. */
export const CATALOG_EVERY_MS = 6 * 60 * 60_000;
/** How often the scheduler asks whether one is due: a new connection's first poll waits at most this long. */
export const CATALOG_CHECK_EVERY_MS = 10 * 60_000;
/** The cursor holding the instant of the last complete poll. */
export const CATALOG_CURSOR = 'catalog';
/** A poll of a large catalog at 40 calls a minute (ShipStation) may take minutes; the lease outlives it. */
const LEASE_MS = 20 * 60_000;

export interface CatalogPollReport {
  tenantId: string;
  connectionId: string;
  skipped?: 'inactive' | 'unsupported' | 'busy' | 'not-due';
  polledAt?: string;
  counts?: CatalogSyncReport;
}

export interface CatalogPollOptions {
  /** Polls only when the last poll is at least this old. @defaultValue CATALOG_EVERY_MS */
  everyMs?: number;
  /** Polls even when the last poll is recent (an operator's "refresh now", a test). */
  force?: boolean;
}

/** Polls one source connection's catalog if it has one and it is due. Errors propagate (nothing is stored then). */
export async function pollCatalog(engine: Engine, connection: Connection, options: CatalogPollOptions = {}): Promise<CatalogPollReport> {
  const { store, leases, clock, ownerId } = engine.deps;
  const base = { tenantId: connection.tenantId, connectionId: connection.id };
  if (connection.role !== 'source' || connection.status !== 'active') return { ...base, skipped: 'inactive' };
  const client = engine.runtime.source(connection, { tenantId: connection.tenantId, recordId: null });
  if (!client.catalog) return { ...base, skipped: 'unsupported' };
  const lease = `catalog:${connection.id}`;
  const holder = holderId(ownerId);
  if (!(await leases.acquire(lease, holder, LEASE_MS))) return { ...base, skipped: 'busy' };
  try {
    const last = await store.cursors.get(connection.tenantId, connection.id, CATALOG_CURSOR);
    const everyMs = options.everyMs ?? CATALOG_EVERY_MS;
    if (!options.force && last !== null && clock.now().getTime() - Date.parse(last) < everyMs) return { ...base, skipped: 'not-due' };
    const snapshot = await client.catalog();
    const at = clock.now();
    const counts = await store.catalog.sync(connection.tenantId, connection.id, snapshot, at);
    await store.cursors.set(connection.tenantId, connection.id, CATALOG_CURSOR, at.toISOString());
    await store.audit.append({
      tenantId: connection.tenantId,
      recordId: null,
      connectionId: connection.id,
      kind: 'step',
      step: 'catalog-polled',
      method: null,
      url: null,
      status: null,
      durationMs: null,
      error: null,
      detail: { products: counts.products, shippingMethods: counts.shippingMethods },
    });
    return { ...base, polledAt: at.toISOString(), counts };
  } finally {
    await leases.release(lease, holder);
  }
}

/**
 * The scheduler's task: every active source connection's catalog, when due. A failure is logged and audited for
 * that connection and the others go on; the next check tries again (the cursor did not move).
 */
export async function pollCatalogs(engine: Engine, options: Omit<CatalogPollOptions, 'force'> = {}): Promise<CatalogPollReport[]> {
  const { store, logger } = engine.deps;
  const reports: CatalogPollReport[] = [];
  for (const connection of await store.connections.listAll()) {
    if (connection.role !== 'source' || connection.status !== 'active') continue;
    try {
      const report = await pollCatalog(engine, connection, options);
      if (report.counts) logger.info({ connectionId: connection.id, ...report.counts }, 'catalog polled');
      reports.push(report);
    } catch (error) {
      const message = classify(error).message;
      logger.warn({ connectionId: connection.id, err: message }, 'catalog poll failed; the next check tries again');
      await store.audit.append({
        tenantId: connection.tenantId,
        recordId: null,
        connectionId: connection.id,
        kind: 'step',
        step: 'catalog-poll-failed',
        method: null,
        url: null,
        status: null,
        durationMs: null,
        error: message,
        detail: null,
      });
    }
  }
  return reports;
}

/** The scheduler's task (scheduler.ts): every source's catalog that is due, every `everyMs` (default 6 hours). */
export function catalogTask(engine: Engine, everyMs?: number): () => Promise<void> {
  return async () => {
    await pollCatalogs(engine, everyMs === undefined ? {} : { everyMs });
  };
}
