import type { EntityType, InboxEvent, NewInboxEvent, Store } from '../sync/ports.ts';
import type { RepoContext } from './context.ts';
import { newId } from './context.ts';
import { iso, isoOrNull, jsonParam, tsParam } from './rows.ts';
import { RowNotFoundError } from './errors.ts';

interface InboxRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  delivery_id: string;
  topic: string;
  entity_type: EntityType;
  source_id: string;
  payload: string;
  headers: Record<string, string>;
  received_at: Date;
  triggered_at: Date | null;
  enqueued_at: Date | null;
  pointer: { url: string; resourceType: string } | null;
}

const COLUMNS = 'id, tenant_id, connection_id, delivery_id, topic, entity_type, source_id, payload, headers, received_at, triggered_at, enqueued_at, pointer';

const toEvent = (row: InboxRow): InboxEvent => ({
  id: row.id,
  tenantId: row.tenant_id,
  connectionId: row.connection_id,
  deliveryId: row.delivery_id,
  topic: row.topic,
  entityType: row.entity_type,
  sourceId: row.source_id,
  payload: row.payload,
  headers: row.headers,
  receivedAt: iso(row.received_at),
  triggeredAt: isoOrNull(row.triggered_at),
  enqueuedAt: isoOrNull(row.enqueued_at),
  pointer: row.pointer ?? null,
});

/** 12 parameters a row: 500 rows stay far below PostgreSQL's 65,535 parameters per statement. */
const MAX_ROWS_PER_INSERT = 500;

export function inboxRepository({ db, now }: RepoContext): Store['inbox'] {
  /**
   * One INSERT for the chunk; a delivery already stored (or earlier in the chunk) comes back as a duplicate.
   * Only ids come back from the insert: the rest of each event is what was sent, so a burst's payloads are not
   * copied back out of the database.
   */
  async function insertChunk(events: readonly NewInboxEvent[]): Promise<Array<{ inserted: boolean; event: InboxEvent }>> {
    if (events.length === 0) return [];
    const receivedAt = tsParam(now());
    const ids = events.map(() => newId());
    const params: unknown[] = [];
    const tuples = events.map((event, i) => {
      const base = params.length;
      params.push(ids[i], event.tenantId, event.connectionId, event.deliveryId, event.topic, event.entityType, event.sourceId, event.payload, jsonParam(event.headers), receivedAt, event.triggeredAt === null ? null : tsParam(event.triggeredAt), event.pointer ? jsonParam(event.pointer) : null);
      const p = (n: number) => `$${base + n}`;
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}::jsonb, ${p(10)}::timestamptz, ${p(11)}::timestamptz, ${p(12)}::jsonb)`;
    });
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO inbox_events (id, tenant_id, connection_id, delivery_id, topic, entity_type, source_id, payload, headers, received_at, triggered_at, pointer)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (connection_id, delivery_id) DO NOTHING
       RETURNING id`,
      params,
    );
    const mine = new Set(inserted.map((row) => row.id));
    const missing = events.filter((_, i) => !mine.has(ids[i]!));
    const existing = new Map<string, InboxRow>();
    if (missing.length > 0) {
      const rows = await db.query<InboxRow>(
        `SELECT ${COLUMNS} FROM inbox_events WHERE (connection_id, delivery_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [missing.map((e) => e.connectionId), missing.map((e) => e.deliveryId)],
      );
      for (const row of rows) existing.set(JSON.stringify([row.connection_id, row.delivery_id]), row);
    }
    return events.map((event, i) => {
      const id = ids[i]!;
      if (mine.has(id)) {
        return {
          inserted: true,
          event: { ...event, id, headers: { ...event.headers }, receivedAt, triggeredAt: isoOrNull(event.triggeredAt), enqueuedAt: null, pointer: event.pointer ?? null },
        };
      }
      const first = existing.get(JSON.stringify([event.connectionId, event.deliveryId]));
      // A redelivery: hand back the first copy, which is the one the pipeline already knows (same tenant only).
      if (!first || first.tenant_id !== event.tenantId) throw new RowNotFoundError('inbox event for delivery', event.deliveryId);
      return { inserted: false, event: toEvent(first) };
    });
  }

  return {
    async insert(event) {
      const inserted = await db.query<InboxRow>(
        `INSERT INTO inbox_events (id, tenant_id, connection_id, delivery_id, topic, entity_type, source_id, payload, headers, received_at, triggered_at, pointer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12::jsonb)
         ON CONFLICT (connection_id, delivery_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [newId(), event.tenantId, event.connectionId, event.deliveryId, event.topic, event.entityType, event.sourceId, event.payload, jsonParam(event.headers), tsParam(now()), event.triggeredAt === null ? null : tsParam(event.triggeredAt), event.pointer ? jsonParam(event.pointer) : null],
      );
      if (inserted[0]) return { inserted: true, event: toEvent(inserted[0]) };
      // A redelivery: hand back the first copy, which is the one the pipeline already knows.
      const existing = await db.query<InboxRow>(`SELECT ${COLUMNS} FROM inbox_events WHERE connection_id = $1 AND delivery_id = $2 AND tenant_id = $3`, [event.connectionId, event.deliveryId, event.tenantId]);
      if (!existing[0]) throw new RowNotFoundError('inbox event for delivery', event.deliveryId);
      return { inserted: false, event: toEvent(existing[0]) };
    },
    async insertMany(events) {
      const results: Array<{ inserted: boolean; event: InboxEvent }> = [];
      for (let start = 0; start < events.length; start += MAX_ROWS_PER_INSERT) {
        results.push(...(await insertChunk(events.slice(start, start + MAX_ROWS_PER_INSERT))));
      }
      return results;
    },
    async get(tenantId, id) {
      const rows = await db.query<InboxRow>(`SELECT ${COLUMNS} FROM inbox_events WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return rows[0] ? toEvent(rows[0]) : null;
    },
    async markEnqueued(tenantId, id) {
      // Keeps the first time: a second hand-off (recovery sweep racing intake) is harmless, and the queue coalesces.
      const rows = await db.query('UPDATE inbox_events SET enqueued_at = COALESCE(enqueued_at, $3) WHERE tenant_id = $1 AND id = $2 RETURNING id', [tenantId, id, tsParam(now())]);
      if (!rows[0]) throw new RowNotFoundError('inbox event', id);
    },
    async listUnenqueued(olderThanMs, limit) {
      const cutoff = new Date(now().getTime() - olderThanMs);
      const rows = await db.query<InboxRow>(
        `SELECT ${COLUMNS} FROM inbox_events WHERE enqueued_at IS NULL AND received_at <= $1 ORDER BY received_at, seq LIMIT $2`,
        [tsParam(cutoff), limit],
      );
      return rows.map(toEvent);
    },
  };
}
